import * as pulumi from "@pulumi/pulumi";
import { Naming } from "../components/shared/naming";
import { type AccountTarget, accountTarget } from "./accounts";
import { accountBaselines, type ProgramTargets } from "./baseline";
import { analyticsProgram } from "./analytics/program";
import { CONFIG_NAMESPACE, parsePlatformConfig, type PlatformConfig } from "./config";
import { governanceProgram } from "./governance/program";
import { hubProgram } from "./hub/program";
import { hubRawZoneGrants } from "./hub/raw-access";
import { mlProgram } from "./ml/program";
import { producerProgram } from "./producer/program";

/** Reads and validates the stack's `cdp:*` configuration from the running Pulumi program. */
export function loadPlatformConfig(): PlatformConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${CONFIG_NAMESPACE}:`)) {
            raw[key] = value;
        }
    }
    return parsePlatformConfig(raw, pulumi.getProject(), pulumi.getStack());
}

/** What the stack exports: the contract other stacks and people read. */
export interface PlatformOutputs {
    accounts: Record<string, string>;
    rawZoneBucketArn: pulumi.Output<string>;
    processedZoneBucketArn: pulumi.Output<string>;
    curatedZoneBucketArn: pulumi.Output<string>;
    zoneKeyArns: pulumi.Output<Record<string, string>>;
    accessLogBucketName: pulumi.Output<string>;
    domainKeyArns: pulumi.Output<Record<string, string>>;
    ingestStreamArn: pulumi.Output<string>;
    ingestBusArn: pulumi.Output<string>;
}

/**
 * Lets the registrations made so far complete before the program goes on: resolves on the event loop's next turn
 * (a macrotask), after every pending promise reaction, so the engine's answers (or, in the offline plan, the mocked
 * monitor's) settle the resources already constructed. Constructed all at once, every resource of a large stack is
 * pending until nearly all are, each holding its outputs' promises and serialized inputs: yielding between units of
 * work keeps that pending set to one unit. The resources and their inputs are the same either way (outputs are
 * promises; nothing here reads one synchronously).
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Composes the per-account programs: governance (the data lake) first, then the hub that writes into its raw zone,
 * one producer per configured domain, and the analytics and ML consumers of the curated zone. Asynchronous: it yields
 * to the event loop between programs and between domains (see `nextTurn`).
 */
export async function deployPlatform(config: PlatformConfig): Promise<PlatformOutputs> {
    const naming = new Naming(config.namePrefix, config.environment);
    const platformTags = { owner: config.tags.owner, costCenter: config.tags.costCenter, extra: config.tags.extra };
    const targetFor = (program: "hub" | "governance" | "analytics" | "ml") =>
        accountTarget(config, program, config.placement[program], platformTags);

    const targets: ProgramTargets = {
        hub: targetFor("hub"),
        governance: targetFor("governance"),
        analytics: targetFor("analytics"),
        ml: targetFor("ml"),
        domains: new Map(
            config.domains.map((domain) => [
                domain.name,
                accountTarget(config, `domain-${domain.name}`, domain.account, {
                    owner: domain.owner,
                    costCenter: domain.costCenter,
                    dataDomain: domain.name,
                    extra: config.tags.extra,
                    program: "producer",
                }),
            ]),
        ),
    };
    // Once-per-account resources first: the programs depend on them.
    const baselines = accountBaselines(config, targets);
    const baselineOf = (target: AccountTarget) => baselines.get(target.account.id)!;
    await nextTurn();

    const hubTarget = targets.hub;
    const governanceTarget = targets.governance;
    const rawZoneCrossAccount = hubTarget.account.id !== governanceTarget.account.id;
    const governance = governanceProgram({
        config,
        target: governanceTarget,
        naming,
        baseline: baselineOf(governanceTarget),
        // The hub writes only its own raw prefixes; in a shared account its roles need no bucket-policy grant.
        rawGrants: rawZoneCrossAccount
            ? hubRawZoneGrants(config.hub, `arn:${hubTarget.partition}:iam::${hubTarget.account.id}:root`)
            : [],
        // Domains running Entity Resolution in their own account write matches to processed/entity-resolution/<domain>/.
        matchWriters: config.domains
            .filter((d) => d.entityResolution && config.accounts[d.account].id !== governanceTarget.account.id)
            .map((d) => ({ accountId: config.accounts[d.account].id, domain: d.name })),
    });
    await nextTurn();
    // Domain accounts other than the hub's, each with the domains it hosts (their event sources).
    const producers = [...new Set(config.domains.map((d) => config.accounts[d.account].id))]
        .filter((id) => id !== hubTarget.account.id)
        .map((accountId) => ({
            accountId,
            domains: config.domains.filter((d) => config.accounts[d.account].id === accountId).map((d) => d.name),
        }));
    const hub = hubProgram({
        config,
        target: hubTarget,
        naming,
        rawZone: { ...governance.zones.raw, crossAccount: rawZoneCrossAccount },
        producers,
    });
    await nextTurn();
    const governanceAccountId = governanceTarget.account.id;
    const domainPrograms: ReturnType<typeof producerProgram>[] = [];
    for (const domain of config.domains) {
        const target = targets.domains.get(domain.name)!;
        const program = producerProgram({
            config,
            domain,
            naming: naming.child(domain.name),
            hub: { streamArn: hub.streamArn, busArn: hub.busArn, hubKeyArn: hub.hubKeyArn },
            baseline: baselineOf(target),
            governanceAccountId: target.account.id === governanceAccountId ? undefined : governanceAccountId,
            processedZone: governance.zones.processed,
            target,
        });
        domainPrograms.push(program);
        await nextTurn();
    }
    analyticsProgram({ target: targets.analytics, curatedZone: governance.zones.curated });
    await nextTurn();
    mlProgram({ target: targets.ml, curatedZone: governance.zones.curated });

    const zones = governance.zones;
    return {
        accounts: Object.fromEntries(Object.values(config.accounts).map((a) => [a.alias, a.id])),
        rawZoneBucketArn: zones.raw.bucketArn,
        processedZoneBucketArn: zones.processed.bucketArn,
        curatedZoneBucketArn: zones.curated.bucketArn,
        zoneKeyArns: pulumi.all({
            raw: zones.raw.keyArn,
            processed: zones.processed.keyArn,
            curated: zones.curated.keyArn,
        }),
        accessLogBucketName: governance.lake.accessLogs.bucketName,
        domainKeyArns: pulumi.all(Object.fromEntries(domainPrograms.map((p) => [p.domain, p.domainKeyArn]))),
        ingestStreamArn: hub.streamArn,
        ingestBusArn: hub.busArn,
    };
}
