/**
 * The governed catalog the platform plans, derived from the stack's domains and their entities: one Glue table per
 * entity in its domain's database of the governance account (curated zone, Parquet), with the Glue type and the
 * classification of every column. Pulumi-free: the governance components build the tables and their LF-tags from it,
 * `npm run contracts:check` checks the data contracts against it, and the access proof reads columns from the plan.
 */
import { type AttributeType, type EntityDefinition, MANAGED_ATTRIBUTES } from "./entities";
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

/** Partition column of every governed table: the UTC date the record was processed, `YYYY-MM-DD`. */
export const PARTITION_COLUMN = "dt";

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
    /** Data columns, then the managed ones; the partition column is `PARTITION_COLUMN`. */
    readonly columns: readonly CatalogColumn[];
    /** Folder of the table's data under the curated zone bucket: `<domain>/<dataset>/`. */
    readonly prefix: string;
}

export interface CatalogDomain {
    readonly name: string;
    readonly entities: readonly EntityDefinition[];
}

/** The governed table of one domain entity. */
export function catalogTable(domain: string, entity: EntityDefinition): CatalogTableSpec {
    const classification = entityClassification(entity);
    return {
        domain,
        dataset: entity.name,
        table: tableName(entity.name),
        classification,
        prefix: `${domain}/${entity.name}/`,
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
            ...MANAGED_ATTRIBUTES.map(
                (attribute): CatalogColumn => ({
                    name: columnName(attribute),
                    attribute,
                    type: attribute === "version" ? "bigint" : "timestamp",
                    classification,
                    required: true,
                }),
            ),
        ],
    };
}

/** Every governed table of the stack, domain by domain in config order. */
export function plannedCatalog(domains: readonly CatalogDomain[]): CatalogTableSpec[] {
    return domains.flatMap((d) => d.entities.map((e) => catalogTable(d.name, e)));
}

/** The table of `domain`/`dataset`, if the catalog plans it. */
export function findTable(
    catalog: readonly CatalogTableSpec[],
    domain: string,
    dataset: string,
): CatalogTableSpec | undefined {
    return catalog.find((t) => t.domain === domain && t.dataset === dataset);
}
