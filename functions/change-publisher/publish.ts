/**
 * The two publishers: Kinesis PutRecords and EventBridge PutEvents, within
 * each API's request limits, retrying the entries a response reports as
 * failed (throttling, internal errors) a few times with exponential backoff.
 * Both return one result per input, in input order, and never throw: a call
 * that fails as a whole (after the SDK's own retries) fails its entries.
 *
 * Callers must not put two changes of the same item into one call: a failed
 * entry retried after a later one succeeded would reorder them (the handler
 * publishes in waves of at most one change per item).
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";

export type PublishResult = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string };

export interface RetryOptions {
    /** Attempts per entry, the first included (default 3). */
    readonly maxAttempts: number;
    /** Backoff before attempt n+1: baseDelayMs · 2^(n-1) (default 100 ms). */
    readonly baseDelayMs: number;
    readonly sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 100 };

export const KINESIS_LIMITS = {
    recordsPerRequest: 500,
    bytesPerRequest: 5 * 1024 * 1024,
    /**
     * Record data: the hub's Firehose (and so preprocess) accepts at most
     * 1,024,000 bytes per record, less than Kinesis' 1 MiB (data + key).
     */
    dataBytes: 1_024_000,
} as const;

export const EVENTBRIDGE_LIMITS = {
    entriesPerRequest: 10,
    /** Per entry and per request, as EventBridge sizes entries (see entrySize). */
    bytesPerRequest: 256 * 1024,
} as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describe(error: unknown): string {
    if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
    return String(error).slice(0, 300);
}

/** Splits indices into consecutive groups by count and size limits. */
function chunk(sizes: readonly number[], maxCount: number, maxBytes: number): number[][] {
    const chunks: number[][] = [];
    let current: number[] = [];
    let bytes = 0;
    sizes.forEach((size, index) => {
        if (current.length > 0 && (current.length === maxCount || bytes + size > maxBytes)) {
            chunks.push(current);
            current = [];
            bytes = 0;
        }
        current.push(index);
        bytes += size;
    });
    if (current.length > 0) chunks.push(current);
    return chunks;
}

/**
 * Sends `pending` entries through `call` until every entry succeeded or ran
 * out of attempts. `call` returns per-entry outcomes for the entries it got.
 */
async function withEntryRetries(
    pending: number[],
    results: (PublishResult | undefined)[],
    retry: RetryOptions,
    call: (indices: readonly number[]) => Promise<PublishResult[]>,
): Promise<void> {
    const sleep = retry.sleep ?? defaultSleep;
    for (let attempt = 1; pending.length > 0; attempt++) {
        let outcomes: PublishResult[];
        try {
            outcomes = await call(pending);
        } catch (error) {
            // The SDK already retried the call itself: fail these entries for this invocation.
            for (const index of pending) results[index] = { ok: false, error: describe(error) };
            return;
        }
        const failed: number[] = [];
        pending.forEach((index, position) => {
            const outcome = outcomes[position];
            results[index] = outcome;
            if (!outcome.ok) failed.push(index);
        });
        if (failed.length === 0 || attempt >= retry.maxAttempts) return;
        await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
        pending = failed;
    }
}

export interface KinesisRecordInput {
    readonly partitionKey: string;
    readonly data: Uint8Array;
}

/**
 * PutRecords in requests of ≤ 500 records and ≤ 5 MiB to the stream named by
 * its ARN only (StreamARN is what a cross-account write needs); result ids
 * are Kinesis sequence numbers.
 */
export async function publishToKinesis(
    client: Pick<KinesisClient, "send">,
    streamArn: string,
    records: readonly KinesisRecordInput[],
    retry: RetryOptions = DEFAULT_RETRY,
): Promise<PublishResult[]> {
    const results: (PublishResult | undefined)[] = new Array(records.length);
    const sizes = records.map((r) => r.data.byteLength + Buffer.byteLength(r.partitionKey, "utf8"));
    for (const indices of chunk(sizes, KINESIS_LIMITS.recordsPerRequest, KINESIS_LIMITS.bytesPerRequest)) {
        await withEntryRetries(indices, results, retry, async (pending) => {
            const response = await client.send(
                new PutRecordsCommand({
                    StreamARN: streamArn,
                    Records: pending.map((i) => ({ Data: records[i].data, PartitionKey: records[i].partitionKey })),
                }),
            );
            const entries = response.Records ?? [];
            if (entries.length !== pending.length) {
                throw new Error(`PutRecords answered ${entries.length} entries for ${pending.length} records`);
            }
            return entries.map(
                (entry): PublishResult =>
                    entry.ErrorCode === undefined && entry.SequenceNumber !== undefined
                        ? { ok: true, id: entry.SequenceNumber }
                        : {
                              ok: false,
                              error: `${entry.ErrorCode ?? "NoSequenceNumber"}: ${entry.ErrorMessage ?? ""}`.slice(
                                  0,
                                  300,
                              ),
                          },
            );
        });
    }
    return results as PublishResult[];
}

/** EventBridge's size of an entry: Time 14 bytes, then Source, DetailType, Detail, Resources in UTF-8. */
export function entrySize(entry: PutEventsRequestEntry): number {
    return (
        (entry.Time === undefined ? 0 : 14) +
        Buffer.byteLength(entry.Source ?? "", "utf8") +
        Buffer.byteLength(entry.DetailType ?? "", "utf8") +
        Buffer.byteLength(entry.Detail ?? "", "utf8") +
        (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r, "utf8"), 0)
    );
}

/**
 * PutEvents in requests of ≤ 10 entries and ≤ 256 KiB, up to `concurrency`
 * requests at a time, checking every response entry (FailedEntryCount is
 * only a count); result ids are EventBridge event ids.
 */
export async function publishToEventBridge(
    client: Pick<EventBridgeClient, "send">,
    entries: readonly PutEventsRequestEntry[],
    retry: RetryOptions = DEFAULT_RETRY,
    concurrency = 4,
): Promise<PublishResult[]> {
    const results: (PublishResult | undefined)[] = new Array(entries.length);
    const chunks = chunk(
        entries.map(entrySize),
        EVENTBRIDGE_LIMITS.entriesPerRequest,
        EVENTBRIDGE_LIMITS.bytesPerRequest,
    );
    await mapLimit(chunks, concurrency, (indices) =>
        withEntryRetries(indices, results, retry, async (pending) => {
            const response = await client.send(new PutEventsCommand({ Entries: pending.map((i) => entries[i]) }));
            const answered = response.Entries ?? [];
            if (answered.length !== pending.length) {
                throw new Error(`PutEvents answered ${answered.length} entries for ${pending.length} events`);
            }
            return answered.map(
                (entry): PublishResult =>
                    entry.ErrorCode === undefined && entry.EventId !== undefined
                        ? { ok: true, id: entry.EventId }
                        : {
                              ok: false,
                              error: `${entry.ErrorCode ?? "NoEventId"}: ${entry.ErrorMessage ?? ""}`.slice(0, 300),
                          },
            );
        }),
    );
    return results as PublishResult[];
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
    items: readonly T[],
    limit: number,
    fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index], index);
        }
    });
    await Promise.all(workers);
    return results;
}
