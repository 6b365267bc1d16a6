import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createSecureBucket } from "../../components/storage/secure-bucket";
import { DEFAULT_ZONE_LIFECYCLES } from "../../model/lifecycle";
import { key, lake, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the S3 rules (rules/s3.ts). */

/** A bucket that satisfies every S3 rule except the ones `omit` drops, on the data lake's log bucket. */
function bucketMissing(
    p: aws.Provider,
    omit: "sse" | "pab" | "tls" | "ownership" | "logging" | "versioning" | "aws-key" | "no-bucket-key" | "none",
    statements?: (arn: pulumi.Output<string>) => Array<Record<string, unknown>>,
): void {
    const l = lake(p);
    const cmk = key(p);
    const b = new aws.s3.Bucket(
        "subject",
        { bucket: "pol-test-subject-123456789012-eu-west-1", forceDestroy: true },
        { provider: p },
    );
    const opts = { provider: p };
    if (omit !== "sse") {
        new aws.s3.BucketServerSideEncryptionConfiguration(
            "subject",
            {
                bucket: b.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: omit === "aws-key" ? "alias/aws/s3" : cmk.keyArn,
                        },
                        bucketKeyEnabled: omit !== "no-bucket-key",
                    },
                ],
            },
            opts,
        );
    }
    if (omit !== "pab") {
        new aws.s3.BucketPublicAccessBlock(
            "subject",
            {
                bucket: b.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            opts,
        );
    }
    const policy = statements
        ? pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements(b.arn) })
        : omit === "tls"
          ? pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: b.arn }],
            })
          : pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [b.arn, pulumi.interpolate`${b.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
    new aws.s3.BucketPolicy("subject", { bucket: b.id, policy }, opts);
    if (omit !== "ownership")
        new aws.s3.BucketOwnershipControls(
            "subject",
            { bucket: b.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            opts,
        );
    if (omit !== "logging")
        new aws.s3.BucketLogging(
            "subject",
            { bucket: b.id, targetBucket: l.accessLogs.bucketName, targetPrefix: "subject/" },
            opts,
        );
    if (omit !== "versioning")
        new aws.s3.BucketVersioning("subject", { bucket: b.id, versioningConfiguration: { status: "Enabled" } }, opts);
}

/** The TLS-only deny, with `extra` merged over it. */
const tlsDeny = (arn: pulumi.Output<string>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [arn, pulumi.interpolate`${arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
    ...extra,
});

/**
 * A bucket configured only through the deprecated inline settings pulumi-aws v7 still applies (policy, default
 * encryption, versioning, logging), plus the public access block and ownership controls, which have no inline form.
 */
function inlineBucket(
    p: aws.Provider,
    flaw: "none" | "sse-s3" | "no-versioning" | "policy-and-resource" | "public-acl" = "none",
): void {
    const l = lake(p);
    const cmk = key(p);
    const opts = { provider: p };
    const name = "pol-test-inline-123456789012-eu-west-1";
    const arn = `arn:aws:s3:::${name}`;
    const policy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
    const b = new aws.s3.Bucket(
        "inline",
        {
            bucket: name,
            forceDestroy: true,
            policy,
            serverSideEncryptionConfiguration: {
                rule: {
                    applyServerSideEncryptionByDefault:
                        flaw === "sse-s3"
                            ? { sseAlgorithm: "AES256" }
                            : { sseAlgorithm: "aws:kms", kmsMasterKeyId: cmk.keyArn },
                    bucketKeyEnabled: true,
                },
            },
            versioning: { enabled: flaw !== "no-versioning" },
            ...(flaw === "public-acl" ? { acl: "public-read" } : {}),
            logging: { targetBucket: l.accessLogs.bucketName, targetPrefix: "inline/" },
        },
        opts,
    );
    new aws.s3.BucketPublicAccessBlock(
        "inline",
        {
            bucket: b.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        opts,
    );
    new aws.s3.BucketOwnershipControls(
        "inline",
        { bucket: b.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    if (flaw === "policy-and-resource") new aws.s3.BucketPolicy("inline", { bucket: b.id, policy }, opts);
}

const compliantBucket = (p: aws.Provider) => {
    const l = lake(p);
    createSecureBucket("extra", l, {
        bucketName: "pol-test-extra-123456789012-eu-west-1",
        encryption: { kind: "kms", keyArn: key(p).keyArn },
        policyStatements: () => [],
        lifecycle: DEFAULT_ZONE_LIFECYCLES.raw,
        accessLogging: { targetBucket: l.accessLogs.bucketName, targetPrefix: "extra/" },
        dataProtection: false,
        tags: {},
    });
};

export const cases: PolicyCase[] = [
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "bucket without default encryption",
        violating: (p) => bucketMissing(p, "sse"),
        compliant: compliantBucket,
    },
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "bucket on the AWS-managed key",
        violating: (p) => bucketMissing(p, "aws-key"),
        compliant: (p) => void lake(p),
    },
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "bucket without S3 Bucket Keys",
        violating: (p) => bucketMissing(p, "no-bucket-key"),
        compliant: (p) => void lake(p),
    },
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "SSE-S3 bucket claiming the log-target exemption without being a log target",
        violating: (p) => {
            lake(p);
            const b = new aws.s3.Bucket(
                "fake-logs",
                { tags: { "cdp:sse-s3-reason": "s3-server-access-log-target" } },
                { provider: p },
            );
            new aws.s3.BucketServerSideEncryptionConfiguration(
                "fake-logs",
                { bucket: b.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                { provider: p },
            );
        },
        compliant: (p) => void lake(p),
    },
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "deprecated BucketV2 family is matched too",
        violating: (p) => {
            lake(p);
            const b = new aws.s3.BucketV2("legacy", {}, { provider: p });
            new aws.s3.BucketServerSideEncryptionConfigurationV2(
                "legacy",
                { bucket: b.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                { provider: p },
            );
        },
        compliant: (p) => void lake(p),
    },
    {
        policy: "s3-public-access-block",
        title: "bucket without a public access block",
        violating: (p) => bucketMissing(p, "pab"),
        compliant: compliantBucket,
    },
    {
        policy: "s3-tls-only-policy",
        title: "bucket policy without the TLS deny",
        violating: (p) => bucketMissing(p, "tls"),
        compliant: compliantBucket,
    },
    {
        policy: "s3-bucket-owner-enforced",
        title: "bucket with ACLs enabled",
        violating: (p) => bucketMissing(p, "ownership"),
        compliant: compliantBucket,
    },
    {
        policy: "s3-access-logging",
        title: "bucket without access logging",
        violating: (p) => bucketMissing(p, "logging"),
        compliant: compliantBucket,
    },
    {
        policy: "s3-versioning",
        title: "bucket without versioning",
        violating: (p) => bucketMissing(p, "versioning"),
        compliant: compliantBucket,
    },
    // s3-tls-only-policy: the evasions (a deny that does not catch every plain-HTTP request) and equivalent forms
    {
        policy: "s3-tls-only-policy",
        title: "TLS deny with an extra ANDed condition / with BoolIfExists and a case-varied key",
        violating: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, {
                    Condition: {
                        Bool: { "aws:SecureTransport": "false" },
                        StringNotEquals: { "aws:PrincipalAccount": "123456789012" },
                    },
                }),
            ]),
        compliant: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Condition: { BoolIfExists: { "AWS:SecureTransport": "false" } } }),
            ]),
    },
    {
        policy: "s3-tls-only-policy",
        title: "TLS deny that spares a VPC endpoint (StringNotEqualsIfExists aws:SourceVpce) / a case-varied key with a value list",
        violating: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, {
                    Condition: {
                        Bool: { "aws:SecureTransport": "false" },
                        StringNotEqualsIfExists: { "aws:SourceVpce": "vpce-0123456789abcdef0" },
                    },
                }),
            ]),
        compliant: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Condition: { Bool: { "aws:securetransport": ["false"] } } }),
            ]),
    },
    {
        policy: "s3-tls-only-policy",
        title: "TLS deny through NotPrincipal / through NotAction excluding no S3 action",
        violating: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }),
            ]),
        compliant: (p) => bucketMissing(p, "none", (arn) => [tlsDeny(arn, { Action: undefined, NotAction: "iam:*" })]),
    },
    {
        policy: "s3-tls-only-policy",
        title: "TLS deny on some actions only / split over two statements (bucket, objects)",
        violating: (p) =>
            bucketMissing(p, "none", (arn) => [tlsDeny(arn, { Action: ["s3:GetObject", "s3:PutObject"] })]),
        compliant: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Sid: "Bucket", Resource: arn }),
                tlsDeny(arn, { Sid: "Objects", Action: "S3:*", Resource: pulumi.interpolate`${arn}/*` }),
            ]),
    },
    {
        policy: "s3-tls-only-policy",
        title: "TLS deny on a prefix of the objects only / StringNotEquals aws:SecureTransport true",
        violating: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Resource: [arn, pulumi.interpolate`${arn}/private/*`] }),
            ]),
        compliant: (p) =>
            bucketMissing(p, "none", (arn) => [
                tlsDeny(arn, { Condition: { StringNotEquals: { "aws:SecureTransport": "true" } } }),
            ]),
    },
    {
        policy: "s3-tls-only-policy",
        title: "inline policy and aws.s3.BucketPolicy on the same bucket / inline settings only",
        violating: (p) => inlineBucket(p, "policy-and-resource"),
        compliant: (p) => inlineBucket(p),
    },
    {
        policy: "s3-bucket-sse-kms-cmk",
        title: "deprecated inline serverSideEncryptionConfiguration on SSE-S3 / on the CMK",
        violating: (p) => inlineBucket(p, "sse-s3"),
        compliant: (p) => inlineBucket(p),
    },
    {
        policy: "s3-versioning",
        title: "deprecated inline versioning disabled / enabled",
        violating: (p) => inlineBucket(p, "no-versioning"),
        compliant: (p) => inlineBucket(p),
    },
    {
        policy: "s3-bucket-owner-enforced",
        title: "deprecated inline acl public-read despite BucketOwnerEnforced / no inline acl",
        violating: (p) => inlineBucket(p, "public-acl"),
        compliant: (p) => inlineBucket(p),
    },
    ...notPublicCases("s3-bucket-policy-not-public", (p, grant) =>
        bucketMissing(p, "none", (arn) => [
            tlsDeny(arn),
            { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${arn}/*`, ...grant },
        ]),
    ),
];
