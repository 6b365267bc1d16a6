import { catalogDomains } from "../hub/products";
import type { AccountBaseline } from "../../components/baseline/account-baseline";
import { GovernedCatalog } from "../../components/governance/governed-catalog";
import { LakeGrants } from "../../components/governance/lake-grants";
import { LakeLocations } from "../../components/governance/lake-locations";
import type { LakeFormation } from "../../components/governance/lake-formation";
import { SchemaCrawlers } from "../../components/governance/schema-crawlers";
import type { Naming } from "../../components/shared/naming";
import type { DataLake } from "../../components/storage/data-lake";
import { plannedCatalog } from "../../model/catalog";
import { curatedCatalog } from "../../model/curated";
import type { AccountTarget } from "../accounts";
import type { PlatformConfig } from "../config";
import type { AccountProgram } from "../program";

export interface GovernanceCatalogArgs {
    readonly config: PlatformConfig;
    readonly target: AccountTarget;
    readonly naming: Naming;
    readonly program: AccountProgram;
    readonly lake: DataLake;
    readonly lakeFormation: LakeFormation;
    readonly baseline: AccountBaseline;
}

export interface GovernanceCatalogOutputs {
    readonly catalog: GovernedCatalog;
    readonly grants: LakeGrants;
    readonly locations: LakeLocations;
    readonly crawlers: SchemaCrawlers;
}

/** Zones registered with Lake Formation and crawled: the ones the catalog describes (raw stays IAM-only). */
const GOVERNED_ZONES = ["processed", "curated"] as const;

/**
 * The governance account's catalog: the domain databases and governed tables (`plannedCatalog`), the tag-based Lake
 * Formation grants to consumer, ML and producer principals, the processed and curated zones registered with Lake
 * Formation, and their schema crawlers.
 */
export function governanceCatalog(args: GovernanceCatalogArgs): GovernanceCatalogOutputs {
    const { config, target, naming, program, lake, lakeFormation, baseline } = args;
    const encryption = baseline.catalogEncryption;
    if (!encryption) throw new Error("the governance account's baseline must manage its Glue Data Catalog encryption");
    const tables = plannedCatalog(catalogDomains(config.domains));
    const curated = curatedCatalog();
    const catalog = new GovernedCatalog(
        "catalog",
        {
            naming,
            tables,
            curatedBucketName: lake.zone("curated").bucketName,
            processedBucketName: lake.zone("processed").bucketName,
            curatedOutputs: { databaseName: lake.databases.curated.name, tables: curated },
            lakeFormation,
            catalogDependencies: baseline.catalogDependencies,
            dataProtection: config.dataProtection,
        },
        { parent: program },
    );
    const grants = new LakeGrants(
        "lake-grants",
        {
            lakeFormation,
            consumers: config.governance.consumers.map((c) => ({
                name: c.name,
                kind: c.kind === "ml" ? "ml" : "consumer",
                roleArn: c.roleArn,
                zones: [...c.zones],
                classifications: [...c.classifications],
                domains: [...c.domains],
            })),
            producers: config.domains
                .map((d) => ({ domain: d.name, accountId: config.accounts[d.account].id }))
                .filter((p) => p.accountId !== target.account.id),
            adminRoleArns: [...config.lake.adminRoleArns],
            readOnlyAdminRoleArns: [...config.lake.readOnlyAdminRoleArns],
        },
        { parent: program },
    );
    const locations = new LakeLocations(
        "lake-locations",
        {
            zones: GOVERNED_ZONES.map((zone) => ({
                zone,
                bucketArn: lake.zone(zone).bucketArn,
                keyArn: lake.zone(zone).keyArn,
            })),
            lakeFormation,
        },
        { parent: program },
    );
    const governedIn = (zone: string) => [...tables, ...curated].filter((t) => t.zone === zone);
    const crawlers = new SchemaCrawlers(
        "schema-crawlers",
        {
            naming,
            zones: GOVERNED_ZONES.map((zone) => ({
                zone,
                bucketName: lake.zone(zone).bucketName,
                bucketArn: lake.zone(zone).bucketArn,
                databaseName: lake.databases[zone].name,
                location: locations.locations[zone],
                // The governed tables are defined from the model (GovernedCatalog): the crawler leaves their folders,
                // and the zone's partition crawler registers their partitions.
                exclusions: governedIn(zone).map((t) => `${t.prefix}**`),
                governedTables:
                    zone === "curated"
                        ? [{ databaseName: lake.databases.curated.name, tables: curated.map((t) => t.table) }]
                        : [...new Set(tables.map((t) => t.domain))].map((domain) => ({
                              databaseName: catalog.databases[domain].name,
                              tables: tables.filter((t) => t.domain === domain).map((t) => t.table),
                          })),
                governedDomains: [...new Set(governedIn(zone).map((t) => t.domain))],
            })),
            lakeFormation,
            catalogKeyArn: encryption.keyArn,
            logRetentionDays: config.logRetentionDays,
            dataProtection: config.dataProtection,
        },
        { parent: program },
    );
    return { catalog, grants, locations, crawlers };
}
