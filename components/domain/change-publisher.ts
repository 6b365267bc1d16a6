import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import type { PolicyStatement } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { createDeadLetterQueue } from "../shared/queues";
import type { EntityDefinition } from "../../model/entities";
import { changePublisherEnv, type TableEntity } from "../../model/env/change-publisher";
import { envVariables } from "../../model/env/kit";
import { domainEventSource } from "../../model/names";

/** Where a domain publishes its change events: the hub account's stream and bus (by ARN, cross-account). */
export interface HubTargets {
    /** ARN of the hub's Kinesis ingest stream. */
    streamArn: pulumi.Input<string>;
    /** ARN of the hub's EventBridge bus. */
    busArn: pulumi.Input<string>;
    /** The hub key encrypting the stream (producers need GenerateDataKey through Kinesis). */
    hubKeyArn: pulumi.Input<string>;
}

export interface ChangePublisherArgs {
    /** Naming scope of the domain (function, idempotency table, failure queue). */
    naming: Naming;
    /** Domain name: every event's envelope `source` is `cdp.domain.<domain>`. */
    domain: string;
    /** The entities whose changes are published. */
    entities: EntityDefinition[];
    /** The entities' DynamoDB tables (streams enabled), by entity name. */
    tables: Readonly<Record<string, aws.dynamodb.Table>>;
    /** The domain CMK: tables, idempotency table, failure queue, function environment and logs. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the function's log group keeps logs. */
    logRetentionDays: number;
    /** The hub's stream, bus and key the changes are published to. */
    hub: HubTargets;
    /**
     * Deletion protection and `protect`/`retainOnDelete` of the idempotency table.
     * @default true
     */
    dataProtection?: boolean;
}

/**
 * DynamoDB Streams → a Lambda that publishes every change as an event with a stable envelope to the hub's Kinesis
 * stream and EventBridge bus. Partial-batch failure reporting, bisect on error, an encrypted SQS on-failure
 * destination, and an idempotency table so a retried batch never publishes twice.
 */
export class ChangePublisher extends pulumi.ComponentResource {
    public readonly function: NodeFunction;
    public readonly idempotencyTable: aws.dynamodb.Table;
    public readonly failures: aws.sqs.Queue;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: ChangePublisherArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:ChangePublisher", name, {}, opts);
        const ctx = awsContext(this);
        this.idempotencyTable = new aws.dynamodb.Table(
            `${name}-idempotency`,
            {
                name: args.naming.name("dynamodbTable", "publisher-idempotency"),
                billingMode: "PAY_PER_REQUEST",
                hashKey: "id",
                attributes: [{ name: "id", type: "S" }],
                ttl: { attributeName: "expiresAt", enabled: true },
                serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
                pointInTimeRecovery: { enabled: true },
                deletionProtectionEnabled: args.dataProtection ?? true,
            },
            dataStoreOptions(args.dataProtection ?? true, { parent: this }),
        );
        this.failures = createDeadLetterQueue(`${name}-failures`, this, {
            queueName: args.naming.name("sqsQueue", "publisher-failures"),
            kmsKeyArn: args.kmsKeyArn,
        });
        const streamArns = Object.values(args.tables).map((t) => t.streamArn);
        const statements: PolicyStatement[] = [
            {
                Sid: "ReadTableStreams",
                Effect: "Allow",
                Action: [
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
                Resource: streamArns,
            },
            {
                Sid: "Idempotency",
                Effect: "Allow",
                Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                Resource: this.idempotencyTable.arn,
            },
            {
                // The domain key encrypts the tables and their streams, the idempotency table and the failure queue;
                // the function uses it only through those services: DynamoDB decrypting stream records and items for
                // it ("Encryption at rest: how it works", DynamoDB Developer Guide:
                // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html), SQS
                // when the event source mapping sends a failed batch to the encrypted on-failure queue with this role
                // (GenerateDataKey and Decrypt: "Key management", SQS Developer Guide:
                // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
                // Environment variables and logs use the key through Lambda's grant and CloudWatch Logs' key-policy
                // statement, not through this role.
                Sid: "DomainKeyViaServices",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: args.kmsKeyArn,
                Condition: {
                    StringEquals: {
                        "kms:ViaService": [
                            pulumi.interpolate`dynamodb.${ctx.region}.${ctx.dnsSuffix}`,
                            pulumi.interpolate`sqs.${ctx.region}.${ctx.dnsSuffix}`,
                        ],
                    },
                },
            },
            {
                Sid: "PublishToHubStream",
                Effect: "Allow",
                Action: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"],
                Resource: args.hub.streamArn,
            },
            {
                Sid: "HubStreamKey",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey"],
                Resource: args.hub.hubKeyArn,
                Condition: {
                    StringEquals: { "kms:ViaService": pulumi.interpolate`kinesis.${ctx.region}.${ctx.dnsSuffix}` },
                },
            },
            {
                // Only with this domain's own source: the hub files events under raw/events/source=<source>/
                // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html, events:source).
                Sid: "PublishToHubBus",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: args.hub.busArn,
                Condition: { StringEquals: { "events:source": domainEventSource(args.domain) } },
            },
            { Sid: "FailedBatches", Effect: "Allow", Action: "sqs:SendMessage", Resource: this.failures.arn },
        ];
        this.function = new NodeFunction(
            `${name}-function`,
            {
                bundle: changePublisherEnv.function,
                functionName: args.naming.name("lambdaFunction", "change-publisher"),
                description: `Publishes ${args.domain} changes to the hub`,
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                timeout: 120,
                environment: envVariables(changePublisherEnv, {
                    DOMAIN: args.domain,
                    STREAM_ARN: args.hub.streamArn,
                    EVENT_BUS_ARN: args.hub.busArn,
                    IDEMPOTENCY_TABLE: this.idempotencyTable.name,
                    TABLE_ENTITIES: pulumi
                        .all(
                            args.entities.map((e) =>
                                args.tables[e.name].name.apply((table): [string, TableEntity] => [
                                    table,
                                    {
                                        entity: e.name,
                                        partitionKey: e.partitionKey,
                                        ...(e.sortKey === undefined ? {} : { sortKey: e.sortKey }),
                                    },
                                ]),
                            ),
                        )
                        .apply((entries) => changePublisherEnv.variables.TABLE_ENTITIES.format(new Map(entries))),
                }),
                statements,
            },
            { parent: this },
        );
        for (const entity of args.entities) {
            new aws.lambda.EventSourceMapping(
                `${name}-${entity.name}`,
                {
                    eventSourceArn: args.tables[entity.name].streamArn,
                    functionName: this.function.arn,
                    startingPosition: "TRIM_HORIZON",
                    batchSize: 100,
                    maximumBatchingWindowInSeconds: 1,
                    bisectBatchOnFunctionError: true,
                    maximumRetryAttempts: 10,
                    maximumRecordAgeInSeconds: 86400,
                    functionResponseTypes: ["ReportBatchItemFailures"],
                    destinationConfig: { onFailure: { destinationArn: this.failures.arn } },
                },
                { parent: this },
            );
        }
        const role = this.function.role.arn;
        const via = (service: string) => pulumi.interpolate`${service}.${ctx.region}.${ctx.dnsSuffix}`;
        const access: RequiredAccessInput[] = [
            {
                id: `publisher-${args.domain}/read-table-streams`,
                principal: role,
                requests: streamArns.map((arn) => ({
                    actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                    resource: arn,
                })),
                doc: "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
                why: "the event source mappings read the entity tables' streams with the function's role",
            },
            {
                id: `publisher-${args.domain}/idempotency-table`,
                principal: role,
                requests: [
                    {
                        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                        resource: this.idempotencyTable.arn,
                    },
                    {
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": via("dynamodb") },
                    },
                ],
                doc: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
                why: "exactly-once publishing records what was sent in the idempotency table (domain key)",
            },
            {
                id: `publisher-${args.domain}/hub-stream`,
                principal: role,
                requests: [
                    { actions: ["kinesis:PutRecord", "kinesis:PutRecords"], resource: args.hub.streamArn },
                    {
                        actions: ["kms:GenerateDataKey"],
                        resource: args.hub.hubKeyArn,
                        context: {
                            "kms:ViaService": via("kinesis"),
                            "kms:EncryptionContext:aws:kinesis:arn": args.hub.streamArn,
                        },
                    },
                ],
                doc: "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html",
                why: "changes go to the hub's encrypted stream in another account",
            },
            {
                id: `publisher-${args.domain}/hub-bus`,
                principal: role,
                requests: [
                    {
                        actions: ["events:PutEvents"],
                        resource: args.hub.busArn,
                        context: { "events:source": domainEventSource(args.domain) },
                    },
                ],
                doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html",
                why: `changes go to the hub's bus with source ${domainEventSource(args.domain)}`,
            },
            {
                id: `publisher-${args.domain}/failure-queue`,
                principal: role,
                requests: [
                    { actions: ["sqs:SendMessage"], resource: this.failures.arn },
                    {
                        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": via("sqs") },
                    },
                ],
                doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
                why: "failed batches go to the encrypted on-failure queue (sent with the function's role)",
            },
        ];
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({ functionArn: this.function.arn, requiredAccess: this.requiredAccess });
    }
}
