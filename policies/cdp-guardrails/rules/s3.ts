import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { isAwsManagedKey } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { type ParsedPolicy, parsePolicy, requestContext, type Target, whyNotDenyingEvery } from "../lib/iam";
import { type Block, block, propsOf } from "../lib/props";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { attachedTo } from "../lib/stack";
import { known } from "../lib/unknown";
import { SSE_S3_ACCEPTED_REASONS, SSE_S3_REASON_TAG, TYPES } from "../lib/types";

/**
 * The props the S3 rules read of a bucket (aws.s3.Bucket, BucketV2), including the inline settings pulumi-aws v7
 * deprecates but still applies (policy, serverSideEncryptionConfiguration, versioning, logging): the rules judge them
 * like the separate configuration resources.
 */
interface BucketProps {
    bucket?: string;
    arn?: string;
    tags?: Record<string, string>;
    /** Deprecated inline bucket policy (a JSON string or a policy document object). */
    policy?: unknown;
    /** Deprecated inline default encryption. */
    serverSideEncryptionConfiguration?: Block<{ rule?: Block<SseRule> }>;
    /** Deprecated inline versioning. */
    versioning?: Block<{ enabled?: boolean }>;
    /** Deprecated inline access logging. */
    logging?: Block<{ targetBucket?: string }>;
    /** Deprecated inline canned ACL and ACL grants (ACLs must stay disabled). */
    acl?: string;
    grants?: unknown[];
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
            (isType(r.type, TYPES.bucketLogging) &&
                (propsOf<BucketLoggingProps>(r).targetBucket === name ||
                    (r.propertyDependencies.targetBucket ?? []).some((d) => d.urn === bucket.urn))) ||
            (isType(r.type, TYPES.bucket) && r !== bucket && inlineLoggingTarget(r) === name),
    );
}

/** The target bucket of a bucket's deprecated inline `logging` block. */
function inlineLoggingTarget(bucket: PolicyResource): string | undefined {
    const target = known(() => block(propsOf<BucketProps>(bucket).logging)?.targetBucket);
    return typeof target === "string" && target !== "" ? target : undefined;
}

/** The default-encryption rules of a bucket: its deprecated inline block and its configuration resources. */
function sseRules(bucket: PolicyResource, configs: PolicyResource[]): SseRule[] {
    const inline = known(() => block(propsOf<BucketProps>(bucket).serverSideEncryptionConfiguration)?.rule);
    const rules: SseRule[] = [];
    const inlineRule = block(inline ?? undefined);
    if (inlineRule) rules.push(inlineRule);
    for (const config of configs) {
        const sse = propsOf<BucketSseProps>(config);
        rules.push(...(sse.rules ?? sse.rule ?? []));
    }
    return rules;
}

/** A bucket policy of the stack: the bucket's inline policy or an aws.s3.BucketPolicy, parsed. */
interface BucketPolicySource {
    where: string;
    parsed: ParsedPolicy;
}

/** Every source of the bucket's policy (a bucket has one policy: two sources overwrite each other). */
function bucketPolicies(bucket: PolicyResource, attached: PolicyResource[]): BucketPolicySource[] {
    const sources: BucketPolicySource[] = [];
    const inline = known(() => propsOf<BucketProps>(bucket).policy);
    if (inline !== undefined && inline !== null && inline !== "") {
        sources.push({ where: "its inline policy", parsed: parsePolicy(() => inline) });
    }
    for (const p of attached) {
        sources.push({
            where: `aws.s3.BucketPolicy ${p.name}`,
            parsed: parsePolicy(() => propsOf<BucketPolicyProps>(p).policy),
        });
    }
    return sources;
}

function report(reportViolation: ReportViolation, bucket: PolicyResource, message: string): void {
    reportViolation(`${bucket.name}: ${message}`, bucket.urn);
}

const s3BucketSseKmsCmk = definePolicy({
    name: "s3-bucket-sse-kms-cmk",
    description:
        "S3 buckets encrypt by default with SSE-KMS under a customer-managed key, with S3 Bucket Keys, in every default-encryption rule (aws.s3.BucketServerSideEncryptionConfiguration, or the bucket's deprecated inline serverSideEncryptionConfiguration) (platform rule; NIST S3.17). Only buckets AWS forces onto SSE-S3 (server access log targets, tagged cdp:sse-s3-reason) are exempt.",
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
            const rules = sseRules(bucket, attached(TYPES.bucketSse));
            if (rules.length === 0) {
                if (!isAcceptedSseS3Bucket(args, bucket))
                    report(reportViolation, bucket, "has no server-side encryption configuration");
                return;
            }
            for (const rule of rules) {
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

/** The request every TLS-only deny must catch: plain HTTP. */
const INSECURE_TRANSPORT = requestContext({ "aws:SecureTransport": "false" });

const s3TlsOnly = definePolicy({
    name: "s3-tls-only-policy",
    description:
        'S3 buckets have exactly one bucket policy (an aws.s3.BucketPolicy or the deprecated inline policy, not both: they overwrite each other) in which Deny statements for every principal ("*", no NotPrincipal) and every S3 action ("s3:*" or a NotAction excluding none) cover the bucket and all its objects whenever aws:SecureTransport is false, whatever the other keys of the request: a further condition in the same statement (conditions are ANDed) disqualifies it (FSBP S3.5; cdk-nag AwsSolutions-S10). A stack policy: a bucket whose ARN or policy is unknown at `pulumi preview` is not judged there; the offline plan, where every value is known, judges it.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add to the bucket policy a statement of its own: Effect Deny, Principal "*", Action "s3:*", Resource [bucket ARN, bucket ARN + "/*"], Condition {Bool: {"aws:SecureTransport": "false"}} and no other condition; keep one source of the bucket policy (aws.s3.BucketPolicy, not also the inline policy).',
    cdp: {
        concern: "governance",
        controls: ["FSBP S3.5", "cdk-nag AwsSolutions-S10"],
        inspects: [...TYPES.bucket, ...TYPES.bucketPolicy],
    },
    validateStack: (args, reportViolation) => {
        forEachBucket(args, (bucket, attached) => {
            const props = propsOf<BucketProps>(bucket);
            const name = known(() => props.bucket);
            const arn = known(() => props.arn) ?? (name ? `arn:aws:s3:::${name}` : undefined);
            const sources = bucketPolicies(bucket, attached(TYPES.bucketPolicy));
            if (sources.length > 1) {
                report(
                    reportViolation,
                    bucket,
                    `has ${sources.length} bucket policies (${sources.map((s) => s.where).join(", ")}): they overwrite each other, the bucket keeps whichever was applied last`,
                );
            }
            // Unknown at preview (computed ARN or document): judged when `pulumi up` resolves it.
            if (typeof arn !== "string" || sources.some((s) => !s.parsed.known)) return;
            const targets: Target[] = [{ arn }, { prefix: `${arn}/` }];
            const statements = sources.flatMap((s) => s.parsed.statements);
            const uncovered = targets.filter(
                (t) => !statements.some((st) => whyNotDenyingEvery(st, "s3", t, INSECURE_TRANSPORT) === undefined),
            );
            if (uncovered.length === 0) return;
            const near = statements
                .filter((st) => st.effect === "Deny" && st.conditions.some((c) => c.key === "aws:securetransport"))
                .map((st) => `${st.label} ${whyNotDenyingEvery(st, "s3", uncovered[0], INSECURE_TRANSPORT)}`);
            const what = uncovered.map((t) => ("arn" in t ? "the bucket" : "its objects")).join(" and ");
            report(
                reportViolation,
                bucket,
                `no bucket policy statement denies every request with aws:SecureTransport=false on ${what}${near.length ? ` (${near.join("; ")})` : sources.length === 0 ? " (the bucket has no policy)" : ""}`,
            );
        });
    },
});

const s3BucketPolicyNotPublic = resourcePolicyNotPublic({
    name: "s3-bucket-policy-not-public",
    subject: "S3 bucket policies (aws.s3.BucketPolicy and the bucket's deprecated inline policy)",
    controls: ["FSBP S3.2", "FSBP S3.3", "platform rule"],
    remediation:
        'Name the accounts or roles the bucket serves as principals, or keep Principal "*" only with StringEquals on aws:PrincipalOrgID / aws:PrincipalAccount; give service principals (logging.s3.amazonaws.com, cloudtrail.amazonaws.com...) aws:SourceAccount and aws:SourceArn conditions.',
    sources: [policyProperty(TYPES.bucketPolicy), policyProperty(TYPES.bucket)],
});

const s3BucketOwnerEnforced = definePolicy({
    name: "s3-bucket-owner-enforced",
    description:
        "S3 buckets disable ACLs with the BucketOwnerEnforced object ownership setting, and set no ACL through the deprecated inline acl (other than private) or grants (FSBP S3.12).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add an aws.s3.BucketOwnershipControls for the bucket with rule.objectOwnership "BucketOwnerEnforced", and drop the inline acl and grants of the aws.s3.Bucket (grant access through the bucket policy).',
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
            const acl = known(() => propsOf<BucketProps>(bucket).acl);
            if (typeof acl === "string" && acl !== "" && acl !== "private") {
                report(reportViolation, bucket, `the deprecated inline acl is "${acl}"; expected none (or "private")`);
            }
            const grants = known(() => propsOf<BucketProps>(bucket).grants);
            if (Array.isArray(grants) && grants.length > 0) {
                report(
                    reportViolation,
                    bucket,
                    `the deprecated inline grants list ${grants.length} ACL grant(s); expected none`,
                );
            }
        });
    },
});

const s3AccessLogging = definePolicy({
    name: "s3-access-logging",
    description:
        "S3 buckets deliver server access logs to a log bucket, through an aws.s3.BucketLogging or the bucket's deprecated inline logging block (FSBP S3.9; cdk-nag AwsSolutions-S1). Log target buckets themselves are exempt.",
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
            if (
                attached(TYPES.bucketLogging).length === 0 &&
                inlineLoggingTarget(bucket) === undefined &&
                !isAcceptedSseS3Bucket(args, bucket)
            ) {
                report(reportViolation, bucket, "server access logging is not enabled");
            }
        });
    },
});

const s3Versioning = definePolicy({
    name: "s3-versioning",
    description:
        "S3 buckets keep object versions (an aws.s3.BucketVersioning with status Enabled, or the bucket's deprecated inline versioning.enabled) so data can be recovered (NIST S3.14; platform rule for data zones).",
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
            const inline = known(() => block(propsOf<BucketProps>(bucket).versioning)?.enabled) === true;
            if (
                !inline &&
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
    s3BucketPolicyNotPublic,
    s3BucketOwnerEnforced,
    s3AccessLogging,
    s3Versioning,
];
