/**
 * Local ingestion path of the ingestion hub, end to end without AWS:
 *
 *   producer records → PutRecords into a kinesalite stream
 *     → read back like Firehose (TRIM_HORIZON + GetRecords per shard)
 *     → Firehose data-transformation events (Lambda buffer, 6 MiB payload)
 *     → functions/preprocess handler (or another)
 *     → Firehose-like S3 delivery with dynamic partitioning into a RawZoneSink
 *       (raw/source=…/entity=…/event_date=…/ and errors/processing-failed/<date>/)
 *
 * `runLocalIngestion` is the one-call entry; the steps are exported from
 * ./kinesis, ./firehose/* and ./sink (re-exported here) for other uses.
 */
import { randomBytes } from "node:crypto";
import type { PreprocessHandler } from "../../functions/preprocess/handler";
import { FirehoseS3Delivery } from "./firehose/delivery";
import { batchForLambda, fromKinesisRecords, type EventContext, type FirehoseInputRecord } from "./firehose/events";
import type { ErrorOutputType } from "./firehose/prefix";
import {
    deliveryStreamArn as arnOfDeliveryStream,
    resolveFirehoseSettings,
    type FirehoseSettings,
} from "./firehose/settings";
import { invokeTransformation, type TransformationHandler } from "./firehose/transform";
import {
    createStream,
    deleteStream,
    putRecords,
    readAsFirehose,
    startKinesisEmulator,
    type FirehoseSourceRead,
    type KinesisEmulator,
    type PutRecordResult,
} from "./kinesis";
import type { RawZoneSink } from "./sink";

export * from "./firehose/delivery";
export * from "./firehose/events";
export * from "./firehose/prefix";
export * from "./firehose/settings";
export * from "./firehose/transform";
export * from "./kinesis";
export * from "./sink";

/**
 * A producer record: a string is sent as its UTF-8 bytes, a Uint8Array as
 * is (so invalid UTF-8 can be sent), anything else as `JSON.stringify(value)`.
 */
export type LocalRecord = string | Uint8Array | Readonly<Record<string, unknown>> | readonly unknown[];

/** The bytes a producer sends for a record. */
export function encodeRecord(record: LocalRecord): Uint8Array {
    if (typeof record === "string") return Buffer.from(record, "utf8");
    if (record instanceof Uint8Array) return record;
    return Buffer.from(JSON.stringify(record), "utf8");
}

/** Fields tried, in order, for the default Kinesis partition key. */
export const PARTITION_KEY_FIELDS = ["sessionId", "customerId", "transactionId", "eventId"] as const;

/**
 * Default partition key: the first of sessionId, customerId, transactionId,
 * eventId present in a JSON object record (so a web session's, or else a
 * customer's, records stay on one shard, in order), else `record-<index>`.
 */
export function defaultPartitionKey(data: Uint8Array, index: number): string {
    try {
        const value: unknown = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            for (const field of PARTITION_KEY_FIELDS) {
                const v = (value as Record<string, unknown>)[field];
                const key =
                    typeof v === "string" ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : "";
                if (key.length > 0 && [...key].length <= 256) return key;
            }
        }
    } catch {
        // Not JSON: fall through.
    }
    return `record-${index}`;
}

export interface LocalIngestionOptions {
    readonly records: readonly LocalRecord[];
    /** Where the raw zone is written. */
    readonly sink: RawZoneSink;
    /** A running emulator to use (left running); by default one is started and stopped. */
    readonly emulator?: KinesisEmulator;
    /** Kinesis stream to create (must not exist; default `cdp-local-<random>`). */
    readonly streamName?: string;
    /** Shards of the stream (default 2). */
    readonly shardCount?: number;
    /** Delete the stream after reading it (default true). */
    readonly deleteStream?: boolean;
    /** Kinesis partition key per record (default `defaultPartitionKey`). */
    readonly partitionKey?: (data: Uint8Array, index: number) => string;
    /** Transformation handler (default: functions/preprocess `handler`, loaded on first use). */
    readonly handler?: TransformationHandler | PreprocessHandler;
    /** Delivery stream settings: prefixes, buffers, names, retries. */
    readonly firehose?: Partial<FirehoseSettings>;
    /** Clock for timestamps in object names and error documents (default Date.now). */
    readonly now?: () => number;
}

/** What became of one input record. */
export interface IngestedRecord {
    /** Position in `records`. */
    readonly index: number;
    readonly partitionKey: string;
    readonly shardId: string;
    readonly sequenceNumber: string;
    /** Firehose record id (`_meta.recordId` of the normalised output). */
    readonly recordId: string;
    readonly approximateArrivalTimestamp: number;
    readonly result: "Ok" | "ProcessingFailed" | "Dropped";
    /** Object the record was written to (absent when dropped). */
    readonly objectKey?: string;
    /** Set when the record went to the error output. */
    readonly errorOutputType?: ErrorOutputType;
    readonly errorCode?: string;
}

export interface LocalIngestionResult {
    readonly streamName: string;
    readonly streamArn: string;
    readonly deliveryStreamArn: string;
    /** Records put into Kinesis (= `records.length`). */
    readonly put: number;
    /** Records delivered under the data prefix. */
    readonly ok: number;
    /** Records written to the error output (processing or partitioning failures). */
    readonly failed: number;
    /** Records the handler returned Dropped (never, for functions/preprocess). */
    readonly dropped: number;
    /** Lambda invocations (batches). */
    readonly invocations: number;
    /** Every object written, in write order; `dataObjects` + `errorObjects`. */
    readonly objects: readonly string[];
    readonly dataObjects: readonly string[];
    readonly errorObjects: readonly string[];
    /** Per input record, in input order. */
    readonly records: readonly IngestedRecord[];
}

let defaultHandler: Promise<TransformationHandler> | undefined;

/** functions/preprocess `handler`, imported on first use (its logger reads POWERTOOLS_* then). */
export function loadPreprocessHandler(): Promise<TransformationHandler> {
    defaultHandler ??= import("../../functions/preprocess").then((m) => (event) => m.handler(event));
    return defaultHandler;
}

export interface ProcessFirehoseOptions {
    readonly handler: TransformationHandler | PreprocessHandler;
    readonly sink: RawZoneSink;
    readonly settings: FirehoseSettings;
    readonly sourceKinesisStreamArn?: string;
    readonly now?: () => number;
}

export interface ProcessFirehoseResult {
    readonly invocations: number;
    readonly delivery: FirehoseS3Delivery;
    readonly results: ReadonlyMap<string, "Ok" | "ProcessingFailed" | "Dropped">;
}

/**
 * The Firehose half alone (also usable for a Direct PUT source): batches the
 * records for the Lambda, invokes it, checks the responses and delivers to
 * the sink, then flushes the partition buffers.
 */
export async function processFirehoseRecords(
    records: readonly FirehoseInputRecord[],
    options: ProcessFirehoseOptions,
): Promise<ProcessFirehoseResult> {
    const { settings } = options;
    const now = options.now ?? Date.now;
    const handler = options.handler as TransformationHandler;
    const context: EventContext = {
        deliveryStreamArn: arnOfDeliveryStream(settings),
        region: settings.region,
        sourceKinesisStreamArn: options.sourceKinesisStreamArn,
    };
    const delivery = new FirehoseS3Delivery(options.sink, settings, { now });
    const results = new Map<string, "Ok" | "ProcessingFailed" | "Dropped">();
    const batches = batchForLambda(records, settings, context);
    for (const batch of batches) {
        const { outcomes } = await invokeTransformation(handler, batch, context, settings, now);
        for (const outcome of outcomes) results.set(outcome.input.recordId, outcome.result);
        await delivery.add(outcomes);
    }
    await delivery.flush();
    return { invocations: batches.length, delivery, results };
}

/**
 * Runs the whole local path for `records` and returns counts, the objects
 * written and each record's fate. Every record put is accounted for:
 * `ok + failed + dropped === put`.
 */
export async function runLocalIngestion(options: LocalIngestionOptions): Promise<LocalIngestionResult> {
    const settings = resolveFirehoseSettings({ region: options.emulator?.region, ...options.firehose });
    const handler = options.handler ?? (await loadPreprocessHandler());
    const partitionKeyOf = options.partitionKey ?? defaultPartitionKey;
    const data = options.records.map(encodeRecord);
    const partitionKeys = data.map((d, i) => partitionKeyOf(d, i));

    const emulator = options.emulator ?? (await startKinesisEmulator({ region: settings.region }));
    const client = emulator.client;
    const streamName = options.streamName ?? `cdp-local-${randomBytes(6).toString("hex")}`;
    try {
        const stream = await createStream(client, streamName, options.shardCount ?? 2);
        let read: FirehoseSourceRead;
        let placed: PutRecordResult[];
        try {
            placed = await putRecords(
                client,
                streamName,
                data.map((d, i) => ({ data: d, partitionKey: partitionKeys[i] })),
            );
            read = await readAsFirehose(client, streamName);
        } finally {
            if (options.deleteStream ?? true) await deleteStream(client, streamName);
        }

        const inputs = fromKinesisRecords(read.records);
        if (inputs.length !== data.length) {
            throw new Error(`read ${inputs.length} records back from ${streamName}, put ${data.length}`);
        }
        const { invocations, delivery, results } = await processFirehoseRecords(inputs, {
            handler,
            sink: options.sink,
            settings,
            sourceKinesisStreamArn: stream.streamArn,
            now: options.now,
        });

        const byPlacement = new Map(inputs.map((r) => [`${r.kinesis!.shardId}/${r.kinesis!.sequenceNumber}`, r]));
        const records = placed.map((p, index): IngestedRecord => {
            const input = byPlacement.get(`${p.shardId}/${p.sequenceNumber}`);
            if (input === undefined)
                throw new Error(`record ${index} (${p.shardId}/${p.sequenceNumber}) was not read back`);
            const where = delivery.delivered.get(input.recordId);
            return {
                index,
                partitionKey: partitionKeys[index],
                shardId: p.shardId,
                sequenceNumber: p.sequenceNumber,
                recordId: input.recordId,
                approximateArrivalTimestamp: input.approximateArrivalTimestamp,
                result: results.get(input.recordId)!,
                ...(where === undefined
                    ? {}
                    : {
                          objectKey: where.key,
                          ...(where.errorOutputType === undefined
                              ? {}
                              : { errorOutputType: where.errorOutputType, errorCode: where.errorCode }),
                      }),
            };
        });
        const dropped = records.filter((r) => r.result === "Dropped").length;
        const failed = records.filter((r) => r.errorOutputType !== undefined).length;
        return {
            streamName,
            streamArn: stream.streamArn,
            deliveryStreamArn: arnOfDeliveryStream(settings),
            put: placed.length,
            ok: records.length - dropped - failed,
            failed,
            dropped,
            invocations,
            objects: [...delivery.objects],
            dataObjects: [...delivery.dataObjects],
            errorObjects: [...delivery.errorObjects],
            records,
        };
    } finally {
        if (options.emulator === undefined) await emulator.stop();
    }
}
