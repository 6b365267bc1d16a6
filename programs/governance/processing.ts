import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { EtlPipeline } from "../../components/processing/etl-pipeline";
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
    /** The processed zone's Glue database (the data-quality checks' tables are in it). */
    processedDatabase: pulumi.Input<string>;
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
            retry: processing.retry,
            pollSeconds: processing.pollSeconds,
            schedule: processing.schedule,
            startOnArrival: processing.startOnArrival,
            // The marts and their workgroup arrive with the consumers issue (the switch is off until then).
            refreshMarts: processing.refreshMarts,
            qualityChecks: processing.qualityChecks.map((c) => ({
                database: args.processedDatabase,
                table: c.table,
                rulesetNames: [...c.rulesets],
            })),
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
