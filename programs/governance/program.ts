import type { AccountBaseline } from "../../components/baseline/account-baseline";
import { alarmsKeyStatement, createAlarmTopic } from "../../components/shared/alarms";
import { awsContext } from "../../components/shared/context";
import type { PolicyStatement } from "../../components/shared/iam";
import { KmsKey } from "../../components/shared/kms";
import { logsKeyStatement } from "../../components/shared/logs";
import type * as aws from "@pulumi/aws";
import type { ContractRegistry } from "../../components/governance/contract-registry";
import type { LakeFormation } from "../../components/governance/lake-formation";
import { type EtlPipeline, etlKeyStatements } from "../../components/processing/etl-pipeline";
import type { Naming } from "../../components/shared/naming";
import { DataLake, DEFAULT_ZONES, type ZoneSpec } from "../../components/storage/data-lake";
import type { ZoneGrant } from "../../components/storage/data-lake-zone";
import type { AccountTarget } from "../accounts";
import type { PlatformConfig } from "../config";
import { AccountProgram, type ZoneRef } from "../program";
import { type GovernanceCatalogOutputs, governanceCatalog } from "./catalog";
import { contractRegistry } from "./contracts";
import { type GovernanceAudit, governanceAudit, MACIE_ZONES } from "./security";
import { eventBridgeDeadLetterKeyStatement } from "../../components/shared/queues";
import { governanceLineage, type LineageOutputs } from "./lineage";
import { governanceProcessing } from "./processing";

export interface GovernanceProgramArgs {
    readonly config: PlatformConfig;
    readonly target: AccountTarget;
    readonly naming: Naming;
    /**
     * Principals outside the governance account that write into the raw zone, each limited to its own prefixes (the
     * hub: `hubRawZoneGrants`).
     */
    readonly rawGrants: readonly ZoneGrant[];
    /** The governance account's baseline: its Lake Formation governs the zone databases. */
    readonly baseline: AccountBaseline;
    /** Domain accounts whose Entity Resolution writes matches into the processed zone. */
    readonly matchWriters: ReadonlyArray<{ accountId: string; domain: string }>;
}

export interface GovernanceOutputs {
    readonly program: AccountProgram;
    readonly lakeFormation: LakeFormation;
    readonly lake: DataLake;
    readonly zones: Readonly<Record<"raw" | "processed" | "curated", ZoneRef>>;
    /** The governance plane's CMK: its log groups, alarm topic and control-plane stores. */
    readonly key: KmsKey;
    /** The encrypted SNS topic every governance alarm notifies. */
    readonly alarmTopic: aws.sns.Topic;
    /** The governed catalog, tag-based grants, registered locations and crawlers. */
    readonly catalog: GovernanceCatalogOutputs;
    /** The data contracts (table, reconciler, rulesets); none when the stack has no contract files. */
    readonly contracts?: ContractRegistry;
    /** Audit trail, Athena workgroup, Macie job (programs/governance/security.ts). */
    readonly audit: GovernanceAudit;
    /** The lineage graph and its writer (`cdp:lineage`), unless disabled. */
    readonly lineage?: LineageOutputs;
    /** The ETL pipeline (programs/governance/processing.ts), when its job scripts exist. */
    readonly etl?: EtlPipeline;
}

function zoneRef(lake: DataLake, name: string): ZoneRef {
    const zone = lake.zone(name);
    return { bucketName: zone.bucketName, bucketArn: zone.bucketArn, keyArn: zone.keyArn };
}

/**
 * The central IT platform account: the data lake storage (zones, access logs, catalog databases). Lake Formation,
 * contracts, lineage and the security services join it in later issues.
 */
export function governanceProgram(args: GovernanceProgramArgs): GovernanceOutputs {
    const { config, target, naming } = args;
    const program = new AccountProgram("Governance", "governance", target);
    const zones: ZoneSpec[] = DEFAULT_ZONES.map((zone) => {
        const overrides = config.lake.zones[zone.name] ?? {};
        const grants: ZoneGrant[] =
            zone.name === "raw"
                ? [...args.rawGrants]
                : zone.name === "processed"
                  ? args.matchWriters.map(
                        (w): ZoneGrant => ({
                            principalArn: `arn:${target.partition}:iam::${w.accountId}:root`,
                            access: "write",
                            prefix: `entity-resolution/${w.domain}`,
                            // Matching jobs list their output location (EntityResolution's workflow job role).
                            allowList: true,
                        }),
                    )
                  : [];
        return {
            ...zone,
            classification: overrides.classification ?? zone.classification,
            lifecycle: overrides.lifecycle,
            objectLock: overrides.objectLock,
            grants,
            // Macie's classification job reads these zones: their keys admit its service-linked role.
            macieServiceRoleArn: MACIE_ZONES.includes(zone.name)
                ? args.baseline.security?.macieServiceRoleArn
                : undefined,
        };
    });
    const ctx = awsContext(program);
    // Statements services need in the governance key's policy (each with its confused-deputy condition).
    const keyStatements: PolicyStatement[] = [
        alarmsKeyStatement(ctx),
        logsKeyStatement(ctx),
        ...etlKeyStatements(ctx),
        // EventBridge's encrypted dead-letter queues: the lineage rule's and the ETL raw-arrival rule's.
        ...(config.lineage.enabled || config.processing.startOnArrival ? [eventBridgeDeadLetterKeyStatement(ctx)] : []),
    ];
    const key = new KmsKey(
        "governance-key",
        {
            description: `Governance plane (${naming.prefix}-${naming.environment}): logs, alarms, control-plane stores`,
            alias: naming.name("kmsAlias", "governance"),
            policyStatements: keyStatements,
            dataProtection: config.dataProtection,
        },
        { parent: program },
    );
    const alarmTopic = createAlarmTopic("governance-alarms", program, {
        topicName: naming.name("snsTopic", "governance-alarms"),
        kmsKeyArn: key.keyArn,
        ctx,
    });
    const lakeFormation = args.baseline.lakeFormation!;
    const lake = new DataLake(
        "lake",
        {
            naming,
            zones,
            accessLogRetentionDays: config.lake.accessLogRetentionDays,
            dataProtection: config.dataProtection,
            lakeFormation,
        },
        { parent: program },
    );
    const catalog = governanceCatalog({
        config,
        target,
        naming,
        program,
        lake,
        lakeFormation,
        baseline: args.baseline,
    });
    // Data contracts: the contracts table, its reconciler and the Data Quality rulesets (programs/governance/contracts.ts).
    const contracts = contractRegistry(program, {
        config,
        naming,
        catalogId: target.account.id,
        key,
        alarmTopic,
        // The governed tables first: the reconciler grants on them and the rulesets name them.
        catalogDependencies: [...lakeFormation.catalogDependencies, catalog.catalog],
    });
    const audit = governanceAudit({
        config,
        naming,
        parent: program,
        lake,
        alarmTopicArn: alarmTopic.arn,
        security: args.baseline.security,
    });
    const lineage = governanceLineage({ config, naming, key, alarmTopic, parent: program });
    const zoneRefs = {
        raw: zoneRef(lake, "raw"),
        processed: zoneRef(lake, "processed"),
        curated: zoneRef(lake, "curated"),
    };
    const etl = governanceProcessing({
        config,
        naming,
        parent: program,
        zones: zoneRefs,
        kmsKeyArn: key.keyArn,
        alarmTopicArn: alarmTopic.arn,
        processedDatabase: lake.databases.processed.name,
        contracts,
        lakeFormation,
        catalogDependencies: [catalog.catalog],
        catalogKeyArn: args.baseline.catalogEncryption?.keyArn,
        partitionCrawler: catalog.crawlers.partitionCrawlerNames.processed,
    });
    return program.finish({
        program,
        catalog,
        contracts,
        lakeFormation,
        lake,
        key,
        alarmTopic,
        audit,
        lineage,
        etl,
        zones: zoneRefs,
    });
}
