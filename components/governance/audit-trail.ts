import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { EXAMPLE_OBJECT } from "../../model/access";
import { type ObjectLockSpec, validateLifecycle, type ZoneLifecycle } from "../../model/lifecycle";
import { requiredAccess } from "../shared/access";
import { createAlarm } from "../shared/alarms";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { accountRootArn, type PolicyStatement } from "../shared/iam";
import { KmsKey } from "../shared/kms";
import { createLogGroup, logsKeyStatement } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { serviceRole } from "../shared/roles";
import { createSecureBucket, type SecureBucket } from "../storage/secure-bucket";

export interface AuditTrailArgs {
    /** Naming scope: trail `<prefix>-<env>-audit`, bucket `<prefix>-<env>-audit-trail-<account>-<region>`. */
    naming: Naming;
    /** Buckets whose object-level (data) events the trail records: the lake's zones. */
    dataEventBuckets: Array<{ name: string; arn: pulumi.Input<string> }>;
    /** Bucket receiving the trail bucket's S3 server access logs (an `AccessLogBucket` that admits it). */
    accessLogBucketName: pulumi.Input<string>;
    /** Encrypted SNS topic the trail's alarms notify (the governance alarm topic). */
    alarmTopicArn: pulumi.Input<string>;
    /** Retention of the trail's CloudWatch Logs group (one of the values CloudWatch accepts). */
    logRetentionDays: number;
    /**
     * Days log files are kept in the trail bucket; at least 365.
     * @default 2557 (7 years)
     */
    retentionDays?: number;
    /**
     * Object Lock default retention of the trail bucket (only when the bucket is created).
     * @default none
     */
    objectLock?: ObjectLockSpec;
    /**
     * Make it an organisation trail (the account must be CloudTrail's delegated administrator; the trail is then
     * owned by the management account, whose id is in the trail ARN).
     * @default none: a trail of this account
     */
    organization?: { organizationId: string; managementAccountId: string };
    /**
     * Protect the bucket and key from deletion.
     * @default true
     */
    dataProtection?: boolean;
}

/** The CIS-style metric filters on the trail's log group: name → [description, filter pattern]. */
export const AUDIT_METRIC_FILTERS: Readonly<Record<string, { description: string; pattern: string }>> = {
    "unauthorized-api-calls": {
        description: "API calls denied for lack of authorisation (CIS CloudWatch.2)",
        pattern:
            '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
    },
    "root-account-use": {
        description: "The account's root user was used (CIS CloudWatch.1)",
        pattern:
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    },
    "kms-key-deletion": {
        description: "A KMS key was disabled or scheduled for deletion (CIS CloudWatch.7)",
        pattern:
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    },
    "lake-formation-permission-changes": {
        description: "Lake Formation permissions or data lake settings changed",
        pattern:
            "{ ($.eventSource = lakeformation.amazonaws.com) && (($.eventName = GrantPermissions) || ($.eventName = RevokePermissions) || ($.eventName = BatchGrantPermissions) || ($.eventName = BatchRevokePermissions) || ($.eventName = PutDataLakeSettings)) }",
    },
};

/** Bucket purpose of the trail bucket: `<prefix>-<env>-audit-trail-<account>-<region>`. */
export const AUDIT_TRAIL_BUCKET = "audit-trail";

/** Metric namespace of the audit metric filters. */
export const AUDIT_METRIC_NAMESPACE = "CDP/Audit";

const DOC_BUCKET =
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html";
const DOC_KEY = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html";
const DOC_LOGS =
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html";

/**
 * The platform's audit trail: a multi-region CloudTrail trail (optionally the organisation's) recording every
 * management event (Lake Formation and Glue included) and the S3 object-level events of the lake zones (advanced event
 * selectors), with log-file integrity validation, SSE-KMS under its own customer-managed key, a hardened bucket
 * (versioned, TLS-only, access-logged, lifecycle, optional Object Lock), delivery to an encrypted CloudWatch Logs
 * group, and CIS-style metric filters and alarms (unauthorised API calls, root use, key disabling/deletion, Lake
 * Formation permission changes) to the governance alarm topic.
 */
export class AuditTrail extends pulumi.ComponentResource {
    public readonly trail: aws.cloudtrail.Trail;
    public readonly kmsKey: KmsKey;
    public readonly bucket: SecureBucket;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly alarms: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
    public readonly trailArn: pulumi.Output<string>;
    /** The accesses CloudTrail needs (bucket, key, log group), proven by the plan's access proof. */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:AuditTrail", name, {}, opts);
        const retentionDays = args.retentionDays ?? 2557;
        const issues = new IssueCollector();
        if (!Number.isInteger(retentionDays) || retentionDays < 365) {
            issues.add(`AuditTrail(${name}).retentionDays`, retentionDays, "a whole number of days ≥ 365");
        }
        if (args.objectLock && args.objectLock.days > retentionDays) {
            issues.add(
                `AuditTrail(${name}).objectLock.days`,
                args.objectLock.days,
                `at most retentionDays (${retentionDays})`,
            );
        }
        const lifecycle = trailLifecycle(retentionDays, args.objectLock !== undefined);
        issues.addAll(validateLifecycle(`AuditTrail(${name}).lifecycle`, lifecycle));
        issues.throwIfAny(`Invalid arguments for AuditTrail "${name}"`);
        const dataProtection = args.dataProtection ?? true;
        const ctx = awsContext(this);
        const trailName = args.naming.name("generic", "audit");
        const owner = args.organization?.managementAccountId ?? ctx.accountId;
        // Known before the trail exists, so the bucket and key policies can pin it (aws:SourceArn).
        const trailArn = pulumi.interpolate`arn:${ctx.partition}:cloudtrail:${ctx.region}:${owner}:trail/${trailName}`;
        const anyTrailOfOwner = pulumi.interpolate`arn:${ctx.partition}:cloudtrail:*:${owner}:trail/*`;

        // Key policy per "Configure AWS KMS key policies for CloudTrail" (DOC_KEY): CloudTrail encrypts for this trail
        // only (aws:SourceArn, and the encryption context of the owner's trails), describes the key for it, and
        // principals of this account decrypt log files (their IAM policies must allow it too: the account root
        // delegates to IAM). CloudWatch Logs encrypts the trail's log group with the same key.
        this.kmsKey = new KmsKey(
            `${name}-key`,
            {
                description: `Audit trail log files and log group (${args.naming.prefix}-${args.naming.environment})`,
                alias: args.naming.name("kmsAlias", "audit-trail"),
                dataProtection,
                policyStatements: [
                    {
                        Sid: "AllowCloudTrailToEncryptLogs",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "kms:GenerateDataKey*",
                        Resource: "*",
                        Condition: {
                            StringEquals: { "aws:SourceArn": trailArn },
                            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": anyTrailOfOwner },
                        },
                    },
                    {
                        Sid: "AllowCloudTrailToDescribeKey",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "kms:DescribeKey",
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                    },
                    {
                        Sid: "AllowAccountPrincipalsToDecryptLogFiles",
                        Effect: "Allow",
                        Principal: { AWS: accountRootArn(ctx.partition, ctx.accountId) },
                        Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
                        Resource: "*",
                        Condition: {
                            StringEquals: { "kms:CallerAccount": ctx.accountId },
                            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": anyTrailOfOwner },
                        },
                    },
                    logsKeyStatement(ctx),
                ],
            },
            { parent: this },
        );
        const keyArn = this.kmsKey.keyArn;

        const bucketName = pulumi
            .all([ctx.accountId, ctx.region])
            .apply(([account, region]) => args.naming.bucket(AUDIT_TRAIL_BUCKET, account, region));
        const bucketArn = pulumi.interpolate`arn:${ctx.partition}:s3:::${bucketName}`;
        const logPrefixes = [ctx.accountId, ...(args.organization ? [args.organization.organizationId] : [])];
        // Bucket policy per "Amazon S3 bucket policy for CloudTrail" (DOC_BUCKET): CloudTrail reads the bucket ACL and
        // writes under AWSLogs/<account or organisation id>/ with bucket-owner-full-control, for this trail only.
        this.bucket = createSecureBucket(name, this, {
            bucketName,
            encryption: { kind: "kms", keyArn },
            policyStatements: (arn): PolicyStatement[] => [
                {
                    Sid: "AWSCloudTrailAclCheck",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "s3:GetBucketAcl",
                    Resource: arn,
                    Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                },
                {
                    Sid: "AWSCloudTrailWrite",
                    Effect: "Allow",
                    Principal: { Service: "cloudtrail.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: logPrefixes.map((p) => pulumi.interpolate`${arn}/AWSLogs/${p}/*`),
                    Condition: {
                        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
                    },
                },
            ],
            lifecycle,
            objectLock: args.objectLock,
            accessLogging: { targetBucket: args.accessLogBucketName, targetPrefix: `${AUDIT_TRAIL_BUCKET}/` },
            dataProtection,
            tags: { "cdp:purpose": "audit-trail" },
        });

        // CloudWatch Logs delivery: an encrypted group and a role that may only create streams in it and put events.
        this.logGroup = createLogGroup(`${name}-logs`, this, {
            name: `/aws/cloudtrail/${trailName}`,
            kmsKeyArn: keyArn,
            retentionDays: args.logRetentionDays,
        });
        const streams = pulumi.interpolate`${this.logGroup.arn}:log-stream:*`;
        const logsRole = serviceRole(`${name}-cloudwatch`, this, {
            service: "cloudtrail.amazonaws.com",
            accountId: ctx.accountId,
            description: `CloudTrail ${trailName} delivery to CloudWatch Logs`,
            // "Role policy document for CloudTrail to use CloudWatch Logs for monitoring" (DOC_LOGS).
            statements: [
                {
                    Sid: "AWSCloudTrailCreateLogStream",
                    Effect: "Allow",
                    Action: "logs:CreateLogStream",
                    Resource: streams,
                },
                { Sid: "AWSCloudTrailPutLogEvents", Effect: "Allow", Action: "logs:PutLogEvents", Resource: streams },
            ],
        });

        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: trailName,
                s3BucketName: this.bucket.bucket.bucket,
                kmsKeyId: keyArn,
                enableLogFileValidation: true,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                isOrganizationTrail: args.organization !== undefined,
                cloudWatchLogsGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
                cloudWatchLogsRoleArn: logsRole.role.arn,
                // Advanced event selectors ("Logging data events", CloudTrail User Guide:
                // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html):
                // every management event (Lake Formation grants and settings, Glue catalog changes, KMS, IAM...),
                // and the object-level events of the lake zones only.
                advancedEventSelectors: [
                    {
                        name: "All management events (Lake Formation and Glue included)",
                        fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }],
                    },
                    {
                        name: "S3 object events of the data lake zones",
                        fieldSelectors: [
                            { field: "eventCategory", equals: ["Data"] },
                            { field: "resources.type", equals: ["AWS::S3::Object"] },
                            {
                                field: "resources.ARN",
                                startsWiths: args.dataEventBuckets.map((b) => pulumi.interpolate`${b.arn}/`),
                            },
                        ],
                    },
                ],
            },
            // The bucket policy, the key policy and the role's policy must be in place: CloudTrail checks them when
            // the trail is created.
            { parent: this, dependsOn: [this.bucket.policy, this.kmsKey, logsRole.policy] },
        );
        this.trailArn = this.trail.arn;

        const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
        for (const [id, filter] of Object.entries(AUDIT_METRIC_FILTERS)) {
            const metricName = id
                .split("-")
                .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
                .join("");
            new aws.cloudwatch.LogMetricFilter(
                `${name}-${id}`,
                {
                    name: `${trailName}-${id}`,
                    logGroupName: this.logGroup.name,
                    pattern: filter.pattern,
                    metricTransformation: {
                        name: metricName,
                        namespace: AUDIT_METRIC_NAMESPACE,
                        value: "1",
                        unit: "Count",
                    },
                },
                { parent: this },
            );
            alarms[id] = createAlarm(`${name}-${id}`, this, args.alarmTopicArn, {
                description: filter.description,
                namespace: AUDIT_METRIC_NAMESPACE,
                metricName,
                dimensions: {},
                statistic: "Sum",
                comparison: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                dashboardSection: "Audit",
            });
        }
        this.alarms = alarms;

        const sourceContext = { "aws:SourceArn": trailArn, "aws:SourceAccount": ctx.accountId };
        this.requiredAccess = requiredAccess([
            {
                id: `${name}/cloudtrail-to-bucket`,
                principal: "cloudtrail.amazonaws.com",
                requests: [
                    { actions: ["s3:GetBucketAcl"], resource: bucketArn, context: sourceContext },
                    {
                        actions: ["s3:PutObject"],
                        resource: pulumi.interpolate`${bucketArn}/AWSLogs/${ctx.accountId}/${EXAMPLE_OBJECT}`,
                        context: { ...sourceContext, "s3:x-amz-acl": "bucket-owner-full-control" },
                    },
                ],
                doc: DOC_BUCKET,
                why: "CloudTrail delivers the audit trail's log files to its bucket",
            },
            {
                id: `${name}/cloudtrail-key`,
                principal: "cloudtrail.amazonaws.com",
                requests: [
                    {
                        actions: ["kms:GenerateDataKey"],
                        resource: keyArn,
                        context: { ...sourceContext, "kms:EncryptionContext:aws:cloudtrail:arn": trailArn },
                    },
                    { actions: ["kms:DescribeKey"], resource: keyArn, context: sourceContext },
                ],
                doc: DOC_KEY,
                why: "CloudTrail encrypts the log files with the trail's CMK",
            },
            {
                id: `${name}/cloudtrail-to-logs`,
                principal: logsRole.role.arn,
                requests: [
                    {
                        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        resource: pulumi.interpolate`${this.logGroup.arn}:log-stream:${ctx.accountId}_CloudTrail_${ctx.region}`,
                    },
                ],
                doc: DOC_LOGS,
                why: "CloudTrail delivers events to the log group the audit metric filters read",
            },
        ]);
        this.registerOutputs({ trailArn: this.trailArn, requiredAccess: this.requiredAccess });
    }
}

/**
 * The trail bucket's lifecycle: Glacier Instant Retrieval after 90 days, Deep Archive after a year (when kept long
 * enough to be worth it), expiry after `retentionDays`; without Object Lock, replaced or deleted log files stay 90 days
 * (the trail never overwrites one).
 */
function trailLifecycle(retentionDays: number, locked: boolean): ZoneLifecycle {
    return {
        transitions: [
            { days: 90, storageClass: "GLACIER_IR" },
            ...(retentionDays > 455 ? [{ days: 365, storageClass: "DEEP_ARCHIVE" as const }] : []),
        ],
        expirationDays: retentionDays,
        noncurrentExpirationDays: locked ? undefined : 90,
        abortIncompleteMultipartUploadDays: 7,
    };
}
