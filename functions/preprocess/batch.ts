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
import { MAX_RECORD_BYTES, base64Length, decodeRecordData } from "./decode";
import { Rejection, type Failure } from "./failures";
import { normaliseRecord, type BatchContext, type Engine, type NormalisedRecord } from "./normalise";

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

/** UTF-8 size of a string serialized as JSON, with a fast path for plain ASCII. */
function jsonStringBytes(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 /* " */ || c === 0x5c /* \ */) return jsonBytes(s);
  }
  return s.length + QUOTES;
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

interface Accepted {
  readonly record: NormalisedRecord;
  /** The output document plus its newline, UTF-8 encoded, is chunk[start, end). */
  readonly chunk: Buffer;
  readonly start: number;
  readonly end: number;
}

type Outcome = Accepted | Failure;

const isAccepted = (outcome: Outcome): outcome is Accepted => "chunk" in outcome;

const ARENA_CHUNK_BYTES = 1 << 20;

/**
 * Output documents are written back to back into large buffers: one
 * allocation per MiB instead of a Buffer (and a string copy to append the
 * newline) per record. Chunks live as long as the batch.
 */
class OutputArena {
  private chunk = Buffer.allocUnsafe(ARENA_CHUNK_BYTES);
  private offset = 0;

  /** Writes `json` plus "\n" as UTF-8. */
  append(record: NormalisedRecord): Accepted {
    const worstCase = record.json.length * 3 + 1; // UTF-8 bytes per UTF-16 unit <= 3
    if (this.offset + worstCase > this.chunk.length) {
      this.chunk = Buffer.allocUnsafe(Math.max(ARENA_CHUNK_BYTES, worstCase));
      this.offset = 0;
    }
    const start = this.offset;
    const end = start + this.chunk.write(record.json, start, "utf8") + 1;
    this.chunk[end - 1] = 0x0a;
    this.offset = end;
    return { record, chunk: this.chunk, start, end };
  }
}

/** Throws if the event is not a Firehose transformation event at all. */
function assertFirehoseEvent(event: FirehoseTransformationEvent): void {
  if (typeof event !== "object" || event === null || !Array.isArray(event.records)) {
    throw new TypeError("not a Firehose transformation event: records[] missing");
  }
  for (const record of event.records as unknown[]) {
    const r = record as Partial<FirehoseTransformationEventRecord> | null;
    if (typeof r !== "object" || r === null || typeof r.recordId !== "string" || typeof r.data !== "string") {
      throw new TypeError("not a Firehose transformation event: record without string recordId/data");
    }
  }
}

function processRecord(
  record: FirehoseTransformationEventRecord,
  engine: Engine,
  batch: BatchContext,
  arena: OutputArena,
  maxRecordBytes: number,
): Outcome {
  try {
    const parsed = decodeRecordData(record.data, maxRecordBytes);
    return arena.append(normaliseRecord(engine, batch, parsed, record.recordId, record.approximateArrivalTimestamp));
  } catch (error) {
    if (error instanceof Rejection) return error;
    // A bug must not fail the whole batch or leak payload text into logs.
    return { reason: "internal-error", detail: error instanceof Error ? error.name : typeof error };
  }
}

function okEntryBytes(recordIdBytes: number, accepted: Accepted): number {
  const { source, entity, eventDate } = accepted.record;
  // Base64 output, source, entity and date are plain ASCII: no JSON escaping.
  return (
    OK_ENTRY_BYTES +
    recordIdBytes -
    QUOTES +
    base64Length(accepted.end - accepted.start) +
    source.length +
    entity.length +
    eventDate.length
  );
}

interface Processed {
  readonly outcomes: Outcome[];
  /** JSON size of each recordId. */
  readonly recordIdBytes: number[];
  /** Size of each record's entry if returned as ProcessingFailed. */
  readonly failedBytes: number[];
  /** Size of the response if every record were returned as ProcessingFailed. */
  readonly allFailedBytes: number;
}

// The two passes are separate functions so that V8 optimises each loop with
// its own type feedback instead of deoptimising between them.
function processAll(records: FirehoseTransformationEventRecord[], options: BatchOptions): Processed {
  const n = records.length;
  const engine = options.engine;
  const batch: BatchContext = { processedAt: options.processedAt };
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const arena = new OutputArena();
  const outcomes = new Array<Outcome>(n);
  const recordIdBytes = new Array<number>(n);
  const failedBytes = new Array<number>(n);
  let total = ENVELOPE_BYTES + Math.max(0, n - 1); // commas between entries
  for (let i = 0; i < n; i++) {
    const record = records[i];
    const outcome = processRecord(record, engine, batch, arena, maxRecordBytes);
    const idBytes = jsonStringBytes(record.recordId);
    // Accepted records passed the strict base64 check: plain ASCII.
    const dataBytes = isAccepted(outcome) ? record.data.length + QUOTES : jsonStringBytes(record.data);
    outcomes[i] = outcome;
    recordIdBytes[i] = idBytes;
    failedBytes[i] = FAILED_ENTRY_BYTES + idBytes - QUOTES + dataBytes - QUOTES;
    total += failedBytes[i];
  }
  return { outcomes, recordIdBytes, failedBytes, allFailedBytes: total };
}

const SIZE_LIMIT_FAILURE: Failure = Object.freeze({
  reason: "response-size-limit",
  detail: "returning it Ok would exceed the Firehose response limit",
});

function assemble(records: FirehoseTransformationEventRecord[], processed: Processed, limit: number): BatchResult {
  const { outcomes, recordIdBytes, failedBytes } = processed;
  const n = records.length;
  const entries = new Array<FirehoseTransformationResultRecord>(n);
  const failures: RecordFailure[] = [];
  let total = processed.allFailedBytes;
  let okCount = 0;
  for (let i = 0; i < n; i++) {
    const { recordId, data } = records[i];
    const outcome = outcomes[i];
    if (isAccepted(outcome)) {
      const grown = okEntryBytes(recordIdBytes[i], outcome) - failedBytes[i];
      if (total + grown <= limit) {
        total += grown;
        okCount++;
        const { source, entity, eventDate } = outcome.record;
        entries[i] = {
          recordId,
          result: "Ok",
          data: outcome.chunk.toString("base64", outcome.start, outcome.end),
          metadata: { partitionKeys: { source, entity, event_date: eventDate } },
        };
        continue;
      }
      failures.push({ index: i, recordId, failure: SIZE_LIMIT_FAILURE });
    } else {
      failures.push({ index: i, recordId, failure: outcome });
    }
    entries[i] = { recordId, result: "ProcessingFailed", data };
  }
  return {
    response: { records: entries },
    okCount,
    failures,
    responseBytes: total,
    overLimit: processed.allFailedBytes > limit,
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
  const processed = processAll(event.records, options);
  return assemble(event.records, processed, options.responseLimitBytes ?? FIREHOSE_RESPONSE_LIMIT_BYTES);
}
