/**
 * Type tokens the policies inspect. pulumi-aws v7 keeps the deprecated `...V2` S3 resources beside the current
 * ones, so S3 families list both.
 */
export const TYPES = {
    bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    bucketSse: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    bucketVersioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
    bucketLifecycle: [
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    ],
    bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
    bucketOwnership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    bucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    kmsKey: ["aws:kms/key:Key"],
    kmsKeyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
    awsProvider: ["pulumi:providers:aws"],
} as const;

/** Tag marking a bucket that AWS forces onto SSE-S3, and the only reason the pack accepts. */
export const SSE_S3_REASON_TAG = "cdp:sse-s3-reason";
export const SSE_S3_ACCEPTED_REASONS = ["s3-server-access-log-target"];
