/**
 * The change publisher against real emulators: kinesalite for the hub's
 * Kinesis stream (read back with GetShardIterator/GetRecords), moto_server
 * for the hub's EventBridge bus (a rule on `cdp.domain.<domain>` delivering
 * to an SQS queue) and for the DynamoDB idempotency table (conditional
 * writes). Without moto_server on PATH these tests are skipped, under CI
 * (process.env.CI) they fail.
 */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { Context, DynamoDBRecord } from "aws-lambda";
import { expect } from "chai";
import { loadConfig } from "../../../functions/change-publisher/config";
import type { PublisherConfig } from "../../../model/env/change-publisher";
import { changeId } from "../../../functions/change-publisher/envelope";
import { createHandler, type HandlerDependencies } from "../../../functions/change-publisher/handler";
import { createHandler as createPreprocessHandler } from "../../../functions/preprocess/handler";
import { createEngine } from "../../../functions/preprocess/normalise";
import { createStream, startKinesisEmulator, type KinesisEmulator } from "../../../tools/local/kinesis";
import { type Dynalite, startDynalite } from "../../helpers/dynalite";
import {
    DOMAIN,
    ENV,
    ORDER_LINES_TABLE,
    createHubBus,
    createIdempotencyTable,
    customerChange,
    drainQueue,
    idempotencyItem,
    idempotencyItems,
    idsByPartitionKey,
    kinesaliteAdapter,
    lastSummary,
    motoClients,
    readStream,
    recordingLogger,
    sequenceNumbers,
    startMoto,
    streamEvent,
    streamRecord,
    type Customer,
    type DeliveredEvent,
    type HubBus,
    type MotoClients,
    type Moto,
} from "./helpers";

const T0 = Date.UTC(2024, 5, 1, 10, 0, 0) / 1000;

const idOf = (record: DynamoDBRecord) =>
    changeId(record.eventSourceARN!, record.eventID!, record.dynamodb!.SequenceNumber!);

/** A stand-in Lambda context with a fixed deadline. */
const lambdaContext = (remainingMs: number): Context => {
    const deadline = Date.now() + remainingMs;
    return { getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
};

/**
 * EventBridge client that fails (as a per-entry InternalException, like a
 * throttled or failed entry in a real response) the entries `fails` picks,
 * and sends all others to the real bus.
 */
function failingEntries(
    inner: EventBridgeClient,
    fails: (entry: PutEventsRequestEntry) => boolean,
): Pick<EventBridgeClient, "send"> {
    const send = async (command: unknown) => {
        if (!(command instanceof PutEventsCommand)) return inner.send(command as never);
        const entries = command.input.Entries ?? [];
        const passing = entries.filter((entry) => !fails(entry));
        const response =
            passing.length > 0 ? await inner.send(new PutEventsCommand({ Entries: passing })) : { Entries: [] };
        const answered = [...(response.Entries ?? [])];
        const out = entries.map((entry) =>
            fails(entry) ? { ErrorCode: "InternalException", ErrorMessage: "injected failure" } : answered.shift()!,
        );
        return { ...response, FailedEntryCount: out.filter((e) => e.ErrorCode !== undefined).length, Entries: out };
    };
    return { send } as unknown as Pick<EventBridgeClient, "send">;
}

/** Kinesis client whose PutRecords calls containing a record `fails` picks throw (the whole call fails). */
function failingCalls(
    inner: Pick<KinesisClient, "send">,
    fails: (partitionKey: string) => boolean,
): Pick<KinesisClient, "send"> {
    const send = async (command: unknown) => {
        if (command instanceof PutRecordsCommand && (command.input.Records ?? []).some((r) => fails(r.PartitionKey!))) {
            const error = new Error("injected: service unavailable");
            error.name = "ServiceUnavailable";
            throw error;
        }
        return inner.send(command as never);
    };
    return { send } as unknown as Pick<KinesisClient, "send">;
}

const detailOf = (entry: PutEventsRequestEntry) => JSON.parse(entry.Detail!) as { key: { pk: string } };

describe("change-publisher against kinesalite, dynalite and moto_server", function () {
    this.timeout(60_000);

    let moto: Moto | undefined;
    let clients: MotoClients;
    let kinesis: KinesisEmulator;
    let dynalite: Dynalite | undefined;
    let counter = 0;

    before(async function () {
        moto = await startMoto();
        // CI installs moto (requirements-dev.txt): there a missing server is a failure, elsewhere a skip.
        if (moto === undefined) {
            if (process.env.CI) throw new Error("moto_server is not on PATH: pip install -r requirements-dev.txt");
            this.skip();
        }
        // The idempotency table on dynalite: invocations racing for one item need atomic conditional writes.
        dynalite = await startDynalite();
        clients = motoClients(moto.endpoint, dynalite.endpoint);
        kinesis = await startKinesisEmulator();
    });

    after(async () => {
        clients?.destroy();
        await kinesis?.stop();
        await dynalite?.stop();
        await moto?.stop();
    });

    interface Hub {
        readonly config: PublisherConfig;
        readonly streamName: string;
        readonly bus: HubBus;
        readonly table: string;
        handler(overrides?: Partial<HandlerDependencies>): {
            handler: ReturnType<typeof createHandler>;
            logger: ReturnType<typeof recordingLogger>;
        };
        published(): ReturnType<typeof readStream>;
        delivered(): Promise<DeliveredEvent[]>;
    }

    /** A fresh hub stream (2 shards), bus + rule + queue and idempotency table for one test. */
    async function hub(): Promise<Hub> {
        const n = ++counter;
        const stream = await createStream(kinesis.client, `cdp-hub-${n}`, 2);
        const bus = await createHubBus(clients, `cdp-hub-${n}`);
        const table = `change-publisher-idempotency-${n}`;
        await createIdempotencyTable(clients.dynamodb, table, { ttl: false });
        const config = loadConfig({
            ...ENV,
            STREAM_ARN: stream.streamArn,
            EVENT_BUS_ARN: bus.busArn,
            IDEMPOTENCY_TABLE: table,
        });
        return {
            config,
            streamName: stream.streamName,
            bus,
            table,
            handler: (overrides = {}) => {
                const logger = recordingLogger();
                const handler = createHandler({
                    config,
                    kinesis: kinesaliteAdapter(kinesis.client),
                    eventBridge: clients.eventBridge,
                    dynamodb: clients.dynamodb,
                    logger,
                    retry: { maxAttempts: 2, baseDelayMs: 1 },
                    ...overrides,
                });
                return { handler, logger };
            },
            published: () => readStream(kinesis.client, stream.streamName),
            delivered: () => drainQueue(clients.sqs, bus.queueUrl),
        };
    }

    it("publishes INSERT, MODIFY and REMOVE envelopes to Kinesis and EventBridge, in order per item", async () => {
        const h = await hub();
        const v1: Customer = {
            customerId: "c-1",
            version: 1,
            email: "ada@example.com",
            balance: 12.5,
            tags: new Set(["vip", "eu"]),
            address: { city: "Berlin", lines: ["Unter den Linden 1", null] },
            active: true,
        };
        const v2: Customer = { ...v1, version: 2, balance: 0, active: false };
        const line = { orderId: "o-1", lineNo: 1, version: 3, sku: "SKU-1", quantity: 2 };
        const records = [
            customerChange.insert(v1, T0),
            customerChange.modify(v1, v2, T0 + 1.5),
            streamRecord({
                table: ORDER_LINES_TABLE,
                eventName: "INSERT",
                keys: { orderId: "o-1", lineNo: 1 },
                newImage: line,
                time: T0 + 2,
            }),
            customerChange.remove(v2, T0 + 3),
        ];
        const { handler, logger } = h.handler();
        expect(await handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect(lastSummary(logger)).to.include({
            records: 4,
            published: 4,
            duplicates: 0,
            failed: 0,
            reported: 0,
            waves: 3,
        });

        const plain1 = { ...v1, tags: ["vip", "eu"] };
        const plain2 = { ...v2, tags: ["vip", "eu"] };
        const base = { specversion: "1.0", source: "cdp.domain.sales", domain: DOMAIN };
        const expected = [
            {
                ...base,
                id: idOf(records[0]),
                type: "customer.created",
                entity: "customer",
                key: { pk: "c-1" },
                changeType: "INSERT",
                version: 1,
                time: "2024-06-01T10:00:00.000Z",
                data: plain1,
            },
            {
                ...base,
                id: idOf(records[1]),
                type: "customer.updated",
                entity: "customer",
                key: { pk: "c-1" },
                changeType: "MODIFY",
                version: 2,
                time: "2024-06-01T10:00:01.500Z",
                data: plain2,
                previous: plain1,
            },
            {
                ...base,
                id: idOf(records[2]),
                type: "order_line.created",
                entity: "order_line",
                key: { pk: "o-1", sk: 1 },
                changeType: "INSERT",
                version: 3,
                time: "2024-06-01T10:00:02.000Z",
                data: line,
            },
            {
                ...base,
                id: idOf(records[3]),
                type: "customer.deleted",
                entity: "customer",
                key: { pk: "c-1" },
                changeType: "REMOVE",
                version: 2,
                time: "2024-06-01T10:00:03.000Z",
                data: null,
                previous: plain2,
            },
        ];

        // Kinesis: api_event wrappers around the envelopes, newline-terminated, keyed per item.
        const published = await h.published();
        expect(published).to.have.length(4);
        const byId = new Map(published.map((r) => [r.json.payload.id, r]));
        for (const envelope of expected) {
            const record = byId.get(envelope.id)!;
            expect(record, envelope.type).to.not.equal(undefined);
            expect(record.text.endsWith("}\n")).to.equal(true);
            expect(record.text.indexOf("\n")).to.equal(record.text.length - 1);
            expect(record.json).to.deep.equal({
                eventId: envelope.id,
                entity: "api_event",
                source: "cdp-domain-sales",
                type: envelope.type,
                timestamp: envelope.time,
                payload: envelope,
            });
            expect(record.partitionKey).to.equal(`${envelope.entity}#${envelope.key.pk}`);
        }
        expect(Object.fromEntries(idsByPartitionKey(published))).to.deep.equal({
            "customer#c-1": [expected[0].id, expected[1].id, expected[3].id],
            "order_line#o-1": [expected[2].id],
        });

        // EventBridge → rule on the domain's source → SQS.
        const delivered = await h.delivered();
        expect(delivered).to.have.length(4);
        const events = new Map(delivered.map((e) => [e.detail.id, e]));
        for (const envelope of expected) {
            const event = events.get(envelope.id)!;
            expect(event.source).to.equal("cdp.domain.sales");
            expect(event["detail-type"]).to.equal(
                envelope.entity === "customer" ? "Customer Changed" : "OrderLine Changed",
            );
            expect(event.detail).to.deep.equal(envelope);
        }

        // Idempotency: every change COMPLETED, with where each target stored it.
        const items = await idempotencyItems(clients.dynamodb, h.table);
        expect([...items.keys()].sort()).to.deep.equal(expected.map((e) => e.id).sort());
        const nowSeconds = Date.now() / 1000;
        for (const envelope of expected) {
            const item = items.get(envelope.id)!;
            expect(item.status).to.equal("COMPLETED");
            expect(item.kinesisSequenceNumber).to.equal(byId.get(envelope.id)!.sequenceNumber);
            expect(item.eventBridgeEventId).to.equal(events.get(envelope.id)!.id);
            expect(item).to.not.have.property("claimToken");
            expect(item).to.not.have.property("leaseExpiresAt");
            expect(item.expiresAt as number).to.be.closeTo(nowSeconds + 7 * 86_400, 60);
        }
    });

    it("publishes nothing new when the same batch is delivered again", async () => {
        const h = await hub();
        const records = [1, 2, 3].flatMap((i) => {
            const v1 = { customerId: `c-${i}`, version: 1, name: `n${i}` };
            return [customerChange.insert(v1), customerChange.modify(v1, { ...v1, version: 2 })];
        });
        const first = h.handler();
        expect(await first.handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        const published = await h.published();
        const delivered = await h.delivered();
        expect(published).to.have.length(6);
        expect(delivered).to.have.length(6);

        const second = h.handler();
        expect(await second.handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect(lastSummary(second.logger)).to.include({ records: 6, published: 0, duplicates: 6, failed: 0 });
        expect(await h.published()).to.have.length(6);
        expect(await h.delivered()).to.have.length(0);
        expect(new Set(published.map((r) => r.json.payload.id)).size).to.equal(6);
    });

    it("publishes once when two invocations race on the same batch", async () => {
        const h = await hub();
        const records = [1, 2, 3, 4].map((i) => customerChange.insert({ customerId: `c-${i}`, version: 1 }));
        const [a, b] = [h.handler(), h.handler()];
        const results = await Promise.all([a.handler(streamEvent(records)), b.handler(streamEvent(records))]);
        // What one invocation claimed the other finds under a live lease: it reports from there on, and its retry skips.
        const retry = h.handler();
        for (const result of results) {
            if (result.batchItemFailures.length === 0) continue;
            const from = sequenceNumbers(records).indexOf(result.batchItemFailures[0].itemIdentifier);
            expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(
                sequenceNumbers(records.slice(from)),
            );
            expect(await retry.handler(streamEvent(records.slice(from)))).to.deep.equal({ batchItemFailures: [] });
        }
        const published = await h.published();
        expect(published.map((r) => r.json.payload.id).sort()).to.deep.equal(records.map(idOf).sort());
        expect((await h.delivered()).map((e) => e.detail.id).sort()).to.deep.equal(records.map(idOf).sort());
    });

    it("reports a failed record and every record after it, and the retry publishes the rest exactly once", async () => {
        const h = await hub();
        const item = (id: string, version: number) => ({ customerId: id, version });
        const records = [
            customerChange.insert(item("A", 1)), // 0
            customerChange.insert(item("B", 1)), // 1
            customerChange.insert(item("C", 1)), // 2  EventBridge entry fails
            customerChange.insert(item("D", 1)), // 3
            customerChange.modify(item("A", 1), item("A", 2)), // 4
            customerChange.modify(item("C", 1), item("C", 2)), // 5  same item as the failed one: held back
        ];
        const ids = records.map(idOf);
        const failing = h.handler({
            eventBridge: failingEntries(clients.eventBridge, (e) => detailOf(e).key.pk === "C"),
        });
        const firstResult = await failing.handler(streamEvent(records));
        expect(firstResult.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(
            sequenceNumbers(records.slice(2)),
        );
        expect(lastSummary(failing.logger)).to.deep.include({
            published: 4,
            failed: 2,
            failuresByReason: { "eventbridge-failed": 1, "blocked-by-earlier-change": 1 },
            reported: 4,
        });

        // C1 reached Kinesis before its EventBridge entry failed; C2 was never sent.
        expect((await h.published()).map((r) => r.json.payload.id).sort()).to.deep.equal(
            [ids[0], ids[1], ids[2], ids[3], ids[4]].sort(),
        );
        expect((await h.delivered()).map((e) => e.detail.id).sort()).to.deep.equal(
            [ids[0], ids[1], ids[3], ids[4]].sort(),
        );
        const items = await idempotencyItems(clients.dynamodb, h.table);
        for (const i of [0, 1, 3, 4]) expect(items.get(ids[i])?.status, `record ${i}`).to.equal("COMPLETED");
        // Released for the retry, remembering that Kinesis already holds it.
        expect(items.get(ids[2])).to.deep.include({ status: "IN_PROGRESS", leaseExpiresAt: 0 });
        expect(items.get(ids[2])?.kinesisSequenceNumber).to.be.a("string");
        expect(items.get(ids[2])).to.not.have.property("eventBridgeEventId");
        expect(items.has(ids[5])).to.equal(false);

        // Lambda retries from the first reported record.
        const retry = h.handler();
        expect(await retry.handler(streamEvent(records.slice(2)))).to.deep.equal({ batchItemFailures: [] });
        expect(lastSummary(retry.logger)).to.include({ published: 2, duplicates: 2, failed: 0 });
        const published = await h.published();
        expect(published.map((r) => r.json.payload.id).sort()).to.deep.equal([...ids].sort());
        expect(idsByPartitionKey(published).get("customer#C")).to.deep.equal([ids[2], ids[5]]);
        expect(idsByPartitionKey(published).get("customer#A")).to.deep.equal([ids[0], ids[4]]);
        expect((await h.delivered()).map((e) => e.detail.id).sort()).to.deep.equal([ids[2], ids[5]].sort());
        const settled = await idempotencyItems(clients.dynamodb, h.table);
        expect([...settled.values()].map((i) => i.status)).to.deep.equal(Array(6).fill("COMPLETED"));
        expect(settled.get(ids[2])?.attempts).to.equal(2);
    });

    it("releases the claims of a failed Kinesis call so the retry publishes them", async () => {
        const h = await hub();
        const records = ["A", "B", "C"].map((id) => customerChange.insert({ customerId: id, version: 1 }));
        const ids = records.map(idOf);
        // The three items share one wave, so one PutRecords call: it fails as a whole.
        const failing = h.handler({
            kinesis: failingCalls(kinesaliteAdapter(kinesis.client), (key) => key === "customer#B"),
        });
        const result = await failing.handler(streamEvent(records));
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers(records));
        expect(lastSummary(failing.logger)).to.deep.include({ failed: 3, failuresByReason: { "kinesis-failed": 3 } });
        expect(await h.published()).to.have.length(0);
        expect(await h.delivered()).to.have.length(0);
        expect((await idempotencyItems(clients.dynamodb, h.table)).size).to.equal(0);

        const retry = h.handler();
        expect(await retry.handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect((await h.published()).map((r) => r.json.payload.id).sort()).to.deep.equal([...ids].sort());
        expect((await h.delivered()).map((e) => e.detail.id).sort()).to.deep.equal([...ids].sort());
    });

    it("keeps Kinesis exactly-once when the bus is missing, and completes on the retry", async () => {
        const h = await hub();
        const records = ["A", "B"].map((id) => customerChange.insert({ customerId: id, version: 1 }));
        const ids = records.map(idOf);
        const missing = { ...h.config, eventBusArn: h.bus.busArn.replace(/event-bus\/.*$/, "event-bus/no-such-bus") };
        const broken = h.handler({ config: missing });
        const result = await broken.handler(streamEvent(records));
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers(records));
        expect(lastSummary(broken.logger)).to.deep.include({ failuresByReason: { "eventbridge-failed": 2 } });
        expect(await h.published()).to.have.length(2);

        const retry = h.handler();
        expect(await retry.handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect((await h.published()).map((r) => r.json.payload.id).sort()).to.deep.equal([...ids].sort());
        expect((await h.delivered()).map((e) => e.detail.id).sort()).to.deep.equal([...ids].sort());
    });

    it("reports a malformed record and everything after it without attempting them", async () => {
        const h = await hub();
        const records = [
            customerChange.insert({ customerId: "A", version: 1 }),
            streamRecord({
                table: "unknown-table",
                eventName: "INSERT",
                keys: { id: "x" },
                newImage: { id: "x", version: 1 },
            }),
            customerChange.insert({ customerId: "B", version: 1 }),
        ];
        const noVersion = customerChange.insert({ customerId: "Z" } as unknown as Customer);
        const { handler, logger } = h.handler();
        const result = await handler(streamEvent(records));
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers(records.slice(1)));
        expect(lastSummary(logger)).to.deep.include({
            published: 1,
            failed: 1,
            notAttempted: 1,
            failuresByReason: { malformed: 1 },
        });
        const warning = logger.lines.find((l) => l.message === "record failed")!;
        expect(warning.attributes).to.include({
            reason: "malformed",
            sequenceNumber: records[1].dynamodb!.SequenceNumber,
        });
        expect(warning.attributes.detail).to.match(/^unknown-table: table unknown-table is not in TABLE_ENTITIES/);
        expect((await h.published()).map((r) => r.json.payload.id)).to.deep.equal([idOf(records[0])]);
        expect(await idempotencyItem(clients.dynamodb, h.table, idOf(records[2]))).to.equal(undefined);

        const second = await handler(streamEvent([noVersion]));
        expect(second.batchItemFailures).to.deep.equal([{ itemIdentifier: noVersion.dynamodb!.SequenceNumber }]);
        expect(logger.lines.at(-2)!.attributes.detail).to.match(/^missing-version:/);
    });

    it("retakes an expired claim, waits for one about to expire, and fails on a live one", async () => {
        const h = await hub();
        const [stale, soon, live] = ["S", "T", "L"].map((id) => customerChange.insert({ customerId: id, version: 1 }));
        const claimed = async (record: DynamoDBRecord, leaseExpiresAt: number) =>
            clients.dynamodb.send(
                new PutItemCommand({
                    TableName: h.table,
                    Item: {
                        id: { S: idOf(record) },
                        status: { S: "IN_PROGRESS" },
                        claimToken: { S: "someone-else" },
                        leaseExpiresAt: { N: String(leaseExpiresAt) },
                        attempts: { N: "1" },
                    },
                }),
            );
        await claimed(stale, Date.now() - 60_000);
        await claimed(soon, Date.now() + 400);
        await claimed(live, Date.now() + 3_600_000);

        const { handler, logger } = h.handler({ maxLeaseWaitMs: 2_000 });
        const result = await handler(streamEvent([stale, soon, live]), lambdaContext(60_000));
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: live.dynamodb!.SequenceNumber }]);
        expect(lastSummary(logger)).to.deep.include({ published: 2, failuresByReason: { "in-progress-elsewhere": 1 } });
        expect((await h.published()).map((r) => r.json.payload.id).sort()).to.deep.equal(
            [idOf(stale), idOf(soon)].sort(),
        );
        expect((await idempotencyItem(clients.dynamodb, h.table, idOf(stale)))?.attempts).to.equal(2);
        // The live claim is someone else's: untouched.
        expect(await idempotencyItem(clients.dynamodb, h.table, idOf(live))).to.deep.include({
            status: "IN_PROGRESS",
            claimToken: "someone-else",
        });
    });

    it("leases a claim until the invocation's deadline", async () => {
        const h = await hub();
        const record = customerChange.insert({ customerId: "X", version: 1 });
        // With a Lambda context the lease ends at the deadline (+ margin), without one after IDEMPOTENCY_LEASE_SECONDS.
        let captured: number | undefined;
        const store = {
            claim: async (request: { leaseExpiresAt: number; nowMs: number }) => {
                captured = request.leaseExpiresAt - request.nowMs;
                return { kind: "completed" as const };
            },
            complete: async () => true,
            release: async () => undefined,
        };
        const { handler } = h.handler({ store });
        await handler(streamEvent([record]), lambdaContext(30_000));
        expect(captured).to.be.within(30_000, 32_000);
        await handler(streamEvent([record]));
        expect(captured).to.equal(h.config.leaseSeconds * 1000);
    });

    it("publishes records that the hub's preprocess Lambda accepts as api_event", async () => {
        const h = await hub();
        const v1 = { customerId: "c-9", version: 1, email: "x@example.com", nested: { deep: [1, 2, { ok: true }] } };
        const records = [
            customerChange.insert(v1),
            customerChange.modify(v1, { ...v1, version: 2 }),
            customerChange.remove({ ...v1, version: 2 }),
            streamRecord({
                table: ORDER_LINES_TABLE,
                eventName: "INSERT",
                keys: { orderId: "o-9", lineNo: 7 },
                newImage: { orderId: "o-9", lineNo: 7, version: 1, amount: 19.99 },
            }),
        ];
        const { handler } = h.handler();
        expect(await handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        const published = await h.published();

        const preprocess = createPreprocessHandler({
            logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
            engine: createEngine(),
            maxFailureLogs: 10,
        });
        const response = await preprocess({
            invocationId: "inv-1",
            deliveryStreamArn: "arn:aws:firehose:eu-west-1:999988887777:deliverystream/cdp-hub",
            region: "eu-west-1",
            records: published.map((r, i) => ({
                recordId: `r${i}`,
                approximateArrivalTimestamp: r.approximateArrivalTimestamp,
                data: Buffer.from(r.data).toString("base64"),
            })),
        });
        expect(response.records.map((r) => r.result)).to.deep.equal(Array(4).fill("Ok"));
        for (const [i, out] of response.records.entries()) {
            const doc = JSON.parse(Buffer.from(out.data ?? "", "base64").toString("utf8"));
            const envelope = published[i].json.payload;
            expect(doc).to.deep.include({
                eventId: envelope.id,
                entity: "api_event",
                source: "cdp-domain-sales",
                type: envelope.type,
                payload: envelope,
            });
            expect(doc).to.not.have.property("_extra");
            expect(out.metadata?.partitionKeys).to.deep.equal({
                source: "cdp-domain-sales",
                entity: "api_event",
                event_date: (envelope.time as string).slice(0, 10),
            });
        }
    });

    it("keys the stream by table so equal keys of different tables stay apart", async () => {
        const h = await hub();
        const records = [
            customerChange.insert({ customerId: "42", version: 1 }),
            streamRecord({
                table: ORDER_LINES_TABLE,
                eventName: "INSERT",
                keys: { orderId: "42", lineNo: 1 },
                newImage: { orderId: "42", lineNo: 1, version: 1 },
            }),
        ];
        const { handler } = h.handler();
        expect(await handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect((await h.published()).map((r) => r.partitionKey).sort()).to.deep.equal(["customer#42", "order_line#42"]);
    });
});
