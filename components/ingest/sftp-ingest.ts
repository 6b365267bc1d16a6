import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess, s3Access } from "../shared/access";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { policyJson, type PolicyStatement, type S3Access, type S3AccessScope, s3AccessStatements } from "../shared/iam";
import { RAW_FOLDERS, RAW_WRITER_ROLE_PATH } from "../../model/raw-layout";
import { createLogGroup } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { createQueueWithDlq } from "../shared/queues";
import { serviceRole } from "../shared/roles";
import type { ZoneTarget } from "./zone-target";

/** A partner that delivers files over SFTP. */
export interface SftpPartner {
    /** Partner name, also its user name and folder: 3-32 lower-case letters, digits, hyphens. */
    name: string;
    /** OpenSSH public keys (`ssh-ed25519 …`, `ecdsa-sha2-nistp256 …`, `ssh-rsa …`). */
    sshPublicKeys: string[];
}

export interface SftpIngestArgs {
    /** Naming scope of the server, its log group and the upload queue. */
    naming: Naming;
    /** The raw zone partner files land in. */
    rawZone: ZoneTarget;
    /** The hub's CMK: logs and the upload-event queue. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the server's structured log group keeps logs. */
    logRetentionDays: number;
    /** The partners, each a service-managed user with its own folder. Names must be unique. */
    partners: SftpPartner[];
    /**
     * Key prefix in the raw zone; each partner gets `<prefix>/<partner>/`.
     * @default `RAW_FOLDERS.sftp` ("sftp")
     */
    prefix?: string;
    /**
     * Transfer Family security policy (SSH ciphers, key exchange and MAC algorithms).
     * @default "TransferSecurityPolicy-2025-03"
     */
    securityPolicyName?: string;
    /**
     * Serve from a VPC endpoint reachable only from `allowedCidrs` (port 22).
     * @default none: a public endpoint
     */
    vpc?: { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string>[]; allowedCidrs: string[] };
}

/**
 * What partners may do in their folder, for the Transfer Family role, each partner's session policy and (cross-account)
 * the raw bucket policy: Transfer Family's documented read/write set (`transfer`), and delete. Clients that upload to a temporary name and rename it (WinSCP,
 * FileZilla, many batch tools) need `s3:DeleteObject`: on S3, Transfer Family renames by copying to the new key and
 * deleting the old one. Delete is confined to the partner's own folder by the session policy, and it is never version
 * deletion: the raw bucket is versioned, so a delete only adds a delete marker and the upload stays recoverable as a
 * noncurrent version until the zone's lifecycle expires it. Transfer Family lists `s3:DeleteObject` among the object
 * actions of a read/write user (https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-all-access.html).
 */
export const SFTP_ACCESS: { access: S3Access; allowDelete: boolean } = { access: "transfer", allowDelete: true };

const PARTNER = /^[a-z][a-z0-9-]{2,31}$/;
const SSH_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]{40,}( .*)?$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/;

export function validateSftpIngestArgs(name: string, args: SftpIngestArgs): void {
    const issues = new IssueCollector();
    const at = `SftpIngest(${name})`;
    const seen = new Set<string>();
    args.partners.forEach((p, i) => {
        if (!PARTNER.test(p.name))
            issues.add(
                `${at}.partners[${i}].name`,
                p.name,
                "3-32 lower-case letters, digits or hyphens, starting with a letter",
            );
        if (seen.has(p.name))
            issues.add(`${at}.partners[${i}].name`, p.name, "a partner name not used by another partner");
        seen.add(p.name);
        if (p.sshPublicKeys.length === 0)
            issues.add(
                `${at}.partners[${i}].sshPublicKeys`,
                p.sshPublicKeys,
                "at least one SSH public key (service-managed users have no password)",
            );
        p.sshPublicKeys.forEach((k, j) => {
            if (!SSH_KEY.test(k.trim()))
                issues.add(
                    `${at}.partners[${i}].sshPublicKeys[${j}]`,
                    k,
                    "an OpenSSH public key: ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa",
                );
        });
    });
    (args.vpc?.allowedCidrs ?? []).forEach((c, i) => {
        if (!CIDR.test(c) || c === "0.0.0.0/0")
            issues.add(`${at}.vpc.allowedCidrs[${i}]`, c, "an IPv4 CIDR narrower than 0.0.0.0/0");
    });
    issues.throwIfAny(`Invalid arguments for SftpIngest "${name}"`);
}

/**
 * AWS Transfer Family SFTP for partner files: service-managed users with SSH keys, the newest security policy,
 * structured logging to an encrypted log group, optional VPC endpoint limited to allowed CIDRs. Each partner lands in
 * `raw/<prefix>/<partner>/` through a logical home directory and a session policy scoped to that folder, so no partner
 * can read, write or delete another's files; within its own folder a partner may delete (upload-then-rename clients
 * need it, see `SFTP_ACCESS`). Completed uploads become messages on an encrypted queue for downstream processing.
 */
export class SftpIngest extends pulumi.ComponentResource {
    public readonly server: aws.transfer.Server;
    public readonly users: Readonly<Record<string, aws.transfer.User>>;
    public readonly uploads: aws.sqs.Queue;
    public readonly role: aws.iam.Role;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: SftpIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:ingest:SftpIngest", name, {}, opts);
        validateSftpIngestArgs(name, args);
        const ctx = awsContext(this);
        const prefix = args.prefix ?? RAW_FOLDERS.sftp;
        const serverName = args.naming.name("generic", "sftp");
        const logGroup = createLogGroup(name, this, {
            name: `/aws/transfer/${serverName}`,
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });

        let endpointDetails: aws.types.input.transfer.ServerEndpointDetails | undefined;
        if (args.vpc) {
            const sg = new aws.ec2.SecurityGroup(
                name,
                {
                    description: `SFTP ${serverName}: port 22 from partner networks only`,
                    vpcId: args.vpc.vpcId,
                    ingress: [
                        {
                            protocol: "tcp",
                            fromPort: 22,
                            toPort: 22,
                            cidrBlocks: args.vpc.allowedCidrs,
                            description: "partner SFTP",
                        },
                    ],
                    egress: [],
                },
                { parent: this },
            );
            endpointDetails = { vpcId: args.vpc.vpcId, subnetIds: args.vpc.subnetIds, securityGroupIds: [sg.id] };
        }
        this.server = new aws.transfer.Server(
            name,
            {
                protocols: ["SFTP"],
                identityProviderType: "SERVICE_MANAGED",
                domain: "S3",
                endpointType: args.vpc ? "VPC" : "PUBLIC",
                endpointDetails,
                securityPolicyName: args.securityPolicyName ?? "TransferSecurityPolicy-2025-03",
                structuredLogDestinations: [pulumi.interpolate`${logGroup.arn}:*`],
                tags: { Name: serverName },
            },
            { parent: this },
        );

        // One role for all partners, limited to the SFTP folder; each user's session policy narrows it to its own.
        const folder: S3AccessScope = {
            bucketArn: args.rawZone.bucketArn,
            keyArn: args.rawZone.keyArn,
            prefix,
            allowDelete: SFTP_ACCESS.allowDelete,
            crossAccountAcl: args.rawZone.crossAccount ?? false,
        };
        this.role = serviceRole(name, this, {
            service: "transfer.amazonaws.com",
            accountId: ctx.accountId,
            description: `Transfer Family ${serverName}: partner access to raw/${prefix}/`,
            // The raw zone grants the hub account only to roles under this path (model/raw-layout.ts).
            path: RAW_WRITER_ROLE_PATH,
            trustCondition: {
                ArnLike: {
                    "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:transfer:${ctx.region}:${ctx.accountId}:user/*`,
                },
            },
            statements: s3AccessStatements(SFTP_ACCESS.access, folder, "Sftp"),
        }).role;

        const users: Record<string, aws.transfer.User> = {};
        const access: RequiredAccessInput[] = [];
        for (const partner of args.partners) {
            const home = `${prefix}/${partner.name}`;
            const user = new aws.transfer.User(
                `${name}-${partner.name}`,
                {
                    serverId: this.server.id,
                    userName: partner.name,
                    role: this.role.arn,
                    homeDirectoryType: "LOGICAL",
                    homeDirectoryMappings: [
                        { entry: "/", target: pulumi.interpolate`/${args.rawZone.bucketName}/${home}` },
                    ],
                    policy: partnerSessionPolicy({ ...folder, prefix: home }),
                },
                { parent: this },
            );
            partner.sshPublicKeys.forEach((key, i) => {
                new aws.transfer.SshKey(
                    `${name}-${partner.name}-${i}`,
                    { serverId: this.server.id, userName: user.userName, body: key.trim() },
                    { parent: this },
                );
            });
            users[partner.name] = user;
            // "Allow read and write access to an Amazon S3 bucket": what a Transfer Family user's role needs on its S3
            // home; a bucket in another account also needs PutObjectAcl (bucket-owner-full-control).
            access.push(
                s3Access({
                    id: `sftp-${partner.name}/home-folder`,
                    principal: user.arn,
                    bucketArn: args.rawZone.bucketArn,
                    keyArn: args.rawZone.keyArn,
                    prefix: `${home}/`,
                    objectActions: ["s3:PutObject", "s3:PutObjectAcl", "s3:GetObject"],
                    bucketActions: ["s3:ListBucket", "s3:GetBucketLocation"],
                    kmsActions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    objectContext: { "s3:x-amz-acl": "bucket-owner-full-control" },
                    ctx,
                    doc: "https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-all-access.html",
                    why: `partner ${partner.name} uploads to and lists its own folder raw/${home}/ (cross-account)`,
                }),
            );
        }
        this.users = users;

        // Completed uploads → an encrypted queue that downstream processing consumes.
        const rule = new aws.cloudwatch.EventRule(
            `${name}-uploads`,
            {
                description: `Completed partner uploads on ${serverName}`,
                eventPattern: pulumi.jsonStringify({
                    source: ["aws.transfer"],
                    "detail-type": ["SFTP Server File Upload Completed"],
                    detail: { "server-id": [this.server.id] },
                }),
            },
            { parent: this },
        );
        const { queue, dlq } = createQueueWithDlq(`${name}-uploads`, this, {
            queueName: args.naming.name("sqsQueue", "sftp-uploads"),
            kmsKeyArn: args.kmsKeyArn,
            senders: [{ service: "events.amazonaws.com", sourceArns: [rule.arn] }],
        });
        this.uploads = queue;
        new aws.cloudwatch.EventTarget(
            `${name}-uploads`,
            {
                rule: rule.name,
                arn: queue.arn,
                deadLetterConfig: { arn: dlq.arn },
                retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
            },
            { parent: this },
        );
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({
            serverId: this.server.id,
            endpoint: this.server.endpoint,
            requiredAccess: this.requiredAccess,
        });
    }
}

/**
 * The session policy of one partner: the role's access (`SFTP_ACCESS`, with delete) narrowed to the partner's own
 * folder. Transfer Family evaluates it together with the role, so even a misconfigured home directory cannot reach,
 * overwrite or delete another partner's files.
 */
export function partnerSessionPolicy(folder: S3AccessScope & { prefix: string }): pulumi.Output<string> {
    const statements: PolicyStatement[] = s3AccessStatements(SFTP_ACCESS.access, folder, "Partner");
    return policyJson(statements);
}
