import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { isAwsManagedKey } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { asList, attachedTo, isPublicPrincipal, type Statement, statementsOf } from "../lib/stack";
import { SSE_S3_ACCEPTED_REASONS, SSE_S3_REASON_TAG, TYPES } from "../lib/types";

/** The props the S3 rules read of a bucket (aws.s3.Bucket, BucketV2). */
interface BucketProps {
    bucket?: string;
    arn?: string;
    tags?: Record<string, string>;
}

/** A rule of an aws.s3.BucketServerSideEncryptionConfiguration. */
interface SseRule {
    applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string };
    bucketKeyEnabled?: boolean;
}

/** The props of an aws.s3.BucketServerSideEncryptionConfiguration (`rules`; `rule` tolerated). */
interface BucketSseProps {
    rules?: SseRule[];
    rule?: SseRule[];
}

interface BucketPublicAccessBlockProps {
    blockPublicAcls?: boolean;
    blockPublicPolicy?: boolean;
    ignorePublicAcls?: boolean;
    restrictPublicBuckets?: boolean;
}

interface BucketLoggingProps {
    targetBucket?: string;
}

interface BucketPolicyProps {
    policy?: string;
}

interface BucketOwnershipControlsProps {
    rule?: { objectOwnership?: string };
}

interface BucketVersioningProps {
    versioningConfiguration?: { status?: string };
}

/** Buckets of the stack, each with the configuration resources that name it. */
function forEachBucket(
    args: StackValidationArgs,
    check: (bucket: PolicyResource, attached: (types: readonly string[]) => PolicyResource[]) => void,
): void {
    for (const bucket of args.resources.filter((r) => isType(r.type, TYPES.bucket))) {
        check(bucket, (types) => attachedTo(args.resources, bucket, types, "bucket", "bucket"));
    }
}

/** A bucket the pack accepts on SSE-S3: tagged with an accepted reason and really used as a log delivery target. */
function isAcceptedSseS3Bucket(args: StackValidationArgs, bucket: PolicyResource): boolean {
    const tags = propsOf<BucketProps>(bucket).tags ?? {};
    if (!SSE_S3_ACCEPTED_REASONS.includes(tags[SSE_S3_REASON_TAG])) return false;
    const name = propsOf<BucketProps>(bucket).bucket;
    return args.resources.some(
        (r) =>
            isType(r.type, TYPES.bucketLogging) &&
            (propsOf<BucketLoggingProps>(r).targetBucket === name ||
                (r.propertyDependencies.targetBucket ?? []).some((d) => d.urn === bucket.urn)),
    );
}

function report(reportViolation: ReportViolation, bucket: PolicyResource, message: string): void {
    reportViolation(`${bucket.name}: ${message}`, bucket.urn);
}

const s3BucketSseKmsCmk = definePolicy({
    name: "s3-bucket-sse-kms-cmk",
    description:
        "S3 buckets encrypt by default with SSE-KMS under a customer-managed key, with S3 Bucket Keys (platform rule; NIST S3.17). Only buckets AWS forces onto SSE-S3 (server access log targets, tagged cdp:sse-s3-reason) are exempt.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm "aws:kms", kmsMasterKeyId set to a customer-managed key ARN (not alias/aws/s3) and bucketKeyEnabled true — or use the DataLakeZone component.',
    cdp: {
        concern: "encryption",
        controls: ["platform rule", "NIST S3.17"],
        inspects: [...TYPES.bucket, ...TYPES.bucketSse],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            const configs = attached(TYPES.bucketSse);
            if (configs.length === 0) {
                if (!isAcceptedSseS3Bucket(args, bucket))
                    report(reportViolation, bucket, "has no server-side encryption configuration");
                return;
            }
            for (const config of configs) {
                const sse = propsOf<BucketSseProps>(config);
                for (const rule of sse.rules ?? sse.rule ?? []) {
                    const byDefault = rule.applyServerSideEncryptionByDefault ?? {};
                    if (byDefault.sseAlgorithm === "AES256" && isAcceptedSseS3Bucket(args, bucket)) continue;
                    if (byDefault.sseAlgorithm !== "aws:kms" && byDefault.sseAlgorithm !== "aws:kms:dsse") {
                        report(
                            reportViolation,
                            bucket,
                            `default encryption is ${byDefault.sseAlgorithm ?? "unset"}, not SSE-KMS`,
                        );
                    } else if (!byDefault.kmsMasterKeyId || isAwsManagedKey(byDefault.kmsMasterKeyId)) {
                        report(
                            reportViolation,
                            bucket,
                            "default encryption uses the AWS-managed key, not a customer-managed key",
                        );
                    } else if (rule.bucketKeyEnabled !== true) {
                        report(reportViolation, bucket, "S3 Bucket Keys are not enabled (bucketKeyEnabled)");
                    }
                }
            }
        });
    },
});

const s3PublicAccessBlock = definePolicy({
    name: "s3-public-access-block",
    description:
        "S3 buckets block public access with all four public-access-block flags (FSBP S3.8; cdk-nag AwsSolutions-S2).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
    cdp: {
        concern: "governance",
        controls: ["FSBP S3.8", "cdk-nag AwsSolutions-S2"],
        inspects: [...TYPES.bucket, ...TYPES.bucketPublicAccessBlock],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            const blocks = attached(TYPES.bucketPublicAccessBlock);
            const flags: ReadonlyArray<keyof BucketPublicAccessBlockProps> = [
                "blockPublicAcls",
                "blockPublicPolicy",
                "ignorePublicAcls",
                "restrictPublicBuckets",
            ];
            const isSet = (b: PolicyResource, f: keyof BucketPublicAccessBlockProps) =>
                propsOf<BucketPublicAccessBlockProps>(b)[f] === true;
            if (!blocks.some((b) => flags.every((f) => isSet(b, f)))) {
                const missing = blocks.length
                    ? flags.filter((f) => !blocks.some((b) => isSet(b, f)))
                    : ["the public access block"];
                report(reportViolation, bucket, `public access is not fully blocked (missing ${missing.join(", ")})`);
            }
        });
    },
});

/** True when a statement denies every non-TLS request to the bucket and its objects. */
function deniesInsecureTransport(statement: Statement, bucketArn: string): boolean {
    if (statement.Effect !== "Deny" || !isPublicPrincipal(statement.Principal)) return false;
    const actions = asList(statement.Action);
    if (!actions.some((a) => a === "s3:*" || a === "*")) return false;
    const resources = asList(statement.Resource);
    const coversObjects = resources.some((r) => r === `${bucketArn}/*` || r === "*");
    const coversBucket = resources.some((r) => r === bucketArn || r === "*");
    const bool = statement.Condition?.Bool ?? statement.Condition?.BoolIfExists;
    return coversObjects && coversBucket && bool !== undefined && String(bool["aws:SecureTransport"]) === "false";
}

const s3TlsOnly = definePolicy({
    name: "s3-tls-only-policy",
    description: "S3 bucket policies deny requests that do not use TLS (FSBP S3.5; cdk-nag AwsSolutions-S10).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add to the bucket policy a statement: Effect Deny, Principal "*", Action "s3:*", Resource [bucket ARN, bucket ARN + "/*"], Condition {Bool: {"aws:SecureTransport": "false"}}.',
    cdp: {
        concern: "governance",
        controls: ["FSBP S3.5", "cdk-nag AwsSolutions-S10"],
        inspects: [...TYPES.bucket, ...TYPES.bucketPolicy],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            const props = propsOf<BucketProps>(bucket);
            const arn = String(props.arn ?? `arn:aws:s3:::${props.bucket}`);
            const ok = attached(TYPES.bucketPolicy).some((p) =>
                statementsOf(propsOf<BucketPolicyProps>(p).policy).some((s) => deniesInsecureTransport(s, arn)),
            );
            if (!ok)
                report(
                    reportViolation,
                    bucket,
                    "no bucket policy denies aws:SecureTransport=false on the bucket and its objects",
                );
        });
    },
});

const s3BucketOwnerEnforced = definePolicy({
    name: "s3-bucket-owner-enforced",
    description: "S3 buckets disable ACLs with the BucketOwnerEnforced object ownership setting (FSBP S3.12).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add an aws.s3.BucketOwnershipControls for the bucket with rule.objectOwnership "BucketOwnerEnforced".',
    cdp: { concern: "governance", controls: ["FSBP S3.12"], inspects: [...TYPES.bucket, ...TYPES.bucketOwnership] },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            if (
                !attached(TYPES.bucketOwnership).some(
                    (o) => propsOf<BucketOwnershipControlsProps>(o).rule?.objectOwnership === "BucketOwnerEnforced",
                )
            ) {
                report(reportViolation, bucket, "ACLs are not disabled (no BucketOwnerEnforced ownership controls)");
            }
        });
    },
});

const s3AccessLogging = definePolicy({
    name: "s3-access-logging",
    description:
        "S3 buckets deliver server access logs to a log bucket (FSBP S3.9; cdk-nag AwsSolutions-S1). Log target buckets themselves are exempt.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add an aws.s3.BucketLogging for the bucket with targetBucket set to the platform's access-log bucket (DataLake does this for its zones).",
    cdp: {
        concern: "governance",
        controls: ["FSBP S3.9", "cdk-nag AwsSolutions-S1"],
        inspects: [...TYPES.bucket, ...TYPES.bucketLogging],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            if (attached(TYPES.bucketLogging).length === 0 && !isAcceptedSseS3Bucket(args, bucket)) {
                report(reportViolation, bucket, "server access logging is not enabled");
            }
        });
    },
});

const s3Versioning = definePolicy({
    name: "s3-versioning",
    description:
        "S3 buckets keep object versions (versioning Enabled) so data can be recovered (NIST S3.14; platform rule for data zones).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: 'Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status "Enabled".',
    cdp: {
        concern: "governance",
        controls: ["platform rule", "NIST S3.14"],
        inspects: [...TYPES.bucket, ...TYPES.bucketVersioning],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            if (
                !attached(TYPES.bucketVersioning).some(
                    (v) => propsOf<BucketVersioningProps>(v).versioningConfiguration?.status === "Enabled",
                )
            ) {
                report(reportViolation, bucket, "versioning is not enabled");
            }
        });
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const s3Policies: CdpPolicy[] = [
    s3BucketSseKmsCmk,
    s3PublicAccessBlock,
    s3TlsOnly,
    s3BucketOwnerEnforced,
    s3AccessLogging,
    s3Versioning,
];
