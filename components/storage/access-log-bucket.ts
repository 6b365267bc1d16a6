import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { PolicyStatement } from "../shared/iam";
import type { Naming } from "../shared/naming";
import { createSecureBucket, type SecureBucket } from "./secure-bucket";

export interface AccessLogBucketArgs {
    /** Naming scope; the bucket is `<prefix>-<env>[-<scope>]-access-logs-<account>-<region>`. */
    naming: Naming;
    /** ARNs of the buckets allowed to deliver server access logs here (the zones). */
    sourceBucketArns: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Days access logs are kept before they expire; at least 90 (audit needs).
     * @default 365
     */
    retentionDays?: number;
    /**
     * Protect the log bucket from deletion (`protect`, `retainOnDelete`, no `forceDestroy`).
     * @default true
     */
    dataProtection?: boolean;
}

/**
 * The bucket that receives the data lake's S3 server access logs. Hardened like every bucket of the platform, with
 * one AWS-imposed exception: server access log delivery does not support SSE-KMS default encryption on the target
 * bucket, so it uses SSE-S3 (recorded on the bucket in the `cdp:sse-s3-reason` tag). Only the S3 logging service
 * may write, and only for the listed source buckets of this account.
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    public readonly resources: SecureBucket;
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:storage:AccessLogBucket", name, {}, opts);
        const retentionDays = args.retentionDays ?? 365;
        const issues = new IssueCollector();
        if (!Number.isInteger(retentionDays) || retentionDays < 90) {
            issues.add(`AccessLogBucket(${name}).retentionDays`, retentionDays, "a whole number of days ≥ 90");
        }
        issues.throwIfAny(`Invalid arguments for AccessLogBucket "${name}"`);
        const ctx = awsContext(this);
        const bucketName = pulumi
            .all([ctx.accountId, ctx.region])
            .apply(([account, region]) => args.naming.bucket("access-logs", account, region));
        this.resources = createSecureBucket(name, this, {
            bucketName,
            encryption: { kind: "sse-s3", reason: "s3-server-access-log-target" },
            policyStatements: (arn): PolicyStatement[] => [
                {
                    Sid: "AllowS3ServerAccessLogDelivery",
                    Effect: "Allow",
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: pulumi.interpolate`${arn}/*`,
                    Condition: {
                        ArnLike: { "aws:SourceArn": args.sourceBucketArns },
                        StringEquals: { "aws:SourceAccount": ctx.accountId },
                    },
                },
            ],
            lifecycle: {
                transitions: retentionDays > 60 ? [{ days: 30, storageClass: "STANDARD_IA" }] : [],
                expirationDays: retentionDays,
                noncurrentExpirationDays: 7,
                abortIncompleteMultipartUploadDays: 1,
            },
            dataProtection: args.dataProtection ?? true,
            tags: { "cdp:purpose": "s3-access-logs" },
        });
        this.bucketName = this.resources.bucket.bucket;
        this.bucketArn = this.resources.bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
