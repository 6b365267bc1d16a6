import * as pulumi from "@pulumi/pulumi";
import { type AccessContext, exampleObjectArn, type RequiredAccess } from "../../model/access";
import type { AwsContext } from "./context";
import { resolvedAs } from "./outputs";

/**
 * Required-access declarations (model/access.ts) built from Pulumi inputs. A component collects the accesses its
 * integrations need, exposes them as its `requiredAccess` output and registers it, so the offline plan's access proof
 * can show each one is allowed end to end.
 */

/** One request, with Pulumi inputs. */
export interface AccessRequestInput {
    actions: string[];
    resource: pulumi.Input<string>;
    context?: pulumi.Input<Record<string, pulumi.Input<string | string[]>>>;
    external?: string;
    crossAccountOnly?: boolean;
}

/** One declaration, with Pulumi inputs. */
export interface RequiredAccessInput {
    id: string;
    principal: pulumi.Input<string>;
    requests: AccessRequestInput[];
    doc: string;
    why: string;
}

/** The declarations as one output (for `this.requiredAccess` and `registerOutputs`; see `resolvedAs`). */
export function requiredAccess(entries: readonly RequiredAccessInput[]): pulumi.Output<RequiredAccess[]> {
    return resolvedAs(entries, (resolved) => resolved as unknown as RequiredAccess[]);
}

/** What a principal does in a KMS-encrypted bucket (one prefix): object, bucket and key actions. */
export interface S3AccessNeed {
    id: string;
    principal: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    /** The bucket's default-encryption key (S3 uses it on the principal's behalf). */
    keyArn: pulumi.Input<string>;
    /** Key prefix (folder) the principal works in; `""` for the whole bucket. */
    prefix: string;
    objectActions: string[];
    /** Bucket-level actions; `s3:ListBucket` is requested with `s3:prefix` = the prefix, the others carry none. */
    bucketActions?: string[];
    /** KMS actions S3 calls for the principal (`kms:GenerateDataKey` to write, `kms:Decrypt` to read). */
    kmsActions?: string[];
    /** Headers the object requests carry (`s3:x-amz-acl`, `s3:x-amz-server-side-encryption`...). */
    objectContext?: Record<string, pulumi.Input<string>>;
    /** Context every request carries (e.g. `aws:CalledVia`). */
    context?: AccessContext;
    ctx: AwsContext;
    doc: string;
    why: string;
}

/**
 * An S3 access through a bucket encrypted with a KMS key: the object requests (on an example key under the prefix),
 * the bucket requests, and the KMS requests S3 makes (`kms:ViaService` S3 in the region, encryption context
 * `aws:s3:arn` the bucket, as with S3 Bucket Keys).
 */
export function s3Access(need: S3AccessNeed): RequiredAccessInput {
    const base = need.context ?? {};
    const object = pulumi.output(need.bucketArn).apply((arn) => exampleObjectArn(arn, need.prefix));
    const objectContext = { ...base, ...(need.objectContext ?? {}) };
    // Setting bucket-owner-full-control (PutObjectAcl) matters only when writing into another account's bucket.
    const acl = need.objectActions.filter((a) => a === "s3:PutObjectAcl");
    const requests: AccessRequestInput[] = [
        {
            actions: need.objectActions.filter((a) => a !== "s3:PutObjectAcl"),
            resource: object,
            context: objectContext,
        },
        ...(acl.length ? [{ actions: acl, resource: object, context: objectContext, crossAccountOnly: true }] : []),
    ];
    const bucketActions = need.bucketActions ?? [];
    const list = bucketActions.filter((a) => a === "s3:ListBucket");
    const others = bucketActions.filter((a) => a !== "s3:ListBucket");
    if (list.length > 0)
        requests.push({ actions: list, resource: need.bucketArn, context: { ...base, "s3:prefix": need.prefix } });
    if (others.length > 0) requests.push({ actions: others, resource: need.bucketArn, context: base });
    if ((need.kmsActions ?? []).length > 0) {
        requests.push({
            actions: need.kmsActions ?? [],
            resource: need.keyArn,
            context: {
                ...base,
                "kms:ViaService": pulumi.interpolate`s3.${need.ctx.region}.${need.ctx.dnsSuffix}`,
                "kms:EncryptionContext:aws:s3:arn": need.bucketArn,
            },
        });
    }
    return { id: need.id, principal: need.principal, requests, doc: need.doc, why: need.why };
}
