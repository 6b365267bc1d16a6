import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import {
    type PolicyStatement,
    s3AccessStatements,
    type S3Access,
    S3_ACCESS_KINDS,
    s3ActionsFor,
    s3GrantStatements,
    type S3GrantOptions,
    normalisePrefix,
    denyForeignEncryption,
} from "../shared/iam";
import { KmsKey } from "../shared/kms";
import type { Naming } from "../shared/naming";
import { zoneTags } from "../shared/tags";
import { createSecureBucket, type SecureBucket } from "./secure-bucket";
import {
    DEFAULT_ZONE_LIFECYCLES,
    GENERIC_ZONE_LIFECYCLE,
    validateLifecycle,
    type ObjectLockSpec,
    objectLockIssues,
    type ZoneLifecycle,
} from "../../model/lifecycle";

/**
 * Access to a zone for a principal outside the zone's account (cross-account data flow). `allowDelete` adds
 * `s3:DeleteObject` under the prefix (never version deletion); `crossAccountAcl` the ACL permission of writers that
 * send `bucket-owner-full-control` (see `S3GrantOptions`).
 */
export interface ZoneGrant extends S3GrantOptions {
    /** Principal ARN: an IAM role, or an account root (`arn:aws:iam::<id>:root`) that delegates to its own IAM. */
    principalArn: pulumi.Input<string>;
    /**
     * With an account root as `principalArn`: confine the grant to that account's IAM principals whose ARN matches one
     * of these patterns (`ArnLike` on `aws:PrincipalArn`, in the bucket and the key policy), e.g.
     * `arn:aws:iam::<id>:role/cdp/raw-writers/*`, so the account cannot hand it to any other role or user.
     * @default none: the account delegates the grant to its own IAM
     */
    principalArnLike?: string[];
    /** What the principal may do: `read`, `write`, `readwrite` or `firehose` (see `S3Access`). */
    access: S3Access;
    /**
     * Limit the grant to this key prefix, e.g. `events/`.
     * @default none: the whole zone
     */
    prefix?: string;
}

export interface DataLakeZoneArgs {
    /** Zone name, e.g. `raw`, `processed`, `curated`: 2-20 lower-case letters, digits, hyphens. */
    zone: string;
    /** Naming scope of the platform or domain; the bucket is `<prefix>-<env>[-<scope>]-<zone>-<account>-<region>`. */
    naming: Naming;
    /**
     * Override the physical bucket name (must already satisfy S3 naming rules).
     * @default `naming.bucket(zone, account, region)`: `<prefix>-<env>[-<scope>]-<zone>-<account>-<region>`
     */
    bucketName?: pulumi.Input<string>;
    /** Bucket receiving this zone's S3 server access logs (see `AccessLogBucket`). */
    accessLogBucketName: pulumi.Input<string>;
    /**
     * Lifecycle of the zone's objects.
     * @default `DEFAULT_ZONE_LIFECYCLES[zone]`, else `GENERIC_ZONE_LIFECYCLE`; with `objectLock`, without
     * `noncurrentExpirationDays` (noncurrent versions are kept)
     */
    lifecycle?: ZoneLifecycle;
    /**
     * Object Lock default retention. Can only be enabled when the bucket is created.
     * @default none: no Object Lock
     */
    objectLock?: ObjectLockSpec;
    /**
     * Data classification tag value (`DataClassification`).
     * @default "confidential"
     */
    classification?: string;
    /**
     * Cross-account principals allowed into the zone through the bucket and key policies.
     * @default none
     */
    grants?: ZoneGrant[];
    /**
     * ARN of Macie's service-linked role (`SecurityServices.macieServiceRoleArn`), when Macie classification jobs scan
     * this zone: the key admits it for `kms:Decrypt`, only through S3 and only for this bucket, so Macie can read the
     * zone's SSE-KMS objects. Pass the output of the Macie account, so the key waits for the role to exist.
     * @default none: Macie cannot read the zone's objects
     */
    macieServiceRoleArn?: pulumi.Input<string>;
    /**
     * KMS key deletion window, 7-30 days.
     * @default 30
     */
    keyDeletionWindowInDays?: number;
    /**
     * Protect bucket and key from deletion (`protect`, `retainOnDelete`, no `forceDestroy`).
     * @default true
     */
    dataProtection?: boolean;
}

const ZONE_NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;

/** Validates zone arguments; every problem names the argument, the value and what is expected. */
export function validateZoneArgs(name: string, args: DataLakeZoneArgs): void {
    const issues = new IssueCollector();
    const at = `DataLakeZone(${name})`;
    if (!ZONE_NAME.test(args.zone ?? "")) {
        issues.add(`${at}.zone`, args.zone, "2-20 lower-case letters, digits or hyphens, starting with a letter");
    }
    if (args.lifecycle) issues.addAll(validateLifecycle(`${at}.lifecycle`, args.lifecycle));
    if (args.objectLock) issues.addAll(objectLockIssues(`${at}.objectLock`, args.objectLock));
    (args.grants ?? []).forEach((grant, i) => {
        if (!S3_ACCESS_KINDS.includes(grant.access)) {
            issues.add(`${at}.grants[${i}].access`, grant.access, S3_ACCESS_KINDS.map((k) => `"${k}"`).join(", "));
        } else if (grant.allowDelete && grant.access === "read") {
            issues.add(
                `${at}.grants[${i}].allowDelete`,
                grant.allowDelete,
                "false for a read grant (nothing to delete)",
            );
        }
        try {
            normalisePrefix(grant.prefix);
        } catch {
            issues.add(`${at}.grants[${i}].prefix`, grant.prefix, "a literal key prefix without wildcards");
        }
    });
    issues.throwIfAny(`Invalid arguments for DataLakeZone "${name}"`);
}

/**
 * One zone of the data lake: an S3 bucket encrypted by default with the zone's own customer-managed KMS key (rotation
 * on, S3 Bucket Keys), versioned, ACLs disabled, public access blocked, a bucket policy that denies non-TLS requests
 * and uploads asking for another encryption than the zone's key, server access logging, lifecycle tiering and
 * optional Object Lock.
 */
export class DataLakeZone extends pulumi.ComponentResource {
    public readonly zone: string;
    public readonly kmsKey: KmsKey;
    public readonly resources: SecureBucket;
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    public readonly keyArn: pulumi.Output<string>;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: DataLakeZoneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:storage:DataLakeZone", name, {}, opts);
        validateZoneArgs(name, args);
        this.zone = args.zone;
        const dataProtection = args.dataProtection ?? true;
        const ctx = awsContext(this);
        const grants = args.grants ?? [];
        const lifecycle = args.lifecycle ?? defaultLifecycle(args.zone, args.objectLock);
        warnOnRetentionConflicts(name, lifecycle, args.objectLock);

        const bucketName =
            args.bucketName ??
            pulumi
                .all([ctx.accountId, ctx.region])
                .apply(([account, region]) => args.naming.bucket(args.zone, account, region));
        const bucketArn = pulumi.interpolate`arn:${ctx.partition}:s3:::${bucketName}`;

        this.kmsKey = new KmsKey(
            `${name}-key`,
            {
                description: `Data lake ${args.zone} zone (${args.naming.prefix}-${args.naming.environment})`,
                alias: args.naming.name("kmsAlias", args.zone),
                deletionWindowInDays: args.keyDeletionWindowInDays,
                policyStatements: [
                    ...grantsByPrincipal(grants).map((group, i) =>
                        grantKeyStatement(group, i, bucketArn, ctx.region, ctx.dnsSuffix),
                    ),
                    ...(args.macieServiceRoleArn
                        ? [macieKeyStatement(args.macieServiceRoleArn, bucketArn, ctx.region, ctx.dnsSuffix)]
                        : []),
                ],
                dataProtection,
            },
            { parent: this },
        );
        const keyArn = this.kmsKey.keyArn;

        this.resources = createSecureBucket(name, this, {
            bucketName,
            encryption: { kind: "kms", keyArn },
            policyStatements: (arn) => [...denyForeignEncryption(arn, keyArn), ...grantBucketStatements(grants, arn)],
            lifecycle,
            objectLock: args.objectLock,
            accessLogging: { targetBucket: args.accessLogBucketName, targetPrefix: `${args.zone}/` },
            dataProtection,
            tags: zoneTags(args.zone, args.classification ?? "confidential"),
        });
        this.bucketName = this.resources.bucket.bucket;
        this.bucketArn = this.resources.bucket.arn;
        this.keyArn = keyArn;
        // "Permissions for log delivery": the S3 logging service writes this bucket's access logs into the log bucket,
        // for this bucket and account only.
        this.requiredAccess = requiredAccess([
            {
                id: `${name}/server-access-logs`,
                principal: "logging.s3.amazonaws.com",
                requests: [
                    {
                        actions: ["s3:PutObject"],
                        resource: pulumi.interpolate`arn:${ctx.partition}:s3:::${args.accessLogBucketName}/${args.zone}/access-proof-object`,
                        context: { "aws:SourceArn": this.bucketArn, "aws:SourceAccount": ctx.accountId },
                    },
                ],
                doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general",
                why: `server access logs of the ${args.zone} zone (the audit trail of its objects)`,
            },
        ]);
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            keyArn: this.keyArn,
            requiredAccess: this.requiredAccess,
        });
    }

    /** Identity-policy statements to read the zone (or one prefix of it), with the KMS decrypt they need. */
    readStatements(prefix?: string): PolicyStatement[] {
        return this.accessStatements("read", prefix);
    }

    /** Identity-policy statements to write objects into the zone (or one prefix), with the KMS data-key access. */
    writeStatements(prefix?: string): PolicyStatement[] {
        return this.accessStatements("write", prefix);
    }

    /** Identity-policy statements for read and write (no delete) on the zone or one prefix. */
    readWriteStatements(prefix?: string): PolicyStatement[] {
        return this.accessStatements("readwrite", prefix);
    }

    private accessStatements(access: S3Access, prefix?: string): PolicyStatement[] {
        const sid = `${this.zone.replace(/[^A-Za-z0-9]/g, "")}${access}`;
        return s3AccessStatements(
            access,
            { bucketArn: this.bucketArn, keyArn: this.keyArn, prefix },
            sid.charAt(0).toUpperCase() + sid.slice(1),
        );
    }
}

/** Grants grouped by principal (a principal given as an unresolved `Output` is its own group). */
function grantsByPrincipal(
    grants: readonly ZoneGrant[],
): Array<{ principalArn: pulumi.Input<string>; grants: ZoneGrant[] }> {
    const groups: Array<{ principalArn: pulumi.Input<string>; grants: ZoneGrant[] }> = [];
    for (const grant of grants) {
        const same =
            typeof grant.principalArn === "string"
                ? groups.find(
                      (g) => g.principalArn === grant.principalArn && patternsKey(g.grants[0]) === patternsKey(grant),
                  )
                : undefined;
        if (same) same.grants.push(grant);
        else groups.push({ principalArn: grant.principalArn, grants: [grant] });
    }
    return groups;
}

const union = (lists: string[][]): string[] => [...new Set(lists.flat())];

const patternsKey = (grant: ZoneGrant): string => JSON.stringify([...(grant.principalArnLike ?? [])].sort());

/** The `aws:PrincipalArn` confinement of a grant (merged into each of its statements' conditions). */
const principalCondition = (grant: ZoneGrant): PolicyStatement["Condition"] =>
    grant.principalArnLike && grant.principalArnLike.length > 0
        ? { ArnLike: { "aws:PrincipalArn": grant.principalArnLike } }
        : undefined;

function withCondition(statement: PolicyStatement, condition: PolicyStatement["Condition"]): PolicyStatement {
    return condition ? { ...statement, Condition: { ...(statement.Condition ?? {}), ...condition } } : statement;
}

/**
 * Bucket-policy statements of the grants: per grant, its objects and the listing of its prefix; per principal, one
 * statement with the bucket-level actions (no prefix in their requests) all its grants need.
 */
function grantBucketStatements(grants: readonly ZoneGrant[], bucketArn: pulumi.Output<string>): PolicyStatement[] {
    return [
        ...grants.flatMap((grant, i) =>
            s3GrantStatements(
                grant.access,
                { ...grant, bucketArn },
                `Grant${i}`,
                { AWS: grant.principalArn },
                {
                    bucketLevel: false,
                },
            ).map((statement) => withCondition(statement, principalCondition(grant))),
        ),
        ...grantsByPrincipal(grants).map(
            (group, i): PolicyStatement =>
                withCondition(
                    {
                        Sid: `Principal${i}BucketAccess`,
                        Effect: "Allow",
                        Principal: { AWS: group.principalArn },
                        Action: union(group.grants.map((g) => s3ActionsFor(g.access, g).bucket)),
                        Resource: bucketArn,
                    },
                    principalCondition(group.grants[0]),
                ),
        ),
    ];
}

/**
 * Key-policy statement letting a granted principal use the zone key for all its grants, only through S3 and only for
 * this bucket.
 */
function grantKeyStatement(
    group: { principalArn: pulumi.Input<string>; grants: ZoneGrant[] },
    index: number,
    bucketArn: pulumi.Input<string>,
    region: pulumi.Input<string>,
    dnsSuffix: pulumi.Input<string>,
): PolicyStatement {
    return {
        Sid: `Principal${index}UseKeyViaS3`,
        Effect: "Allow",
        Principal: { AWS: group.principalArn },
        Action: union(group.grants.map((g) => s3ActionsFor(g.access, g).kms)),
        Resource: "*",
        Condition: {
            StringEquals: {
                "kms:ViaService": pulumi.interpolate`s3.${region}.${dnsSuffix}`,
                "kms:EncryptionContext:aws:s3:arn": bucketArn,
            },
            ...(principalCondition(group.grants[0]) ?? {}),
        },
    };
}

/**
 * Key-policy statement letting Macie's service-linked role decrypt the zone's objects when a classification job reads
 * them. "Supported storage classes and formats" / "Allowing Macie to use a customer managed AWS KMS key", Macie User
 * Guide (https://docs.aws.amazon.com/macie/latest/user/discovery-supported-encryption-types.html): the key policy
 * must allow the role `AWSServiceRoleForAmazonMacie` to `kms:Decrypt`. Macie reads objects with S3 GetObject, so S3
 * makes the decrypt call: the statement is narrowed to S3 in the region and this bucket's encryption context (S3
 * Bucket Keys use the bucket ARN), like every other grant of the zone keys.
 */
function macieKeyStatement(
    roleArn: pulumi.Input<string>,
    bucketArn: pulumi.Input<string>,
    region: pulumi.Input<string>,
    dnsSuffix: pulumi.Input<string>,
): PolicyStatement {
    return {
        Sid: "MacieServiceLinkedRoleDecryptViaS3",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: {
            StringEquals: {
                "kms:ViaService": pulumi.interpolate`s3.${region}.${dnsSuffix}`,
                "kms:EncryptionContext:aws:s3:arn": bucketArn,
            },
        },
    };
}

/** The zone's default lifecycle; with Object Lock, noncurrent versions are kept (S3 could not delete them anyway). */
function defaultLifecycle(zone: string, lock?: ObjectLockSpec): ZoneLifecycle {
    const base = DEFAULT_ZONE_LIFECYCLES[zone] ?? GENERIC_ZONE_LIFECYCLE;
    return lock ? { ...base, noncurrentExpirationDays: undefined } : base;
}

function warnOnRetentionConflicts(name: string, lifecycle: ZoneLifecycle, lock?: ObjectLockSpec): void {
    if (lock && lifecycle.noncurrentExpirationDays !== undefined && lifecycle.noncurrentExpirationDays < lock.days) {
        void pulumi.log.warn(
            `DataLakeZone "${name}": noncurrent versions expire after ${lifecycle.noncurrentExpirationDays} days but Object Lock retains them ${lock.days} days; S3 keeps locked versions until retention ends`,
        );
    }
}
