/**
 * The S3 delivery of a delivery stream with dynamic partitioning: Ok records
 * concatenated into objects under the evaluated prefix, failed records as
 * Firehose's JSON error documents under the error output prefix, one buffer
 * per partition, written to a RawZoneSink.
 */
import { randomUUID } from "node:crypto";
import type { RawZoneSink } from "../sink";
import { type FirehoseInputRecord, toBase64 } from "./events";
import { type ErrorOutputType, evaluateTemplate, formatUtc, parseTemplate, type TemplatePart } from "./prefix";
import type { FirehoseSettings } from "./settings";
import type { ErrorDetails, TransformOutcome } from "./transform";

/** Where a record was written. */
export interface DeliveredRecord {
    readonly recordId: string;
    readonly key: string;
    /** Absent for records delivered to the data prefix. */
    readonly errorOutputType?: ErrorOutputType;
    readonly errorCode?: string;
}

interface Buffered {
    readonly recordId: string;
    readonly bytes: Buffer;
    readonly arrival: number;
    readonly errorOutputType?: ErrorOutputType;
    readonly errorCode?: string;
}

interface PartitionBuffer {
    readonly parts: readonly TemplatePart[];
    readonly partitionKeys?: Readonly<Record<string, string>>;
    readonly errorOutputType?: ErrorOutputType;
    entries: Buffered[];
    bytes: number;
}

export interface DeliveryDependencies {
    readonly now?: () => number;
    readonly uuid?: () => string;
}

/** Firehose's error document for a record, one JSON line. */
export function errorDocument(
    record: FirehoseInputRecord,
    error: ErrorDetails,
    lambdaArn: string,
): Record<string, unknown> {
    return {
        attemptsMade: error.attemptsMade,
        arrivalTimestamp: record.approximateArrivalTimestamp,
        errorCode: error.errorCode,
        errorMessage: error.errorMessage,
        attemptEndingTimestamp: error.attemptEndingTimestamp,
        rawData: toBase64(record.data),
        lambdaArn,
    };
}

/**
 * The S3 delivery of a delivery stream with dynamic partitioning: a buffer per
 * partition (evaluated partition keys, or error output type), written as one
 * object `<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>` once it
 * would exceed `s3BufferBytes`, and by `flush()`. `!{timestamp:…}` in a
 * prefix is the arrival time of the object's oldest record (UTC).
 */
export class FirehoseS3Delivery {
    private readonly prefixParts: readonly TemplatePart[];
    private readonly errorParts: readonly TemplatePart[];
    private readonly buffers = new Map<string, PartitionBuffer>();
    private readonly now: () => number;
    private readonly uuid: () => string;
    /** Keys written, in write order. */
    readonly objects: string[] = [];
    readonly errorObjects: string[] = [];
    readonly dataObjects: string[] = [];
    /** Per record, where it was written (after the object was written). */
    readonly delivered = new Map<string, DeliveredRecord>();

    constructor(
        private readonly sink: RawZoneSink,
        private readonly settings: FirehoseSettings,
        deps: DeliveryDependencies = {},
    ) {
        this.prefixParts = parseTemplate(settings.prefix, false);
        this.errorParts = parseTemplate(settings.errorOutputPrefix, true);
        this.now = deps.now ?? Date.now;
        this.uuid = deps.uuid ?? randomUUID;
    }

    /** Buffers the outcomes of one invocation, writing full partition buffers. */
    async add(outcomes: readonly TransformOutcome[]): Promise<void> {
        for (const outcome of outcomes) {
            if (outcome.result === "Dropped") continue;
            if (outcome.result === "ProcessingFailed") {
                await this.addError(outcome.input, outcome.error, "processing-failed");
                continue;
            }
            // Validate the keys the prefix needs (the timestamp is irrelevant here).
            const probe = evaluateTemplate(
                this.prefixParts.filter((p) => p.kind !== "randomString"),
                { partitionKeys: outcome.partitionKeys, oldestArrival: 0 },
            );
            if ("error" in probe) {
                await this.addError(
                    outcome.input,
                    {
                        errorCode: "DynamicPartitioning.PartitionKeyError",
                        errorMessage: probe.error,
                        attemptsMade: 1,
                        attemptEndingTimestamp: this.now(),
                    },
                    "partitioning-failed",
                );
                continue;
            }
            const used = Object.fromEntries(
                this.prefixParts.flatMap((p) =>
                    p.kind === "partitionKey" ? [[p.key, outcome.partitionKeys[p.key]]] : [],
                ),
            ) as Record<string, string>;
            await this.buffer(
                `data\u0000${JSON.stringify(used)}`,
                { parts: this.prefixParts, partitionKeys: used },
                {
                    recordId: outcome.input.recordId,
                    bytes: outcome.data,
                    arrival: outcome.input.approximateArrivalTimestamp,
                },
            );
        }
    }

    private async addError(input: FirehoseInputRecord, error: ErrorDetails, type: ErrorOutputType): Promise<void> {
        const line = `${JSON.stringify(errorDocument(input, error, this.settings.lambdaArn))}\n`;
        await this.buffer(
            `error\u0000${type}`,
            { parts: this.errorParts, errorOutputType: type },
            {
                recordId: input.recordId,
                bytes: Buffer.from(line, "utf8"),
                arrival: input.approximateArrivalTimestamp,
                errorOutputType: type,
                errorCode: error.errorCode,
            },
        );
    }

    private async buffer(
        id: string,
        template: Omit<PartitionBuffer, "entries" | "bytes">,
        entry: Buffered,
    ): Promise<void> {
        let buffer = this.buffers.get(id);
        if (buffer === undefined) {
            buffer = { ...template, entries: [], bytes: 0 };
            this.buffers.set(id, buffer);
        }
        if (buffer.entries.length > 0 && buffer.bytes + entry.bytes.length > this.settings.s3BufferBytes) {
            await this.write(buffer);
        }
        buffer.entries.push(entry);
        buffer.bytes += entry.bytes.length;
    }

    private async write(buffer: PartitionBuffer): Promise<void> {
        const entries = buffer.entries;
        buffer.entries = [];
        buffer.bytes = 0;
        const oldestArrival = entries.reduce((min, e) => Math.min(min, e.arrival), Infinity);
        const evaluated = evaluateTemplate(buffer.parts, {
            partitionKeys: buffer.partitionKeys,
            oldestArrival,
            errorOutputType: buffer.errorOutputType,
        });
        if ("error" in evaluated) throw new Error(`internal: ${evaluated.error}`);
        const s = this.settings;
        const name = `${s.deliveryStreamName}-${s.deliveryStreamVersion}-${formatUtc("yyyy-MM-dd-HH-mm-ss", this.now())}-${this.uuid()}`;
        const key = `${evaluated.prefix}${name}`;
        await this.sink.putObject(key, Buffer.concat(entries.map((e) => e.bytes)));
        this.objects.push(key);
        (buffer.errorOutputType === undefined ? this.dataObjects : this.errorObjects).push(key);
        for (const e of entries) {
            this.delivered.set(e.recordId, {
                recordId: e.recordId,
                key,
                ...(e.errorOutputType === undefined
                    ? {}
                    : { errorOutputType: e.errorOutputType, errorCode: e.errorCode }),
            });
        }
    }

    /** Writes every non-empty buffer (the end of the buffering interval). */
    async flush(): Promise<void> {
        for (const buffer of this.buffers.values()) {
            if (buffer.entries.length > 0) await this.write(buffer);
        }
    }
}
