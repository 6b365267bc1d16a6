/**
 * Handler and publisher mechanics that need exact control over the AWS
 * responses (request limits, per-entry retries, size truncation, deadline,
 * idempotency-store errors): recording fakes of the Kinesis and EventBridge
 * clients and an in-memory idempotency store. The behaviour against real
 * emulators is in publisher.test.ts.
 */
import { PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { PutRecordsCommand, type PutRecordsInput, type PutRecordsResultEntry } from "@aws-sdk/client-kinesis";
import type { Context } from "aws-lambda";
import { expect } from "chai";
import { loadConfig } from "../../../functions/change-publisher/config";
import { createHandler, type HandlerDependencies } from "../../../functions/change-publisher/handler";
import type { ClaimResult, IdempotencyStore, PublishedTargets } from "../../../functions/change-publisher/idempotency";
import { entrySize, publishToEventBridge, publishToKinesis } from "../../../functions/change-publisher/publish";
import { ENV, customerChange, lastSummary, recordingLogger, sequenceNumbers, streamEvent } from "./helpers";

const config = loadConfig({ ...ENV });

/** A recording EventBridge fake: `outcome` decides each entry's result (default: accepted). */
function fakeEventBridge(
    outcome?: (entry: PutEventsRequestEntry, attempt: number) => PutEventsResultEntry | undefined,
) {
    const calls: PutEventsRequestEntry[][] = [];
    const attempts = new Map<string, number>();
    let nextId = 0;
    const send = async (command: unknown) => {
        if (!(command instanceof PutEventsCommand)) throw new Error("unexpected command");
        const entries = command.input.Entries ?? [];
        calls.push(entries);
        const results = entries.map((entry) => {
            const attempt = (attempts.get(entry.Detail!) ?? 0) + 1;
            attempts.set(entry.Detail!, attempt);
            return outcome?.(entry, attempt) ?? { EventId: `ev-${++nextId}` };
        });
        return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
    };
    return { client: { send } as unknown as HandlerDependencies["eventBridge"], calls };
}

function fakeKinesis(outcome?: (partitionKey: string, attempt: number) => PutRecordsResultEntry | undefined) {
    const calls: PutRecordsInput[] = [];
    const attempts = new Map<string, number>();
    let seq = 0;
    const send = async (command: unknown) => {
        if (!(command instanceof PutRecordsCommand)) throw new Error("unexpected command");
        calls.push(command.input);
        const records = (command.input.Records ?? []).map((r) => {
            const key = Buffer.from(r.Data!).toString("utf8");
            const attempt = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, attempt);
            return (
                outcome?.(r.PartitionKey!, attempt) ?? {
                    ShardId: "shardId-000000000000",
                    SequenceNumber: String(++seq),
                }
            );
        });
        return { FailedRecordCount: records.filter((r) => r.ErrorCode !== undefined).length, Records: records };
    };
    return { client: { send } as unknown as HandlerDependencies["kinesis"], calls };
}

/** The idempotency table's semantics in memory (one claimant at a time, leases, COMPLETED). */
function memoryStore(): IdempotencyStore & {
    items: Map<string, { status: string; token?: string; lease: number; done: PublishedTargets }>;
} {
    const items = new Map<string, { status: string; token?: string; lease: number; done: PublishedTargets }>();
    let tokens = 0;
    return {
        items,
        async claim(request): Promise<ClaimResult> {
            const item = items.get(request.id);
            if (item?.status === "COMPLETED") return { kind: "completed" };
            if (item !== undefined && item.lease >= request.nowMs) return { kind: "busy", leaseExpiresAt: item.lease };
            const token = `t${++tokens}`;
            items.set(request.id, {
                status: "IN_PROGRESS",
                token,
                lease: request.leaseExpiresAt,
                done: item?.done ?? {},
            });
            return { kind: "claimed", token, done: item?.done ?? {} };
        },
        async complete(id, token, done) {
            const item = items.get(id);
            if (item?.token !== token) return false;
            items.set(id, { status: "COMPLETED", lease: 0, done });
            return true;
        },
        async release(id, token, done) {
            if (items.get(id)?.token !== token) return;
            if (done.kinesisSequenceNumber === undefined && done.eventBridgeEventId === undefined) items.delete(id);
            else items.set(id, { status: "IN_PROGRESS", lease: 0, done });
        },
    };
}

function setup(overrides: Partial<HandlerDependencies> = {}) {
    const kinesis = fakeKinesis();
    const events = fakeEventBridge();
    const store = memoryStore();
    const logger = recordingLogger();
    const handler = createHandler({
        config,
        kinesis: kinesis.client,
        eventBridge: events.client,
        dynamodb: { send: async () => Promise.reject(new Error("not used")) } as never,
        store,
        logger,
        retry: { maxAttempts: 3, baseDelayMs: 1 },
        ...overrides,
    });
    return { handler, kinesis, events, store, logger };
}

const customers = (n: number, prefix = "c") =>
    Array.from({ length: n }, (_, i) => customerChange.insert({ customerId: `${prefix}-${i}`, version: 1 }));

describe("change-publisher handler mechanics", () => {
    it("sends PutEvents in batches of at most 10 entries to the bus ARN, and one PutRecords to the stream ARN", async () => {
        const t = setup();
        const records = customers(25);
        expect(await t.handler(streamEvent(records))).to.deep.equal({ batchItemFailures: [] });
        expect(t.events.calls.map((c) => c.length)).to.deep.equal([10, 10, 5]);
        for (const entry of t.events.calls.flat()) {
            expect(entry).to.include({
                Source: "cdp.domain.sales",
                DetailType: "Customer Changed",
                EventBusName: ENV.EVENT_BUS_ARN,
            });
            expect(entry.Time).to.be.instanceOf(Date);
            expect(JSON.parse(entry.Detail!)).to.include({ specversion: "1.0", type: "customer.created" });
        }
        expect(t.kinesis.calls).to.have.length(1);
        expect(t.kinesis.calls[0]).to.include({ StreamARN: ENV.STREAM_ARN });
        expect(t.kinesis.calls[0]).to.not.have.property("StreamName");
        expect(t.kinesis.calls[0].Records!.map((r) => r.PartitionKey)).to.deep.equal(
            records.map((_, i) => `customer#c-${i}`),
        );
        expect([...t.store.items.values()].every((i) => i.status === "COMPLETED")).to.equal(true);
    });

    it("retries only the entries a response reports as failed", async () => {
        const events = fakeEventBridge((entry, attempt) =>
            JSON.parse(entry.Detail!).key.pk === "c-3" && attempt === 1
                ? { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }
                : undefined,
        );
        const kinesis = fakeKinesis((key, attempt) =>
            key === "customer#c-1" && attempt < 3
                ? { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "slow down" }
                : undefined,
        );
        const t = setup({ eventBridge: events.client, kinesis: kinesis.client });
        expect(await t.handler(streamEvent(customers(5)))).to.deep.equal({ batchItemFailures: [] });
        expect(kinesis.calls.map((c) => c.Records!.map((r) => r.PartitionKey))).to.deep.equal([
            ["customer#c-0", "customer#c-1", "customer#c-2", "customer#c-3", "customer#c-4"],
            ["customer#c-1"],
            ["customer#c-1"],
        ]);
        expect(events.calls.map((c) => c.length)).to.deep.equal([5, 1]);
        expect(JSON.parse(events.calls[1][0].Detail!).key.pk).to.equal("c-3");
    });

    it("fails an entry that keeps failing after the configured attempts", async () => {
        const events = fakeEventBridge((entry) =>
            JSON.parse(entry.Detail!).key.pk === "c-1"
                ? { ErrorCode: "InternalException", ErrorMessage: "boom" }
                : undefined,
        );
        const t = setup({ eventBridge: events.client });
        const records = customers(3);
        const result = await t.handler(streamEvent(records));
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers(records.slice(1)));
        expect(events.calls.map((c) => c.length)).to.deep.equal([3, 1, 1]);
        const warning = t.logger.lines.find((l) => l.message === "record failed")!;
        expect(warning.attributes).to.include({ reason: "eventbridge-failed", detail: "InternalException: boom" });
    });

    it("publishes an oversized change to EventBridge without `previous`, marked truncated, and in full to Kinesis", async () => {
        const t = setup();
        const before = { customerId: "big", version: 1, notes: "a".repeat(150_000) };
        const after = { customerId: "big", version: 2, notes: "b".repeat(150_000) };
        expect(await t.handler(streamEvent([customerChange.modify(before, after)]))).to.deep.equal({
            batchItemFailures: [],
        });
        const entry = t.events.calls[0][0];
        expect(entrySize(entry)).to.be.at.most(256 * 1024);
        const detail = JSON.parse(entry.Detail!);
        expect(detail).to.not.have.property("previous");
        expect(detail).to.deep.include({ truncated: ["previous"], data: after });
        const kinesisRecord = JSON.parse(Buffer.from(t.kinesis.calls[0].Records![0].Data!).toString("utf8"));
        expect(kinesisRecord.payload).to.deep.include({ data: after, previous: before });
        expect(kinesisRecord.payload).to.not.have.property("truncated");
        expect(lastSummary(t.logger)).to.include({ published: 1, truncated: 1 });
    });

    it("starts no publish wave with too little time left and releases the claims", async () => {
        const t = setup();
        const records = customers(2);
        const context = { getRemainingTimeInMillis: () => 1_000 } as unknown as Context;
        const result = await t.handler(streamEvent(records), context);
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers(records));
        expect(lastSummary(t.logger)).to.deep.include({ failuresByReason: { deadline: 2 }, waves: 0 });
        expect(t.kinesis.calls).to.have.length(0);
        expect(t.store.items.size).to.equal(0);
    });

    it("reports records whose claim fails and blocks later changes of the same item", async () => {
        const store = memoryStore();
        const a1 = customerChange.insert({ customerId: "A", version: 1 });
        const t = setup({
            store: {
                ...store,
                claim: async (request) => {
                    if (request.sequenceNumber === a1.dynamodb!.SequenceNumber) throw new Error("throttled");
                    return store.claim(request);
                },
            },
        });
        const b1 = customerChange.insert({ customerId: "B", version: 1 });
        const a2 = customerChange.modify({ customerId: "A", version: 1 }, { customerId: "A", version: 2 });
        const result = await t.handler(streamEvent([a1, b1, a2]));
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(sequenceNumbers([a1, b1, a2]));
        expect(lastSummary(t.logger)).to.deep.include({
            published: 1,
            failuresByReason: { "idempotency-error": 1, "blocked-by-earlier-change": 1 },
        });
        expect(t.kinesis.calls.flatMap((c) => c.Records!.map((r) => r.PartitionKey))).to.deep.equal(["customer#B"]);
    });

    it("rejects an event that is not a DynamoDB Streams batch", async () => {
        const t = setup();
        let error: unknown;
        try {
            await t.handler({} as never);
        } catch (e) {
            error = e;
        }
        expect(String(error)).to.match(/not a DynamoDB Streams event/);
        expect(await t.handler(streamEvent([]))).to.deep.equal({ batchItemFailures: [] });
    });

    describe("publishers", () => {
        it("splits PutRecords at 500 records and PutEvents at 256 KiB", async () => {
            const kinesis = fakeKinesis();
            const data = new Uint8Array(10);
            const results = await publishToKinesis(
                kinesis.client,
                ENV.STREAM_ARN,
                Array.from({ length: 1_201 }, (_, i) => ({ partitionKey: `k${i}`, data })),
            );
            expect(kinesis.calls.map((c) => c.Records!.length)).to.deep.equal([500, 500, 201]);
            expect(results.every((r) => r.ok)).to.equal(true);

            const events = fakeEventBridge();
            const entry = (i: number): PutEventsRequestEntry => ({
                Source: "s",
                DetailType: "d",
                Detail: JSON.stringify({ i, pad: "x".repeat(100_000) }),
                EventBusName: ENV.EVENT_BUS_ARN,
            });
            await publishToEventBridge(events.client, [0, 1, 2, 3, 4].map(entry));
            expect(events.calls.map((c) => c.length)).to.deep.equal([2, 2, 1]);
        });

        it("fails every entry of a call that throws, with the error's name", async () => {
            const client = {
                send: async () => Promise.reject(Object.assign(new Error("nope"), { name: "AccessDeniedException" })),
            };
            const results = await publishToEventBridge(client as never, [
                { Source: "s", DetailType: "d", Detail: "{}" },
            ]);
            expect(results).to.deep.equal([{ ok: false, error: "AccessDeniedException: nope" }]);
        });
    });
});
