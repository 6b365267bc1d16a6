/**
 * Batch processing: one Firehose transformation event in, one response out,
 * with the response size kept within Firehose's Lambda response limit.
 */
import type {
    FirehoseTransformationEvent,
    FirehoseTransformationEventRecord,
    FirehoseTransformationResult,
    FirehoseTransformationResultRecord,
} from "aws-lambda";
import {
    MAX_RECORD_BYTES,
    base64Capacity,
    base64Length,
    checkRecordSize,
    decodeBase64Into,
    decodeUtf8,
    parseJson,
} from "./decode";
import { Rejection, type Failure } from "./failures";
import { NormalisedRecord, createBatchContext, normaliseRecord, type BatchContext, type Engine } from "./normalise";

/** Firehose rejects Lambda responses larger than 6 MiB of serialized JSON. */
export const FIREHOSE_RESPONSE_LIMIT_BYTES = 6_291_456;

export interface BatchOptions {
    readonly engine: Engine;
    /** Processing time written to every record's `_meta.processedAt`. */
    readonly processedAt: string;
    readonly responseLimitBytes?: number;
    readonly maxRecordBytes?: number;
}

export interface RecordFailure {
    readonly index: number;
    readonly recordId: string;
    readonly failure: Failure;
}

export interface BatchResult {
    readonly response: FirehoseTransformationResult;
    readonly okCount: number;
    /** Failed records in input order. */
    readonly failures: readonly RecordFailure[];
    /** Exact UTF-8 length of `JSON.stringify(response)`. */
    readonly responseBytes: number;
    /** True if even an all-ProcessingFailed response would exceed the limit. */
    readonly overLimit: boolean;
}

/** An empty string serializes to two quote characters. */
const QUOTES = 2;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/** Printable ASCII other than `"` and `\`: serialized as is. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** UTF-8 size of a string serialized as JSON, with a fast path for plain ASCII. */
function jsonStringBytes(s: string): number {
    return PLAIN_JSON_STRING.test(s) ? s.length + QUOTES : jsonBytes(s);
}

// Serialized sizes of the response skeleton; a record entry's size is its
// base plus the JSON sizes of its variable strings (measured separately).
const ENVELOPE_BYTES = jsonBytes({ records: [] });
const OK_ENTRY_BYTES = jsonBytes({
    recordId: "",
    result: "Ok",
    data: "",
    metadata: { partitionKeys: { source: "", entity: "", event_date: "" } },
});
const FAILED_ENTRY_BYTES = jsonBytes({ recordId: "", result: "ProcessingFailed", data: "" });

const SIZE_LIMIT_FAILURE: Failure = Object.freeze({
    reason: "response-size-limit",
    detail: "returning it Ok would exceed the Firehose response limit",
});
const MISMEASURED: Failure = Object.freeze({ reason: "internal-error", detail: "output size mis-measured" });

/** Throws if the event is not a Firehose transformation event at all. */
function assertFirehoseEvent(event: FirehoseTransformationEvent): void {
    if (typeof event !== "object" || event === null || !Array.isArray(event.records)) {
        throw new TypeError("not a Firehose transformation event: records[] missing");
    }
}

/** Throws if a record of the event is not a Firehose record (checked by the first pass). */
function assertFirehoseRecord(record: unknown): asserts record is FirehoseTransformationEventRecord {
    const r = record as Partial<FirehoseTransformationEventRecord> | null;
    if (typeof r !== "object" || r === null || typeof r.recordId !== "string" || typeof r.data !== "string") {
        throw new TypeError("not a Firehose transformation event: record without string recordId/data");
    }
}

/** A failure that is not a Rejection is a bug: it must not fail the batch or leak payload text into logs. */
function asFailure(error: unknown): Failure {
    if (error instanceof Rejection) return error;
    return { reason: "internal-error", detail: error instanceof Error ? error.name : typeof error };
}

/**
 * The decoded records of a batch, one after the other, kept across
 * invocations (one at a time per Lambda instance; nothing here is
 * asynchronous) and as large as the largest batch needed (at most ~4.5 MB:
 * 3/4 of a 6 MB invocation). Unlike a Buffer per record, this leaves the
 * garbage collector nothing to copy or track while the batch is processed.
 */
let decodedBytes = Buffer.allocUnsafe(1024 * 1024);

/** Makes room for `bytes` more bytes after the first `used` ones of decodedBytes. */
function reserveDecoded(used: number, bytes: number): void {
    if (used + bytes <= decodedBytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(used + bytes, decodedBytes.length * 2));
    decodedBytes.copy(grown, 0, 0, used);
    decodedBytes = grown;
}

/** What the first pass learns about the records. */
interface Measured {
    /** Where each record's bytes start in decodedBytes, or why its `data` was refused. */
    readonly decoded: (number | Failure)[];
    /** Where each record's bytes end in decodedBytes. */
    readonly ends: number[];
    /** JSON size of each recordId. */
    readonly recordIdBytes: number[];
    /** Size of each record's entry if returned as ProcessingFailed. */
    readonly failedBytes: number[];
    /** Size of the response if every record were returned as ProcessingFailed. */
    readonly allFailedBytes: number;
}

/**
 * First pass: checks that every record is a Firehose record (else throws,
 * before anything is returned), base64-decodes it into decodedBytes and
 * measures the all-failed response, where the size budget starts, so that
 * the second pass can settle each record as soon as it is normalised.
 */
function measure(records: FirehoseTransformationEventRecord[], maxRecordBytes: number): Measured {
    const n = records.length;
    const decoded = new Array<number | Failure>(n);
    const ends = new Array<number>(n);
    const recordIdBytes = new Array<number>(n);
    const failedBytes = new Array<number>(n);
    let total = ENVELOPE_BYTES + Math.max(0, n - 1); // commas between entries
    let used = 0;
    for (let i = 0; i < n; i++) {
        const record: unknown = records[i];
        assertFirehoseRecord(record);
        const { recordId, data } = record;
        let start: number | Failure = used;
        try {
            checkRecordSize(data, maxRecordBytes);
            reserveDecoded(used, base64Capacity(data));
            used += decodeBase64Into(data, decodedBytes, used);
        } catch (error) {
            start = asFailure(error);
        }
        const idBytes = jsonStringBytes(recordId);
        // Valid base64 is plain ASCII: no JSON escaping.
        const dataBytes = typeof start === "number" ? data.length + QUOTES : jsonStringBytes(data);
        decoded[i] = start;
        ends[i] = used;
        recordIdBytes[i] = idBytes;
        failedBytes[i] = FAILED_ENTRY_BYTES + idBytes - QUOTES + dataBytes - QUOTES;
        total += failedBytes[i];
    }
    return { decoded, ends, recordIdBytes, failedBytes, allFailedBytes: total };
}

function normalise(
    start: number | Failure,
    end: number,
    record: FirehoseTransformationEventRecord,
    recordIdBytes: number,
    engine: Engine,
    batch: BatchContext,
): NormalisedRecord | Failure {
    if (typeof start !== "number") return start;
    try {
        const text = decodeUtf8(decodedBytes, start, end);
        const parsed = parseJson(text);
        return normaliseRecord(
            engine,
            batch,
            parsed,
            text,
            end - start,
            recordIdBytes,
            record.approximateArrivalTimestamp,
        );
    } catch (error) {
        return asFailure(error);
    }
}

/** Size of a record's entry if returned Ok (its document plus "\n", base64). */
function okEntryBytes(recordIdBytes: number, accepted: NormalisedRecord): number {
    // Base64 output, source, entity and date are plain ASCII: no JSON escaping.
    return (
        OK_ENTRY_BYTES +
        recordIdBytes -
        QUOTES +
        base64Length(accepted.bytes + 1) +
        accepted.source.length +
        accepted.entity.length +
        accepted.eventDate.length
    );
}

/*
 * Output documents. The documents of the records returned `Ok` are written
 * one after the other into one buffer, each starting at a multiple of 3
 * bytes and followed by zero bytes up to the next one, and the buffer is
 * base64-encoded (into a second buffer, in pieces) when every record is
 * settled. The base64 of a document that starts at a multiple of 3 is then
 * a substring of the whole: its full 3-byte groups encode alike, and so do
 * the bits of its last group (the zero bytes after it are the zero bits
 * padding adds); only the one or two "=" that end it are written over the
 * characters the zero bytes encode to. Each `Ok` entry's `data` is a slice of
 * the string of that copy, which V8 keeps as a reference into it (a sliced
 * string), so a batch allocates no string per record (and a string this
 * large lives outside the JavaScript heap): the young-generation
 * collections of the batch and after it have no ~6 MB of base64 strings to
 * copy, and the batch's records are parsed and normalised while no base64
 * of the response exists yet. Both buffers are kept across invocations (a
 * Lambda instance runs one at a time; nothing here is asynchronous) and
 * grow to the largest batch needed.
 */

/** The documents of the batch (see above). */
let documents = Buffer.allocUnsafe(1024 * 1024);
/** Their base64 with its padding (see above). */
let encodedDocuments = Buffer.allocUnsafe(1024 * 1024);

/** Documents start at multiples of 3 bytes (see above). */
const alignedSize = (size: number): number => Math.ceil(size / 3) * 3;

/** Makes room for `bytes` more bytes after the first `used` ones of documents. */
function reserveDocuments(used: number, bytes: number): void {
    if (used + bytes <= documents.length) return;
    const grown = Buffer.allocUnsafe(Math.max(used + bytes, documents.length * 2));
    documents.copy(grown, 0, 0, used);
    documents = grown;
}

/**
 * Writes the document of an `Ok` record (and "\n") at `offset` in
 * documents, followed by zero bytes up to `offset + alignedSize(size)`, and
 * returns its size. The size the budget counted is checked; a mismatch (or
 * any exception) is a bug, and the record fails rather than risk an
 * oversized response.
 */
function writeDocument(
    accepted: NormalisedRecord,
    offset: number,
    engine: Engine,
    batch: BatchContext,
    record: FirehoseTransformationEventRecord,
    recordIdBytes: number,
): number | Failure {
    try {
        const size = accepted.bytes + 1;
        // Room for one more UTF-8 character: a document longer than measured
        // then writes more than `size` bytes (or throws) instead of being cut
        // to fit. The zero bytes after it fit in there too.
        reserveDocuments(offset, size + 4);
        const { recordId, approximateArrivalTimestamp } = record;
        const end = accepted.write(
            documents,
            offset,
            engine,
            batch,
            recordId,
            recordIdBytes,
            approximateArrivalTimestamp,
        );
        if (end - offset !== size) return MISMEASURED;
        for (let i = end; i < offset + alignedSize(size); i++) documents[i] = 0;
        return size;
    } catch (error) {
        return asFailure(error);
    }
}

/** "=" */
const PAD = 0x3d;

/**
 * The documents are base64-encoded into encodedDocuments this many bytes
 * (a multiple of 3) at a time. Encoded at once, a full batch would first
 * be one ~6 MB string of its own, which Node allocates outside the
 * JavaScript heap ("external", above ~1 MB): garbage as soon as it is
 * copied, but counted against V8's external memory limit, so that every
 * few batches it set off a full mark-compact collection (5-6 instead of 9
 * in 32 all-Ok batches with these pieces, measured with --trace-gc). A
 * piece encodes to 98,304 characters: a short-lived string in the young
 * generation, under V8's large-object size (128 KiB).
 */
const ENCODED_PIECE_BYTES = 3 * 24_576;

/**
 * Base64-encodes the first `used` bytes of documents and returns the text
 * (with each document's padding, see above) as one string, of which each
 * `Ok` entry's `data` is a slice.
 */
function encodeDocuments(ok: Uint8Array, offsets: Int32Array, sizes: Int32Array, used: number): string {
    const length = (used / 3) * 4;
    if (encodedDocuments.length < length) {
        encodedDocuments = Buffer.allocUnsafe(Math.max(length, encodedDocuments.length * 2));
    }
    // In pieces of at most ENCODED_PIECE_BYTES: see there.
    for (let from = 0; from < used; from += ENCODED_PIECE_BYTES) {
        const to = Math.min(used, from + ENCODED_PIECE_BYTES);
        encodedDocuments.write(documents.toString("base64", from, to), (from / 3) * 4, ((to - from) / 3) * 4, "latin1");
    }
    for (let i = 0; i < ok.length; i++) {
        if (ok[i] === 0) continue;
        const end = ((offsets[i] + alignedSize(sizes[i])) / 3) * 4;
        const padding = alignedSize(sizes[i]) - sizes[i];
        if (padding > 0) encodedDocuments[end - 1] = PAD;
        if (padding > 1) encodedDocuments[end - 2] = PAD;
    }
    return encodedDocuments.toString("latin1", 0, length);
}

/**
 * Second pass: normalises each record and, when it is valid and its `Ok`
 * entry still fits, writes its document. The documents are base64-encoded
 * together once every record is settled (see above), and only then are the
 * response's entries built: while the records are processed, the batch
 * keeps no object per record alive (typed arrays and strings it shares
 * with others only), so the young-generation collections during a batch
 * have next to nothing to copy (an entry and its metadata built as each
 * record was settled were copied by every collection in the batch after it,
 * and promoted).
 */
function transform(
    records: FirehoseTransformationEventRecord[],
    measured: Measured,
    engine: Engine,
    batch: BatchContext,
    limit: number,
): BatchResult {
    const { decoded, ends, recordIdBytes, failedBytes } = measured;
    const n = records.length;
    const failures: RecordFailure[] = [];
    // 1 for the records returned Ok, and where each one's document is in documents.
    const ok = new Uint8Array(n);
    const offsets = new Int32Array(n);
    const sizes = new Int32Array(n);
    // Each Ok record's partition keys: strings shared by the records of a source, a type and a day.
    const sources = new Array<string>(n);
    const entities = new Array<string>(n);
    const eventDates = new Array<string>(n);
    let used = 0;
    let total = measured.allFailedBytes;
    let okCount = 0;
    for (let i = 0; i < n; i++) {
        const record = records[i];
        const outcome = normalise(decoded[i], ends[i], record, recordIdBytes[i], engine, batch);
        if (outcome instanceof NormalisedRecord) {
            const grown = okEntryBytes(recordIdBytes[i], outcome) - failedBytes[i];
            const written =
                total + grown <= limit
                    ? writeDocument(outcome, used, engine, batch, record, recordIdBytes[i])
                    : SIZE_LIMIT_FAILURE;
            if (typeof written === "number") {
                total += grown;
                okCount++;
                ok[i] = 1;
                offsets[i] = used;
                sizes[i] = written;
                used += alignedSize(written);
                sources[i] = outcome.source;
                entities[i] = outcome.entity;
                eventDates[i] = outcome.eventDate;
                continue;
            }
            failures.push({ index: i, recordId: record.recordId, failure: written });
        } else {
            failures.push({ index: i, recordId: record.recordId, failure: outcome });
        }
    }
    const all = okCount > 0 ? encodeDocuments(ok, offsets, sizes, used) : "";
    const entries = new Array<FirehoseTransformationResultRecord>(n);
    for (let i = 0; i < n; i++) {
        const { recordId, data } = records[i];
        if (ok[i] === 0) {
            entries[i] = { recordId, result: "ProcessingFailed", data };
            continue;
        }
        const start = (offsets[i] / 3) * 4;
        entries[i] = {
            recordId,
            result: "Ok",
            data: all.slice(start, start + base64Length(sizes[i])),
            metadata: { partitionKeys: { source: sources[i], entity: entities[i], event_date: eventDates[i] } },
        };
    }
    return {
        response: { records: entries },
        okCount,
        failures,
        responseBytes: total,
        overLimit: measured.allFailedBytes > limit,
    };
}

/**
 * Processes a batch. Every input record yields exactly one output record, in
 * input order, either `Ok` with the normalised document or
 * `ProcessingFailed` with the original data.
 *
 * Size budget: the response starts as "everything failed" (each entry is
 * smaller than its input entry, so this fits whenever the event did) and
 * records are upgraded to `Ok` in input order while the exact serialized
 * size stays within the limit. Records that do not fit fail with
 * `response-size-limit` and land in the error prefix for replay.
 */
export function processBatch(event: FirehoseTransformationEvent, options: BatchOptions): BatchResult {
    assertFirehoseEvent(event);
    const measured = measure(event.records, options.maxRecordBytes ?? MAX_RECORD_BYTES);
    return transform(
        event.records,
        measured,
        options.engine,
        createBatchContext(options.processedAt),
        options.responseLimitBytes ?? FIREHOSE_RESPONSE_LIMIT_BYTES,
    );
}
