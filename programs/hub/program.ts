import * as pulumi from "@pulumi/pulumi";
import { EventIngest, eventBusKeyStatements, eventBusName } from "../../components/ingest/event-ingest";
import type { ZoneTarget } from "../../components/ingest/zone-target";
import { SftpIngest } from "../../components/ingest/sftp-ingest";
import { StreamIngest } from "../../components/ingest/stream-ingest";
import { ThirdPartyFeed } from "../../components/ingest/third-party-feed";
import { alarmsKeyStatement, createAlarmTopic } from "../../components/shared/alarms";
import { awsContext } from "../../components/shared/context";
import type { PolicyStatement } from "../../components/shared/iam";
import { KmsKey } from "../../components/shared/kms";
import { logsKeyStatement } from "../../components/shared/logs";
import type { Naming } from "../../components/shared/naming";
import type { AccountTarget } from "../accounts";
import type { PlatformConfig } from "../config";
import { domainEventSource } from "../../model/names";
import { AccountProgram, type ZoneRef } from "../program";

export interface HubProgramArgs {
    readonly config: PlatformConfig;
    readonly target: AccountTarget;
    readonly naming: Naming;
    /** The raw zone the hub lands data in (governance account; `crossAccount` when that is not the hub's). */
    readonly rawZone: ZoneRef & Pick<ZoneTarget, "crossAccount">;
    /**
     * Producer-domain accounts that publish to the stream and the bus (other than the hub's own), with the domains
     * each hosts: an account may put events only with its domains' sources.
     */
    readonly producers: ReadonlyArray<{ readonly accountId: string; readonly domains: readonly string[] }>;
}

export interface HubOutputs {
    readonly program: AccountProgram;
    readonly rawZoneBucketArn: pulumi.Output<string>;
    /** Where producer domains put records and events. */
    readonly streamArn: pulumi.Output<string>;
    readonly busArn: pulumi.Output<string>;
    readonly hubKeyArn: pulumi.Output<string>;
    readonly sftpServerId?: pulumi.Output<string>;
}

/**
 * Key-policy statements of the hub key: the services that use it on their own (the event bus and its archive in the
 * bus's encryption context), and producers writing to the stream.
 */
function hubKeyStatements(
    program: AccountProgram,
    producerAccountIds: readonly string[],
    naming: Naming,
): PolicyStatement[] {
    const ctx = awsContext(program);
    const statements: PolicyStatement[] = [
        logsKeyStatement(ctx),
        alarmsKeyStatement(ctx),
        ...eventBusKeyStatements(ctx, eventBusName(naming)),
        {
            // Encrypted targets of rules and schedules (SQS dead-letter queues), and the schedules themselves.
            Sid: "AllowEventBridgeAndScheduler",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "scheduler.amazonaws.com"] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
        },
    ];
    if (producerAccountIds.length > 0) {
        statements.push({
            Sid: "ProducerDomainsWriteStream",
            Effect: "Allow",
            Principal: {
                AWS: producerAccountIds.map((id) => pulumi.interpolate`arn:${ctx.partition}:iam::${id}:root`),
            },
            Action: ["kms:GenerateDataKey"],
            Resource: "*",
            Condition: {
                StringEquals: { "kms:ViaService": pulumi.interpolate`kinesis.${ctx.region}.${ctx.dnsSuffix}` },
            },
        });
    }
    return statements;
}

/**
 * The ingestion hub account: Kinesis → preprocessing → Firehose → raw zone, partner SFTP, the event bus with its
 * schedules, and AWS Data Exchange feeds, all encrypted with the hub's CMK and watched by alarms.
 */
export function hubProgram(args: HubProgramArgs): HubOutputs {
    const { config, naming } = args;
    const hub = config.hub;
    const program = new AccountProgram("Hub", "hub", args.target);
    const ctx = awsContext(program);
    const producerAccountIds = args.producers.map((p) => p.accountId);
    const key = new KmsKey(
        "hub-key",
        {
            description: `Ingestion hub (${naming.prefix}-${naming.environment})`,
            alias: naming.name("kmsAlias", "hub"),
            policyStatements: hubKeyStatements(program, producerAccountIds, naming),
            dataProtection: config.dataProtection,
        },
        { parent: program },
    );
    const common = { naming, rawZone: args.rawZone, kmsKeyArn: key.keyArn, logRetentionDays: config.logRetentionDays };
    const topic = createAlarmTopic("hub-alarms", program, {
        topicName: naming.name("snsTopic", "hub-alarms"),
        kmsKeyArn: key.keyArn,
        ctx,
    });
    const stream = new StreamIngest(
        "stream",
        {
            ...common,
            alarmTopicArn: topic.arn,
            retentionHours: hub.streamRetentionHours,
            capacity: hub.streamShards ? { mode: "PROVISIONED", shards: hub.streamShards } : { mode: "ON_DEMAND" },
            producerAccountIds,
            hashIdentifiers: hub.hashIdentifiers,
            hashSalt: hub.hashSalt === undefined ? undefined : pulumi.secret(hub.hashSalt),
        },
        { parent: program },
    );
    const sftp =
        hub.sftp.partners.length > 0
            ? new SftpIngest("sftp", { ...common, partners: hub.sftp.partners, vpc: hub.sftp.vpc }, { parent: program })
            : undefined;
    const events = new EventIngest(
        "events",
        {
            ...common,
            alarmTopicArn: topic.arn,
            producers: args.producers.map((p) => ({
                accountId: p.accountId,
                sources: p.domains.map(domainEventSource),
            })),
            archiveRetentionDays: hub.events.archiveRetentionDays,
            routes: hub.events.routes,
            schedules: hub.events.schedules,
        },
        { parent: program },
    );
    if (hub.dataExchange.dataSets.length > 0) {
        new ThirdPartyFeed(
            "thirdparty",
            {
                ...common,
                dataSets: hub.dataExchange.dataSets,
                reservedConcurrency: hub.dataExchange.reservedConcurrency,
            },
            { parent: program },
        );
    }
    return program.finish({
        program,
        rawZoneBucketArn: args.rawZone.bucketArn,
        streamArn: stream.streamArn,
        busArn: events.busArn,
        hubKeyArn: key.keyArn,
        sftpServerId: sftp?.server.id,
    });
}
