/**
 * Data contracts: the format of a contract file (`contracts/<domain>/<dataset>.yaml`), its validation, and the Lake
 * Formation grants it approves. Pulumi-free: `npm run contracts:check`, the contract registry component and the
 * contract reconciler Lambda all use this module, so what CI checks, what `pulumi up` loads and what the reconciler
 * grants are decided by the same code.
 */
import type { LakeFormationApproval } from "./access";
import { type CatalogTableSpec, columnName, findTable, PARTITION_COLUMN, tableName } from "./catalog";
import { describeValue } from "./issues";
import { CLASSIFICATIONS, type Classification } from "./names";

/** The `apiVersion` every contract file declares. */
export const CONTRACT_API_VERSION = "cdp.contracts/v1";

/** A contract is `active` (its approvals are granted) or `withdrawn` (nothing is granted; the file stays for history). */
export const CONTRACT_STATUSES = ["active", "withdrawn"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/** JSON Schema types a contract's record schema may use. */
export const SCHEMA_TYPES = ["string", "integer", "number", "boolean", "object", "array"] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

export interface SchemaProperty {
    readonly type: SchemaType;
    /** `date-time` for a timestamp column, `email` for an e-mail address. */
    readonly format?: string;
    readonly description?: string;
    readonly enum?: readonly (string | number)[];
    readonly minimum?: number;
    readonly maximum?: number;
}

export interface RecordSchema {
    readonly type: "object";
    readonly properties: Readonly<Record<string, SchemaProperty>>;
    readonly required?: readonly string[];
}

export interface QualityExpectations {
    /** Minimum row count of a daily partition. */
    readonly rowCount?: { readonly min?: number; readonly max?: number };
    /** Column → the fraction (0-1] of rows that must have a value; 1 means every row. */
    readonly completeness?: Readonly<Record<string, number>>;
    /** Columns whose values are unique in the table. */
    readonly unique?: readonly string[];
    /** Column → the values it may hold. */
    readonly allowedValues?: Readonly<Record<string, readonly (string | number)[]>>;
    /** Column → inclusive numeric range. */
    readonly ranges?: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
}

export interface ConsumerApproval {
    /** The consumer's name in `cdp:governance.consumers`. */
    readonly name: string;
    /** Columns it may read (schema property names or catalog column names). */
    readonly columns: readonly string[];
    /**
     * Rows it may read: a row filter expression in the PartiQL subset Lake Formation data cells filters accept
     * (comparisons, IN, BETWEEN, LIKE, IS [NOT] NULL, AND/OR/NOT, parentheses).
     */
    readonly rowFilter?: string;
    /** Why it reads the data product (required: it is what a reviewer approves). */
    readonly purpose: string;
}

export interface DataContract {
    readonly apiVersion: typeof CONTRACT_API_VERSION;
    /** Producer domain. */
    readonly domain: string;
    /** The entity the data product holds. */
    readonly dataset: string;
    /** Semantic version of the contract. */
    readonly version: string;
    /** Owning team. */
    readonly owner: string;
    readonly description: string;
    /** @default "active" */
    readonly status: ContractStatus;
    /** JSON Schema of one record. */
    readonly schema: RecordSchema;
    /** Classification of every schema property. */
    readonly classification: Readonly<Record<string, Classification>>;
    /** Hours after which the newest partition is stale. */
    readonly freshness?: { readonly maxDelayHours: number };
    readonly quality?: QualityExpectations;
    readonly consumers: readonly ConsumerApproval[];
}

/** One problem with a contract file: where it is, what it was and what was expected. */
export interface ContractIssue {
    readonly file: string;
    /** JSON path inside the file, e.g. `$.consumers[1].columns[0]`. */
    readonly path: string;
    readonly value: unknown;
    readonly expected: string;
}

export function formatContractIssue(issue: ContractIssue): string {
    return `${issue.file}: ${issue.path}: got ${describeValue(issue.value)}; expected ${issue.expected}`;
}

/** The contract's id (`<domain>.<dataset>`): the contracts table's key and the approvals' `contract`. */
export const contractId = (c: { domain: string; dataset: string }): string => `${c.domain}.${c.dataset}`;

/** Where a contract file lives, relative to the contracts directory. */
export const contractPath = (domain: string, dataset: string): string => `${domain}/${dataset}.yaml`;

/** Classifications from least to most sensitive. */
export const classificationRank = (c: Classification): number => CLASSIFICATIONS.indexOf(c);

/** The Glue type a schema property is stored as (the inverse of `model/catalog.ts` GLUE_TYPES). */
export function glueTypeOf(p: SchemaProperty): string {
    switch (p.type) {
        case "string":
            return p.format === "date-time" ? "timestamp" : "string";
        case "integer":
            return "bigint";
        case "number":
            return "double";
        case "boolean":
            return "boolean";
        default:
            return "string";
    }
}

/** What the validation knows besides the file: the stack's planned catalog and consumer names. */
export interface ContractContext {
    /** The planned catalog (undefined: structural checks only, as the reconciler does at run time). */
    readonly catalog?: readonly CatalogTableSpec[];
    /** Known consumer names (undefined: not checked). */
    readonly consumers?: readonly string[];
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;
/** A contract's domain, dataset and consumer names (the processed zone's `<domain>/entity=<dataset>/` folders). */
export const CONTRACT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const TOP_KEYS = [
    "apiVersion",
    "domain",
    "dataset",
    "version",
    "owner",
    "description",
    "status",
    "schema",
    "classification",
    "freshness",
    "quality",
    "consumers",
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ValidationResult {
    /** The contract, when it has no issue. */
    readonly contract?: DataContract;
    readonly issues: readonly ContractIssue[];
}

/**
 * Validates a parsed contract document; never throws. With `context.catalog`, also that the table exists, every
 * schema property and approved column is a catalog column, classifications are at least the catalog's (a `pii`
 * attribute must be `pii`) and schema types agree with the Glue types; with `context.consumers`, that every approved
 * consumer is known.
 */
export function validateContract(file: string, doc: unknown, context: ContractContext = {}): ValidationResult {
    const issues: ContractIssue[] = [];
    const add = (path: string, value: unknown, expected: string) => issues.push({ file, path, value, expected });
    if (!isRecord(doc)) {
        add("$", doc, "a YAML mapping (apiVersion, domain, dataset, version, owner, description, schema, ...)");
        return { issues };
    }
    for (const key of Object.keys(doc)) {
        if (!TOP_KEYS.includes(key)) add(`$.${key}`, doc[key], `no such key; known keys are ${TOP_KEYS.join(", ")}`);
    }
    if (doc.apiVersion !== CONTRACT_API_VERSION) add("$.apiVersion", doc.apiVersion, CONTRACT_API_VERSION);
    const str = (key: string, test: RegExp | undefined, expected: string): string | undefined => {
        const v = doc[key];
        if (typeof v !== "string" || v.trim() === "" || (test && !test.test(v))) {
            add(`$.${key}`, v, expected);
            return undefined;
        }
        return v;
    };
    const domain = str("domain", CONTRACT_NAME, "the producer domain's name (lower-case letters, digits, hyphens)");
    const dataset = str("dataset", CONTRACT_NAME, "an entity name of the domain (lower-case letters, digits, hyphens)");
    str("version", SEMVER, "a semantic version such as 1.2.0");
    str("owner", undefined, "the owning team");
    str("description", undefined, "a description of the data product");
    const status = doc.status ?? "active";
    if (!(CONTRACT_STATUSES as readonly unknown[]).includes(status))
        add("$.status", doc.status, CONTRACT_STATUSES.join(" or "));

    const table = domain && dataset && context.catalog ? findTable(context.catalog, domain, dataset) : undefined;
    if (domain && dataset && context.catalog && !table) {
        const known = context.catalog.filter((t) => t.domain === domain).map((t) => t.dataset);
        add(
            "$.dataset",
            dataset,
            known.length > 0
                ? `an entity of domain ${domain} in the planned catalog (${known.join(", ")})`
                : `a domain of the stack with a planned catalog table (domain ${domain} has none)`,
        );
    }
    const catalogColumn = (name: string) => table?.columns.find((c) => c.name === columnName(name));

    // Schema.
    const schema = doc.schema;
    const properties: Record<string, SchemaProperty> = {};
    if (!isRecord(schema) || schema.type !== "object" || !isRecord(schema.properties)) {
        add("$.schema", schema, "a JSON Schema of a record: {type: object, properties: {...}, required?: [...]}");
    } else {
        for (const [prop, spec] of Object.entries(schema.properties)) {
            const at = `$.schema.properties.${prop}`;
            if (!isRecord(spec) || !(SCHEMA_TYPES as readonly unknown[]).includes(spec.type)) {
                add(`${at}.type`, isRecord(spec) ? spec.type : spec, `one of ${SCHEMA_TYPES.join(", ")}`);
                continue;
            }
            const p = spec as unknown as SchemaProperty;
            properties[prop] = p;
            if (table) {
                const column = catalogColumn(prop);
                if (!column) {
                    add(at, prop, `a column of ${table.table} (${table.columns.map((c) => c.name).join(", ")})`);
                } else if (glueTypeOf(p) !== column.type) {
                    add(
                        `${at}.type`,
                        p.format ? `${p.type} (${p.format})` : p.type,
                        `a type stored as the catalog's ${column.type} (${schemaTypeFor(column.type)})`,
                    );
                }
            }
        }
        const required = schema.required ?? [];
        if (!Array.isArray(required)) add("$.schema.required", required, "a list of property names");
        else
            required.forEach((r, i) => {
                if (typeof r !== "string" || !(r in properties))
                    add(`$.schema.required[${i}]`, r, "a property of the schema");
            });
    }
    const known = (name: unknown): boolean =>
        typeof name === "string" &&
        (Object.keys(properties).some((p) => columnName(p) === columnName(name)) ||
            name === (table?.partition.name ?? PARTITION_COLUMN));

    // Classification per column.
    const classification = isRecord(doc.classification) ? doc.classification : undefined;
    if (!classification) add("$.classification", doc.classification, "a map of schema property → classification");
    else {
        for (const [prop, value] of Object.entries(classification)) {
            const at = `$.classification.${prop}`;
            if (!(CLASSIFICATIONS as readonly unknown[]).includes(value)) {
                add(at, value, `one of ${CLASSIFICATIONS.join(", ")}`);
                continue;
            }
            if (!(prop in properties)) add(at, prop, "a property of the schema");
            const column = catalogColumn(prop);
            if (column && classificationRank(value as Classification) < classificationRank(column.classification)) {
                add(
                    at,
                    value,
                    column.classification === "pii"
                        ? "pii: the catalog marks the attribute pii"
                        : `at least the catalog's classification ${column.classification}`,
                );
            }
        }
        for (const prop of Object.keys(properties)) {
            if (!(prop in classification))
                add(`$.classification.${prop}`, undefined, `a classification (${CLASSIFICATIONS.join(", ")})`);
        }
    }

    // Freshness.
    if (doc.freshness !== undefined) {
        const f = doc.freshness;
        if (!isRecord(f) || typeof f.maxDelayHours !== "number" || !(f.maxDelayHours > 0) || f.maxDelayHours > 8760)
            add("$.freshness", f, "{maxDelayHours: a number of hours in (0, 8760]}");
    }

    // Quality.
    if (doc.quality !== undefined) validateQuality(doc.quality, known, add);

    // Consumers.
    const consumers = doc.consumers ?? [];
    if (!Array.isArray(consumers)) add("$.consumers", consumers, "a list of {name, columns, rowFilter?, purpose}");
    else {
        const seen = new Set<string>();
        consumers.forEach((c, i) => {
            const at = `$.consumers[${i}]`;
            if (!isRecord(c)) {
                add(at, c, "{name, columns, rowFilter?, purpose}");
                return;
            }
            for (const k of Object.keys(c))
                if (!["name", "columns", "rowFilter", "purpose"].includes(k))
                    add(`${at}.${k}`, c[k], "no such key; known keys are name, columns, rowFilter, purpose");
            if (typeof c.name !== "string" || !CONTRACT_NAME.test(c.name)) add(`${at}.name`, c.name, "a consumer name");
            else {
                if (seen.has(c.name)) add(`${at}.name`, c.name, "a consumer approved once per contract");
                seen.add(c.name);
                if (context.consumers && !context.consumers.includes(c.name))
                    add(
                        `${at}.name`,
                        c.name,
                        `a consumer of cdp:governance.consumers (${context.consumers.join(", ") || "none configured"})`,
                    );
            }
            if (typeof c.purpose !== "string" || c.purpose.trim().length < 10)
                add(`${at}.purpose`, c.purpose, "why the consumer reads the data (at least 10 characters)");
            if (!Array.isArray(c.columns) || c.columns.length === 0)
                add(`${at}.columns`, c.columns, "a non-empty list of columns");
            else {
                const cols = new Set<string>();
                c.columns.forEach((col, j) => {
                    if (!known(col)) add(`${at}.columns[${j}]`, col, "a property of the contract's schema");
                    else if (table && !catalogColumn(col as string))
                        add(`${at}.columns[${j}]`, col, `a column of ${table.table}`);
                    else if (cols.has(columnName(col as string))) add(`${at}.columns[${j}]`, col, "each column once");
                    cols.add(columnName(String(col)));
                });
            }
            if (c.rowFilter !== undefined) {
                if (typeof c.rowFilter !== "string") add(`${at}.rowFilter`, c.rowFilter, "a row filter expression");
                else {
                    const problem = rowFilterProblem(c.rowFilter, (name) => known(name));
                    if (problem) add(`${at}.rowFilter`, c.rowFilter, problem);
                }
            }
        });
    }
    if (issues.length > 0) return { issues };
    return {
        issues,
        contract: {
            ...(doc as unknown as DataContract),
            status: status as ContractStatus,
            consumers: consumers as ConsumerApproval[],
        },
    };
}

function schemaTypeFor(glueType: string): string {
    switch (glueType) {
        case "timestamp":
            return "type: string, format: date-time";
        case "bigint":
            return "type: integer";
        case "double":
            return "type: number";
        case "boolean":
            return "type: boolean";
        default:
            return "type: string";
    }
}

function validateQuality(
    q: unknown,
    known: (name: unknown) => boolean,
    add: (path: string, value: unknown, expected: string) => void,
): void {
    if (!isRecord(q)) {
        add("$.quality", q, "{rowCount?, completeness?, unique?, allowedValues?, ranges?}");
        return;
    }
    const keys = ["rowCount", "completeness", "unique", "allowedValues", "ranges"];
    for (const k of Object.keys(q)) if (!keys.includes(k)) add(`$.quality.${k}`, q[k], `one of ${keys.join(", ")}`);
    const range = (at: string, r: unknown, integer: boolean) => {
        const num = (v: unknown) => v === undefined || (typeof v === "number" && (!integer || Number.isInteger(v)));
        if (
            !isRecord(r) ||
            (r.min === undefined && r.max === undefined) ||
            !num(r.min) ||
            !num(r.max) ||
            (typeof r.min === "number" && typeof r.max === "number" && r.min > r.max)
        )
            add(at, r, `{min?, max?}: ${integer ? "whole numbers" : "numbers"}, at least one, min ≤ max`);
    };
    if (q.rowCount !== undefined) range("$.quality.rowCount", q.rowCount, true);
    const perColumn = (key: string, check: (at: string, v: unknown) => void) => {
        const m = q[key];
        if (m === undefined) return;
        if (!isRecord(m)) {
            add(`$.quality.${key}`, m, "a map of column → expectation");
            return;
        }
        for (const [col, v] of Object.entries(m)) {
            if (!known(col)) add(`$.quality.${key}.${col}`, col, "a property of the contract's schema");
            check(`$.quality.${key}.${col}`, v);
        }
    };
    perColumn("completeness", (at, v) => {
        if (typeof v !== "number" || !(v > 0) || v > 1) add(at, v, "a fraction in (0, 1]");
    });
    perColumn("allowedValues", (at, v) => {
        if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string" || typeof x === "number"))
            add(at, v, "a non-empty list of strings or numbers");
    });
    perColumn("ranges", (at, v) => range(at, v, false));
    if (q.unique !== undefined) {
        if (!Array.isArray(q.unique)) add("$.quality.unique", q.unique, "a list of columns");
        else
            q.unique.forEach((c, i) => {
                if (!known(c)) add(`$.quality.unique[${i}]`, c, "a property of the contract's schema");
            });
    }
}

// Row filters ------------------------------------------------------------------------------------------------------

type Token = { kind: "ident" | "string" | "number" | "op" | "punct" | "keyword"; text: string };
const KEYWORDS = ["and", "or", "not", "in", "between", "like", "is", "null", "true", "false"];

function tokenize(text: string): Token[] | string {
    const tokens: Token[] = [];
    const re = /\s*(?:('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<>|!=|<=|>=|=|<|>)|([(),]))/y;
    let pos = 0;
    while (pos < text.length) {
        if (/^\s*$/.test(text.slice(pos))) break;
        re.lastIndex = pos;
        const m = re.exec(text);
        if (!m) return `a PartiQL row filter; cannot read it from "${text.slice(pos).trim().slice(0, 20)}"`;
        pos = re.lastIndex;
        if (m[1]) tokens.push({ kind: "string", text: m[1] });
        else if (m[2]) tokens.push({ kind: "number", text: m[2] });
        else if (m[3])
            tokens.push(
                KEYWORDS.includes(m[3].toLowerCase())
                    ? { kind: "keyword", text: m[3].toLowerCase() }
                    : { kind: "ident", text: m[3] },
            );
        else if (m[4]) tokens.push({ kind: "op", text: m[4] });
        else tokens.push({ kind: "punct", text: m[5] });
    }
    return tokens;
}

/**
 * Why `expression` is not a row filter this platform accepts (undefined when it is): the subset of PartiQL Lake
 * Formation data cells filters support ("PartiQL support in row filter expressions", Lake Formation Developer Guide:
 * https://docs.aws.amazon.com/lake-formation/latest/dg/partiql-support.html) — comparisons of a column with a literal,
 * IN lists, BETWEEN, LIKE, IS [NOT] NULL, combined with AND, OR, NOT and parentheses — over the table's columns.
 */
export function rowFilterProblem(expression: string, isColumn: (name: string) => boolean): string | undefined {
    const tokens = tokenize(expression);
    if (typeof tokens === "string") return tokens;
    if (tokens.length === 0) return "a non-empty row filter expression";
    let i = 0;
    const peek = () => tokens[i];
    const literal = (): string | undefined => {
        const t = tokens[i];
        if (
            t &&
            (t.kind === "string" ||
                t.kind === "number" ||
                (t.kind === "keyword" && (t.text === "true" || t.text === "false")))
        ) {
            i++;
            return undefined;
        }
        return `a literal (a 'string', a number, true or false) at token ${i + 1}`;
    };
    const predicate = (): string | undefined => {
        const t = peek();
        if (!t) return "a predicate after the last operator";
        if (t.kind === "keyword" && t.text === "not") {
            i++;
            return predicate();
        }
        if (t.kind === "punct" && t.text === "(") {
            i++;
            const inner = disjunction();
            if (inner) return inner;
            if (peek()?.text !== ")") return "a closing parenthesis";
            i++;
            return undefined;
        }
        if (t.kind !== "ident") return `a column name at token ${i + 1} ("${t.text}")`;
        if (!isColumn(t.text)) return `columns of the table only ("${t.text}" is not one)`;
        i++;
        const op = peek();
        if (!op) return `an operator after ${t.text}`;
        if (op.kind === "op") {
            i++;
            return literal();
        }
        if (op.kind === "keyword" && op.text === "is") {
            i++;
            if (peek()?.text === "not") i++;
            if (peek()?.text !== "null") return "IS NULL or IS NOT NULL";
            i++;
            return undefined;
        }
        if (op.kind === "keyword" && op.text === "not") i++;
        const kw = peek();
        if (kw?.text === "like") {
            i++;
            if (peek()?.kind !== "string") return "a 'pattern' after LIKE";
            i++;
            return undefined;
        }
        if (kw?.text === "between") {
            i++;
            const low = literal();
            if (low) return low;
            if (peek()?.text !== "and") return "BETWEEN <low> AND <high>";
            i++;
            return literal();
        }
        if (kw?.text === "in") {
            i++;
            if (peek()?.text !== "(") return "IN ( literal, ... )";
            i++;
            for (;;) {
                const l = literal();
                if (l) return l;
                if (peek()?.text === ",") {
                    i++;
                    continue;
                }
                if (peek()?.text === ")") {
                    i++;
                    return undefined;
                }
                return "IN ( literal, ... )";
            }
        }
        return `a comparison (=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, IS NULL) after ${t.text}`;
    };
    const conjunction = (): string | undefined => {
        let p = predicate();
        while (!p && peek()?.text === "and") {
            i++;
            p = predicate();
        }
        return p;
    };
    const disjunction = (): string | undefined => {
        let p = conjunction();
        while (!p && peek()?.text === "or") {
            i++;
            p = conjunction();
        }
        return p;
    };
    const problem = disjunction();
    if (problem) return `a row filter of the supported PartiQL subset: ${problem}`;
    if (i < tokens.length) return `a row filter of the supported PartiQL subset: unexpected "${tokens[i].text}"`;
    return undefined;
}

// Grants -----------------------------------------------------------------------------------------------------------

/** Where a contract's table is and who its consumers are: the reconciler's environment, the registry's arguments. */
export interface GrantContext {
    /** Catalog id (account) of the governed tables. */
    readonly catalogId: string;
    /** Domain → the Glue database holding its governed tables. */
    readonly databases: Readonly<Record<string, string>>;
    /** Consumer name → IAM role ARN. */
    readonly consumers: Readonly<Record<string, string>>;
}

/**
 * The Lake Formation grants a contract approves: one SELECT per approved consumer, on exactly its columns (catalog
 * names, sorted), row-filtered when the approval has a row filter. None for a withdrawn contract, for a domain without
 * a database, or for a consumer the context does not know (a stack that does not configure it). Pure: the reconciler
 * converges on it, the registry declares it for the access proof.
 */
export function desiredGrants(contract: DataContract, context: GrantContext): LakeFormationApproval[] {
    if (contract.status === "withdrawn") return [];
    const database = context.databases[contract.domain];
    if (database === undefined) return [];
    return contract.consumers.flatMap((c): LakeFormationApproval[] => {
        const principal = context.consumers[c.name];
        if (principal === undefined) return [];
        return [
            {
                contract: contractId(contract),
                principal,
                catalogId: context.catalogId,
                database,
                table: tableName(contract.dataset),
                columns: [...new Set(c.columns.map(columnName))].sort(),
                ...(c.rowFilter === undefined ? {} : { rowFilter: c.rowFilter.trim() }),
            },
        ];
    });
}

/**
 * Name of the data cells filter a row-filtered approval is granted through: one per consumer and table, so a changed
 * approval updates the filter in place.
 */
export function dataCellsFilterName(consumer: string): string {
    return `contract-${consumer}`;
}

/** Prefix of every data cells filter the reconciler owns (it never touches other filters). */
export const DATA_CELLS_FILTER_PREFIX = "contract-";

// The contracts table ------------------------------------------------------------------------------------------------

/** Partition key of the contracts table: the contract id, `<domain>.<dataset>`. */
export const CONTRACTS_TABLE_KEY = "contractId";

/**
 * The contracts table item of a contract file (DynamoDB JSON, what `aws.dynamodb.TableItem` writes): the key, the
 * searchable fields, and the whole document as JSON (`document`), which the reconciler validates again before it
 * grants anything.
 */
export function contractItem(file: string, doc: unknown): Record<string, { S: string }> {
    const d = (typeof doc === "object" && doc !== null ? doc : {}) as Record<string, unknown>;
    const text = (v: unknown) => ({ S: typeof v === "string" ? v : String(v ?? "") });
    return {
        [CONTRACTS_TABLE_KEY]: { S: `${d.domain}.${d.dataset}` },
        domain: text(d.domain),
        dataset: text(d.dataset),
        version: text(d.version),
        status: text(d.status ?? "active"),
        file: { S: file },
        document: { S: JSON.stringify(doc) },
    };
}
