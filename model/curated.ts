/**
 * The curated outputs of the processed → curated Glue job (jobs/glue/cdp_jobs/processed_to_curated.py), defined once:
 * name, columns with their Glue (Hive) types and classifications, the table's classification and its partition. The
 * governed catalog plans one table per output from it (`curatedCatalog`, in the curated zone's database, LF-tagged),
 * `npm run contracts:check` checks contracts on them against it, and tests/curated-outputs.test.ts runs the job on
 * local Spark and compares what it writes with it. Pulumi-free.
 *
 * Classification. The outputs merge every domain's data, so their `domain` LF-tag is `platform`. Per-customer outputs
 * (profile, 360, transactions, daily spend, RFM) are `confidential`: they hold a customer's financial behaviour keyed
 * by customer and profile ids. The profile's `email` and `name` reach curated only as keyed hashes (HMAC-SHA256 of the
 * raw job's privacy rules), but a keyed hash of an identifier is pseudonymised personal data, still personal data
 * (GDPR Recital 26; the hub's salt re-identifies it by joining), so those columns stay `pii` at column level: a tag
 * grant never reaches them, only a data contract does. The reportable aggregates (daily revenue, segment summary) hold
 * no customer-level row and are `internal`.
 */
import type { CatalogColumn, CatalogTableSpec } from "./catalog";
import type { Classification } from "./names";

/** Partition column of every curated output: `dt`, a date (the as-of date, or the fact's day). */
export const CURATED_PARTITION = { name: "dt", type: "date" } as const;

/** The `domain` LF-tag value of the curated outputs: built from every domain's data by the platform's ETL. */
export const CURATED_DOMAIN = "platform";

export interface CuratedColumn {
    /** Column name as the job writes it (lower case, the catalog's spelling). */
    readonly name: string;
    /** Glue (Hive) type, as Spark's `simpleString` of the written type. */
    readonly type: string;
    /** `pii` for personal data (a column-level LF-tag), otherwise the output's classification. */
    readonly pii?: boolean;
    readonly comment: string;
}

export interface CuratedOutput {
    /** Folder under the curated root (`<curated>/<name>/dt=…/`) and the catalog table name. */
    readonly name: string;
    readonly description: string;
    /** The table's `classification` LF-tag. */
    readonly classification: Extract<Classification, "internal" | "confidential">;
    /** Data columns in the order the job writes them (the partition column is `CURATED_PARTITION`). */
    readonly columns: readonly CuratedColumn[];
}

const col = (name: string, type: string, comment: string, pii = false): CuratedColumn => ({
    name,
    type,
    comment,
    ...(pii ? { pii } : {}),
});

const PROFILE: readonly CuratedColumn[] = [
    col("profile_id", "string", "Entity Resolution match id, else the customer id"),
    col("customer_ids", "array<string>", "customer ids the profile merges"),
    col("email", "string", "keyed hash (HMAC-SHA256) of the e-mail address", true),
    col("name", "string", "keyed hash (HMAC-SHA256) of the name", true),
    col("segment", "string", "latest segment"),
    col("country", "string", "latest country"),
    col("first_seen", "timestamp", "first creation time across the merged records"),
    col("last_updated", "timestamp", "latest update time across the merged records"),
];

const RFM: readonly CuratedColumn[] = [
    col("last_purchase", "timestamp", "latest spend"),
    col("first_purchase", "timestamp", "first spend"),
    col("frequency", "bigint", "spend transactions"),
    col("monetary_minor", "bigint", "spend in minor units"),
    col("recency_days", "int", "days from the last purchase to the as-of date"),
    col("r_score", "int", "recency score 1-5"),
    col("f_score", "int", "frequency score 1-5"),
    col("m_score", "int", "monetary score 1-5"),
    col("rfm_segment", "string", "champions, new, loyal, at_risk, lost, promising"),
    col("avg_order_minor", "bigint", "average spend per transaction"),
    col("historic_value_minor", "bigint", "spend to date"),
    col("predicted_ltv_minor", "bigint", "predicted lifetime value over the horizon"),
];

/** Every output the curated job writes, in its `OUTPUTS` order. */
export const CURATED_OUTPUTS: readonly CuratedOutput[] = [
    {
        name: "customer_profile",
        description: "Conformed customer profile (Entity Resolution matches merged), one row per profile",
        classification: "confidential",
        columns: PROFILE,
    },
    {
        name: "transactions",
        description: "Latest version of every spend and payment transaction, with its profile",
        classification: "confidential",
        columns: [
            col("customer_id", "string", "customer id of the transaction"),
            col("dataset", "string", "processed dataset it comes from"),
            col("transaction_id", "string", "order, transaction or payment id"),
            col("kind", "string", "spend or payment"),
            col("amount_minor", "bigint", "amount in minor units of its currency"),
            col("currency", "string", "ISO 4217 code"),
            col("ts", "timestamp", "transaction time"),
            col("profile_id", "string", "profile of the customer"),
        ],
    },
    {
        name: "daily_spend",
        description: "Spend per profile, day, currency and dataset",
        classification: "confidential",
        columns: [
            col("profile_id", "string", "profile"),
            col("currency", "string", "ISO 4217 code"),
            col("dataset", "string", "processed dataset"),
            col("kind", "string", "spend or payment"),
            col("transactions", "bigint", "transactions that day"),
            col("amount_minor", "bigint", "sum in minor units"),
        ],
    },
    {
        name: "customer_rfm",
        description: "Recency, frequency, monetary scores, segment and lifetime value per profile and currency",
        classification: "confidential",
        columns: [col("profile_id", "string", "profile"), col("currency", "string", "ISO 4217 code"), ...RFM],
    },
    {
        name: "customer_360",
        description: "Customer 360: profile, RFM in its main currency, settled payments and web activity",
        classification: "confidential",
        columns: [
            ...PROFILE,
            col("main_currency", "string", "currency of the highest spend"),
            ...RFM,
            col("settled_minor", "map<string,bigint>", "settled payments per currency"),
            col("web_sessions", "bigint", "web sessions"),
            col("page_views", "bigint", "page views"),
            col("last_seen_web", "timestamp", "latest web activity"),
            col("web_active_days", "bigint", "days with web activity"),
        ],
    },
    {
        name: "daily_revenue",
        description: "Reportable revenue per day, currency and dataset (no customer-level rows)",
        classification: "internal",
        columns: [
            col("currency", "string", "ISO 4217 code"),
            col("dataset", "string", "processed dataset"),
            col("kind", "string", "spend or payment"),
            col("transactions", "bigint", "transactions"),
            col("customers", "bigint", "distinct profiles"),
            col("amount_minor", "bigint", "sum in minor units"),
        ],
    },
    {
        name: "segment_summary",
        description: "Reportable customers, revenue and average lifetime value per RFM segment and currency",
        classification: "internal",
        columns: [
            col("rfm_segment", "string", "RFM segment"),
            col("currency", "string", "ISO 4217 code"),
            col("customers", "bigint", "profiles in the segment"),
            col("revenue_minor", "bigint", "their spend"),
            col("avg_predicted_ltv_minor", "bigint", "their average predicted lifetime value"),
        ],
    },
];

/** The catalog table of a curated output: in the curated zone, at `<curated>/<name>/`, partitioned by `dt`. */
export function curatedTable(output: CuratedOutput): CatalogTableSpec {
    return {
        domain: CURATED_DOMAIN,
        dataset: output.name,
        table: output.name,
        classification: output.classification,
        zone: "curated",
        prefix: `${output.name}/`,
        partition: { ...CURATED_PARTITION },
        columns: output.columns.map(
            (c): CatalogColumn => ({
                name: c.name,
                attribute: c.name,
                type: c.type,
                classification: c.pii ? "pii" : output.classification,
                required: false,
            }),
        ),
    };
}

/** The catalog tables of every curated output. */
export function curatedCatalog(outputs: readonly CuratedOutput[] = CURATED_OUTPUTS): CatalogTableSpec[] {
    return outputs.map(curatedTable);
}
