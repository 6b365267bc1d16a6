/**
 * Firehose's input side for the transformation Lambda: records from a Kinesis
 * read become Firehose input records (record ids, Kinesis metadata), records
 * become data-transformation events, and records are split into invocation
 * batches by the Lambda buffer hint and the 6 MiB invocation payload.
 */
import { randomUUID } from "node:crypto";
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from "aws-lambda";
import type { KinesisSourceRecord } from "../kinesis";
import type { FirehoseSettings } from "./settings";

/** One record as Firehose holds it before the transformation. */
export interface FirehoseInputRecord {
    readonly recordId: string;
    /** Epoch milliseconds. */
    readonly approximateArrivalTimestamp: number;
    readonly data: Uint8Array;
    /** Present for a Kinesis source. */
    readonly kinesis?: {
        readonly shardId: string;
        readonly partitionKey: string;
        readonly sequenceNumber: string;
        readonly subsequenceNumber: string;
    };
}

/**
 * Firehose records from a Kinesis read: record id = sequence number plus a
 * six-digit subsequence (0 for records that are not KPL-aggregated), unique
 * within the stream.
 */
export function fromKinesisRecords(records: readonly KinesisSourceRecord[]): FirehoseInputRecord[] {
    const seen = new Set<string>();
    return records.map((r) => {
        const recordId = `${r.sequenceNumber}${"0".repeat(6)}`;
        if (seen.has(recordId)) throw new Error(`duplicate Kinesis record ${r.shardId}/${r.sequenceNumber}`);
        seen.add(recordId);
        return {
            recordId,
            approximateArrivalTimestamp: r.approximateArrivalTimestamp,
            data: r.data,
            kinesis: {
                shardId: r.shardId,
                partitionKey: r.partitionKey,
                sequenceNumber: r.sequenceNumber,
                subsequenceNumber: "",
            },
        };
    });
}

/** Base64 of the bytes (without copying them). */
export const toBase64 = (data: Uint8Array): string =>
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");

/** The event entry of one record. */
export function toEventRecord(record: FirehoseInputRecord): FirehoseTransformationEventRecord {
    const entry: FirehoseTransformationEventRecord = {
        recordId: record.recordId,
        approximateArrivalTimestamp: record.approximateArrivalTimestamp,
        data: toBase64(record.data),
    };
    if (record.kinesis !== undefined) {
        entry.kinesisRecordMetadata = {
            sequenceNumber: record.kinesis.sequenceNumber,
            subsequenceNumber: record.kinesis.subsequenceNumber,
            partitionKey: record.kinesis.partitionKey,
            shardId: record.kinesis.shardId,
            approximateArrivalTimestamp: record.approximateArrivalTimestamp,
        };
    }
    return entry;
}

export interface EventContext {
    readonly deliveryStreamArn: string;
    readonly region: string;
    readonly sourceKinesisStreamArn?: string;
    readonly invocationId?: string;
}

/** A data-transformation event for the records, in their order. */
export function buildTransformationEvent(
    records: readonly FirehoseInputRecord[],
    context: EventContext,
): FirehoseTransformationEvent {
    const event: FirehoseTransformationEvent = {
        invocationId: context.invocationId ?? randomUUID(),
        deliveryStreamArn: context.deliveryStreamArn,
        region: context.region,
        records: records.map(toEventRecord),
    };
    if (context.sourceKinesisStreamArn !== undefined) event.sourceKinesisStreamArn = context.sourceKinesisStreamArn;
    return event;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/**
 * Splits records, in order, into invocation batches: a batch closes before
 * its decoded data would exceed `lambdaBufferBytes` or its serialized event
 * would exceed `lambdaPayloadBytes` (a record that alone exceeds the buffer
 * hint goes alone; one that alone exceeds the payload limit is an error).
 */
export function batchForLambda(
    records: readonly FirehoseInputRecord[],
    limits: Pick<FirehoseSettings, "lambdaBufferBytes" | "lambdaPayloadBytes">,
    context: EventContext,
): FirehoseInputRecord[][] {
    // Envelope with the longest fields it can have (a UUID invocation id).
    const envelope = jsonBytes(buildTransformationEvent([], { ...context, invocationId: randomUUID() }));
    const batches: FirehoseInputRecord[][] = [];
    let batch: FirehoseInputRecord[] = [];
    let dataBytes = 0;
    let eventBytes = envelope;
    for (const record of records) {
        const entryBytes = jsonBytes(toEventRecord(record));
        const separator = batch.length > 0 ? 1 : 0;
        if (envelope + entryBytes > limits.lambdaPayloadBytes) {
            throw new Error(
                `record ${record.recordId} alone exceeds the ${limits.lambdaPayloadBytes}-byte invocation payload`,
            );
        }
        if (
            batch.length > 0 &&
            (dataBytes + record.data.byteLength > limits.lambdaBufferBytes ||
                eventBytes + separator + entryBytes > limits.lambdaPayloadBytes)
        ) {
            batches.push(batch);
            batch = [];
            dataBytes = 0;
            eventBytes = envelope;
        }
        eventBytes += (batch.length > 0 ? 1 : 0) + entryBytes;
        dataBytes += record.data.byteLength;
        batch.push(record);
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
}
