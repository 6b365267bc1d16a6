import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CatalogTableSpec } from "../../model/catalog";
import { CLASSIFICATIONS, type Classification } from "../../model/names";
import { IssueCollector } from "../shared/errors";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { type LakeFormation, LF_TAG_KEYS } from "./lake-formation";

/** The curated zone's database and the curated job's outputs planned in it. */
export interface GovernedZoneTables {
    /** Name of the zone's Glue database (`DataLake.databases.curated`: tagged `domain=platform`, `zone=curated`). */
    databaseName: pulumi.Input<string>;
    /** The tables (`curatedCatalog()`): `domain` is their `domain` LF-tag value. */
    tables: CatalogTableSpec[];
}

export interface GovernedCatalogArgs {
    /** Naming of the platform: each domain's database is `naming.name("glueDatabase", <domain>)`. */
    naming: Naming;
    /** The domain tables (`plannedCatalog(domains)`), one Glue table each, in their domain's database. */
    tables: CatalogTableSpec[];
    /** Name of the curated zone bucket: a curated table's data is at `s3://<bucket>/<prefix>`. */
    curatedBucketName: pulumi.Input<string>;
    /**
     * Name of the processed zone bucket: a processed table's data (a domain entity, as the raw → processed job writes
     * it) is at `s3://<bucket>/<prefix>`. Required when a table is in the processed zone.
     * @default none
     */
    processedBucketName?: pulumi.Input<string>;
    /**
     * The curated job's outputs, planned in the curated zone's database (model/curated.ts).
     * @default none
     */
    curatedOutputs?: GovernedZoneTables;
    /** Lake Formation of the governance account (settings and LF-tags: databases and tables are created after them). */
    lakeFormation: LakeFormation;
    /**
     * Resources the databases and tables are created after besides the Lake Formation settings: the account's Glue
     * Data Catalog encryption settings, which apply only to metadata written after them (`AccountBaseline`).
     * @default none
     */
    catalogDependencies?: pulumi.Resource[];
    /**
     * Protect the databases from deletion.
     * @default true
     */
    dataProtection?: boolean;
}

/** The least sensitive of `classifications` (in `CLASSIFICATIONS` order). */
function leastSensitive(classifications: readonly Classification[]): Classification {
    return [...classifications].sort((a, b) => CLASSIFICATIONS.indexOf(a) - CLASSIFICATIONS.indexOf(b))[0];
}

/**
 * The governed catalog of the governance account:
 * - one Glue database per producer domain, and one Parquet table per planned entity table in it: the entity's records
 *   as the raw → processed job writes them (`<processed>/entities/<domain>/entity=<entity>/`, partitioned by `event_date`);
 * - the curated job's outputs (`curatedOutputs`) as Parquet tables of the curated zone's database
 *   (`<curated>/<output>/`, partitioned by `dt`);
 * with the LF-tags the tag-based grants match:
 * - domain database: `domain`, `zone` (its tables'), and `classification` = the least sensitive of its tables', so the
 *   database is described to exactly the principals that can read at least one of its tables;
 * - table: `domain` (`platform` for the curated outputs), `zone`, `classification`;
 * - columns holding personal data: `classification=pii`, which overrides the table's value for those columns, so a
 *   tag grant on public/internal/confidential never reaches them ("Lake Formation tag-based access control",
 *   inheritance of LF-tags from databases to tables to columns:
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-assigning-tags.html).
 * Databases and tables are created after the account's Lake Formation settings (no IAMAllowedPrincipals defaults).
 * Partitions are registered by the schema crawlers' partition crawlers (catalog targets: SchemaCrawlers).
 */
export class GovernedCatalog extends pulumi.ComponentResource {
    /** Domain → its database. */
    public readonly databases: Readonly<Record<string, aws.glue.CatalogDatabase>>;
    /** `<domain>/<dataset>` → its table (the curated outputs under `platform/<output>`). */
    public readonly tables: Readonly<Record<string, aws.glue.CatalogTable>>;

    constructor(name: string, args: GovernedCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:GovernedCatalog", name, {}, opts);
        const issues = new IssueCollector();
        const curatedOutputs = args.curatedOutputs?.tables ?? [];
        const check = (list: CatalogTableSpec[], at: string) => {
            const seen = new Set<string>();
            list.forEach((t, i) => {
                const id = `${t.domain}/${t.table}`;
                if (seen.has(id)) issues.add(`${at}[${i}]`, id, "one table per domain and name");
                seen.add(id);
                if (t.columns.some((c) => c.name === t.partition.name))
                    issues.add(
                        `${at}[${i}].columns`,
                        t.partition.name,
                        `no data column named like the partition column ${t.partition.name}`,
                    );
                const names = t.columns.map((c) => c.name);
                const twice = names.filter((n, j) => names.indexOf(n) !== j);
                if (twice.length > 0) issues.add(`${at}[${i}].columns`, twice, "distinct column names");
                if (t.zone === "processed" && args.processedBucketName === undefined)
                    issues.add(
                        `GovernedCatalog(${name}).processedBucketName`,
                        undefined,
                        `the processed zone bucket (${id} is there)`,
                    );
            });
        };
        check(args.tables, `GovernedCatalog(${name}).tables`);
        check(curatedOutputs, `GovernedCatalog(${name}).curatedOutputs.tables`);
        const mixed = [...new Set(args.tables.map((t) => t.domain))].filter(
            (d) => new Set(args.tables.filter((t) => t.domain === d).map((t) => t.zone)).size > 1,
        );
        if (mixed.length > 0)
            issues.add(
                `GovernedCatalog(${name}).tables`,
                mixed,
                "the tables of a domain in one zone (the database's zone LF-tag)",
            );
        issues.throwIfAny(`Invalid arguments for GovernedCatalog "${name}"`);

        const lf = args.lakeFormation;
        const catalogDependencies = [...new Set([...lf.catalogDependencies, ...(args.catalogDependencies ?? [])])];
        const tagDependencies = Object.values(lf.tags);
        const bucketOf = (t: CatalogTableSpec) =>
            t.zone === "processed" ? (args.processedBucketName as pulumi.Input<string>) : args.curatedBucketName;
        const databases: Record<string, aws.glue.CatalogDatabase> = {};
        const tables: Record<string, aws.glue.CatalogTable> = {};
        const table = (id: string, databaseName: pulumi.Input<string>, spec: CatalogTableSpec, description: string) => {
            const created = new aws.glue.CatalogTable(
                `${name}-${id}`,
                {
                    databaseName,
                    name: spec.table,
                    description,
                    tableType: "EXTERNAL_TABLE",
                    parameters: {
                        classification: "parquet",
                        "parquet.compression": "SNAPPY",
                        "cdp:domain": spec.domain,
                        "cdp:dataset": spec.dataset,
                        "cdp:zone": spec.zone,
                    },
                    partitionKeys: [
                        {
                            name: spec.partition.name,
                            type: spec.partition.type,
                            comment:
                                spec.zone === "processed" ? "UTC date of the event" : "as-of date or the fact's day",
                        },
                    ],
                    storageDescriptor: {
                        location: pulumi.interpolate`s3://${bucketOf(spec)}/${spec.prefix}`,
                        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                        serDeInfo: {
                            serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                            parameters: { "serialization.format": "1" },
                        },
                        columns: spec.columns.map((c) => ({ name: c.name, type: c.type, comment: c.classification })),
                    },
                },
                { parent: this, dependsOn: catalogDependencies },
            );
            tables[`${spec.domain}/${spec.dataset}`] = created;
            new aws.lakeformation.ResourceLfTags(
                `${name}-${id}`,
                {
                    table: { databaseName, name: created.name },
                    lfTags: [
                        { key: LF_TAG_KEYS.domain, value: spec.domain },
                        { key: LF_TAG_KEYS.zone, value: spec.zone },
                        { key: LF_TAG_KEYS.classification, value: spec.classification },
                    ],
                },
                { parent: this, dependsOn: tagDependencies },
            );
            const piiColumns = spec.columns.filter((c) => c.classification === "pii").map((c) => c.name);
            if (piiColumns.length > 0) {
                new aws.lakeformation.ResourceLfTags(
                    `${name}-${id}-pii`,
                    {
                        tableWithColumns: { databaseName, name: created.name, columnNames: piiColumns },
                        lfTags: [{ key: LF_TAG_KEYS.classification, value: "pii" }],
                    },
                    { parent: this, dependsOn: tagDependencies },
                );
            }
        };
        for (const domain of [...new Set(args.tables.map((t) => t.domain))]) {
            const domainTables = args.tables.filter((t) => t.domain === domain);
            const zone = domainTables[0].zone;
            const database = new aws.glue.CatalogDatabase(
                `${name}-${domain}`,
                {
                    name: args.naming.name("glueDatabase", domain),
                    description: `Governed ${domain} data products (${zone} zone)`,
                    locationUri:
                        zone === "processed"
                            ? pulumi.interpolate`s3://${args.processedBucketName}/${domainTables[0].prefix.split("/")[0]}/`
                            : pulumi.interpolate`s3://${args.curatedBucketName}/${domain}/`,
                    // No implicit IAMAllowedPrincipals grant on new tables: access goes through Lake Formation.
                    createTableDefaultPermissions: [],
                    parameters: { "cdp:zone": zone, "cdp:domain": domain },
                },
                dataStoreOptions(args.dataProtection ?? true, { parent: this, dependsOn: catalogDependencies }),
            );
            databases[domain] = database;
            new aws.lakeformation.ResourceLfTags(
                `${name}-${domain}`,
                {
                    database: { name: database.name },
                    lfTags: [
                        { key: LF_TAG_KEYS.domain, value: domain },
                        { key: LF_TAG_KEYS.zone, value: zone },
                        {
                            key: LF_TAG_KEYS.classification,
                            value: leastSensitive(domainTables.map((t) => t.classification)),
                        },
                    ],
                },
                { parent: this, dependsOn: tagDependencies },
            );
            for (const spec of domainTables)
                table(
                    `${domain}-${spec.table}`,
                    database.name,
                    spec,
                    `${spec.dataset} records of the ${domain} domain (validated, deduplicated: the raw → processed job's output)`,
                );
        }
        for (const spec of curatedOutputs)
            table(
                `curated-${spec.table}`,
                args.curatedOutputs?.databaseName as pulumi.Input<string>,
                spec,
                `${spec.dataset}: output of the processed → curated job (governed, curated zone)`,
            );
        this.databases = databases;
        this.tables = tables;
        this.registerOutputs({
            databaseNames: Object.fromEntries(Object.entries(databases).map(([d, db]) => [d, db.name])),
        });
    }
}
