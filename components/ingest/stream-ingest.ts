import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { envVariables } from "../../model/env/kit";
import { preprocessEnv } from "../../model/env/preprocess";
import type { RequiredAccess } from "../../model/access";
import { requiredAccess } from "../shared/access";
import { createAlarm } from "../shared/alarms";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { policyJson } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import type { Naming } from "../shared/naming";
import { createRawDelivery } from "./raw-delivery";
import type { ZoneTarget } from "./zone-target";
import { RAW_FOLDERS } from "../../model/raw-layout";

export interface StreamIngestArgs {
    /** Naming scope of the stream, delivery stream and preprocessing function. */
    naming: Naming;
    /** The raw zone records land in. */
    rawZone: ZoneTarget;
    /** The hub's CMK: stream encryption, function environment, log groups. */
    kmsKeyArn: pulumi.Input<string>;
    /** SNS topic for the pipeline's alarms (see `createAlarmTopic`). */
    alarmTopicArn: pulumi.Input<string>;
    /** Log retention in days (preprocessing function and delivery stream). */
    logRetentionDays: number;
    /**
     * Key prefix in the raw zone: lower-case letters, digits, `_` and `-`, no slashes.
     * @default `RAW_FOLDERS.streams` ("streams")
     */
    prefix?: string;
    /**
     * Hours the stream keeps records, 24-8760.
     * @default 168 (a week of replay)
     */
    retentionHours?: number;
    /**
     * Stream capacity.
     * @default { mode: "ON_DEMAND" }
     */
    capacity?: { mode: "ON_DEMAND" } | { mode: "PROVISIONED"; shards: number };
    /**
     * Other accounts (producer domains) allowed to put records.
     * @default none: no stream resource policy
     */
    producerAccountIds?: pulumi.Input<string>[];
    /**
     * Firehose buffering before writing to S3: 64-128 MB (dynamic partitioning needs ≥ 64), 60-900 s.
     * @default { sizeMb: 64, intervalSeconds: 60 }
     */
    buffering?: { sizeMb: number; intervalSeconds: number };
    /**
     * Hash direct identifiers in the preprocessing Lambda (HMAC with `hashSalt`).
     * @default false
     */
    hashIdentifiers?: boolean;
    /**
     * HMAC key for identifier hashing (≥ 16 characters; pass a secret). Required when `hashIdentifiers` is true.
     * @default none
     */
    hashSalt?: pulumi.Input<string>;
}

export function validateStreamIngestArgs(name: string, args: StreamIngestArgs): void {
    const issues = new IssueCollector();
    const at = `StreamIngest(${name})`;
    const hours = args.retentionHours ?? 168;
    if (!Number.isInteger(hours) || hours < 24 || hours > 8760)
        issues.add(`${at}.retentionHours`, hours, "a whole number of hours from 24 to 8760");
    if (
        args.capacity?.mode === "PROVISIONED" &&
        (!Number.isInteger(args.capacity.shards) || args.capacity.shards < 1)
    ) {
        issues.add(`${at}.capacity.shards`, args.capacity.shards, "a whole number of shards ≥ 1");
    }
    const b = args.buffering ?? { sizeMb: 64, intervalSeconds: 60 };
    if (!Number.isInteger(b.sizeMb) || b.sizeMb < 64 || b.sizeMb > 128)
        issues.add(`${at}.buffering.sizeMb`, b.sizeMb, "64-128 MB (Firehose dynamic partitioning needs at least 64)");
    if (!Number.isInteger(b.intervalSeconds) || b.intervalSeconds < 60 || b.intervalSeconds > 900)
        issues.add(`${at}.buffering.intervalSeconds`, b.intervalSeconds, "60-900 seconds");
    if (args.hashIdentifiers && args.hashSalt === undefined)
        issues.add(`${at}.hashSalt`, undefined, "a secret of at least 16 characters when hashIdentifiers is true");
    if (args.prefix !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(args.prefix))
        issues.add(`${at}.prefix`, args.prefix, "a lower-case key prefix without slashes");
    issues.throwIfAny(`Invalid arguments for StreamIngest "${name}"`);
}

/**
 * What the shared stream can attribute a record to, recorded on the stream (tag `cdp-producer-attribution`; Kinesis
 * tag keys allow no colon) so reviews and access proofs read the decision from the plan. Decision: accepted, account-level only. Kinesis authorises
 * `PutRecord(s)` per stream: its resource policy has no condition key on record content, and a record reaches Firehose
 * and the preprocessing Lambda without the caller's identity (the transformation event carries the stream ARN, shard,
 * partition key and sequence number only), so neither the policy nor preprocessing can tell which producer account
 * wrote a record or stop it from claiming another domain's `source`. What holds: only the configured producer accounts
 * can put (stream policy, and the hub key's policy via Kinesis), only into `streams/` (never another folder, never a
 * domain's own stores); every change is also published on the bus, whose copy is attributed (`events:source` pinned per
 * account) under `events/source=<source>/`, so consumers that need provenance use that copy or reconcile against it.
 * Full attribution would take one stream (and delivery stream) per producer account, with preprocessing checking the
 * stream ARN against the domain; see the README ("Ingestion hub").
 */
export const PRODUCER_ATTRIBUTION_TAG = "cdp-producer-attribution";
export const PRODUCER_ATTRIBUTION =
    "account-level only - records carry no producer identity - see README Ingestion hub";

/**
 * Kinesis Data Stream (CMK, on-demand by default) → Kinesis Firehose with the stream as its source → the raw zone.
 * Firehose runs the preprocessing Lambda as its data transformation, partitions objects dynamically by the keys the
 * Lambda returns (`source`, `entity`, `event_date`), writes records the Lambda rejects under an error prefix,
 * compresses, encrypts with the zone's key and logs to an encrypted log group. Alarms watch the stream's iterator
 * age, Firehose freshness and delivery, and the Lambda's errors and throttles.
 */
export class StreamIngest extends pulumi.ComponentResource {
    public readonly stream: aws.kinesis.Stream;
    public readonly preprocess: NodeFunction;
    public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
    public readonly deliveryRole: aws.iam.Role;
    public readonly streamArn: pulumi.Output<string>;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: StreamIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:ingest:StreamIngest", name, {}, opts);
        validateStreamIngestArgs(name, args);
        const ctx = awsContext(this);
        const prefix = args.prefix ?? RAW_FOLDERS.streams;
        const streamName = args.naming.name("kinesisStream", "ingest");
        const firehoseName = args.naming.name("firehoseStream", "ingest-raw");
        const capacity = args.capacity ?? { mode: "ON_DEMAND" };
        const buffering = args.buffering ?? { sizeMb: 64, intervalSeconds: 60 };

        this.stream = new aws.kinesis.Stream(
            name,
            {
                name: streamName,
                encryptionType: "KMS",
                kmsKeyId: args.kmsKeyArn,
                retentionPeriod: args.retentionHours ?? 168,
                streamModeDetails: { streamMode: capacity.mode },
                shardCount: capacity.mode === "PROVISIONED" ? capacity.shards : undefined,
                shardLevelMetrics: ["IncomingRecords", "IteratorAgeMilliseconds"],
                tags: { [PRODUCER_ATTRIBUTION_TAG]: PRODUCER_ATTRIBUTION },
            },
            { parent: this },
        );
        this.streamArn = this.stream.arn;
        if (args.producerAccountIds && args.producerAccountIds.length > 0) {
            new aws.kinesis.ResourcePolicy(
                name,
                {
                    resourceArn: this.stream.arn,
                    policy: policyJson([
                        {
                            Sid: "ProducerDomainsPutRecords",
                            Effect: "Allow",
                            Principal: {
                                AWS: args.producerAccountIds.map(
                                    (id) => pulumi.interpolate`arn:${ctx.partition}:iam::${id}:root`,
                                ),
                            },
                            Action: [
                                "kinesis:PutRecord",
                                "kinesis:PutRecords",
                                "kinesis:DescribeStreamSummary",
                                "kinesis:ListShards",
                            ],
                            Resource: this.stream.arn,
                        },
                    ]),
                },
                { parent: this },
            );
        }

        this.preprocess = new NodeFunction(
            `${name}-preprocess`,
            {
                bundle: preprocessEnv.function,
                functionName: args.naming.name("lambdaFunction", "preprocess"),
                description: "Firehose data transformation: clean and normalise records for the raw zone",
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                memorySize: 1024,
                timeout: 120,
                environment: envVariables(preprocessEnv, {
                    HASH_IDENTIFIERS: preprocessEnv.variables.HASH_IDENTIFIERS.format(args.hashIdentifiers ?? false),
                    HASH_SALT: args.hashIdentifiers ? args.hashSalt : undefined,
                }),
            },
            { parent: this },
        );

        const delivery = createRawDelivery(name, this, {
            streamName: firehoseName,
            rawZone: args.rawZone,
            folder: prefix,
            partitions: ["source", "entity", "event_date"].map((k) => `${k}=!{partitionKeyFromLambda:${k}}`).join("/"),
            kmsKeyArn: args.kmsKeyArn,
            logRetentionDays: args.logRetentionDays,
            buffering,
            ctx,
            source: {
                kind: "kinesis",
                streamArn: this.stream.arn,
                readStatements: [
                    {
                        Sid: "ReadIngestStream",
                        Effect: "Allow",
                        Action: [
                            "kinesis:DescribeStream",
                            "kinesis:DescribeStreamSummary",
                            "kinesis:GetShardIterator",
                            "kinesis:GetRecords",
                            "kinesis:ListShards",
                        ],
                        Resource: this.stream.arn,
                    },
                    {
                        Sid: "DecryptIngestStream",
                        Effect: "Allow",
                        Action: ["kms:Decrypt"],
                        Resource: args.kmsKeyArn,
                        Condition: {
                            StringEquals: {
                                "kms:ViaService": pulumi.interpolate`kinesis.${ctx.region}.${ctx.dnsSuffix}`,
                            },
                        },
                    },
                ],
            },
            statements: [
                {
                    Sid: "InvokePreprocess",
                    Effect: "Allow",
                    Action: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                    Resource: [this.preprocess.arn, pulumi.interpolate`${this.preprocess.arn}:*`],
                },
            ],
            processors: [
                {
                    type: "Lambda",
                    parameters: [
                        {
                            parameterName: "LambdaArn",
                            parameterValue: pulumi.interpolate`${this.preprocess.arn}:$LATEST`,
                        },
                        // Small Lambda batches keep normalised responses far below Firehose's 6 MB limit.
                        { parameterName: "BufferSizeInMBs", parameterValue: "1" },
                        { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
                    ],
                },
            ],
        });
        this.deliveryStream = delivery.stream;
        this.deliveryRole = delivery.role;
        this.requiredAccess = requiredAccess([
            ...delivery.access,
            {
                id: `firehose-${firehoseName}/invoke-preprocess`,
                principal: delivery.role.arn,
                requests: [
                    {
                        actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                        resource: pulumi.interpolate`${this.preprocess.arn}:$LATEST`,
                    },
                ],
                doc: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3",
                why: "Firehose runs the preprocessing Lambda as its data transformation",
            },
        ]);

        const topic = args.alarmTopicArn;
        createAlarm(`${name}-iterator-age`, this, topic, {
            description: `Records wait more than 5 minutes in ${streamName}: Firehose is not keeping up`,
            namespace: "AWS/Kinesis",
            metricName: "GetRecords.IteratorAgeMilliseconds",
            dimensions: { StreamName: this.stream.name },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 300000,
            dashboardSection: "Ingestion",
        });
        createAlarm(`${name}-freshness`, this, topic, {
            description: `Oldest record in ${firehoseName} is older than 15 minutes`,
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.DataFreshness",
            dimensions: { DeliveryStreamName: this.deliveryStream.name },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 900,
            dashboardSection: "Ingestion",
        });
        createAlarm(`${name}-delivery`, this, topic, {
            description: `${firehoseName} failed to deliver to the raw zone`,
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.Success",
            dimensions: { DeliveryStreamName: this.deliveryStream.name },
            statistic: "Average",
            comparison: "LessThanThreshold",
            threshold: 1,
            treatMissingData: "notBreaching",
            dashboardSection: "Ingestion",
        });
        for (const [metric, what] of [
            ["Errors", "errors"],
            ["Throttles", "is throttled"],
        ] as const) {
            createAlarm(`${name}-preprocess-${metric.toLowerCase()}`, this, topic, {
                description: `Preprocessing Lambda ${what}`,
                namespace: "AWS/Lambda",
                metricName: metric,
                dimensions: { FunctionName: this.preprocess.name },
                statistic: "Sum",
                comparison: "GreaterThanThreshold",
                threshold: 0,
                dashboardSection: "Ingestion",
            });
        }
        this.registerOutputs({
            streamArn: this.streamArn,
            deliveryStreamArn: this.deliveryStream.arn,
            requiredAccess: this.requiredAccess,
        });
    }
}
