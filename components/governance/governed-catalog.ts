import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type CatalogTableSpec, PARTITION_COLUMN } from "../../model/catalog";
import { CLASSIFICATIONS, type Classification } from "../../model/names";
import { IssueCollector } from "../shared/errors";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { type LakeFormation, LF_TAG_KEYS } from "./lake-formation";

/** The zone the governed tables live in (their `zone` LF-tag). */
export const GOVERNED_ZONE = "curated";

export interface GovernedCatalogArgs {
    /** Naming of the platform: each domain's database is `naming.name("glueDatabase", <domain>)`. */
    naming: Naming;
    /** The governed tables (`plannedCatalog(domains)`), one Glue table each, in their domain's database. */
    tables: CatalogTableSpec[];
    /** Name of the curated zone bucket: a table's data is at `s3://<bucket>/<prefix>`. */
    curatedBucketName: pulumi.Input<string>;
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
 * The governed catalog of the governance account: one Glue database per producer domain (curated zone) and one
 * Parquet table per planned entity table, partitioned by `dt`, with the LF-tags the tag-based grants match:
 * - database: `domain`, `zone=curated`, and `classification` = the least sensitive of its tables', so the database is
 *   described to exactly the principals that can read at least one of its tables;
 * - table: `domain`, `zone=curated`, `classification` (its entity's);
 * - columns holding personal data: `classification=pii`, which overrides the table's value for those columns, so a
 *   tag grant on public/internal/confidential never reaches them ("Lake Formation tag-based access control",
 *   inheritance of LF-tags from databases to tables to columns:
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-assigning-tags.html).
 * Databases and tables are created after the account's Lake Formation settings (no IAMAllowedPrincipals defaults).
 */
export class GovernedCatalog extends pulumi.ComponentResource {
    /** Domain → its database. */
    public readonly databases: Readonly<Record<string, aws.glue.CatalogDatabase>>;
    /** `<domain>/<dataset>` → its table. */
    public readonly tables: Readonly<Record<string, aws.glue.CatalogTable>>;

    constructor(name: string, args: GovernedCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:GovernedCatalog", name, {}, opts);
        const issues = new IssueCollector();
        const seen = new Set<string>();
        args.tables.forEach((t, i) => {
            const id = `${t.domain}/${t.table}`;
            if (seen.has(id)) issues.add(`GovernedCatalog(${name}).tables[${i}]`, id, "one table per domain and name");
            seen.add(id);
            if (t.columns.some((c) => c.name === PARTITION_COLUMN))
                issues.add(
                    `GovernedCatalog(${name}).tables[${i}].columns`,
                    PARTITION_COLUMN,
                    `no data column named like the partition column ${PARTITION_COLUMN}`,
                );
        });
        issues.throwIfAny(`Invalid arguments for GovernedCatalog "${name}"`);

        const lf = args.lakeFormation;
        const catalogDependencies = [...new Set([...lf.catalogDependencies, ...(args.catalogDependencies ?? [])])];
        const tagDependencies = Object.values(lf.tags);
        const domains = [...new Set(args.tables.map((t) => t.domain))];
        const databases: Record<string, aws.glue.CatalogDatabase> = {};
        const tables: Record<string, aws.glue.CatalogTable> = {};
        for (const domain of domains) {
            const domainTables = args.tables.filter((t) => t.domain === domain);
            const database = new aws.glue.CatalogDatabase(
                `${name}-${domain}`,
                {
                    name: args.naming.name("glueDatabase", domain),
                    description: `Governed ${domain} data products (curated zone)`,
                    locationUri: pulumi.interpolate`s3://${args.curatedBucketName}/${domain}/`,
                    // No implicit IAMAllowedPrincipals grant on new tables: access goes through Lake Formation.
                    createTableDefaultPermissions: [],
                    parameters: { "cdp:zone": GOVERNED_ZONE, "cdp:domain": domain },
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
                        { key: LF_TAG_KEYS.zone, value: GOVERNED_ZONE },
                        {
                            key: LF_TAG_KEYS.classification,
                            value: leastSensitive(domainTables.map((t) => t.classification)),
                        },
                    ],
                },
                { parent: this, dependsOn: tagDependencies },
            );
            for (const spec of domainTables) {
                const id = `${domain}-${spec.table}`;
                const table = new aws.glue.CatalogTable(
                    `${name}-${id}`,
                    {
                        databaseName: database.name,
                        name: spec.table,
                        description: `${spec.dataset} data product of the ${domain} domain (governed, curated zone)`,
                        tableType: "EXTERNAL_TABLE",
                        parameters: {
                            classification: "parquet",
                            "parquet.compression": "SNAPPY",
                            "cdp:domain": domain,
                            "cdp:dataset": spec.dataset,
                        },
                        partitionKeys: [
                            { name: PARTITION_COLUMN, type: "string", comment: "processing date, YYYY-MM-DD" },
                        ],
                        storageDescriptor: {
                            location: pulumi.interpolate`s3://${args.curatedBucketName}/${spec.prefix}`,
                            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                            serDeInfo: {
                                serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                                parameters: { "serialization.format": "1" },
                            },
                            columns: spec.columns.map((c) => ({
                                name: c.name,
                                type: c.type,
                                comment: c.classification,
                            })),
                        },
                    },
                    { parent: this, dependsOn: catalogDependencies },
                );
                tables[`${domain}/${spec.dataset}`] = table;
                new aws.lakeformation.ResourceLfTags(
                    `${name}-${id}`,
                    {
                        table: { databaseName: database.name, name: table.name },
                        lfTags: [
                            { key: LF_TAG_KEYS.domain, value: domain },
                            { key: LF_TAG_KEYS.zone, value: GOVERNED_ZONE },
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
                            tableWithColumns: {
                                databaseName: database.name,
                                name: table.name,
                                columnNames: piiColumns,
                            },
                            lfTags: [{ key: LF_TAG_KEYS.classification, value: "pii" }],
                        },
                        { parent: this, dependsOn: tagDependencies },
                    );
                }
            }
        }
        this.databases = databases;
        this.tables = tables;
        this.registerOutputs({
            databaseNames: Object.fromEntries(Object.entries(databases).map(([d, db]) => [d, db.name])),
        });
    }
}
