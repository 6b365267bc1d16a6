import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ContractRegistry } from "../../components/governance/contract-registry";
import { type LakeFormation, LF_TAG_KEYS } from "../../components/governance/lake-formation";
import { EtlPipeline, type EtlQualityCheck } from "../../components/processing/etl-pipeline";
import type { Naming } from "../../components/shared/naming";
import { packageRoot } from "../../model/package-root";
import type { PlatformConfig } from "../config";
import type { ZoneRef } from "../program";
import { stackContracts } from "./contracts";

/**
 * The governance program's ETL pipeline (`cdp:processing`): the Glue jobs raw → processed → curated and their Step
 * Functions orchestration, on the lake's zones, with the governance key and alarm topic. Built only when the job
 * scripts exist (jobs/glue/entrypoints, or `cdp:processing.scripts`); otherwise the plan warns and leaves it out.
 */
export function governanceProcessing(args: {
    config: PlatformConfig;
    naming: Naming;
    parent: pulumi.Resource;
    zones: Readonly<Record<"raw" | "processed" | "curated", ZoneRef>>;
    kmsKeyArn: pulumi.Input<string>;
    alarmTopicArn: pulumi.Input<string>;
    /** The processed zone's Glue database (the tables of hand-written `qualityChecks` are in it). */
    processedDatabase: pulumi.Input<string>;
    /** The data contracts: their rulesets are the data-quality stage unless `cdp:processing.qualityChecks` is set. */
    contracts?: ContractRegistry;
    /** Lake Formation of the governance account: the data-quality role's grants follow its settings and LF-tags. */
    lakeFormation: LakeFormation;
    /** Resources the data-quality grants follow besides Lake Formation's (the governed tables). */
    catalogDependencies?: pulumi.Resource[];
    /** Key of the encrypted Glue Data Catalog (Glue Data Quality reads the tables' metadata with it). */
    catalogKeyArn?: pulumi.Input<string>;
    /** The processed zone's partition crawler (SchemaCrawlers), run before the contract rulesets are evaluated. */
    partitionCrawler?: string;
}): EtlPipeline | undefined {
    const { config } = args;
    const processing = config.processing;
    const root = packageRoot();
    const scripts = {
        rawToProcessed: path.join(root, processing.scripts.rawToProcessed),
        processedToCurated: path.join(root, processing.scripts.processedToCurated),
    };
    const missing = Object.entries(processing.scripts).filter(
        ([k]) => !fs.existsSync(scripts[k as keyof typeof scripts]),
    );
    if (missing.length > 0) {
        pulumi.log.warn(
            `ETL pipeline not built: job scripts missing (${missing.map(([k, v]) => `cdp:processing.scripts.${k} = ${v}`).join(", ")})`,
            args.parent,
        );
        return undefined;
    }
    // Data quality between the stages: each data contract's ruleset (model/dqdl.ts) on the table holding its dataset
    // once the raw → processed job has run (the domain table over the job's entity output, model/catalog.ts), unless
    // config lists rulesets by hand; `qualityChecks: []` leaves the stage out.
    const fromContracts = processing.qualityChecks === undefined;
    const qualityChecks: EtlQualityCheck[] = fromContracts
        ? Object.values(args.contracts?.rulesetTargets ?? {}).map((t) => ({
              database: t.database,
              table: t.table,
              rulesetNames: [t.rulesetName],
          }))
        : (processing.qualityChecks ?? []).map((c) => ({
              database: args.processedDatabase,
              table: c.table,
              rulesetNames: [...c.rulesets],
          }));
    return new EtlPipeline(
        "etl",
        {
            naming: args.naming,
            raw: args.zones.raw,
            processed: args.zones.processed,
            curated: args.zones.curated,
            kmsKeyArn: args.kmsKeyArn,
            alarmTopicArn: args.alarmTopicArn,
            logRetentionDays: config.logRetentionDays,
            scripts,
            // The contracts the registry deploys (the same files, the same validation); the job enforces the active ones.
            contracts: stackContracts(config).map((c) => ({ file: c.file, doc: c.doc })),
            hashSalt: etlHashSalt(config),
            rawToProcessedJob: processing.rawToProcessed,
            processedToCuratedJob: processing.processedToCurated,
            curatedSources: processing.curated,
            retry: processing.retry,
            pollSeconds: processing.pollSeconds,
            schedule: processing.schedule,
            startOnArrival: processing.startOnArrival,
            // The marts and their workgroup arrive with the consumers issue (the switch is off until then).
            refreshMarts: processing.refreshMarts,
            qualityChecks,
            // The contracts' tables are the processed zone's governed tables, whose partitions that crawler registers.
            qualityPartitionCrawler: fromContracts ? args.partitionCrawler : undefined,
            qualityLakeFormation: {
                dependsOn: [...args.lakeFormation.catalogDependencies, ...(args.catalogDependencies ?? [])],
                // The evaluated tables, by LF-tag: the contract domains' tables of the processed zone (where the data
                // is between the stages), never by name. Without classification: the rules read pii columns too
                // (the role is declared a service principal with the reason).
                expression: [
                    { key: LF_TAG_KEYS.zone, values: ["processed"] },
                    {
                        key: LF_TAG_KEYS.domain,
                        values: fromContracts
                            ? [
                                  ...new Set(Object.values(args.contracts?.rulesetTargets ?? {}).map((t) => t.domain)),
                              ].sort()
                            : ["platform"],
                    },
                ],
                catalogKeyArn: args.catalogKeyArn,
            },
            dataProtection: config.dataProtection,
        },
        { parent: args.parent },
    );
}

/**
 * The salt the raw → processed job hashes pii columns with (jobs/glue/cdp_jobs/privacy.py: pii = hash unless
 * overridden): the preprocessing Lambda's, `cdp:hub.hashSalt`, so a value hashes identically whichever way it came.
 * Without it the job drops pii columns (EtlPipeline warns): nothing personal is written unhashed.
 */
function etlHashSalt(config: PlatformConfig): pulumi.Output<string> | undefined {
    return config.hub.hashSalt === undefined ? undefined : pulumi.secret(config.hub.hashSalt);
}
