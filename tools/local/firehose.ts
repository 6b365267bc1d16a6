/**
 * The Firehose side of the local ingestion path, without AWS: build
 * data-transformation events the way Firehose does for a Kinesis source,
 * batch them by the Lambda buffer hint and the 6 MiB invocation payload,
 * invoke the transformation handler and check its response like Firehose
 * (record ids, results, the 6 MiB response limit, retries on errors), then
 * deliver with dynamic partitioning: Ok records concatenated into objects
 * under the evaluated prefix, failed records as Firehose's JSON error
 * documents under the error output prefix.
 */
import { randomUUID } from "node:crypto";
import type {
    FirehoseTransformationEvent,
    FirehoseTransformationEventRecord,
    FirehoseTransformationResult,
} from "aws-lambda";
import type { KinesisSourceRecord } from "./kinesis";
import type { RawZoneSink } from "./sink";

const MiB = 1024 * 1024;

export const FIREHOSE_LIMITS = {
    /** Lambda's synchronous request and response payload limit (Firehose rejects larger responses). */
    lambdaPayloadBytes: 6_291_456,
    /** ProcessingConfiguration BufferSizeInMBs: 0.2–3 MB, default 1. */
    maxLambdaBufferBytes: 3 * MiB,
    defaultLambdaBufferBytes: 1 * MiB,
    /** S3 BufferingHints.SizeInMBs; dynamic partitioning needs ≥ 64 (applies per partition). */
    defaultS3BufferBytes: 64 * MiB,
    /** ProcessingConfiguration NumberOfRetries default. */
    defaultInvocationRetries: 3,
} as const;

/** The raw-zone prefix of the ingestion hub (README of functions/preprocess). */
export const DEFAULT_PREFIX =
    "raw/source=!{partitionKeyFromLambda:source}/entity=!{partitionKeyFromLambda:entity}/event_date=!{partitionKeyFromLambda:event_date}/";

/** Error output prefix: error type, then the UTC date of the object's oldest record. */
export const DEFAULT_ERROR_OUTPUT_PREFIX = "errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/";

/** `errorCode`/`errorMessage` Firehose writes for a record the Lambda returned ProcessingFailed. */
export const PROCESSING_FAILED_STATUS = {
    errorCode: "Lambda.ProcessingFailedStatus",
    errorMessage: "ProcessingFailed status set for record",
} as const;

/** Error output types (`!{firehose:error-output-type}`). */
export type ErrorOutputType = "processing-failed" | "partitioning-failed";

/** Settings of the emulated delivery stream. */
export interface FirehoseSettings {
    readonly deliveryStreamName: string;
    /** Delivery stream version in object names (`<name>-<version>-…`). */
    readonly deliveryStreamVersion: number;
    readonly region: string;
    readonly accountId: string;
    /** `lambdaArn` written into error documents. */
    readonly lambdaArn: string;
    /** S3 prefix template (`!{partitionKeyFromLambda:k}`, `!{timestamp:fmt}`, `!{firehose:random-string}`). */
    readonly prefix: string;
    /** Error output prefix template (also `!{firehose:error-output-type}`). */
    readonly errorOutputPrefix: string;
    /** Lambda buffer hint: decoded record bytes per invocation (≤ 3 MiB). */
    readonly lambdaBufferBytes: number;
    /** Lambda invocation payload limit (serialized event bytes). */
    readonly lambdaPayloadBytes: number;
    /** Per-partition S3 buffer: an object is written once a partition would exceed it, and at the end. */
    readonly s3BufferBytes: number;
    /** Retries of a failed invocation (error thrown, oversize response) before its records fail. */
    readonly invocationRetries: number;
}

export const DEFAULT_DELIVERY_STREAM_NAME = "cdp-ingestion-hub";
export const LOCAL_ACCOUNT_ID = "000000000000";

/** Fills in defaults and validates the settings. */
export function resolveFirehoseSettings(partial: Partial<FirehoseSettings> = {}): FirehoseSettings {
    const region = partial.region ?? "us-east-1";
    const accountId = partial.accountId ?? LOCAL_ACCOUNT_ID;
    const settings: FirehoseSettings = {
        deliveryStreamName: partial.deliveryStreamName ?? DEFAULT_DELIVERY_STREAM_NAME,
        deliveryStreamVersion: partial.deliveryStreamVersion ?? 1,
        region,
        accountId,
        lambdaArn: partial.lambdaArn ?? `arn:aws:lambda:${region}:${accountId}:function:preprocess:$LATEST`,
        prefix: partial.prefix ?? DEFAULT_PREFIX,
        errorOutputPrefix: partial.errorOutputPrefix ?? DEFAULT_ERROR_OUTPUT_PREFIX,
        lambdaBufferBytes: partial.lambdaBufferBytes ?? FIREHOSE_LIMITS.defaultLambdaBufferBytes,
        lambdaPayloadBytes: partial.lambdaPayloadBytes ?? FIREHOSE_LIMITS.lambdaPayloadBytes,
        s3BufferBytes: partial.s3BufferBytes ?? FIREHOSE_LIMITS.defaultS3BufferBytes,
        invocationRetries: partial.invocationRetries ?? FIREHOSE_LIMITS.defaultInvocationRetries,
    };
    if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(settings.deliveryStreamName)) {
        throw new Error(`invalid delivery stream name "${settings.deliveryStreamName}" ([a-zA-Z0-9_.-]{1,64})`);
    }
    if (!(settings.lambdaBufferBytes > 0 && settings.lambdaBufferBytes <= FIREHOSE_LIMITS.maxLambdaBufferBytes)) {
        throw new Error(`lambdaBufferBytes must be in (0, 3 MiB], got ${settings.lambdaBufferBytes}`);
    }
    if (!(settings.s3BufferBytes > 0)) throw new Error(`s3BufferBytes must be > 0, got ${settings.s3BufferBytes}`);
    if (!Number.isSafeInteger(settings.invocationRetries) || settings.invocationRetries < 0) {
        throw new Error(`invocationRetries must be a non-negative integer, got ${settings.invocationRetries}`);
    }
    // Fail on template typos before any data moves.
    parseTemplate(settings.prefix, false);
    parseTemplate(settings.errorOutputPrefix, true);
    return settings;
}

export const deliveryStreamArn = (s: FirehoseSettings): string =>
    `arn:aws:firehose:${s.region}:${s.accountId}:deliverystream/${s.deliveryStreamName}`;

// ---------------------------------------------------------------------------
// Transformation events

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

const toBase64 = (data: Uint8Array): string =>
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

// ---------------------------------------------------------------------------
// Invocation and response checks

/** The transformation handler's shape (functions/preprocess `handler`). */
export type TransformationHandler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** What became of one record after the transformation. */
export type TransformOutcome =
    | {
          readonly result: "Ok";
          readonly input: FirehoseInputRecord;
          readonly data: Buffer;
          readonly partitionKeys: Readonly<Record<string, string>>;
      }
    | { readonly result: "Dropped"; readonly input: FirehoseInputRecord }
    | { readonly result: "ProcessingFailed"; readonly input: FirehoseInputRecord; readonly error: ErrorDetails };

/** The error fields of a Firehose error document. */
export interface ErrorDetails {
    readonly errorCode: string;
    readonly errorMessage: string;
    readonly attemptsMade: number;
    /** Epoch milliseconds. */
    readonly attemptEndingTimestamp: number;
}

export interface InvocationResult {
    readonly outcomes: readonly TransformOutcome[];
    readonly attempts: number;
    /** UTF-8 bytes of the serialized response (last attempt), when there was one. */
    readonly responseBytes?: number;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RESULTS = new Set(["Ok", "Dropped", "ProcessingFailed"]);

class ContractViolation extends Error {
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** Checks a response against the records sent; returns entries in input order. */
function checkResponse(
    response: unknown,
    inputs: readonly FirehoseInputRecord[],
): { recordId: string; result: string; data?: string; metadata?: { partitionKeys?: unknown } }[] {
    const records = (response as { records?: unknown } | null)?.records;
    if (typeof response !== "object" || response === null || !Array.isArray(records)) {
        throw new ContractViolation("Lambda.JsonProcessingException", "response has no records array");
    }
    const byId = new Map<
        string,
        { recordId: string; result: string; data?: string; metadata?: { partitionKeys?: unknown } }
    >();
    for (const entry of records as unknown[]) {
        const e = entry as { recordId?: unknown; result?: unknown; data?: unknown; metadata?: unknown };
        if (typeof e !== "object" || e === null || typeof e.recordId !== "string") {
            throw new ContractViolation("Lambda.JsonProcessingException", "response record without a string recordId");
        }
        if (byId.has(e.recordId))
            throw new ContractViolation("Lambda.DuplicatedRecordId", `duplicated recordId ${e.recordId}`);
        if (typeof e.result !== "string" || !RESULTS.has(e.result)) {
            throw new ContractViolation("Lambda.JsonProcessingException", `invalid result for recordId ${e.recordId}`);
        }
        if (e.result === "Ok" && (typeof e.data !== "string" || !STRICT_BASE64.test(e.data))) {
            throw new ContractViolation(
                "Lambda.JsonProcessingException",
                `Ok record ${e.recordId} without base64 data`,
            );
        }
        byId.set(
            e.recordId,
            e as { recordId: string; result: string; data?: string; metadata?: { partitionKeys?: unknown } },
        );
    }
    const ordered = inputs.map((input) => {
        const entry = byId.get(input.recordId);
        if (entry === undefined)
            throw new ContractViolation("Lambda.MissingRecordId", `missing recordId ${input.recordId}`);
        return entry;
    });
    if (byId.size !== inputs.length) {
        throw new ContractViolation("Lambda.JsonProcessingException", "response has recordIds that were not sent");
    }
    return ordered;
}

function partitionKeysOf(metadata: { partitionKeys?: unknown } | undefined): Record<string, string> {
    const keys = metadata?.partitionKeys;
    const out: Record<string, string> = {};
    if (typeof keys === "object" && keys !== null) {
        for (const [name, value] of Object.entries(keys)) {
            if (typeof value === "string") out[name] = value;
        }
    }
    return out;
}

/**
 * Invokes the handler for one batch like Firehose: an error or a response over
 * the payload limit is retried `invocationRetries` times, then every record of
 * the batch fails; a response that breaks the contract (missing, duplicated
 * or unknown record ids, bad results) fails the batch without retries.
 * `ProcessingFailed` records keep their original data for the error output.
 */
export async function invokeTransformation(
    handler: TransformationHandler,
    inputs: readonly FirehoseInputRecord[],
    context: EventContext,
    settings: Pick<FirehoseSettings, "invocationRetries" | "lambdaPayloadBytes">,
    now: () => number = Date.now,
): Promise<InvocationResult> {
    const failAll = (
        errorCode: string,
        errorMessage: string,
        attemptsMade: number,
        responseBytes?: number,
    ): InvocationResult => {
        const error: ErrorDetails = { errorCode, errorMessage, attemptsMade, attemptEndingTimestamp: now() };
        return {
            outcomes: inputs.map((input) => ({ result: "ProcessingFailed" as const, input, error })),
            attempts: attemptsMade,
            responseBytes,
        };
    };

    let lastError = "";
    for (let attempt = 1; attempt <= settings.invocationRetries + 1; attempt++) {
        const event = buildTransformationEvent(inputs, context);
        let response: unknown;
        try {
            response = await handler(event);
        } catch (err) {
            lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
            continue;
        }
        const serialized = JSON.stringify(response);
        const responseBytes = serialized === undefined ? 0 : Buffer.byteLength(serialized, "utf8");
        if (responseBytes > settings.lambdaPayloadBytes) {
            lastError = `Response payload size (${responseBytes} bytes) exceeded maximum allowed payload size (${settings.lambdaPayloadBytes} bytes).`;
            continue;
        }
        let entries;
        try {
            entries = checkResponse(response, inputs);
        } catch (err) {
            if (!(err instanceof ContractViolation)) throw err;
            return failAll(err.code, err.message, attempt, responseBytes);
        }
        const attemptEndingTimestamp = now();
        const outcomes = entries.map((entry, i): TransformOutcome => {
            const input = inputs[i];
            switch (entry.result) {
                case "Ok":
                    return {
                        result: "Ok",
                        input,
                        data: Buffer.from(entry.data!, "base64"),
                        partitionKeys: partitionKeysOf(entry.metadata),
                    };
                case "Dropped":
                    return { result: "Dropped", input };
                default:
                    return {
                        result: "ProcessingFailed",
                        input,
                        error: { ...PROCESSING_FAILED_STATUS, attemptsMade: attempt, attemptEndingTimestamp },
                    };
            }
        });
        return { outcomes, attempts: attempt, responseBytes };
    }
    return failAll("Lambda.FunctionError", lastError, settings.invocationRetries + 1);
}

// ---------------------------------------------------------------------------
// Prefix templates

type TemplatePart =
    | { readonly kind: "text"; readonly text: string }
    | { readonly kind: "partitionKey"; readonly key: string }
    | { readonly kind: "timestamp"; readonly format: string }
    | { readonly kind: "errorOutputType" }
    | { readonly kind: "randomString" };

const EXPRESSION = /!\{([^}]*)\}/g;

/** Parses a Firehose prefix template; unsupported namespaces are an error. */
export function parseTemplate(template: string, isErrorPrefix: boolean): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let last = 0;
    for (const match of template.matchAll(EXPRESSION)) {
        if (match.index > last) parts.push({ kind: "text", text: template.slice(last, match.index) });
        last = match.index + match[0].length;
        const body = match[1];
        const colon = body.indexOf(":");
        const namespace = colon < 0 ? body : body.slice(0, colon);
        const argument = colon < 0 ? "" : body.slice(colon + 1);
        if (namespace === "partitionKeyFromLambda" && !isErrorPrefix && /^[A-Za-z0-9_-]+$/.test(argument)) {
            parts.push({ kind: "partitionKey", key: argument });
        } else if (namespace === "timestamp" && argument !== "") {
            parts.push({ kind: "timestamp", format: argument });
        } else if (body === "firehose:error-output-type" && isErrorPrefix) {
            parts.push({ kind: "errorOutputType" });
        } else if (body === "firehose:random-string") {
            parts.push({ kind: "randomString" });
        } else {
            throw new Error(
                `unsupported expression "${match[0]}" in ${isErrorPrefix ? "error output " : ""}prefix "${template}"`,
            );
        }
    }
    if (last < template.length) parts.push({ kind: "text", text: template.slice(last) });
    return parts;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Formats epoch milliseconds (UTC) with the Java DateTimeFormatter letters yyyy MM dd HH mm ss SSS. */
export function formatUtc(format: string, epochMs: number): string {
    const d = new Date(epochMs);
    const values: Record<string, string> = {
        yyyy: String(d.getUTCFullYear()),
        MM: pad(d.getUTCMonth() + 1),
        dd: pad(d.getUTCDate()),
        HH: pad(d.getUTCHours()),
        mm: pad(d.getUTCMinutes()),
        ss: pad(d.getUTCSeconds()),
        SSS: pad(d.getUTCMilliseconds(), 3),
    };
    return format.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (token) => values[token]);
}

/** A partition value must be a usable key segment. */
const SAFE_PARTITION_VALUE = /^(?!\.{1,2}$)[^/\\\x00-\x1f\x7f]{1,512}$/;

interface PrefixContext {
    readonly partitionKeys?: Readonly<Record<string, string>>;
    readonly oldestArrival: number;
    readonly errorOutputType?: ErrorOutputType;
}

/** Evaluates a parsed template; returns an error text for a missing/unsafe partition key. */
function evaluate(parts: readonly TemplatePart[], ctx: PrefixContext): { prefix: string } | { error: string } {
    let prefix = "";
    for (const part of parts) {
        switch (part.kind) {
            case "text":
                prefix += part.text;
                break;
            case "partitionKey": {
                const value = ctx.partitionKeys?.[part.key];
                if (value === undefined)
                    return { error: `partition key "${part.key}" missing from the Lambda metadata` };
                if (!SAFE_PARTITION_VALUE.test(value))
                    return { error: `partition key "${part.key}" has an unusable value` };
                prefix += value;
                break;
            }
            case "timestamp":
                prefix += formatUtc(part.format, ctx.oldestArrival);
                break;
            case "errorOutputType":
                prefix += ctx.errorOutputType ?? "";
                break;
            case "randomString":
                prefix += randomUUID().replace(/-/g, "").slice(0, 11);
                break;
        }
    }
    return { prefix };
}

// ---------------------------------------------------------------------------
// Delivery

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
            const probe = evaluate(
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
        const evaluated = evaluate(buffer.parts, {
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
