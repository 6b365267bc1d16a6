/**
 * Property-based tests of the preprocessing Lambda (fast-check): well over
 * 100,000 generated records mixing valid, defective and hostile payloads,
 * plus batches right at Firehose's 6 MB limits.
 */
import { strict as assert } from "node:assert";
import type {
    FirehoseTransformationEvent,
    FirehoseTransformationEventRecord,
    FirehoseTransformationResultRecord,
} from "aws-lambda";
import { expect } from "chai";
import fc from "fast-check";
import { FIREHOSE_RESPONSE_LIMIT_BYTES, type BatchResult } from "../../../functions/preprocess/batch";
import { formatTimestamp } from "../../../functions/preprocess/timestamp";
import { payload, shuffled, validRecord, type Expected, type GeneratedPayload } from "./arbitraries";
import { SAMPLE_ARRIVAL, eventOf, recordId, run, toBase64 } from "./helpers";

const MIN_RECORDS = 100_000;

function eventFor(items: readonly GeneratedPayload[]): FirehoseTransformationEvent {
    return eventOf(
        items.map((item, i) => ({
            recordId: recordId(i),
            approximateArrivalTimestamp: SAMPLE_ARRIVAL + i,
            data: item.data,
        })),
    );
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

// Checks run on every generated record, so they use node:assert rather than
// chai, whose per-assertion overhead would dominate the run time.

/** Decodes an Ok record: base64 of one JSON object followed by a newline. */
function document(out: FirehoseTransformationResultRecord): Record<string, unknown> {
    const text = Buffer.from(out.data ?? "", "base64").toString("utf8");
    assert.equal(Buffer.from(text, "utf8").toString("base64"), out.data, "Ok data is standard padded base64");
    assert.equal(text.indexOf("\n"), text.length - 1, "Ok data is one newline-terminated line");
    const value: unknown = JSON.parse(text);
    assert.ok(typeof value === "object" && value !== null && !Array.isArray(value), "Ok data is a JSON object");
    return value as Record<string, unknown>;
}

/** The invariants every response must satisfy, whatever the input. */
function checkInvariants(event: FirehoseTransformationEvent, result: BatchResult, limit: number): void {
    const { records } = result.response;
    assert.equal(records.length, event.records.length, "no record lost or added");
    const failed = new Set(result.failures.map((f) => f.index));
    assert.equal(failed.size, result.failures.length, "failures listed once");
    records.forEach((out, i) => {
        assert.equal(out.recordId, event.records[i].recordId, "input order kept");
        if (out.result === "ProcessingFailed") {
            assert.equal(out.data, event.records[i].data, "failed records carry their original data");
            assert.equal(out.metadata, undefined);
            assert.ok(failed.has(i));
        } else {
            assert.equal(out.result, "Ok");
            assert.ok(!failed.has(i));
            const doc = document(out);
            const keys = out.metadata?.partitionKeys;
            assert.deepEqual(Object.keys(keys ?? {}), ["source", "entity", "event_date"]);
            assert.equal(keys?.source, doc.source);
            assert.equal(keys?.entity, doc.entity);
            assert.match(keys?.event_date ?? "", /^\d{4}-\d{2}-\d{2}$/);
            assert.equal((doc._meta as Record<string, unknown>).recordId, out.recordId);
        }
    });
    assert.equal(result.failures.length + result.okCount, records.length);
    assert.equal(result.responseBytes, jsonBytes(result.response), "size is measured exactly");
    assert.ok(result.responseBytes <= limit, `response ${result.responseBytes} B within ${limit} B`);
}

/** Outcomes the generators predicted. */
function checkExpected(result: BatchResult, expected: readonly Expected[]): void {
    const reasons = new Map(result.failures.map((f) => [f.index, f.failure.reason]));
    result.response.records.forEach((out, i) => {
        const want = expected[i];
        const reason = reasons.get(i);
        if (want.outcome !== "Ok") {
            assert.equal(reason, want.outcome, `record ${i}`);
            return;
        }
        if (reason === "response-size-limit") return;
        assert.equal(reason, undefined, `record ${i} should be Ok`);
        const doc = document(out);
        assert.equal(doc.entity, want.entity);
        assert.equal(doc.source, want.source);
        assert.match(String(doc.eventId), /^[\x21-\x7e]{1,128}$/);
        assert.equal(out.metadata?.partitionKeys.event_date, formatTimestamp(want.eventTimeMs as number).slice(0, 10));
        if (want.amountMinor !== undefined) assert.equal(doc.amountMinor, want.amountMinor);
    });
}

describe("preprocess properties (fast-check)", function () {
    this.timeout(120_000);
    let generated = 0;
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    after(() => {
        expect(Object.getOwnPropertyNames(Object.prototype).sort(), "no prototype pollution").to.deep.equal(
            protoBefore,
        );
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it("mixed batches: no record lost or duplicated, order kept, outcomes as predicted", () => {
        fc.assert(
            fc.property(fc.array(payload, { minLength: 40, maxLength: 160 }), (items) => {
                const event = eventFor(items);
                const result = run(event);
                checkInvariants(event, result, FIREHOSE_RESPONSE_LIMIT_BYTES);
                checkExpected(
                    result,
                    items.map((item) => item.expected),
                );
                generated += items.length;
            }),
            { numRuns: 1_000 },
        );
    });

    it("event ids and outputs do not depend on key order, and retries give identical output", () => {
        fc.assert(
            fc.property(
                validRecord.chain((v) => fc.tuple(fc.constant(v.record), shuffled(v.record))),
                ([record, reordered]) => {
                    const event = eventOf([
                        { recordId: recordId(0), approximateArrivalTimestamp: SAMPLE_ARRIVAL, data: toBase64(record) },
                        {
                            recordId: recordId(0),
                            approximateArrivalTimestamp: SAMPLE_ARRIVAL,
                            data: toBase64(reordered),
                        },
                    ]);
                    const first = run(event).response.records.map(document);
                    const retry = run(event).response.records.map(document);
                    assert.deepEqual(first[1], first[0]);
                    assert.deepEqual(retry, first);
                    generated += 4;
                },
            ),
            { numRuns: 2_000 },
        );
    });

    it("any response limit is honoured exactly, failing only records that do not fit", () => {
        fc.assert(
            fc.property(
                fc.array(payload, { minLength: 1, maxLength: 60 }),
                fc.double({ min: 0, max: 1, noNaN: true }),
                (items, fraction) => {
                    const event = eventFor(items);
                    const unlimited = run(event, { responseLimitBytes: Number.MAX_SAFE_INTEGER });
                    const allFailed = jsonBytes({
                        records: event.records.map((r) => ({
                            recordId: r.recordId,
                            result: "ProcessingFailed",
                            data: r.data,
                        })),
                    });
                    const limit = Math.floor(allFailed + fraction * (unlimited.responseBytes - allFailed));
                    const result = run(event, { responseLimitBytes: limit });
                    checkInvariants(event, result, limit);
                    const reasons = new Map(result.failures.map((f) => [f.index, f.failure.reason]));
                    result.response.records.forEach((out, i) => {
                        const reference = unlimited.response.records[i];
                        if (out.result === "Ok") assert.deepEqual(out, reference);
                        if (reasons.get(i) === "response-size-limit") assert.equal(reference.result, "Ok");
                    });
                    if (limit >= unlimited.responseBytes) assert.deepEqual(result.response, unlimited.response);
                    generated += items.length * 2;
                },
            ),
            { numRuns: 400 },
        );
    });

    describe("batches at the 6 MB limits", () => {
        const EVENT_LIMIT = FIREHOSE_RESPONSE_LIMIT_BYTES;

        /** Fills an event up to the 6 MB invocation payload limit. */
        function fill(next: (i: number) => string): FirehoseTransformationEvent {
            const event = eventOf([]);
            let size = jsonBytes(event);
            for (let i = 0; ; i++) {
                const record: FirehoseTransformationEventRecord = {
                    recordId: recordId(i),
                    approximateArrivalTimestamp: SAMPLE_ARRIVAL + i,
                    data: next(i),
                };
                const added = jsonBytes(record) + (i === 0 ? 0 : 1);
                if (size + added > EVENT_LIMIT) return event;
                event.records.push(record);
                size += added;
            }
        }

        const shapes = {
            /** Small valid records: normalising roughly doubles them. */
            tiny: (seed: number) => (i: number) =>
                toBase64({
                    entity: "transaction",
                    source: "s",
                    transactionId: `${seed}-${i}`,
                    amount: 1,
                    currency: "EUR",
                    timestamp: i,
                }),
            /** Valid records close to Firehose's 1,000 KiB record maximum. */
            large: (seed: number) => (i: number) =>
                toBase64({
                    entity: "weblog",
                    source: "cdn",
                    sessionId: `${seed}-${i}`,
                    method: "GET",
                    url: "/",
                    status: 200,
                    timestamp: i,
                    blob: "x".repeat(900_000 + ((seed * 7919 + i * 104_729) % 100_000)),
                }),
            /** Invalid data needing JSON escaping (quotes, controls, non-ASCII) among valid records. */
            escaped: (seed: number) => (i: number) =>
                i % 3 === 0
                    ? `"\\\u0001é😀${"\u0002".repeat((seed + i) % 50)}`
                    : toBase64({ entity: "api_event", source: "api", type: "t", timestamp: i, payload: { i, seed } }),
            /** Oversized and hostile records mixed with valid ones. */
            hostile: (seed: number) => (i: number) => {
                switch ((seed + i) % 5) {
                    case 0:
                        return "A".repeat(1_400_000); // over 1,000 KiB once decoded
                    case 1:
                        return toBase64(
                            `{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
                        );
                    case 2:
                        return toBase64(`{"__proto__":{"polluted":true},"entity":"customer"}`);
                    default:
                        return toBase64({
                            entity: "customer",
                            source: "crm",
                            customerId: `${seed}-${i}`,
                            email: "A@B.CO",
                            createdAt: i,
                        });
                }
            },
        };

        it("never exceed 6 MiB, whatever the mix, and keep every record", () => {
            fc.assert(
                fc.property(
                    fc.constantFrom(...(Object.keys(shapes) as (keyof typeof shapes)[])),
                    fc.nat(1_000),
                    (shape, seed) => {
                        const event = fill(shapes[shape](seed));
                        expect(jsonBytes(event)).to.be.at.most(EVENT_LIMIT);
                        const result = run(event);
                        checkInvariants(event, result, FIREHOSE_RESPONSE_LIMIT_BYTES);
                        expect(result.overLimit).to.equal(false);
                        expect(result.okCount, "some records still fit").to.be.greaterThan(0);
                        generated += event.records.length;
                    },
                ),
                {
                    numRuns: 8,
                    examples: [
                        ["tiny", 0],
                        ["large", 1],
                        ["escaped", 2],
                        ["hostile", 3],
                    ],
                },
            );
        });
    });

    // A suite, not a test: mocha runs a suite's own tests before its child suites.
    describe("coverage", () => {
        it(`generated at least ${MIN_RECORDS.toLocaleString("en-US")} records in total`, function () {
            if (generated === 0) this.skip(); // the properties above were filtered out (--grep)
            expect(generated).to.be.at.least(MIN_RECORDS);
        });
    });
});
