/**
 * The record types the ingestion hub accepts: the single source of truth for
 * what each type contains and how it is normalised. Field kinds are defined
 * in fields.ts; the engine in normalise.ts applies these specs (generated.ts
 * turns each type's fields into one function at cold start).
 *
 * To add a record type, add an entry here (and bump `version` of a type when
 * its output shape changes, so readers of the raw zone can tell versions
 * apart via `_meta.schemaVersion`).
 */
import type { FieldSpec, StringSpec } from "./fields";

export interface RecordSchema {
    /** Output schema version, written to `_meta.schemaVersion`. */
    readonly version: number;
    /** Known fields in output order. Anything else goes to `_extra`. */
    readonly fields: Readonly<Record<string, FieldSpec>>;
    /** Fields that identify the business event, used for the event id. */
    readonly naturalKey: readonly string[];
    /** Timestamp fields giving the event time, first present one wins. */
    readonly eventTime: readonly string[];
}

/** Printable ASCII without leading/trailing spaces. */
const PRINTABLE_ID = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

const id = (required: boolean): StringSpec => ({
    kind: "string",
    maxLength: 128,
    pattern: PRINTABLE_ID,
    acceptIntegers: true,
    required,
});

const label = (maxLength: number): StringSpec => ({ kind: "string", maxLength, lowercase: true });

export const SCHEMAS = {
    customer: {
        version: 1,
        fields: {
            customerId: id(true),
            email: { kind: "email", pii: true },
            name: { kind: "string", maxLength: 256, text: true, pii: true },
            phone: { kind: "phone", pii: true },
            country: { kind: "country" },
            status: label(32),
            marketingOptIn: { kind: "boolean" },
            createdAt: { kind: "timestamp", required: true },
            updatedAt: { kind: "timestamp" },
        },
        naturalKey: ["customerId"],
        eventTime: ["updatedAt", "createdAt"],
    },
    transaction: {
        version: 1,
        fields: {
            transactionId: id(true),
            customerId: id(false),
            amount: { kind: "money", currencyField: "currency", column: "amountMinor", required: true },
            currency: { kind: "currency", required: true },
            timestamp: { kind: "timestamp", required: true },
            merchant: { kind: "string", maxLength: 256, text: true },
            status: label(32),
            paymentMethod: label(32),
        },
        naturalKey: ["transactionId"],
        eventTime: ["timestamp"],
    },
    weblog: {
        version: 1,
        fields: {
            sessionId: id(true),
            timestamp: { kind: "timestamp", required: true },
            method: {
                kind: "enum",
                case: "upper",
                values: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"],
                required: true,
            },
            url: { kind: "url", maxLength: 8192, required: true },
            status: { kind: "integer", min: 100, max: 599, required: true },
            referrer: { kind: "url", maxLength: 8192 },
            userAgent: { kind: "string", maxLength: 1024 },
            ip: { kind: "ip", pii: true },
            customerId: id(false),
            bytes: { kind: "integer", min: 0, max: Number.MAX_SAFE_INTEGER },
            durationMs: { kind: "number", min: 0, max: 86_400_000 },
        },
        naturalKey: ["sessionId", "method", "url", "status"],
        eventTime: ["timestamp"],
    },
    api_event: {
        version: 1,
        fields: {
            type: {
                kind: "string",
                maxLength: 128,
                pattern: /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/,
                required: true,
            },
            timestamp: { kind: "timestamp", required: true },
            payload: { kind: "json", required: true },
        },
        naturalKey: ["type", "payload"],
        eventTime: ["timestamp"],
    },
} as const satisfies Record<string, RecordSchema>;

export type EntityName = keyof typeof SCHEMAS;

export const ENTITY_NAMES = Object.keys(SCHEMAS) as EntityName[];
