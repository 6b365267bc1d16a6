import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyJson, type PolicyStatement } from "../shared/iam";
import { dataStoreOptions } from "../shared/protection";
import type { ZoneLifecycle } from "../../model/lifecycle";

/** How a bucket's objects are encrypted by default. */
export type BucketEncryption =
    | { kind: "kms"; keyArn: pulumi.Input<string> }
    /**
     * SSE-S3, only where AWS allows nothing else; `reason` is recorded as a tag so reviewers and policy checks see
     * why (for example: S3 server access log target buckets do not support SSE-KMS default encryption).
     */
    | { kind: "sse-s3"; reason: string };

export interface SecureBucketSpec {
    /** Physical bucket name (already shaped by the naming rules). */
    bucketName: pulumi.Input<string>;
    encryption: BucketEncryption;
    /** Statements added to the bucket policy after the TLS-only deny. */
    policyStatements: (bucketArn: pulumi.Output<string>) => PolicyStatement[];
    lifecycle: ZoneLifecycle;
    /** Object Lock default retention; requires versioning, which is always on. */
    objectLock?: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
    /** Server access logging target; omit only for the log bucket itself. */
    accessLogging?: { targetBucket: pulumi.Input<string>; targetPrefix: string };
    dataProtection: boolean;
    tags: Record<string, string>;
}

/** The resources that make up one hardened bucket; every setting is its own pulumi-aws v7 resource. */
export interface SecureBucket {
    bucket: aws.s3.Bucket;
    ownership: aws.s3.BucketOwnershipControls;
    publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    versioning: aws.s3.BucketVersioning;
    encryption: aws.s3.BucketServerSideEncryptionConfiguration;
    policy: aws.s3.BucketPolicy;
    lifecycle: aws.s3.BucketLifecycleConfiguration;
    logging?: aws.s3.BucketLogging;
    objectLock?: aws.s3.BucketObjectLockConfiguration;
}

/** The lifecycle configuration rule of a validated `ZoneLifecycle`. */
export function lifecycleRule(lifecycle: ZoneLifecycle): aws.types.input.s3.BucketLifecycleConfigurationRule {
    return {
        id: "zone-lifecycle",
        status: "Enabled",
        filter: {},
        transitions: lifecycle.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })),
        ...(lifecycle.expirationDays !== undefined ? { expiration: { days: lifecycle.expirationDays } } : {}),
        noncurrentVersionTransitions: (lifecycle.noncurrentTransitions ?? []).map((t) => ({
            noncurrentDays: t.days,
            storageClass: t.storageClass,
        })),
        ...(lifecycle.noncurrentExpirationDays !== undefined
            ? { noncurrentVersionExpiration: { noncurrentDays: lifecycle.noncurrentExpirationDays } }
            : {}),
        abortIncompleteMultipartUpload: { daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays },
    };
}

/**
 * Creates a bucket hardened the way every bucket of the platform is: ACLs disabled (`BucketOwnerEnforced`), all
 * four public-access-block flags, versioning, default encryption (SSE-KMS with S3 Bucket Keys, or SSE-S3 where AWS
 * requires it), SSE-C blocked, a TLS-only bucket policy, lifecycle rules, optional Object Lock and server access
 * logging. Data protection adds `protect`/`retainOnDelete` to the bucket and disables `forceDestroy`.
 *
 * `name` is the Pulumi name prefix of the children; `parent` the component that owns them.
 */
export function createSecureBucket(name: string, parent: pulumi.Resource, spec: SecureBucketSpec): SecureBucket {
    const opts: pulumi.CustomResourceOptions = { parent };
    const encryptionTags: Record<string, string> =
        spec.encryption.kind === "sse-s3" ? { "cdp:sse-s3-reason": spec.encryption.reason } : {};
    const bucket = new aws.s3.Bucket(
        name,
        {
            bucket: spec.bucketName,
            objectLockEnabled: spec.objectLock !== undefined,
            // Without data protection (dev), a stack can be destroyed with its data; with it, never.
            forceDestroy: !spec.dataProtection && spec.objectLock === undefined,
            tags: { ...spec.tags, ...encryptionTags },
        },
        dataStoreOptions(spec.dataProtection, opts),
    );
    const bucketRef = { bucket: bucket.id };
    const ownership = new aws.s3.BucketOwnershipControls(
        name,
        { ...bucketRef, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        {
            ...bucketRef,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        opts,
    );
    const versioning = new aws.s3.BucketVersioning(
        name,
        { ...bucketRef, versioningConfiguration: { status: "Enabled" } },
        opts,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        {
            ...bucketRef,
            rules: [
                spec.encryption.kind === "kms"
                    ? {
                          applyServerSideEncryptionByDefault: {
                              sseAlgorithm: "aws:kms",
                              kmsMasterKeyId: spec.encryption.keyArn,
                          },
                          bucketKeyEnabled: true,
                          blockedEncryptionTypes: ["SSE-C"],
                      }
                    : {
                          applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
                          blockedEncryptionTypes: ["SSE-C"],
                      },
            ],
        },
        opts,
    );
    const policy = new aws.s3.BucketPolicy(
        name,
        { ...bucketRef, policy: policyJson([denyInsecureTransport(bucket.arn), ...spec.policyStatements(bucket.arn)]) },
        // A bucket policy is rejected while the public access block is being applied; order them.
        { parent, dependsOn: [publicAccessBlock, ownership] },
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
        name,
        { ...bucketRef, rules: [lifecycleRule(spec.lifecycle)] },
        // Lifecycle rules on noncurrent versions need versioning in place first.
        { parent, dependsOn: [versioning] },
    );
    const result: SecureBucket = { bucket, ownership, publicAccessBlock, versioning, encryption, policy, lifecycle };
    if (spec.accessLogging) {
        result.logging = new aws.s3.BucketLogging(
            name,
            {
                ...bucketRef,
                targetBucket: spec.accessLogging.targetBucket,
                targetPrefix: spec.accessLogging.targetPrefix,
                targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
            },
            opts,
        );
    }
    if (spec.objectLock) {
        result.objectLock = new aws.s3.BucketObjectLockConfiguration(
            name,
            {
                ...bucketRef,
                objectLockEnabled: "Enabled",
                rule: { defaultRetention: { mode: spec.objectLock.mode, days: spec.objectLock.days } },
            },
            { parent, dependsOn: [versioning] },
        );
    }
    return result;
}
