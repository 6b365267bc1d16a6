import * as pulumi from "@pulumi/pulumi";
import { resolvedAs } from "./outputs";

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

/**
 * The JSON string of a policy document, resolving any `Output` inside it: what
 * `pulumi.jsonStringify(pulumi.output(document))` gives, with one `Output` for the document's inputs (see
 * `resolvedAs`).
 */
export function policyJson(statements: readonly PolicyStatement[]): pulumi.Output<string> {
    return resolvedAs(policyDocument(statements), (document) => JSON.stringify(document));
}

/** `arn:<partition>:iam::<account>:root`, the account principal used by key and bucket policies. */
export function accountRootArn(
    partition: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::${accountId}:root`;
}

/**
 * What an S3 grant lets a principal do: `read`, `write`, `readwrite`, or the exact set an AWS service documents for
 * its S3 access: `firehose` (an Amazon Data Firehose S3 destination), `transfer` (a Transfer Family user's home).
 */
export type S3Access = "read" | "write" | "readwrite" | "firehose" | "transfer";

/** The access kinds, for validation messages. */
export const S3_ACCESS_KINDS: readonly S3Access[] = ["read", "write", "readwrite", "firehose", "transfer"];

/** Options of an S3 grant beyond its access kind. */
export interface S3GrantOptions {
    /**
     * Also allow `s3:DeleteObject` (never `s3:DeleteObjectVersion`: in a versioned bucket a delete only adds a delete
     * marker, the data stays recoverable as a noncurrent version). Only for access kinds that write.
     * @default false
     */
    allowDelete?: boolean;
    /**
     * The writer is in another account than the bucket and sends the `bucket-owner-full-control` canned ACL with its
     * uploads (Firehose and Transfer Family do), which S3 authorises as `s3:PutObjectAcl` (plus `s3:GetObjectAcl` for
     * `transfer`, as Transfer Family requires). Zone buckets use `BucketOwnerEnforced`: ACLs are disabled, and S3
     * still accepts PUT requests that carry exactly that ACL
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html), so the permission
     * is needed and grants nothing beyond the upload.
     * @default false
     */
    crossAccountAcl?: boolean;
    /**
     * Also allow `s3:ListBucket` under the prefix for an access kind that does not list (`write`): for writers that
     * list their output location, such as Entity Resolution's matching jobs (its workflow role needs `s3:PutObject`,
     * `s3:ListBucket` and `s3:GetBucketLocation` on the output,
     * https://docs.aws.amazon.com/entityresolution/latest/userguide/create-workflow-job-role.html).
     * @default false
     */
    allowList?: boolean;
}

/** Where an S3 grant applies and which key protects it. */
export interface S3AccessScope extends S3GrantOptions {
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

/** The actions of one access kind, by what they apply to. */
interface S3AccessActions {
    /** On objects under the prefix. */
    object: string[];
    /** Whether the grant may list the prefix (`s3:ListBucket`, the only bucket action that carries `s3:prefix`). */
    list: boolean;
    /** Bucket-level actions whose requests carry no key prefix: granted on the bucket without condition. */
    bucket: string[];
    /** On the bucket's KMS key, through S3. */
    kms: string[];
    /** Added with `crossAccountAcl`. */
    acl: string[];
    /** Whether `allowDelete` applies. */
    writes: boolean;
}

/** Multipart uploads re-read data keys, so writers need Decrypt too. */
const KMS_WRITE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];

const S3_ACCESS: Readonly<Record<S3Access, S3AccessActions>> = {
    read: {
        object: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"],
        list: true,
        bucket: ["s3:GetBucketLocation"],
        kms: ["kms:Decrypt"],
        acl: [],
        writes: false,
    },
    write: {
        object: ["s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        list: false,
        bucket: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
        kms: KMS_WRITE_ACTIONS,
        acl: ["s3:PutObjectAcl"],
        writes: true,
    },
    readwrite: {
        object: [
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectTagging",
            "s3:PutObject",
            "s3:PutObjectTagging",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts",
        ],
        list: true,
        bucket: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
        kms: KMS_WRITE_ACTIONS,
        acl: ["s3:PutObjectAcl"],
        writes: true,
    },
    // Transfer Family, "Allowing read and write access to an Amazon S3 bucket": ListBucket on the bucket; PutObject,
    // GetObject, GetObjectTagging, GetObjectVersion, GetObjectVersionTagging (and DeleteObject, here `allowDelete`) on
    // objects; GetObjectACL and PutObjectACL only for cross-account access
    // (https://docs.aws.amazon.com/transfer/latest/userguide/users-policies-all-access.html); GetBucketLocation as in
    // https://repost.aws/knowledge-center/transfer-family-permission-errors. Not ListBucketMultipartUploads: it
    // cannot be limited to a prefix, and would show a partner the in-progress upload keys of the whole bucket.
    transfer: {
        object: [
            "s3:PutObject",
            "s3:GetObject",
            "s3:GetObjectTagging",
            "s3:GetObjectVersion",
            "s3:GetObjectVersionTagging",
        ],
        list: true,
        bucket: ["s3:GetBucketLocation"],
        kms: KMS_WRITE_ACTIONS,
        acl: ["s3:GetObjectAcl", "s3:PutObjectAcl"],
        writes: true,
    },
    // Amazon Data Firehose, "Grant Firehose access to an Amazon S3 destination": AbortMultipartUpload,
    // GetBucketLocation, GetObject, ListBucket, ListBucketMultipartUploads, PutObject, KMS Decrypt and GenerateDataKey
    // through S3; "Cross-account delivery to an Amazon S3 destination": also PutObjectAcl, in the role and in the
    // bucket policy (Firehose sets x-amz-acl: bucket-owner-full-control)
    // (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3,
    // https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#cross-account-delivery-s3).
    firehose: {
        object: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        list: true,
        bucket: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
        kms: KMS_WRITE_ACTIONS,
        acl: ["s3:PutObjectAcl"],
        writes: true,
    },
};

/**
 * The S3 and KMS actions a grant of `access` needs (shared by identity statements, bucket policies and key
 * policies): `object` on objects under the prefix, `list` (`s3:ListBucket`, limited to the prefix with `s3:prefix`),
 * `bucket` (bucket-level actions whose requests carry no prefix, so an `s3:prefix` condition would never match them)
 * and `kms`.
 */
export function s3ActionsFor(
    access: S3Access,
    options: S3GrantOptions = {},
): { object: string[]; list: string[]; bucket: string[]; kms: string[] } {
    const spec = S3_ACCESS[access];
    if (!spec) {
        throw new Error(`S3 access "${access}" is not one of ${S3_ACCESS_KINDS.join(", ")}`);
    }
    if (options.allowDelete && !spec.writes) {
        throw new Error(`S3 access "${access}" does not write: allowDelete needs an access kind that writes`);
    }
    return {
        object: [
            ...spec.object,
            ...(options.crossAccountAcl ? spec.acl : []),
            ...(options.allowDelete ? ["s3:DeleteObject"] : []),
        ],
        list: spec.list || options.allowList ? ["s3:ListBucket"] : [],
        bucket: [...spec.bucket],
        kms: [...spec.kms],
    };
}

/**
 * The S3 statements of a grant, for an identity policy or (with `principal`) a bucket policy: objects under the
 * prefix; `s3:ListBucket` limited to the prefix by `s3:prefix`; the bucket-level actions whose requests carry no
 * prefix (`s3:GetBucketLocation`, `s3:ListBucketMultipartUploads`) on the bucket without a prefix condition, which
 * they could never satisfy. `bucketLevel: false` leaves that last statement to the caller (a bucket policy merges it
 * per principal).
 */
export function s3GrantStatements(
    access: S3Access,
    scope: Omit<S3AccessScope, "keyArn">,
    sidPrefix: string,
    principal?: PolicyPrincipal,
    options: { bucketLevel?: boolean } = {},
): PolicyStatement[] {
    const prefix = normalisePrefix(scope.prefix);
    const actions = s3ActionsFor(access, scope);
    const who = principal ? { Principal: principal } : {};
    const statements: PolicyStatement[] = [
        {
            Sid: `${sidPrefix}ObjectAccess`,
            Effect: "Allow",
            ...who,
            Action: actions.object,
            Resource: pulumi.interpolate`${scope.bucketArn}/${prefix ?? ""}*`,
        },
    ];
    if (actions.list.length > 0) {
        statements.push({
            Sid: `${sidPrefix}ListPrefix`,
            Effect: "Allow",
            ...who,
            Action: actions.list,
            Resource: scope.bucketArn,
            ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
        });
    }
    if (options.bucketLevel ?? true) {
        statements.push({
            Sid: `${sidPrefix}BucketAccess`,
            Effect: "Allow",
            ...who,
            Action: actions.bucket,
            Resource: scope.bucketArn,
        });
    }
    return statements;
}

/**
 * Least-privilege identity-policy statements for `access` to a bucket (or one prefix of it), including the KMS
 * statement the encrypted bucket needs. The KMS statement is limited to requests S3 makes for this bucket
 * (`kms:EncryptionContext:aws:s3:arn`, which with S3 Bucket Keys is the bucket ARN).
 */
export function s3AccessStatements(access: S3Access, scope: S3AccessScope, sidPrefix = "S3"): PolicyStatement[] {
    return [
        ...s3GrantStatements(access, scope, sidPrefix),
        {
            Sid: `${sidPrefix}KmsForBucket`,
            Effect: "Allow",
            Action: s3ActionsFor(access, scope).kms,
            Resource: scope.keyArn,
            Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": scope.bucketArn } },
        },
    ];
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
