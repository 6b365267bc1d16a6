/**
 * Why a record came back as ProcessingFailed. Reasons are stable codes meant
 * for log queries and metric filters; `field` names the offending schema
 * field and `detail` is a fixed human-readable hint. Neither ever contains
 * record content (JSON.parse error messages, which quote the input, are
 * deliberately not propagated).
 */
export type FailureReason =
    | "invalid-base64"
    | "record-too-large"
    | "invalid-utf8"
    | "invalid-json"
    | "not-an-object"
    | "too-deep"
    | "forbidden-key"
    | "unknown-entity"
    | "invalid-source"
    | "invalid-event-id"
    | "missing-field"
    | "invalid-field"
    | "field-too-long"
    | "response-size-limit"
    | "internal-error";

export interface Failure {
    readonly reason: FailureReason;
    readonly field?: string;
    readonly detail?: string;
}

/**
 * Thrown by validation code to reject the current record. It is a plain
 * value rather than an Error: rejections are expected control flow on
 * hostile batches, and skipping stack capture keeps that path cheap.
 */
export class Rejection implements Failure {
    constructor(
        readonly reason: FailureReason,
        readonly field?: string,
        readonly detail?: string,
    ) {}
}

export function reject(reason: FailureReason, field?: string, detail?: string): never {
    throw new Rejection(reason, field, detail);
}
