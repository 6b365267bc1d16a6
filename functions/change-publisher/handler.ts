/**
 * The DynamoDB Streams handler: turns each change into an envelope, claims
 * it in the idempotency table, publishes it to the hub's Kinesis stream and
 * EventBridge bus, marks it COMPLETED, and reports failures the way the
 * event source mapping expects (ReportBatchItemFailures: the first failed
 * record and every record after it). Kept free of module-level state so
 * tests build handlers with their own clients, logger and configuration.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EventBridgeClient, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { MalformedRecordError } from "./attributes";
import type { PublisherConfig } from "../../model/env/change-publisher";
import {
    buildChange,
    detailTypeFor,
    fitEnvelope,
    kinesisRecordJson,
    type Change,
    type ChangeEnvelope,
} from "./envelope";
import { createDynamoIdempotencyStore, type IdempotencyStore, type PublishedTargets } from "./idempotency";
import {
    DEFAULT_RETRY,
    EVENTBRIDGE_LIMITS,
    KINESIS_LIMITS,
    entrySize,
    mapLimit,
    publishToEventBridge,
    publishToKinesis,
    type RetryOptions,
} from "./publish";

/** The subset of the Powertools Logger used here. */
export interface PublisherLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
    addContext?(context: Context): void;
}

export interface HandlerDependencies {
    readonly config: PublisherConfig;
    readonly kinesis: Pick<KinesisClient, "send">;
    readonly eventBridge: Pick<EventBridgeClient, "send">;
    /** Client for the idempotency table (ignored when `store` is given). */
    readonly dynamodb: Pick<DynamoDBClient, "send">;
    readonly store?: IdempotencyStore;
    readonly logger: PublisherLogger;
    readonly now?: () => number;
    /** Entry-level retries of PutRecords / PutEvents within one invocation. */
    readonly retry?: RetryOptions;
    readonly sleep?: (ms: number) => Promise<void>;
    /** Longest wait for another invocation's claim to expire before failing the record (default 15 s). */
    readonly maxLeaseWaitMs?: number;
    /** Per-batch cap on "record failed" log lines (default 20). */
    readonly maxFailureLogs?: number;
}

export type ChangePublisherHandler = (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse>;

/** Why a record was not published (logged and counted). */
export type FailureReason =
    | "malformed"
    | "idempotency-error"
    | "in-progress-elsewhere"
    | "blocked-by-earlier-change"
    | "kinesis-failed"
    | "eventbridge-failed"
    | "deadline";

/** A claim outlives the invocation's deadline by this much (in-flight requests, clock skew). */
export const LEASE_MARGIN_MS = 2_000;
/** No new publish wave starts with less time than this left. */
export const DEADLINE_GUARD_MS = 5_000;
const CLAIM_CONCURRENCY = 16;
const DEFAULT_MAX_LEASE_WAIT_MS = 15_000;
const DEFAULT_MAX_FAILURE_LOGS = 20;

interface Slot {
    readonly index: number;
    readonly record: DynamoDBRecord;
    change?: Change;
    kinesisData?: Uint8Array;
    eventEntry?: PutEventsRequestEntry;
    status: "pending" | "published" | "duplicate" | "failed";
    reason?: FailureReason;
    detail?: string;
    token?: string;
    done: { -readonly [K in keyof PublishedTargets]: PublishedTargets[K] };
    truncated?: boolean;
}

const ENCODER = new TextEncoder();

function describe(error: unknown): string {
    if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
    return String(error).slice(0, 300);
}

function fail(slot: Slot, reason: FailureReason, detail?: string): void {
    slot.status = "failed";
    slot.reason = reason;
    slot.detail = detail;
}

/** Builds the change and both wire forms, each within its target's size limit. */
function prepare(slot: Slot, config: PublisherConfig): void {
    const change = buildChange(slot.record, config);
    const kinesis = fitEnvelope(change.envelope, KINESIS_LIMITS.dataBytes, kinesisRecordJson);
    const source = change.envelope.source;
    const detailType = detailTypeFor(change.envelope.entity);
    const time = new Date(change.envelope.time);
    const entryFor = (envelope: ChangeEnvelope): PutEventsRequestEntry => ({
        Source: source,
        DetailType: detailType,
        Detail: JSON.stringify(envelope),
        EventBusName: config.eventBusArn,
        Time: time,
    });
    // fitEnvelope measures the string it is given: size the whole entry as EventBridge does.
    const overhead = entrySize({ ...entryFor(change.envelope), Detail: "" });
    const event = fitEnvelope(change.envelope, EVENTBRIDGE_LIMITS.bytesPerRequest - overhead, (e) => JSON.stringify(e));
    if (kinesis === undefined || event === undefined) {
        throw new MalformedRecordError(
            "too-large",
            "the envelope exceeds a target's size limit even without data and previous",
        );
    }
    slot.change = change;
    slot.kinesisData = ENCODER.encode(kinesis.json);
    slot.eventEntry = { ...entryFor(event.envelope), Detail: event.json };
    slot.truncated = kinesis.envelope.truncated !== undefined || event.envelope.truncated !== undefined;
}

export function createHandler(deps: HandlerDependencies): ChangePublisherHandler {
    const { config, logger } = deps;
    const now = deps.now ?? Date.now;
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const retry: RetryOptions = { ...(deps.retry ?? DEFAULT_RETRY), sleep: deps.retry?.sleep ?? sleep };
    const maxLeaseWaitMs = deps.maxLeaseWaitMs ?? DEFAULT_MAX_LEASE_WAIT_MS;
    const maxFailureLogs = deps.maxFailureLogs ?? DEFAULT_MAX_FAILURE_LOGS;
    const store =
        deps.store ??
        createDynamoIdempotencyStore(deps.dynamodb, {
            tableName: config.idempotencyTable,
            ttlSeconds: config.idempotencyTtlSeconds,
        });

    return async (event, context) => {
        if (context !== undefined) logger.addContext?.(context);
        if (event === null || typeof event !== "object" || !Array.isArray(event.Records)) {
            throw new Error("not a DynamoDB Streams event: Records[] is missing");
        }
        const started = performance.now();
        const remaining = () => (context === undefined ? Number.POSITIVE_INFINITY : context.getRemainingTimeInMillis());
        const slots: Slot[] = event.Records.map((record, index) => ({ index, record, status: "pending", done: {} }));

        // 1. Envelopes. Nothing after a malformed record is attempted: it is reported anyway.
        let barrier = slots.length;
        for (const slot of slots) {
            try {
                prepare(slot, config);
            } catch (error) {
                if (!(error instanceof MalformedRecordError)) throw error;
                fail(slot, "malformed", `${error.reason}: ${error.message}`);
                barrier = slot.index;
                break;
            }
        }
        const active = slots.slice(0, barrier);

        // 2. Claims.
        const claim = async (slot: Slot): Promise<number | undefined> => {
            const change = slot.change!;
            const nowMs = now();
            const lease = context === undefined ? config.leaseSeconds * 1000 : remaining() + LEASE_MARGIN_MS;
            try {
                const result = await store.claim({
                    id: change.envelope.id,
                    sequenceNumber: change.sequenceNumber,
                    eventId: change.eventId,
                    nowMs,
                    leaseExpiresAt: nowMs + lease,
                });
                if (result.kind === "claimed") {
                    slot.status = "pending";
                    slot.token = result.token;
                    slot.done = { ...result.done };
                } else if (result.kind === "completed") {
                    slot.status = "duplicate";
                } else {
                    const until = Number.isFinite(result.leaseExpiresAt)
                        ? new Date(result.leaseExpiresAt).toISOString()
                        : "unknown";
                    fail(slot, "in-progress-elsewhere", `claimed by another invocation until ${until}`);
                    return result.leaseExpiresAt;
                }
            } catch (error) {
                fail(slot, "idempotency-error", describe(error));
            }
            return undefined;
        };
        const leases = await mapLimit(active, CLAIM_CONCURRENCY, claim);
        // `active` is a prefix of `slots`: a slot's index is its position in `leases`.
        // A claim left by an invocation that died (timeout, crash) expires soon after its deadline: wait for short ones once.
        const waiting = active.filter(
            (slot) => leases[slot.index] !== undefined && leases[slot.index]! - now() <= maxLeaseWaitMs,
        );
        if (waiting.length > 0) {
            const waitMs = Math.max(0, ...waiting.map((slot) => leases[slot.index]! - now())) + 50;
            if (remaining() - waitMs > DEADLINE_GUARD_MS) {
                await sleep(waitMs);
                await mapLimit(waiting, CLAIM_CONCURRENCY, claim);
            }
        }

        // 3. Publish in waves of at most one change per item (Kinesis partition key), in stream order.
        const queues = new Map<string, Slot[]>();
        const blocked = new Set<string>();
        for (const slot of active) {
            const key = slot.change!.partitionKey;
            if (slot.status === "failed") blocked.add(key);
            else if (slot.status === "pending") {
                if (blocked.has(key))
                    fail(slot, "blocked-by-earlier-change", "an earlier change of the same item failed");
                else queues.set(key, [...(queues.get(key) ?? []), slot]);
            }
        }
        const block = (slot: Slot) => {
            const key = slot.change!.partitionKey;
            for (const later of queues.get(key) ?? []) {
                fail(later, "blocked-by-earlier-change", "an earlier change of the same item failed");
            }
            queues.delete(key);
        };
        let waves = 0;
        while (queues.size > 0) {
            if (remaining() < DEADLINE_GUARD_MS) {
                for (const queue of queues.values())
                    for (const slot of queue) fail(slot, "deadline", "too little time left to publish");
                break;
            }
            waves++;
            const wave: Slot[] = [];
            for (const [key, queue] of queues) {
                wave.push(queue.shift()!);
                if (queue.length === 0) queues.delete(key);
            }
            wave.sort((a, b) => a.index - b.index);

            const toKinesis = wave.filter((slot) => slot.done.kinesisSequenceNumber === undefined);
            const kinesisResults = await publishToKinesis(
                deps.kinesis,
                config.streamArn,
                toKinesis.map((slot) => ({ partitionKey: slot.change!.partitionKey, data: slot.kinesisData! })),
                retry,
            );
            toKinesis.forEach((slot, i) => {
                const result = kinesisResults[i];
                if (result.ok) slot.done.kinesisSequenceNumber = result.id;
                else fail(slot, "kinesis-failed", result.error);
            });

            const toEvents = wave.filter(
                (slot) => slot.status === "pending" && slot.done.eventBridgeEventId === undefined,
            );
            const eventResults = await publishToEventBridge(
                deps.eventBridge,
                toEvents.map((slot) => slot.eventEntry!),
                retry,
            );
            toEvents.forEach((slot, i) => {
                const result = eventResults[i];
                if (result.ok) slot.done.eventBridgeEventId = result.id;
                else fail(slot, "eventbridge-failed", result.error);
            });

            for (const slot of wave) {
                if (slot.status === "pending") slot.status = "published";
                else block(slot);
            }
        }

        // 4. Settle the claims: COMPLETED, or released for the retry.
        await mapLimit(
            active.filter((slot) => slot.token !== undefined),
            CLAIM_CONCURRENCY,
            async (slot) => {
                const id = slot.change!.envelope.id;
                try {
                    if (slot.status === "published") {
                        if (!(await store.complete(id, slot.token!, slot.done, now()))) {
                            logger.warn("claim lost before completion: the change may be published again", {
                                sequenceNumber: slot.change!.sequenceNumber,
                                id,
                            });
                        }
                    } else {
                        await store.release(id, slot.token!, slot.done);
                    }
                } catch (error) {
                    logger.error(
                        slot.status === "published" ? "could not mark change completed" : "could not release claim",
                        {
                            sequenceNumber: slot.change!.sequenceNumber,
                            id,
                            error: describe(error),
                        },
                    );
                }
            },
        );

        // 5. Report the first failed record and every record after it.
        const firstFailed = slots.findIndex((slot) => slot.status === "failed");
        const reported = firstFailed < 0 ? [] : slots.slice(firstFailed);
        const batchItemFailures = reported.map((slot) => {
            const itemIdentifier = slot.record.dynamodb?.SequenceNumber;
            if (typeof itemIdentifier !== "string" || itemIdentifier === "") {
                throw new Error(`record ${slot.index} has no dynamodb.SequenceNumber: failing the whole batch`);
            }
            return { itemIdentifier };
        });

        const failed = slots.filter((slot) => slot.status === "failed");
        const failuresByReason: Partial<Record<FailureReason, number>> = {};
        for (const slot of failed) failuresByReason[slot.reason!] = (failuresByReason[slot.reason!] ?? 0) + 1;
        for (const slot of failed.slice(0, maxFailureLogs)) {
            logger.warn("record failed", {
                sequenceNumber: slot.record.dynamodb?.SequenceNumber,
                eventID: slot.record.eventID,
                reason: slot.reason,
                detail: slot.detail,
            });
        }
        const summary = {
            records: slots.length,
            published: slots.filter((slot) => slot.status === "published").length,
            duplicates: slots.filter((slot) => slot.status === "duplicate").length,
            failed: failed.length,
            notAttempted: slots.length - barrier - (barrier < slots.length ? 1 : 0),
            failuresByReason,
            truncated: slots.filter((slot) => slot.status === "published" && slot.truncated).length,
            reported: batchItemFailures.length,
            waves,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
        };
        if (batchItemFailures.length > 0) logger.warn("batch partially published", summary);
        else logger.info("batch published", summary);
        return { batchItemFailures };
    };
}
