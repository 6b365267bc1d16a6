/**
 * Shared fixtures for the change publisher tests: DynamoDB stream records
 * written from the documented shape, a valid environment, a recording
 * logger, and the local emulators — kinesalite (in-process) for the hub's
 * Kinesis stream, moto_server (a child process) for the EventBridge bus →
 * SQS delivery, dynalite (in-process) for the DynamoDB idempotency table.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import {
    CreateTableCommand,
    DynamoDBClient,
    GetItemCommand,
    ScanCommand,
    UpdateTimeToLiveCommand,
    type AttributeValue as SdkAttributeValue,
} from "@aws-sdk/client-dynamodb";
import {
    CreateEventBusCommand,
    EventBridgeClient,
    PutRuleCommand,
    PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import {
    CreateQueueCommand,
    DeleteMessageBatchCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { PublisherLogger } from "../../../functions/change-publisher/handler";
import { readAsFirehose, type KinesisSourceRecord } from "../../../tools/local/kinesis";

export const DOMAIN = "sales";
export const ACCOUNT = "111122223333";
export const STREAM_REGION = "eu-west-1";
export const CUSTOMERS_TABLE = "sales-customers";
export const ORDER_LINES_TABLE = "sales-order-lines";

export const TABLE_ENTITIES = {
    [CUSTOMERS_TABLE]: { entity: "customer", partitionKey: "customerId" },
    [ORDER_LINES_TABLE]: { entity: "order_line", partitionKey: "orderId", sortKey: "lineNo" },
};

/** A valid environment (the ARNs are rewritten per test to the emulators' resources). */
export const ENV: Readonly<Record<string, string>> = {
    DOMAIN,
    STREAM_ARN: "arn:aws:kinesis:eu-west-1:999988887777:stream/cdp-hub-events",
    EVENT_BUS_ARN: "arn:aws:events:eu-west-1:999988887777:event-bus/cdp-hub",
    IDEMPOTENCY_TABLE: "sales-change-publisher-idempotency",
    TABLE_ENTITIES: JSON.stringify(TABLE_ENTITIES),
};

export const LOCAL_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;
export const MOTO_REGION = "us-east-1";
export const MOTO_ACCOUNT = "123456789012";

// ---------------------------------------------------------------------------
// Stream records

let sequence = 0n;
/** DynamoDB Streams sequence numbers are decimal strings, increasing within a shard. */
export function nextSequenceNumber(): string {
    sequence += 1n;
    return (400000000000000000000n + sequence).toString();
}

export function streamArnOf(table: string, label = "2024-06-01T00:00:00.000"): string {
    return `arn:aws:dynamodb:${STREAM_REGION}:${ACCOUNT}:table/${table}/stream/${label}`;
}

export type Item = Record<string, unknown>;

export interface RecordSpec {
    readonly table?: string;
    readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
    readonly keys: Item;
    readonly newImage?: Item;
    readonly oldImage?: Item;
    /** Epoch seconds (default 2024-06-01T10:00:00Z). */
    readonly time?: number;
    readonly sequenceNumber?: string;
    readonly eventID?: string;
    readonly streamLabel?: string;
}

const image = (item: Item) =>
    marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;

/** A record as Lambda delivers it for a NEW_AND_OLD_IMAGES stream. */
export function streamRecord(spec: RecordSpec): DynamoDBRecord {
    const sequenceNumber = spec.sequenceNumber ?? nextSequenceNumber();
    return {
        eventID: spec.eventID ?? `e${sequenceNumber.slice(-12)}${"0".repeat(19)}`.slice(0, 32),
        eventName: spec.eventName,
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: STREAM_REGION,
        dynamodb: {
            ApproximateCreationDateTime: spec.time ?? Date.UTC(2024, 5, 1, 10, 0, 0) / 1000,
            Keys: image(spec.keys),
            ...(spec.newImage === undefined ? {} : { NewImage: image(spec.newImage) }),
            ...(spec.oldImage === undefined ? {} : { OldImage: image(spec.oldImage) }),
            SequenceNumber: sequenceNumber,
            SizeBytes: 100,
            StreamViewType: "NEW_AND_OLD_IMAGES",
        },
        eventSourceARN: streamArnOf(spec.table ?? CUSTOMERS_TABLE, spec.streamLabel),
    };
}

export interface Customer {
    readonly customerId: string;
    readonly version: number;
    readonly [field: string]: unknown;
}

/** INSERT / MODIFY / REMOVE of a customer item. */
export const customerChange = {
    insert: (item: Customer, time?: number) =>
        streamRecord({ eventName: "INSERT", keys: { customerId: item.customerId }, newImage: item, time }),
    modify: (before: Customer, after: Customer, time?: number) =>
        streamRecord({
            eventName: "MODIFY",
            keys: { customerId: after.customerId },
            oldImage: before,
            newImage: after,
            time,
        }),
    remove: (before: Customer, time?: number) =>
        streamRecord({ eventName: "REMOVE", keys: { customerId: before.customerId }, oldImage: before, time }),
};

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

export const sequenceNumbers = (records: readonly DynamoDBRecord[]): string[] =>
    records.map((r) => r.dynamodb!.SequenceNumber!);

// ---------------------------------------------------------------------------
// Logging

export interface LogLine {
    readonly level: "info" | "warn" | "error";
    readonly message: string;
    readonly attributes: Record<string, unknown>;
}

export function recordingLogger(): PublisherLogger & { readonly lines: LogLine[] } {
    const lines: LogLine[] = [];
    return {
        lines,
        info: (message, attributes) => lines.push({ level: "info", message, attributes }),
        warn: (message, attributes) => lines.push({ level: "warn", message, attributes }),
        error: (message, attributes) => lines.push({ level: "error", message, attributes }),
    };
}

/** The batch summary line of the last invocation. */
export function lastSummary(logger: { readonly lines: LogLine[] }): Record<string, unknown> {
    const line = [...logger.lines]
        .reverse()
        .find((l) => l.message === "batch published" || l.message === "batch partially published");
    if (line === undefined) throw new Error("no batch summary logged");
    return line.attributes;
}

// ---------------------------------------------------------------------------
// moto_server

export interface Moto {
    readonly endpoint: string;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as { port: number };
            probe.close(() => resolve(port));
        });
    });
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>`; undefined if it is not
 * on PATH (the caller skips, or fails under CI).
 */
export async function startMoto(): Promise<Moto | undefined> {
    const port = await freePort();
    const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    const spawned = await new Promise<boolean>((resolve) => {
        child.once("spawn", () => resolve(true));
        child.once("error", () => resolve(false));
    });
    if (!spawned) return undefined;
    const endpoint = `http://127.0.0.1:${port}`;
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await exited;
        }
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
        try {
            if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
        } catch {
            // not up yet
        }
        if (Date.now() > deadline || child.exitCode !== null) {
            await stop();
            throw new Error("moto_server did not start");
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    return { endpoint, stop };
}

const localClientConfig = (endpoint: string) => ({
    endpoint,
    region: MOTO_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    maxAttempts: 1,
});

export interface MotoClients {
    readonly dynamodb: DynamoDBClient;
    readonly eventBridge: EventBridgeClient;
    readonly sqs: SQSClient;
    destroy(): void;
}

/**
 * Clients of moto_server's EventBridge and SQS, and of a DynamoDB emulator: by default moto's, but tests in which
 * invocations race for the same idempotency item pass dynalite's endpoint (moto's conditional writes are not atomic,
 * see tests/helpers/dynalite.ts).
 */
export function motoClients(endpoint: string, dynamodbEndpoint: string = endpoint): MotoClients {
    const dynamodb = new DynamoDBClient(localClientConfig(dynamodbEndpoint));
    const eventBridge = new EventBridgeClient(localClientConfig(endpoint));
    const sqs = new SQSClient(localClientConfig(endpoint));
    return {
        dynamodb,
        eventBridge,
        sqs,
        destroy: () => {
            dynamodb.destroy();
            eventBridge.destroy();
            sqs.destroy();
        },
    };
}

/**
 * The idempotency table as the component creates it: partition key `id` (S), TTL on `expiresAt` (skipped with
 * `ttl: false` for emulators without UpdateTimeToLive, such as dynalite: no test waits for TTL deletion).
 */
export async function createIdempotencyTable(
    client: DynamoDBClient,
    tableName: string,
    { ttl = true }: { ttl?: boolean } = {},
): Promise<void> {
    await client.send(
        new CreateTableCommand({
            TableName: tableName,
            AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
            BillingMode: "PAY_PER_REQUEST",
        }),
    );
    if (!ttl) return;
    await client.send(
        new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        }),
    );
}

export type IdempotencyItem = Record<string, unknown> & { id: string; status: string };

export async function idempotencyItems(
    client: DynamoDBClient,
    tableName: string,
): Promise<Map<string, IdempotencyItem>> {
    const items = new Map<string, IdempotencyItem>();
    let start: Record<string, SdkAttributeValue> | undefined;
    do {
        const page = await client.send(
            new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
        );
        for (const item of page.Items ?? []) {
            const plain = unmarshall(item) as IdempotencyItem;
            items.set(plain.id, plain);
        }
        start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
}

export async function idempotencyItem(
    client: DynamoDBClient,
    tableName: string,
    id: string,
): Promise<IdempotencyItem | undefined> {
    const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    return Item === undefined ? undefined : (unmarshall(Item) as IdempotencyItem);
}

export interface HubBus {
    readonly busArn: string;
    readonly queueUrl: string;
}

/**
 * The hub side of EventBridge: a bus, a rule matching the domain's source
 * and an SQS queue target receiving the matched events.
 */
export async function createHubBus(clients: MotoClients, name: string, domain = DOMAIN): Promise<HubBus> {
    const { EventBusArn: busArn } = await clients.eventBridge.send(new CreateEventBusCommand({ Name: name }));
    const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-events` }));
    const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );
    await clients.eventBridge.send(
        new PutRuleCommand({
            Name: `${name}-domain-${domain}`,
            EventBusName: name,
            EventPattern: JSON.stringify({ source: [`cdp.domain.${domain}`] }),
            State: "ENABLED",
        }),
    );
    await clients.eventBridge.send(
        new PutTargetsCommand({
            Rule: `${name}-domain-${domain}`,
            EventBusName: name,
            Targets: [{ Id: "queue", Arn: Attributes!.QueueArn! }],
        }),
    );
    return { busArn: busArn!, queueUrl: queueUrl! };
}

/** An EventBridge event as delivered to the SQS target. */
export interface DeliveredEvent {
    readonly id: string;
    readonly source: string;
    readonly "detail-type": string;
    readonly detail: Record<string, unknown> & { id: string };
    readonly [field: string]: unknown;
}

/** Receives (and deletes) every message currently in the queue. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<DeliveredEvent[]> {
    const events: DeliveredEvent[] = [];
    for (;;) {
        const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
                QueueUrl: queueUrl,
                MaxNumberOfMessages: 10,
                WaitTimeSeconds: 0,
                VisibilityTimeout: 30,
            }),
        );
        if (Messages.length === 0) return events;
        for (const message of Messages) events.push(JSON.parse(message.Body!) as DeliveredEvent);
        await sqs.send(
            new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
        );
    }
}

// ---------------------------------------------------------------------------
// Kinesis

/**
 * kinesalite predates StreamARN (Kinesis added it in 2022) and drops it, so
 * it needs StreamName: this adapter adds the name from the ARN to the
 * publisher's ARN-only PutRecords calls, as the test side of the emulator.
 */
export function kinesaliteAdapter(client: KinesisClient): Pick<KinesisClient, "send"> {
    const send = (command: unknown) => {
        if (
            command instanceof PutRecordsCommand &&
            command.input.StreamARN !== undefined &&
            command.input.StreamName === undefined
        ) {
            return client.send(
                new PutRecordsCommand({ ...command.input, StreamName: command.input.StreamARN.split("/").pop() }),
            );
        }
        return client.send(command as never);
    };
    return { send } as unknown as Pick<KinesisClient, "send">;
}

/** A record read back from the hub stream, with its data parsed. */
export interface PublishedRecord extends KinesisSourceRecord {
    readonly text: string;
    readonly json: {
        eventId: string;
        entity: string;
        source: string;
        type: string;
        timestamp: string;
        payload: Record<string, unknown> & { id: string; key: { pk: unknown; sk?: unknown } };
    };
}

/** Every record of the stream (GetShardIterator TRIM_HORIZON + GetRecords), shards merged by arrival. */
export async function readStream(client: KinesisClient, streamName: string): Promise<PublishedRecord[]> {
    const read = await readAsFirehose(client, streamName);
    return read.records.map((record) => {
        const text = Buffer.from(record.data).toString("utf8");
        return { ...record, text, json: JSON.parse(text) as PublishedRecord["json"] };
    });
}

/** Payload ids per partition key, in shard (sequence) order. */
export function idsByPartitionKey(records: readonly PublishedRecord[]): Map<string, string[]> {
    const byKey = new Map<string, { seq: bigint; id: string }[]>();
    for (const record of records) {
        const list = byKey.get(record.partitionKey) ?? [];
        list.push({ seq: BigInt(record.sequenceNumber), id: record.json.payload.id });
        byKey.set(record.partitionKey, list);
    }
    return new Map(
        [...byKey].map(([key, list]) => [
            key,
            list.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).map((e) => e.id),
        ]),
    );
}
