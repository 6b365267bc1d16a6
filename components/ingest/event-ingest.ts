import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { AwsContext } from "../shared/context";
import { policyJson, type PolicyStatement } from "../shared/iam";
import type { Naming } from "../shared/naming";
import { createDeadLetterQueue, createRuleDeadLetters } from "../shared/queues";
import { serviceRole } from "../shared/roles";
import { createRawDelivery } from "./raw-delivery";
import type { ZoneTarget } from "./zone-target";
import { RAW_FOLDERS } from "../../model/raw-layout";

/** Events of these sources go to the raw zone through one rule. */
export interface EventRoute {
    /** Route name, 2-32 lower-case letters, digits, hyphens. */
    name: string;
    /** Event sources to match, e.g. `com.acme.crm`; `*` matches every non-AWS source. */
    sources: string[];
}

/** A recurring data-sync trigger: an event put on the bus on a schedule. */
export interface SyncSchedule {
    /** Schedule name, 2-32 lower-case letters, digits, hyphens. */
    name: string;
    /** `rate(1 hour)`, `cron(0 2 * * ? *)` or `at(...)`. */
    expression: string;
    /** detail-type of the event (its source is `cdp.scheduler`), e.g. `Sync Requested`. */
    detailType: string;
    /**
     * Event detail (JSON object).
     * @default {}
     */
    detail?: Record<string, unknown>;
    /**
     * IANA time zone of cron expressions.
     * @default "UTC"
     */
    timezone?: string;
}

/**
 * An account allowed to put events on the bus, and the event sources it may use. The bus routes events into
 * `raw/<prefix>/source=<source>/`, so a source names whose data it is: an account may publish only its own.
 */
export interface EventProducer {
    /** The producer's account id. */
    accountId: pulumi.Input<string>;
    /** The `source` values its events may carry (`events:source`), e.g. `cdp.domain.sales`; at least one. */
    sources: string[];
}

/** The `source` of the data-sync events EventBridge Scheduler puts on the bus. */
export const SCHEDULER_EVENT_SOURCE = "cdp.scheduler";

/** The physical name of the bus an `EventIngest` with this naming creates (known before the bus exists). */
export const eventBusName = (naming: Naming): string => naming.name("generic", "events");

/**
 * Key-policy statements a bus encrypted with a customer-managed key and its archive need, for the key's policy: the
 * EventBridge service principal may describe the key, and generate, decrypt and re-encrypt data keys only in the
 * encryption context of this bus (`kms:EncryptionContext:aws:events:event-bus:arn`), which EventBridge uses for the
 * bus and for its archives. The archive page lists DescribeKey, GenerateDataKey, Decrypt and ReEncrypt*
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html); the bus page
 * DescribeKey, GenerateDataKey and Decrypt
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html).
 */
export function eventBusKeyStatements(ctx: AwsContext, busName: string): PolicyStatement[] {
    const busArn = pulumi.interpolate`arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:event-bus/${busName}`;
    return [
        {
            Sid: "EventBridgeDescribeKey",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
        },
        {
            Sid: "EventBridgeBusAndArchive",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:ReEncrypt*"],
            Resource: "*",
            Condition: { StringEquals: { "kms:EncryptionContext:aws:events:event-bus:arn": busArn } },
        },
    ];
}

export interface EventIngestArgs {
    /** Naming scope of the bus, archive, delivery stream, queues and schedule group. */
    naming: Naming;
    /** The raw zone events land in. */
    rawZone: ZoneTarget;
    /** The hub's CMK: bus, archive, delivery stream, queues, schedules, logs. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the delivery stream's log group keeps logs. */
    logRetentionDays: number;
    /** The encrypted topic the routes' dead-letter-queue alarms notify (`createAlarmTopic`). */
    alarmTopicArn: pulumi.Input<string>;
    /**
     * Accounts (producer domains) allowed to put events on the bus, each only with its own sources.
     * @default none: no bus policy
     */
    producers?: EventProducer[];
    /**
     * Days the archive keeps events for replay; at least 1.
     * @default 30
     */
    archiveRetentionDays?: number;
    /**
     * Routes into the raw zone.
     * @default one route, `all-app-events`, for every non-AWS source (`sources: ["*"]`)
     */
    routes?: EventRoute[];
    /**
     * Data-sync events EventBridge Scheduler puts on the bus.
     * @default none
     */
    schedules?: SyncSchedule[];
    /**
     * Key prefix in the raw zone.
     * @default `RAW_FOLDERS.events` ("events")
     */
    prefix?: string;
}

const ROUTE = /^[a-z][a-z0-9-]{1,31}$/;
const SCHEDULE =
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;

export function validateEventIngestArgs(name: string, args: EventIngestArgs): void {
    const issues = new IssueCollector();
    const at = `EventIngest(${name})`;
    const retention = args.archiveRetentionDays ?? 30;
    if (!Number.isInteger(retention) || retention < 1)
        issues.add(`${at}.archiveRetentionDays`, retention, "a whole number of days ≥ 1");
    (args.routes ?? []).forEach((r, i) => {
        if (!ROUTE.test(r.name))
            issues.add(`${at}.routes[${i}].name`, r.name, "2-32 lower-case letters, digits or hyphens");
        if (r.sources.length === 0)
            issues.add(`${at}.routes[${i}].sources`, r.sources, 'at least one event source, or "*"');
        r.sources.forEach((s, j) => {
            if (s !== "*" && (s.startsWith("aws.") || !/^[A-Za-z0-9._-]{1,256}$/.test(s)))
                issues.add(`${at}.routes[${i}].sources[${j}]`, s, 'an application event source (not aws.*), or "*"');
        });
    });
    (args.producers ?? []).forEach((p, i) => {
        if (p.sources.length === 0)
            issues.add(`${at}.producers[${i}].sources`, p.sources, "at least one event source the account may use");
        p.sources.forEach((s, j) => {
            if (s.startsWith("aws.") || s === SCHEDULER_EVENT_SOURCE || !/^[A-Za-z0-9._-]{1,256}$/.test(s))
                issues.add(
                    `${at}.producers[${i}].sources[${j}]`,
                    s,
                    `an application event source (not aws.*, not ${SCHEDULER_EVENT_SOURCE})`,
                );
        });
    });
    (args.schedules ?? []).forEach((s, i) => {
        if (!ROUTE.test(s.name))
            issues.add(`${at}.schedules[${i}].name`, s.name, "2-32 lower-case letters, digits or hyphens");
        if (!SCHEDULE.test(s.expression))
            issues.add(
                `${at}.schedules[${i}].expression`,
                s.expression,
                "rate(N unit), cron(...) or at(yyyy-mm-ddThh:mm:ss)",
            );
    });
    issues.throwIfAny(`Invalid arguments for EventIngest "${name}"`);
}

/**
 * A custom EventBridge bus for SaaS and application events, encrypted with the hub's CMK and archived for replay. Only
 * the configured producer accounts may put events on it. Rules route events through a Direct PUT Firehose (SSE with
 * the CMK) into `raw/<prefix>/source=<source>/event_date=<date>/`, every target with a dead-letter queue; EventBridge
 * Scheduler puts data-sync events on the bus on schedule. The bus policy pins `events:source` per producer account, so
 * no producer can file events under another's `source=` folder. The key's policy needs `eventBusKeyStatements`.
 */
export class EventIngest extends pulumi.ComponentResource {
    public readonly bus: aws.cloudwatch.EventBus;
    public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
    public readonly busArn: pulumi.Output<string>;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: EventIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:ingest:EventIngest", name, {}, opts);
        validateEventIngestArgs(name, args);
        const ctx = awsContext(this);
        const prefix = args.prefix ?? RAW_FOLDERS.events;
        const busName = eventBusName(args.naming);
        const firehoseName = args.naming.name("firehoseStream", "events-raw");

        this.bus = new aws.cloudwatch.EventBus(
            name,
            { name: busName, kmsKeyIdentifier: args.kmsKeyArn },
            { parent: this },
        );
        this.busArn = this.bus.arn;
        const producers = args.producers ?? [];
        if (producers.length > 0) {
            new aws.cloudwatch.EventBusPolicy(
                name,
                {
                    eventBusName: this.bus.name,
                    // One statement per account, each limited to its sources with `events:source`
                    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html).
                    policy: policyJson(
                        producers.map(
                            (p, i): PolicyStatement => ({
                                Sid: `Producer${i}PutOwnEvents`,
                                Effect: "Allow",
                                Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${p.accountId}:root` },
                                Action: "events:PutEvents",
                                Resource: this.bus.arn,
                                Condition: { StringEquals: { "events:source": [...p.sources] } },
                            }),
                        ),
                    ),
                },
                { parent: this },
            );
        }
        new aws.cloudwatch.EventArchive(
            name,
            {
                name: args.naming.name("generic", "events-archive"),
                eventSourceArn: this.bus.arn,
                retentionDays: args.archiveRetentionDays ?? 30,
                kmsKeyIdentifier: args.kmsKeyArn,
            },
            { parent: this },
        );

        // Direct PUT Firehose → raw zone, partitioned by source and day.
        const delivery = createRawDelivery(name, this, {
            streamName: firehoseName,
            rawZone: args.rawZone,
            folder: prefix,
            partitions: "source=!{partitionKeyFromQuery:source}/event_date=!{timestamp:yyyy-MM-dd}",
            kmsKeyArn: args.kmsKeyArn,
            logRetentionDays: args.logRetentionDays,
            buffering: { sizeMb: 64, intervalSeconds: 60 },
            ctx,
            source: { kind: "direct-put" },
            processors: [
                {
                    type: "MetadataExtraction",
                    parameters: [
                        { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
                        { parameterName: "MetadataExtractionQuery", parameterValue: "{source: .source}" },
                    ],
                },
                {
                    type: "AppendDelimiterToRecord",
                    parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }],
                },
            ],
        });
        this.deliveryStream = delivery.stream;
        const access: RequiredAccessInput[] = [
            ...delivery.access,
            {
                // "Encrypting EventBridge archives with AWS KMS keys": the key policy must let EventBridge use the
                // key for the archive (DescribeKey; GenerateDataKey, Decrypt, ReEncrypt* with the bus as context).
                id: `event-ingest-${busName}/archive-key`,
                principal: "events.amazonaws.com",
                requests: [
                    {
                        actions: ["kms:DescribeKey"],
                        resource: args.kmsKeyArn,
                        context: { "aws:SourceAccount": ctx.accountId, "aws:SourceArn": this.bus.arn },
                    },
                    {
                        actions: ["kms:GenerateDataKey", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                        resource: args.kmsKeyArn,
                        context: {
                            "aws:SourceAccount": ctx.accountId,
                            "aws:SourceArn": this.bus.arn,
                            "kms:EncryptionContext:aws:events:event-bus:arn": this.bus.arn,
                        },
                    },
                ],
                doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html",
                why: "the archive of the CMK-encrypted bus stores and replays events with the bus key",
            },
        ];

        const targetRole = serviceRole(`${name}-targets`, this, {
            service: "events.amazonaws.com",
            accountId: ctx.accountId,
            description: `EventBridge ${busName}: deliver routed events to Firehose`,
            statements: [
                {
                    Sid: "PutToDeliveryStream",
                    Effect: "Allow",
                    Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
                    Resource: this.deliveryStream.arn,
                },
            ],
        });
        access.push({
            id: `event-ingest-${busName}/rules-to-firehose`,
            principal: targetRole.role.arn,
            requests: [
                { actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], resource: this.deliveryStream.arn },
            ],
            doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html",
            why: "the bus's rules deliver routed events to the Firehose stream with this role",
        });
        const routes = args.routes ?? [{ name: "all-app-events", sources: ["*"] }];
        for (const route of routes) {
            const sources = route.sources.includes("*") ? [{ "anything-but": { prefix: "aws." } }] : route.sources;
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${route.name}`,
                {
                    eventBusName: this.bus.name,
                    description: `Route ${route.name} → raw zone`,
                    eventPattern: JSON.stringify({ source: sources }),
                },
                { parent: this },
            );
            // Undeliverable events wait in an encrypted dead-letter queue admitting only this rule, with a depth alarm
            // (the hub key admits EventBridge: AllowEventBridgeAndScheduler in programs/hub/program.ts).
            const deadLetters = createRuleDeadLetters(`${name}-${route.name}-dlq`, this, {
                queueName: args.naming.name("sqsQueue", "events", route.name, "dlq"),
                kmsKeyArn: args.kmsKeyArn,
                ruleArn: rule.arn,
                alarmTopicArn: args.alarmTopicArn,
                alarmDescription: `Events of route ${route.name} that could not reach the raw zone wait in the dead-letter queue: check the delivery stream, then redrive`,
                accessId: `event-ingest-${busName}/${route.name}-dead-letters`,
                why: `events the ${route.name} route cannot deliver go to its encrypted dead-letter queue`,
                ctx,
            });
            access.push(deadLetters.access);
            new aws.cloudwatch.EventTarget(
                `${name}-${route.name}`,
                {
                    eventBusName: this.bus.name,
                    rule: rule.name,
                    arn: this.deliveryStream.arn,
                    roleArn: targetRole.role.arn,
                    deadLetterConfig: deadLetters.deadLetterConfig,
                    retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
                },
                { parent: this },
            );
        }

        const schedules = args.schedules ?? [];
        if (schedules.length > 0) {
            const group = new aws.scheduler.ScheduleGroup(
                name,
                { name: args.naming.name("generic", "data-sync") },
                { parent: this },
            );
            const dlq = createDeadLetterQueue(`${name}-schedules-dlq`, this, {
                queueName: args.naming.name("sqsQueue", "schedules-dlq"),
                kmsKeyArn: args.kmsKeyArn,
            });
            const schedulerRole = serviceRole(`${name}-scheduler`, this, {
                service: "scheduler.amazonaws.com",
                accountId: ctx.accountId,
                description: `EventBridge Scheduler: put data-sync events on ${busName}`,
                // Only the platform's schedule group (the page in SERVICE_TRUST: a group ARN, never a schedule's).
                trustCondition: { ArnLike: { "aws:SourceArn": group.arn } },
                statements: [
                    {
                        Sid: "PutSyncEvents",
                        Effect: "Allow",
                        Action: "events:PutEvents",
                        Resource: this.bus.arn,
                        Condition: { StringEquals: { "events:source": SCHEDULER_EVENT_SOURCE } },
                    },
                    { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn },
                    {
                        Sid: "EncryptedTargets",
                        Effect: "Allow",
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: args.kmsKeyArn,
                        Condition: {
                            StringEquals: {
                                "kms:ViaService": [
                                    pulumi.interpolate`sqs.${ctx.region}.${ctx.dnsSuffix}`,
                                    pulumi.interpolate`events.${ctx.region}.${ctx.dnsSuffix}`,
                                ],
                            },
                        },
                    },
                ],
            });
            access.push({
                // "Set up the execution role": Scheduler assumes the role and calls the target (PutEvents on the bus).
                id: `event-ingest-${busName}/scheduler-put-events`,
                principal: schedulerRole.role.arn,
                requests: [
                    {
                        actions: ["events:PutEvents"],
                        resource: this.bus.arn,
                        context: { "events:source": "cdp.scheduler" },
                    },
                    { actions: ["sqs:SendMessage"], resource: dlq.arn },
                ],
                doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
                why: "data-sync schedules put their events on the bus, failures go to the dead-letter queue",
            });
            for (const schedule of schedules) {
                new aws.scheduler.Schedule(
                    `${name}-${schedule.name}`,
                    {
                        name: schedule.name,
                        groupName: group.name,
                        scheduleExpression: schedule.expression,
                        scheduleExpressionTimezone: schedule.timezone ?? "UTC",
                        flexibleTimeWindow: { mode: "OFF" },
                        kmsKeyArn: args.kmsKeyArn,
                        target: {
                            arn: this.bus.arn,
                            roleArn: schedulerRole.role.arn,
                            eventbridgeParameters: { detailType: schedule.detailType, source: SCHEDULER_EVENT_SOURCE },
                            input: JSON.stringify(schedule.detail ?? {}),
                            deadLetterConfig: { arn: dlq.arn },
                            retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
                        },
                    },
                    { parent: this, dependsOn: [schedulerRole.policy] },
                );
            }
        }
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({
            busArn: this.busArn,
            deliveryStreamArn: this.deliveryStream.arn,
            requiredAccess: this.requiredAccess,
        });
    }
}
