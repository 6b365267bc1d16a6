import * as pulumi from "@pulumi/pulumi";

/** An IAM condition block: operator → condition key → value(s). */
export type PolicyCondition = Record<string, Record<string, pulumi.Input<string | boolean | pulumi.Input<string>[]>>>;

/** A principal block (`"*"` is expressible, and every policy check of the platform rejects it where it matters). */
export type PolicyPrincipal =
    | "*"
    | {
          AWS?: pulumi.Input<string> | pulumi.Input<string>[];
          Service?: pulumi.Input<string> | pulumi.Input<string>[];
          Federated?: string | string[];
      };

/** One IAM policy statement, typed so that policy documents are built by code, not by string templates. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: PolicyPrincipal;
    NotPrincipal?: PolicyPrincipal;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    NotResource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: PolicyCondition;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** A policy document from statements. */
export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: [...statements] };
}

/** The JSON string of a policy document, resolving any `Output` inside it. */
export function policyJson(statements: readonly PolicyStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify(pulumi.output(policyDocument(statements)));
}

/** `arn:<partition>:iam::<account>:root`, the account principal used by key and bucket policies. */
export function accountRootArn(
    partition: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::${accountId}:root`;
}

/** What an S3 grant lets a principal do. */
export type S3Access = "read" | "write" | "readwrite";

/** Where an S3 grant applies and which key protects it. */
export interface S3AccessScope {
    /** ARN of the bucket. */
    bucketArn: pulumi.Input<string>;
    /** ARN of the KMS key the bucket's default encryption uses. */
    keyArn: pulumi.Input<string>;
    /**
     * Key prefix the grant is limited to, without a leading slash, e.g. `sftp/partner-a/`. A prefix that does not
     * end with `/` is treated as a folder (`/` is appended).
     * @default none: the whole bucket
     */
    prefix?: string;
    /**
     * Also allow `s3:DeleteObject` (and version deletion) for write grants.
     * @default false
     */
    allowDelete?: boolean;
}

/** Normalises a prefix to `a/b/` form; `undefined` or empty means the whole bucket. */
export function normalisePrefix(prefix?: string): string | undefined {
    if (prefix === undefined) {
        return undefined;
    }
    const trimmed = prefix.replace(/^\/+/, "");
    if (trimmed === "") {
        return undefined;
    }
    if (/[*?]/.test(trimmed)) {
        throw new Error(`S3 grant prefix "${prefix}" must be a literal folder: wildcards are not allowed`);
    }
    return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

const S3_READ_OBJECT_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"];
const S3_WRITE_OBJECT_ACTIONS = [
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];
const S3_DELETE_OBJECT_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"];
const KMS_READ_ACTIONS = ["kms:Decrypt"];
/** Multipart uploads re-read data keys, so writers need Decrypt too. */
const KMS_WRITE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

/** The S3 and KMS actions a grant of `access` needs (exposed for the bucket and key policies). */
export function s3ActionsFor(
    access: S3Access,
    allowDelete = false,
): { object: string[]; bucket: string[]; kms: string[] } {
    const read = access === "read" || access === "readwrite";
    const write = access === "write" || access === "readwrite";
    return {
        object: [
            ...(read ? S3_READ_OBJECT_ACTIONS : []),
            ...(write ? S3_WRITE_OBJECT_ACTIONS : []),
            ...(write && allowDelete ? S3_DELETE_OBJECT_ACTIONS : []),
        ],
        bucket: [
            ...(read ? ["s3:ListBucket", "s3:GetBucketLocation"] : []),
            ...(write ? ["s3:ListBucketMultipartUploads"] : []),
        ],
        kms: [...new Set([...(read ? KMS_READ_ACTIONS : []), ...(write ? KMS_WRITE_ACTIONS : [])])],
    };
}

/**
 * Least-privilege identity-policy statements for `access` to a bucket (or one prefix of it), including the KMS
 * statement the encrypted bucket needs. The KMS statement is limited to requests S3 makes for this bucket
 * (`kms:EncryptionContext:aws:s3:arn`, which with S3 Bucket Keys is the bucket ARN).
 */
export function s3AccessStatements(access: S3Access, scope: S3AccessScope, sidPrefix = "S3"): PolicyStatement[] {
    const prefix = normalisePrefix(scope.prefix);
    const actions = s3ActionsFor(access, scope.allowDelete);
    const objectArn = pulumi.interpolate`${scope.bucketArn}/${prefix ?? ""}*`;
    const statements: PolicyStatement[] = [
        { Sid: `${sidPrefix}ObjectAccess`, Effect: "Allow", Action: actions.object, Resource: objectArn },
    ];
    if (actions.bucket.length > 0) {
        statements.push({
            Sid: `${sidPrefix}BucketAccess`,
            Effect: "Allow",
            Action: actions.bucket,
            Resource: scope.bucketArn,
            ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
        });
    }
    statements.push({
        Sid: `${sidPrefix}KmsForBucket`,
        Effect: "Allow",
        Action: actions.kms,
        Resource: scope.keyArn,
        Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": scope.bucketArn } },
    });
    return statements;
}

/** Deny every S3 request to the bucket and its objects that does not use TLS (FSBP S3.5, cdk-nag S10). */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * Deny uploads that ask for another encryption than the bucket's key: SSE-S3 (`AES256`), SSE-C, or a different
 * KMS key. Uploads without encryption headers are allowed: the bucket default applies the right key. (Negated
 * condition operators match when the key is absent, so each statement also requires the header to be present.)
 */
export function denyForeignEncryption(
    bucketArn: pulumi.Input<string>,
    keyArn: pulumi.Input<string>,
): PolicyStatement[] {
    const objects = pulumi.interpolate`${bucketArn}/*`;
    return [
        {
            Sid: "DenyNonKmsEncryptionHeader",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: {
                StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
                Null: { "s3:x-amz-server-side-encryption": "false" },
            },
        },
        {
            Sid: "DenyOtherKmsKey",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: {
                StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
                Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
            },
        },
        {
            Sid: "DenyCustomerProvidedKeys",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
        },
    ];
}

/** Statements that let a service principal use a KMS key for resources of this account only. */
export function kmsServiceUseStatement(args: {
    sid: string;
    service: string;
    accountId: pulumi.Input<string>;
    actions?: string[];
    condition?: PolicyCondition;
}): PolicyStatement {
    return {
        Sid: args.sid,
        Effect: "Allow",
        Principal: { Service: args.service },
        Action: args.actions ?? [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:DescribeKey",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ...(args.condition ?? {}) },
    };
}
