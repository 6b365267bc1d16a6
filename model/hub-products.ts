/**
 * The ingestion hub's own record types as governed data products. Pulumi-free.
 *
 * Producers that are not business domains send the hub's record types directly (functions/preprocess/schemas.ts: a
 * CRM's `customer`, a card processor's `transaction`, a web tier's `weblog`). No business domain publishes them, so
 * the platform owns them: the `hub` data product domain (`HUB_DOMAIN`), with its own governed database in the
 * governance account, LF-tagged `domain=hub` like every domain's, its contracts in `contracts/hub/<dataset>.yaml`,
 * and its tables in the planned catalog of every stack (every stack has the hub). A business domain may not be named
 * `hub` (the config parser rejects it).
 *
 * Which contract a record is checked against is decided by its producer and its dataset together, never by the
 * dataset alone (a hub `customer` from a CRM and the sales domain's change-published `customer` are different data
 * products with different shapes): a record the hub normalised (raw `streams/source=…/entity=<type>/`, no change
 * envelope) is owned by `hub`; a domain change event (raw `events/`, or a change envelope in an `api_event` on the
 * stream) by the envelope's `domain` (jobs/glue/cdp_jobs/contracts.py, `owner_of`).
 *
 * The hub's `api_event` is not a data product: its `payload` is free-form JSON (or a domain's change envelope, owned
 * by that domain); without a contract its free-form records are quarantined `no-contract`.
 */
import type { AttributeSpec, EntityDefinition } from "./entities";

/** The data product domain that owns the hub's record types: the `domain` LF-tag value and the contracts folder. */
export const HUB_DOMAIN = "hub";

/** The hub's record types published as data products (`api_event` is not one, see above). */
export const HUB_DATASETS = ["customer", "transaction", "weblog"] as const;

/**
 * Classification of each hub table. A table with personal data is `confidential` (model/catalog.ts); card
 * transactions carry none of the pii fields but are a person's financial behaviour keyed by customer: `confidential`
 * too, so a tag grant on `internal` never reaches them.
 */
export const HUB_TABLE_CLASSIFICATION: Readonly<Record<(typeof HUB_DATASETS)[number], "confidential">> = {
    customer: "confidential",
    transaction: "confidential",
    weblog: "confidential",
};

/**
 * A field of a hub record schema, as far as the catalog needs it: the shape of functions/preprocess/fields.ts
 * `FieldSpec` (the model may not import runtime code; programs/hub/products.ts passes the schemas in, and
 * tests/hub-products.test.ts compares the tables with them).
 */
export interface HubFieldSpec {
    readonly kind: string;
    readonly required?: boolean;
    readonly pii?: boolean;
    /** Output key, when it differs from the input key. */
    readonly column?: string;
    readonly maxLength?: number;
    readonly values?: readonly string[];
    readonly min?: number;
    readonly max?: number;
}

/** A hub record schema as far as the catalog needs it (functions/preprocess/schemas.ts `RecordSchema`). */
export interface HubRecordSchema {
    readonly fields: Readonly<Record<string, HubFieldSpec>>;
    readonly naturalKey: readonly string[];
}

/** The catalog attribute a hub field is stored as: the Lambda's output column with its type and bounds. */
function attribute(spec: HubFieldSpec): AttributeSpec {
    const common = { ...(spec.required ? { required: true } : {}), ...(spec.pii ? { pii: true } : {}) };
    switch (spec.kind) {
        case "string":
        case "url":
            return {
                type: "string",
                ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
                ...common,
            };
        case "enum":
            return { type: "string", enum: [...(spec.values ?? [])], ...common };
        case "email":
            return { type: "email", ...common };
        case "integer":
        case "number":
            return { type: spec.kind, minimum: spec.min, maximum: spec.max, ...common };
        case "money":
            // Minor units of the record's currency (functions/preprocess/money.ts).
            return { type: "integer", ...common };
        case "timestamp":
            return { type: "timestamp", ...common };
        case "boolean":
            return { type: "boolean", ...common };
        case "json":
            return { type: "object", ...common };
        default:
            // phone, country, ip, currency: normalised strings.
            return { type: "string", ...common };
    }
}

/** A hub record type as an entity definition: its output columns (`column` where the Lambda renames a field). */
export function hubEntity(dataset: string, schema: HubRecordSchema): EntityDefinition {
    const attributes: Record<string, AttributeSpec> = {};
    for (const [key, spec] of Object.entries(schema.fields)) attributes[spec.column ?? key] = attribute(spec);
    return { name: dataset, partitionKey: schema.naturalKey[0], attributes };
}
