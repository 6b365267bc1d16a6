/**
 * The governed catalog the platform plans, derived from the stack's domains and their entities: one Glue table per
 * entity in its domain's database of the governance account, with the Glue type and the classification of every
 * column. Pulumi-free: the governance components build the tables and their LF-tags from it, `npm run
 * contracts:check` checks the data contracts against it, and the access proof reads columns from the plan.
 *
 * Where a domain table's data comes from: the raw → processed Glue job writes each data product's validated, typed,
 * deduplicated records (identifiers hashed by the privacy rules) to `<processed>/entities/<domain>/entity=<entity>/
 * event_date=<yyyy-MM-dd>/` (jobs/glue/README.md), so the entity's table is that folder: zone `processed`, partitioned
 * by `event_date`, the entity's attributes plus the columns the job adds (`PROCESSING_COLUMNS`). Nothing writes the
 * `<curated>/<domain>/<entity>/` folders the tables pointed at before: that was metadata over no data. The curated job's
 * outputs are tables of their own (model/curated.ts, `curatedCatalog`).
 *
 * Besides the configured business domains, every stack's catalog holds the hub's own record types, owned by the
 * platform's `hub` data product domain (model/hub-products.ts): the hub has no `version` managed attribute, its
 * tables hold the preprocessing Lambda's columns only.
 */
import { type AttributeType, type EntityDefinition, MANAGED_ATTRIBUTES } from "./entities";
import { HUB_DOMAIN, HUB_TABLE_CLASSIFICATION } from "./hub-products";
import type { Classification } from "./names";

/** The Glue (Hive) type each entity attribute type is stored as. */
export const GLUE_TYPES: Readonly<Record<AttributeType, string>> = {
    string: "string",
    email: "string",
    integer: "bigint",
    number: "double",
    boolean: "boolean",
    timestamp: "timestamp",
    object: "string",
    array: "string",
};

/** Partition column of the curated outputs (model/curated.ts): a date, `YYYY-MM-DD`. */
export const PARTITION_COLUMN = "dt";

/** Where the raw → processed job writes an entity's records, under the processed zone bucket. */
export const PROCESSED_ENTITIES_PREFIX = "entities/";

/** Partition column of the domain (entity) tables: the UTC date of the event, as the raw → processed job writes it. */
export const PROCESSED_PARTITION = { name: "event_date", type: "date" } as const;

/**
 * Columns the raw → processed job writes besides the entity's own (jobs/glue/README.md, "Outputs"): the event id
 * (deduplication key), the producing domain and source, the change type, arrival and processing times.
 */
export const PROCESSING_COLUMNS: ReadonlyArray<{ readonly name: string; readonly type: string }> = [
    { name: "event_id", type: "string" },
    { name: "domain", type: "string" },
    { name: "source", type: "string" },
    { name: "change_type", type: "string" },
    { name: "arrived_at", type: "timestamp" },
    { name: "processed_at", type: "timestamp" },
];

/** A column name in the catalog: Glue stores names in lower case. */
export const columnName = (attribute: string): string => attribute.toLowerCase();

/** A table name in the catalog: lower case, `-` becomes `_`. */
export const tableName = (dataset: string): string => dataset.toLowerCase().replace(/-/g, "_");

/** An entity's data product is `confidential` when it holds personal data, `internal` otherwise. */
export function entityClassification(entity: EntityDefinition): "confidential" | "internal" {
    return Object.values(entity.attributes).some((a) => a.pii) ? "confidential" : "internal";
}

export interface CatalogColumn {
    /** Catalog (lower-case) name. */
    readonly name: string;
    /** The entity attribute it holds (original spelling), or the managed column. */
    readonly attribute: string;
    /** Glue type. */
    readonly type: string;
    /** `pii` for attributes flagged `pii` (a column-level LF-tag), otherwise the table's classification. */
    readonly classification: Classification;
    /** The attribute is required by the entity definition (managed columns always are). */
    readonly required: boolean;
}

export interface CatalogTableSpec {
    /** Producer domain: the `domain` LF-tag value, and which domain database holds the table. */
    readonly domain: string;
    /** The entity the table holds (a data product's dataset name in contracts). */
    readonly dataset: string;
    /** Catalog table name. */
    readonly table: string;
    /** The table's classification LF-tag (`entityClassification`). */
    readonly classification: Classification;
    /** Data columns, then the managed and processing ones (the partition column is `partition`). */
    readonly columns: readonly CatalogColumn[];
    /** The zone whose bucket holds the data (the table's `zone` LF-tag). */
    readonly zone: "processed" | "curated";
    /** Folder of the table's data under the zone bucket, ending in `/`. */
    readonly prefix: string;
    /** The partition column and its Glue type. */
    readonly partition: { readonly name: string; readonly type: string };
}

export interface CatalogDomain {
    readonly name: string;
    readonly entities: readonly EntityDefinition[];
}

/** Folder of a data product's processed records under the processed zone bucket (the job's output layout). */
export const processedPrefix = (domain: string, dataset: string): string =>
    `${PROCESSED_ENTITIES_PREFIX}${domain}/entity=${dataset}/`;

/** The governed table of one domain entity: the raw → processed job's output for it. */
export function catalogTable(domain: string, entity: EntityDefinition): CatalogTableSpec {
    const hub = domain === HUB_DOMAIN;
    const classification: Classification = hub
        ? (HUB_TABLE_CLASSIFICATION[entity.name as keyof typeof HUB_TABLE_CLASSIFICATION] ??
          entityClassification(entity))
        : entityClassification(entity);
    // The hub's records have no platform-managed version/createdAt/updatedAt (their own fields are the columns).
    const managed = hub ? [] : MANAGED_ATTRIBUTES;
    const own = new Set([...Object.keys(entity.attributes), ...managed].map(columnName));
    return {
        domain,
        dataset: entity.name,
        table: tableName(entity.name),
        classification,
        zone: "processed",
        prefix: processedPrefix(domain, entity.name),
        partition: { ...PROCESSED_PARTITION },
        columns: [
            ...Object.entries(entity.attributes).map(
                ([attribute, spec]): CatalogColumn => ({
                    name: columnName(attribute),
                    attribute,
                    type: GLUE_TYPES[spec.type],
                    classification: spec.pii ? "pii" : classification,
                    required: spec.required === true,
                }),
            ),
            ...managed.map(
                (attribute): CatalogColumn => ({
                    name: columnName(attribute),
                    attribute,
                    type: attribute === "version" ? "bigint" : "timestamp",
                    classification,
                    required: true,
                }),
            ),
            // An attribute of the same name is the entity's own (the job writes the contract's value).
            ...PROCESSING_COLUMNS.filter((c) => !own.has(c.name)).map(
                (c): CatalogColumn => ({
                    name: c.name,
                    attribute: c.name,
                    type: c.type,
                    classification,
                    required: false,
                }),
            ),
        ],
    };
}

/**
 * Every governed table of the stack, domain by domain in the order given: the configured domains and the hub's data
 * product domain (`catalogDomains`, programs/hub/products.ts, builds that list from the config).
 */
export function plannedCatalog(domains: readonly CatalogDomain[]): CatalogTableSpec[] {
    return domains.flatMap((d) => d.entities.map((e) => catalogTable(d.name, e)));
}

/** The domains of the planned catalog: the configured ones and the hub's. */
export const catalogDomainNames = (domains: ReadonlyArray<{ readonly name: string }>): string[] => [
    ...domains.map((d) => d.name),
    HUB_DOMAIN,
];

/** The table of `domain`/`dataset`, if the catalog plans it. */
export function findTable(
    catalog: readonly CatalogTableSpec[],
    domain: string,
    dataset: string,
): CatalogTableSpec | undefined {
    return catalog.find((t) => t.domain === domain && t.dataset === dataset);
}
