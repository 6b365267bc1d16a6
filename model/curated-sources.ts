/**
 * Which processed datasets the curated job (jobs/glue/cdp_jobs/processed_to_curated.py) reads customers, spend,
 * payments and web activity from, and under which column names: `cdp:processing.curated`, passed to the job as its
 * `--spec` argument, where `spec_from_json` checks the document again before any Spark work. Left out, the job's
 * defaults apply: the repository's contracts (customers, sales orders, card transactions, settled payments, web logs).
 * The outputs do not change with the sources: their columns are the catalog's (model/curated.ts); a customer source
 * maps its own column names onto the profile's attributes (`attributeColumns`). Pulumi-free.
 */
import { CONTRACT_NAME } from "./contracts";
import type { ValidationIssue } from "./issues";

/**
 * The customer profile's attribute columns (model/curated.ts' `customer_profile`; the job's `PROFILE_ATTRIBUTES`, a
 * test compares them): the latest non-null value of each across a profile's customer records.
 */
export const CURATED_PROFILE_ATTRIBUTES = ["email", "name", "segment", "country"] as const;
export type CuratedProfileAttribute = (typeof CURATED_PROFILE_ATTRIBUTES)[number];

export interface CuratedCustomerSource {
    /** `<dataset>` (every producer's, e.g. the hub's and a domain's customers) or `<domain>.<dataset>` (one's). */
    readonly dataset: string;
    /** @default "customerId" */
    readonly idColumn?: string;
    /**
     * Columns giving a version's time, the first present wins (then the arrival time).
     * @default ["updatedAt", "createdAt"]
     */
    readonly updatedColumns?: readonly string[];
    /** @default "createdAt" */
    readonly createdColumn?: string;
    /**
     * The source's column for a profile attribute whose name differs, e.g. `{email: "emailAddress"}` (a profile
     * attribute it has no column for is null in its rows).
     * @default each attribute from the column of its own name
     */
    readonly attributeColumns?: Readonly<Partial<Record<CuratedProfileAttribute, string>>>;
}

export interface CuratedTransactionSource {
    /** `<dataset>` or `<domain>.<dataset>`, as for customers. */
    readonly dataset: string;
    /** The transaction's id: its versions are deduplicated by it (the latest wins). */
    readonly idColumn: string;
    /** When it happened: its `dt` and the RFM recency. */
    readonly timeColumn: string;
    /** @default "customerId" */
    readonly customerColumn?: string;
    /** Amount in minor units of its currency. @default "amountMinor" */
    readonly amountColumn?: string;
    /** @default "currency" */
    readonly currencyColumn?: string;
    /** `spend` (RFM, lifetime value) or `payment` (settled amounts beside spend). @default "spend" */
    readonly kind?: CuratedSourceKind;
    /** Only rows whose `statusColumn` holds one of `statuses` count (e.g. settled payments); both or neither. */
    readonly statusColumn?: string;
    readonly statuses?: readonly string[];
}

export interface CuratedWebSource {
    /** `<dataset>` or `<domain>.<dataset>`, as for customers. */
    readonly dataset: string;
    /** @default "customerId" */
    readonly customerColumn?: string;
    /** @default "sessionId" */
    readonly sessionColumn?: string;
    /** @default "timestamp" */
    readonly timeColumn?: string;
}

export interface CuratedSources {
    /** @default the hub's and every domain's `customer` */
    readonly customers?: readonly CuratedCustomerSource[];
    /** @default `order`, `transaction` (spend) and settled `payment` */
    readonly transactions?: readonly CuratedTransactionSource[];
    /** @default `weblog` */
    readonly web?: readonly CuratedWebSource[];
    /** Years of future purchases the predicted lifetime value counts. @default 3 */
    readonly ltvHorizonYears?: number;
}

/** The keys of each kind of source (`spec_from_json`'s `SPEC_KEYS` in snake case; a test compares them). */
export const CURATED_SOURCE_KEYS = {
    customers: ["dataset", "idColumn", "updatedColumns", "createdColumn", "attributeColumns"],
    transactions: [
        "dataset",
        "idColumn",
        "timeColumn",
        "customerColumn",
        "amountColumn",
        "currencyColumn",
        "kind",
        "statusColumn",
        "statuses",
    ],
    web: ["dataset", "customerColumn", "sessionColumn", "timeColumn"],
} as const;

export const CURATED_SOURCE_KINDS = ["spend", "payment"] as const;
export type CuratedSourceKind = (typeof CURATED_SOURCE_KINDS)[number];

/** A source column: a contract property name, which the processed zone keeps as it is (no dots or backticks). */
export const SOURCE_COLUMN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const SOURCE_COLUMN_RULE = "a column of the processed dataset: letters, digits, _ and -, starting with a letter or _";
const NAME = CONTRACT_NAME.source.replace(/^\^|\$$/g, "");
/** `<dataset>` or `<domain>.<dataset>`: the contract names of the processed zone's `<domain>/entity=<dataset>/`. */
export const SOURCE_DATASET = new RegExp(`^(${NAME}\\.)?${NAME}$`);
const ATTRIBUTE_COLUMNS_RULE = `an object of profile attributes (${CURATED_PROFILE_ATTRIBUTES.join(", ")}) and the source's columns for them`;
const SOURCE_DATASET_RULE = "a contract's dataset, or <domain>.<dataset> for one producer's (lower-case names)";

/** Every problem with `sources` (keys under `at`); none: the job accepts them. */
export function curatedSourcesIssues(sources: CuratedSources, at: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const add = (key: string, value: unknown, expected: string) => issues.push({ key, value, expected });
    const column = (key: string, value: unknown, required = false) => {
        if (value === undefined && !required) return;
        if (typeof value !== "string" || !SOURCE_COLUMN.test(value)) add(key, value, SOURCE_COLUMN_RULE);
    };
    const columns = (key: string, value: unknown, expected: string) => {
        if (value === undefined) return;
        if (!Array.isArray(value) || value.length === 0) add(key, value, expected);
        else
            value.forEach((v, i) => {
                column(`${key}[${i}]`, v, true);
            });
    };
    const list = <T extends { dataset: string }>(
        key: "customers" | "transactions" | "web",
        value: readonly T[] | undefined,
        item: (k: string, source: T) => void,
    ) => {
        if (value === undefined) return;
        if (!Array.isArray(value) || value.length === 0) {
            add(`${at}.${key}`, value, "a non-empty list of sources (leave it out for the defaults)");
            return;
        }
        value.forEach((source, i) => {
            const k = `${at}.${key}[${i}]`;
            if (typeof source.dataset !== "string" || !SOURCE_DATASET.test(source.dataset)) {
                add(`${k}.dataset`, source.dataset, SOURCE_DATASET_RULE);
            }
            item(k, source);
        });
    };
    list("customers", sources.customers, (k, c) => {
        column(`${k}.idColumn`, c.idColumn);
        columns(`${k}.updatedColumns`, c.updatedColumns, "a non-empty list of columns");
        column(`${k}.createdColumn`, c.createdColumn);
        const mapped = c.attributeColumns;
        if (mapped === undefined) return;
        if (
            typeof mapped !== "object" ||
            mapped === null ||
            Array.isArray(mapped) ||
            Object.keys(mapped).length === 0
        ) {
            add(`${k}.attributeColumns`, mapped, ATTRIBUTE_COLUMNS_RULE);
            return;
        }
        for (const [attribute, name] of Object.entries(mapped)) {
            if (!(CURATED_PROFILE_ATTRIBUTES as readonly string[]).includes(attribute)) {
                add(
                    `${k}.attributeColumns.${attribute}`,
                    name,
                    `a profile attribute: ${CURATED_PROFILE_ATTRIBUTES.join(", ")}`,
                );
            } else column(`${k}.attributeColumns.${attribute}`, name, true);
        }
    });
    list("transactions", sources.transactions, (k, t) => {
        column(`${k}.idColumn`, t.idColumn, true);
        column(`${k}.timeColumn`, t.timeColumn, true);
        column(`${k}.customerColumn`, t.customerColumn);
        column(`${k}.amountColumn`, t.amountColumn);
        column(`${k}.currencyColumn`, t.currencyColumn);
        if (t.kind !== undefined && !CURATED_SOURCE_KINDS.includes(t.kind)) {
            add(`${k}.kind`, t.kind, `one of ${CURATED_SOURCE_KINDS.join(", ")}`);
        }
        column(`${k}.statusColumn`, t.statusColumn);
        if (t.statuses !== undefined) {
            if (
                !Array.isArray(t.statuses) ||
                t.statuses.length === 0 ||
                !t.statuses.every((s) => typeof s === "string" && s !== "")
            ) {
                add(`${k}.statuses`, t.statuses, "a non-empty list of status values");
            }
        }
        if ((t.statusColumn === undefined) !== (t.statuses === undefined)) {
            add(
                `${k}.statuses`,
                t.statuses,
                "statuses and statusColumn given together (rows whose status is one of them count)",
            );
        }
    });
    list("web", sources.web, (k, w) => {
        column(`${k}.customerColumn`, w.customerColumn);
        column(`${k}.sessionColumn`, w.sessionColumn);
        column(`${k}.timeColumn`, w.timeColumn);
    });
    const years = sources.ltvHorizonYears;
    if (years !== undefined && !(typeof years === "number" && years > 0 && years <= 100)) {
        add(`${at}.ltvHorizonYears`, years, "a number of years above 0, at most 100");
    }
    return issues;
}

/** The job's `--spec` argument for `sources` (its snake_case keys; only what is given, the job defaults the rest). */
export function curatedSpecArgument(sources: CuratedSources): string {
    const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const convert = (source: object) =>
        Object.fromEntries(
            Object.entries(source)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [snake(k), v]),
        );
    const doc: Record<string, unknown> = {};
    if (sources.customers) doc.customers = sources.customers.map(convert);
    if (sources.transactions) doc.transactions = sources.transactions.map(convert);
    if (sources.web) doc.web = sources.web.map(convert);
    if (sources.ltvHorizonYears !== undefined) doc.ltv_horizon_years = sources.ltvHorizonYears;
    return JSON.stringify(doc);
}
