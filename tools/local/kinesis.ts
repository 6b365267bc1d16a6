/**
 * The Kinesis side of the local ingestion path: an in-process kinesalite
 * emulator, stream creation, PutRecords with Kinesis' request limits and
 * per-record retries, and reading a stream back the way Firehose's Kinesis
 * source does (every shard from TRIM_HORIZON, GetRecords until caught up).
 *
 * The AWS SDK v3 Kinesis client defaults to an HTTP/2 handler, which a local
 * HTTP/1.1 emulator does not speak: clients here use NodeHttpHandler (./local-aws).
 */
import type { AddressInfo } from "node:net";
import {
    CreateStreamCommand,
    DeleteStreamCommand,
    DescribeStreamSummaryCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    KinesisClient,
    ListShardsCommand,
    PutRecordsCommand,
    type PutRecordsRequestEntry,
    type Shard,
} from "@aws-sdk/client-kinesis";
import kinesalite from "kinesalite";
import { LOCAL_REGION, localClientConfig } from "./local-aws";

export { LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-aws";

/** Kinesis limits (PutRecords and record size). */
export const KINESIS_LIMITS = {
    /** Records per PutRecords request. */
    maxRecordsPerPut: 500,
    /** Bytes (data + partition keys) per PutRecords request. */
    maxBytesPerPut: 5 * 1024 * 1024,
    /** Bytes (data + partition key) per record. */
    maxRecordBytes: 1024 * 1024,
    /** Unicode characters of a partition key. */
    maxPartitionKeyLength: 256,
    /** Records per GetRecords call. */
    maxRecordsPerGet: 10_000,
} as const;

export interface KinesisEmulatorOptions {
    /** Interface to bind (default 127.0.0.1; keep it on loopback). */
    readonly host?: string;
    /** Port (default 0 = any free port). */
    readonly port?: number;
    /** Region the returned client signs for; kinesalite puts it into stream ARNs. */
    readonly region?: string;
    /** Milliseconds a new stream stays CREATING (default 0). */
    readonly createStreamMs?: number;
    /** Milliseconds a deleted stream stays DELETING (default 0). */
    readonly deleteStreamMs?: number;
    /** Open-shard limit across all streams (default 200; kinesalite's own default is 10). */
    readonly shardLimit?: number;
}

/** A running kinesalite server (in-memory store) and a client for it. */
export interface KinesisEmulator {
    /** `http://host:port`. */
    readonly endpoint: string;
    readonly port: number;
    readonly region: string;
    /** Shared client, destroyed by `stop()`. */
    readonly client: KinesisClient;
    /** A further client for the emulator; the caller destroys it. */
    createClient(): KinesisClient;
    /** Destroys the shared client, closes connections, the server and its store. Idempotent. */
    stop(): Promise<void>;
}

/** A Kinesis client for a local endpoint (HTTP/1.1 handler, dummy credentials, no retries on 4xx). */
export function createLocalKinesisClient(endpoint: string, region: string = LOCAL_REGION): KinesisClient {
    return new KinesisClient({ ...localClientConfig(endpoint, region), maxAttempts: 3 });
}

/** Starts kinesalite in-process with an in-memory store. Call `stop()` when done. */
export async function startKinesisEmulator(options: KinesisEmulatorOptions = {}): Promise<KinesisEmulator> {
    const host = options.host ?? "127.0.0.1";
    const region = options.region ?? LOCAL_REGION;
    const server = kinesalite({
        createStreamMs: options.createStreamMs ?? 0,
        deleteStreamMs: options.deleteStreamMs ?? 0,
        updateStreamMs: 0,
        shardLimit: options.shardLimit ?? 200,
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const { port } = server.address() as AddressInfo;
    const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const client = createLocalKinesisClient(endpoint, region);
    let stopped: Promise<void> | undefined;
    return {
        endpoint,
        port,
        region,
        client,
        createClient: () => createLocalKinesisClient(endpoint, region),
        stop: () => {
            stopped ??= (async () => {
                client.destroy();
                const closed = new Promise<void>((resolve, reject) =>
                    server.close((err?: Error) => (err ? reject(err) : resolve())),
                );
                // Keep-alive sockets of clients the caller did not destroy would hold close() open.
                server.closeAllConnections();
                await closed;
            })();
            return stopped;
        },
    };
}

export interface CreatedStream {
    readonly streamName: string;
    readonly streamArn: string;
    /** Open shards, in ListShards order. */
    readonly shardIds: readonly string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until a stream is ACTIVE and returns its ARN. */
export async function waitForStreamActive(
    client: KinesisClient,
    streamName: string,
    timeoutMs = 10_000,
): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const { StreamDescriptionSummary: summary } = await client.send(
            new DescribeStreamSummaryCommand({ StreamName: streamName }),
        );
        if (summary?.StreamStatus === "ACTIVE" && summary.StreamARN !== undefined) return summary.StreamARN;
        if (Date.now() > deadline) {
            throw new Error(`stream ${streamName} not ACTIVE after ${timeoutMs} ms (${summary?.StreamStatus})`);
        }
        await sleep(20);
    }
}

/**
 * Creates a provisioned stream with `shardCount` shards and waits for it to
 * be ACTIVE. Kinesis (and kinesalite) validate the name: 1–128 of
 * `[a-zA-Z0-9_.-]`; an existing name fails with ResourceInUseException.
 */
export async function createStream(
    client: KinesisClient,
    streamName: string,
    shardCount: number,
    options: { readonly timeoutMs?: number } = {},
): Promise<CreatedStream> {
    if (!Number.isSafeInteger(shardCount) || shardCount < 1)
        throw new Error(`shardCount must be ≥ 1, got ${shardCount}`);
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    const streamArn = await waitForStreamActive(client, streamName, options.timeoutMs);
    const shards = await listShards(client, streamName);
    return {
        streamName,
        streamArn,
        shardIds: shards
            .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
            .map((s) => s.ShardId!),
    };
}

/** Deletes a stream (it disappears after the emulator's deleteStreamMs). */
export async function deleteStream(client: KinesisClient, streamName: string): Promise<void> {
    await client.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true }));
}

/** All shards of a stream (parents before children), following NextToken. */
export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
        const page = await client.send(
            new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
        );
        shards.push(...(page.Shards ?? []));
        nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return shards;
}

/** One record for PutRecords. */
export interface PutRecordInput {
    readonly data: Uint8Array;
    /** 1–256 Unicode characters; hashed (MD5) to choose the shard. */
    readonly partitionKey: string;
    readonly explicitHashKey?: string;
}

/** Where Kinesis stored a record. */
export interface PutRecordResult {
    readonly shardId: string;
    readonly sequenceNumber: string;
}

export interface PutRecordsOptions {
    /** Attempts per record when PutRecords reports it failed (throttling etc.; default 5). */
    readonly maxAttempts?: number;
}

function recordBytes(record: PutRecordInput): number {
    return record.data.byteLength + Buffer.byteLength(record.partitionKey, "utf8");
}

function validatePutRecord(record: PutRecordInput, index: number): void {
    const keyLength = [...record.partitionKey].length;
    if (keyLength < 1 || keyLength > KINESIS_LIMITS.maxPartitionKeyLength) {
        throw new Error(`record ${index}: partition key must be 1–256 characters, got ${keyLength}`);
    }
    if (recordBytes(record) > KINESIS_LIMITS.maxRecordBytes) {
        throw new Error(`record ${index}: data + partition key exceed Kinesis' 1 MiB record limit`);
    }
}

/**
 * Puts records with PutRecords in requests of ≤ 500 records and ≤ 5 MiB,
 * sequentially (so records with the same partition key keep their order),
 * retrying records the response reports as failed. Returns where each record
 * landed, in input order; throws if a record still fails after `maxAttempts`.
 */
export async function putRecords(
    client: KinesisClient,
    streamName: string,
    records: readonly PutRecordInput[],
    options: PutRecordsOptions = {},
): Promise<PutRecordResult[]> {
    const maxAttempts = options.maxAttempts ?? 5;
    records.forEach(validatePutRecord);
    const results: (PutRecordResult | undefined)[] = new Array(records.length);

    // Chunk by the request limits.
    const chunks: number[][] = [];
    let chunk: number[] = [];
    let chunkBytes = 0;
    records.forEach((record, index) => {
        const bytes = recordBytes(record);
        if (chunk.length === KINESIS_LIMITS.maxRecordsPerPut || chunkBytes + bytes > KINESIS_LIMITS.maxBytesPerPut) {
            chunks.push(chunk);
            chunk = [];
            chunkBytes = 0;
        }
        chunk.push(index);
        chunkBytes += bytes;
    });
    if (chunk.length > 0) chunks.push(chunk);

    for (const indices of chunks) {
        let pending = indices;
        for (let attempt = 1; pending.length > 0; attempt++) {
            const entries: PutRecordsRequestEntry[] = pending.map((i) => ({
                Data: records[i].data,
                PartitionKey: records[i].partitionKey,
                ExplicitHashKey: records[i].explicitHashKey,
            }));
            const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
            const failed: number[] = [];
            const errors: string[] = [];
            (response.Records ?? []).forEach((entry, position) => {
                const index = pending[position];
                if (
                    entry.ErrorCode === undefined &&
                    entry.ShardId !== undefined &&
                    entry.SequenceNumber !== undefined
                ) {
                    results[index] = { shardId: entry.ShardId, sequenceNumber: entry.SequenceNumber };
                } else {
                    failed.push(index);
                    errors.push(`${entry.ErrorCode}: ${entry.ErrorMessage}`);
                }
            });
            if ((response.Records ?? []).length !== pending.length) {
                throw new Error(
                    `PutRecords answered ${response.Records?.length ?? 0} entries for ${pending.length} records`,
                );
            }
            if (failed.length > 0 && attempt >= maxAttempts) {
                throw new Error(
                    `${failed.length} record(s) still failing after ${attempt} PutRecords attempts: ${errors[0]}`,
                );
            }
            if (failed.length > 0) await sleep(Math.min(1000, 50 * 2 ** (attempt - 1)));
            pending = failed;
        }
    }
    return results as PutRecordResult[];
}

/** A record as Firehose's Kinesis source hands it on. */
export interface KinesisSourceRecord {
    readonly shardId: string;
    readonly sequenceNumber: string;
    readonly partitionKey: string;
    /** Kinesis' ApproximateArrivalTimestamp, epoch milliseconds. */
    readonly approximateArrivalTimestamp: number;
    readonly data: Uint8Array;
}

export interface ShardRead {
    readonly shardId: string;
    /** The shard's records in sequence order. */
    readonly records: readonly KinesisSourceRecord[];
}

export interface FirehoseSourceRead {
    readonly streamName: string;
    readonly streamArn: string;
    readonly shards: readonly ShardRead[];
    /**
     * All records in the order Firehose hands them to the transformation:
     * shards merged by arrival time, each shard's order kept.
     */
    readonly records: readonly KinesisSourceRecord[];
}

export interface ReadAsFirehoseOptions {
    /** GetRecords Limit (default and maximum 10,000). */
    readonly limit?: number;
    /** Safety stop for GetRecords calls per shard (default 100,000). */
    readonly maxCallsPerShard?: number;
}

/**
 * Reads every shard from TRIM_HORIZON with GetShardIterator + GetRecords
 * until it is caught up (an empty page at MillisBehindLatest 0) or closed (no
 * next iterator), like Firehose's Kinesis source. Records keep their shard's
 * sequence order; `records` merges the shards by approximate arrival time.
 */
export async function readAsFirehose(
    client: KinesisClient,
    streamName: string,
    options: ReadAsFirehoseOptions = {},
): Promise<FirehoseSourceRead> {
    const limit = Math.min(options.limit ?? KINESIS_LIMITS.maxRecordsPerGet, KINESIS_LIMITS.maxRecordsPerGet);
    const maxCalls = options.maxCallsPerShard ?? 100_000;
    const streamArn = await waitForStreamActive(client, streamName);
    const shardReads: ShardRead[] = [];
    for (const shard of await listShards(client, streamName)) {
        const shardId = shard.ShardId!;
        const records: KinesisSourceRecord[] = [];
        let { ShardIterator: iterator } = await client.send(
            new GetShardIteratorCommand({
                StreamName: streamName,
                ShardId: shardId,
                ShardIteratorType: "TRIM_HORIZON",
            }),
        );
        for (let calls = 0; iterator !== undefined; calls++) {
            if (calls >= maxCalls)
                throw new Error(`shard ${shardId}: still reading after ${maxCalls} GetRecords calls`);
            const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
            for (const r of page.Records ?? []) {
                records.push({
                    shardId,
                    sequenceNumber: r.SequenceNumber!,
                    partitionKey: r.PartitionKey!,
                    approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime(),
                    data: r.Data!,
                });
            }
            const caughtUp = (page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0;
            iterator = caughtUp ? undefined : page.NextShardIterator;
        }
        shardReads.push({ shardId, records });
    }
    return { streamName, streamArn, shards: shardReads, records: mergeShards(shardReads) };
}

/**
 * Merges shards into one sequence by approximate arrival time (ties: shard
 * order), taking only shard heads so each shard's own order is kept even if
 * its timestamps were not monotonic.
 */
export function mergeShards(shards: readonly ShardRead[]): KinesisSourceRecord[] {
    const positions = shards.map(() => 0);
    const total = shards.reduce((n, s) => n + s.records.length, 0);
    const merged: KinesisSourceRecord[] = [];
    while (merged.length < total) {
        let best = -1;
        for (let s = 0; s < shards.length; s++) {
            const head = shards[s].records[positions[s]];
            if (head === undefined) continue;
            if (
                best < 0 ||
                head.approximateArrivalTimestamp < shards[best].records[positions[best]].approximateArrivalTimestamp
            ) {
                best = s;
            }
        }
        merged.push(shards[best].records[positions[best]++]);
    }
    return merged;
}
