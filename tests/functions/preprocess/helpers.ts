/**
 * Shared fixtures for the preprocessing Lambda tests.
 */
import type {
    FirehoseTransformationEvent,
    FirehoseTransformationEventRecord,
    FirehoseTransformationResult,
    FirehoseTransformationResultRecord,
} from "aws-lambda";
import { expect } from "chai";
import { FIREHOSE_RESPONSE_LIMIT_BYTES, processBatch, type BatchResult } from "../../../functions/preprocess/batch";
import type { FailureReason } from "../../../functions/preprocess/failures";
import { createHandler, type BatchLogger } from "../../../functions/preprocess/handler";
import { createEngine, type Engine, type EngineOptions } from "../../../functions/preprocess/normalise";

/** recordId of the AWS Lambda console's Firehose sample events. */
export const SAMPLE_RECORD_ID = "49546986683135544286507457936321625675700192471156785154";
export const SAMPLE_ARRIVAL = 1495072949453;
export const PROCESSED_AT = "2024-06-01T00:00:00.000Z";

export type Payload = string | Buffer | Record<string, unknown>;

export function toBase64(payload: Payload): string {
    if (Buffer.isBuffer(payload)) return payload.toString("base64");
    return Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload), "utf8").toString("base64");
}

/** A record id shaped like Firehose's (56 digits), unique per index. */
export function recordId(index: number): string {
    return `${SAMPLE_RECORD_ID.slice(0, 46)}${String(index).padStart(10, "0")}`;
}

export function firehoseRecord(index: number, payload: Payload): FirehoseTransformationEventRecord {
    return { recordId: recordId(index), approximateArrivalTimestamp: SAMPLE_ARRIVAL + index, data: toBase64(payload) };
}

export function firehoseEvent(payloads: Payload[]): FirehoseTransformationEvent {
    return eventOf(payloads.map((payload, i) => firehoseRecord(i, payload)));
}

export function eventOf(records: FirehoseTransformationEventRecord[]): FirehoseTransformationEvent {
    return {
        invocationId: "invocationIdExample",
        deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/cdp-ingest",
        region: "us-east-1",
        records,
    };
}

let defaultEngine: Engine | undefined;

/** The default engine is immutable: share it between tests. */
export function engine(options?: EngineOptions): Engine {
    if (options !== undefined) return createEngine(options);
    defaultEngine ??= createEngine();
    return defaultEngine;
}

export function run(
    event: FirehoseTransformationEvent,
    options: { engine?: Engine; responseLimitBytes?: number } = {},
): BatchResult {
    return processBatch(event, {
        engine: options.engine ?? engine(),
        processedAt: PROCESSED_AT,
        responseLimitBytes: options.responseLimitBytes,
    });
}

/** Processes a single payload; returns the parsed document or the failure reason. */
export function one(payload: Payload, options: { engine?: Engine } = {}): Record<string, unknown> | FailureReason {
    const result = run(firehoseEvent([payload]), options);
    const [failure] = result.failures;
    if (failure !== undefined) return failure.failure.reason;
    return decodeOk(result.response.records[0]);
}

/** Like `one` but asserts success. */
export function ok(payload: Payload, options: { engine?: Engine } = {}): Record<string, unknown> {
    const out = one(payload, options);
    if (typeof out === "string") expect.fail(`expected Ok, got ProcessingFailed (${out})`);
    return out;
}

/** Like `one` but asserts failure and returns the reason and field. */
export function failure(
    payload: Payload,
    options: { engine?: Engine } = {},
): { reason: FailureReason; field?: string } {
    const result = run(firehoseEvent([payload]), options);
    expect(result.failures, "expected ProcessingFailed").to.have.length(1);
    expect(result.response.records[0].result).to.equal("ProcessingFailed");
    expect(result.response.records[0].data).to.equal(toBase64(payload));
    const { reason, field } = result.failures[0].failure;
    return { reason, field };
}

/** Decodes an Ok record, checking the newline-terminated single-document shape. */
export function decodeOk(record: FirehoseTransformationResultRecord): Record<string, unknown> {
    expect(record.result).to.equal("Ok");
    const text = Buffer.from(record.data ?? "", "base64").toString("utf8");
    expect(Buffer.from(text, "utf8").toString("base64"), "standard padded base64").to.equal(record.data);
    expect(text.endsWith("\n"), "Ok data ends with a newline").to.equal(true);
    expect(text.indexOf("\n"), "exactly one line").to.equal(text.length - 1);
    const document: unknown = JSON.parse(text);
    expect(document).to.be.an("object");
    return document as Record<string, unknown>;
}

/** Asserts the Firehose contract for a response against its event. */
export function assertContract(event: FirehoseTransformationEvent, response: FirehoseTransformationResult): void {
    expect(response.records.map((r) => r.recordId)).to.deep.equal(event.records.map((r) => r.recordId));
    response.records.forEach((out, i) => {
        expect(out.result).to.be.oneOf(["Ok", "ProcessingFailed"]);
        if (out.result === "ProcessingFailed") {
            expect(out.data).to.equal(event.records[i].data);
            expect(out.metadata).to.equal(undefined);
        } else {
            const document = decodeOk(out);
            const keys = out.metadata?.partitionKeys;
            expect(keys).to.have.all.keys("source", "entity", "event_date");
            expect(keys?.source).to.equal(document.source);
            expect(keys?.entity).to.equal(document.entity);
            expect(keys?.event_date).to.match(/^\d{4}-\d{2}-\d{2}$/);
            expect((document._meta as Record<string, unknown>).recordId).to.equal(out.recordId);
        }
    });
    expect(Buffer.byteLength(JSON.stringify(response))).to.be.at.most(FIREHOSE_RESPONSE_LIMIT_BYTES);
}

export interface CapturedLog {
    readonly level: "info" | "warn" | "error";
    readonly message: string;
    readonly attributes: Record<string, unknown>;
}

export function capturingLogger(): BatchLogger & { readonly lines: CapturedLog[] } {
    const lines: CapturedLog[] = [];
    return {
        lines,
        info: (message, attributes) => lines.push({ level: "info", message, attributes }),
        warn: (message, attributes) => lines.push({ level: "warn", message, attributes }),
        error: (message, attributes) => lines.push({ level: "error", message, attributes }),
    };
}

export function testHandler(options: { maxFailureLogs?: number; responseLimitBytes?: number } = {}) {
    const logger = capturingLogger();
    const handler = createHandler({
        logger,
        engine: engine(),
        maxFailureLogs: options.maxFailureLogs ?? 20,
        now: () => Date.parse(PROCESSED_AT),
        responseLimitBytes: options.responseLimitBytes,
    });
    return { handler, logger };
}

export const customer = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    entity: "customer",
    source: "crm",
    customerId: "C-1001",
    email: "Ada.Lovelace@Example.com",
    name: "Ada Lovelace",
    phone: "+44 20 7946 0958",
    country: "gb",
    createdAt: "2024-03-01T12:00:00Z",
    ...overrides,
});

export const transaction = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    entity: "transaction",
    source: "pos-eu",
    transactionId: "T-42",
    customerId: "C-1001",
    amount: "12.30",
    currency: "EUR",
    timestamp: "2024-03-01T12:34:56.789Z",
    merchant: "Acme Coffee",
    ...overrides,
});

export const weblog = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    entity: "weblog",
    source: "cdn-edge",
    sessionId: "sess-1",
    url: "https://shop.example.com/cart?x=1",
    method: "GET",
    status: 200,
    userAgent: "Mozilla/5.0",
    ip: "203.0.113.7",
    timestamp: 1717200000123,
    ...overrides,
});

export const apiEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    entity: "api_event",
    source: "billing-api",
    type: "invoice.paid",
    timestamp: "2024-06-01T10:00:00+02:00",
    payload: { invoiceId: "inv_1", total: { amount: "49.00", currency: "EUR" }, lines: [{ sku: "PRO" }] },
    ...overrides,
});
