/**
 * Required access: what an AWS integration of the platform needs to be allowed to do, declared by the component that
 * builds the integration and proven by the offline plan's access proof (`tools/plan/access`). Pulumi-free, so the
 * proof reads the same shapes the components produce.
 */

/** Request context values, as IAM sees them (condition key → value or values). */
export type AccessContext = Record<string, string | string[]>;

/** One request the integration makes: each action on one resource, with the context AWS sends with it. */
export interface AccessRequest {
    /** IAM actions (`service:Action`), each one request. */
    actions: string[];
    /** The resource ARN the request names (for S3 objects an example key under the prefix used). */
    resource: string;
    /** Context keys the request carries besides the defaults (TLS, principal and resource account). */
    context?: AccessContext;
    /**
     * The resource belongs to AWS or a third party (e.g. a Data Exchange provider's bucket): only the principal's
     * side (identity and session policies) is evaluated; the text says whose policy grants the other side.
     */
    external?: string;
    /** Needed only when the resource is in another account than the principal (e.g. `s3:PutObjectAcl`). */
    crossAccountOnly?: boolean;
}

/** An access the platform needs, with the AWS documentation page that lists it. */
export interface RequiredAccess {
    /** Stable id, `<component>/<what>`, e.g. `stream-ingest/firehose-to-raw`. */
    id: string;
    /**
     * Who makes the requests: an IAM role ARN, a Transfer Family user ARN (its role with the user's session policy),
     * a service principal (`logging.s3.amazonaws.com`), or an account id (any principal of that account).
     */
    principal: string;
    requests: AccessRequest[];
    /** The AWS documentation page that lists what the integration needs. */
    doc: string;
    /** Why the platform needs it, in a sentence. */
    why: string;
}

/** Name of the component output that carries the declarations (`RequiredAccess[]`). */
export const REQUIRED_ACCESS_OUTPUT = "requiredAccess";

/** Key used for the example object of S3 requests under a prefix (`<prefix>access-proof-object`). */
export const EXAMPLE_OBJECT = "access-proof-object";

/** The S3 object ARN the proof uses for requests under `prefix` (`""` for the bucket root). */
export function exampleObjectArn(bucketArn: string, prefix = ""): string {
    const folder = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
    return `${bucketArn}/${folder}${EXAMPLE_OBJECT}`;
}

/**
 * Lake Formation: who a grant is for, as the governance plane declares it (component output
 * `LF_PRINCIPALS_OUTPUT`), so the access proof can tell consumers and ML roles from producers and administrators.
 */
export type LakeFormationPrincipalKind = "admin" | "read-only-admin" | "producer" | "consumer" | "ml" | "service";

export interface LakeFormationPrincipal {
    /** An IAM role ARN or an account id (a cross-account grant to the account). */
    principal: string;
    kind: LakeFormationPrincipalKind;
    /** Config name (consumer name, domain name, ...). */
    name: string;
    /** Why a `service` principal holds its grants (e.g. why it reads pii columns without a data contract). */
    reason?: string;
}

/** Name of the component output that carries `LakeFormationPrincipal[]`. */
export const LF_PRINCIPALS_OUTPUT = "lakeFormationPrincipals";

/**
 * A column-level (optionally row-filtered) SELECT a data contract approves for a consumer: what the contract
 * reconciler grants once the contract is in the contracts table. Declared by the contract registry (component output
 * `LF_APPROVALS_OUTPUT`) from the same function the reconciler uses, so the access proof checks what will be granted.
 */
export interface LakeFormationApproval {
    /** Contract id, `<domain>.<dataset>`. */
    contract: string;
    principal: string;
    /** Catalog id (account) of the table. */
    catalogId: string;
    database: string;
    table: string;
    /** Catalog (lower-case) column names. */
    columns: string[];
    /** Row filter expression (PartiQL), when the approval is row-filtered (a data cells filter). */
    rowFilter?: string;
}

/** Name of the component output that carries `LakeFormationApproval[]`. */
export const LF_APPROVALS_OUTPUT = "lakeFormationApprovals";

/**
 * What a principal must not be able to do: the least-privilege boundary its component states (e.g. "the raw → processed
 * job never writes the curated zone"). The access proof evaluates every request of it and the invariant
 * `declared-boundaries` breaks when one is allowed, so a policy that grows past the boundary fails the plan.
 */
export interface AccessBoundary {
    /** Stable id, `<component>/<what>`. */
    id: string;
    /** The IAM role ARN (or account id) the boundary is about. */
    principal: string;
    /** Requests that must be denied (each action on the resource). */
    requests: AccessRequest[];
    /** Why the principal must not, in a sentence. */
    why: string;
}

/** Name of the component output that carries `AccessBoundary[]`. */
export const ACCESS_BOUNDARIES_OUTPUT = "accessBoundaries";
