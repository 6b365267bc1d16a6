/**
 * The generic normalisation engine: compiles the declarative schemas once at
 * cold start (`createEngine`) and applies them to parsed records
 * (`normaliseRecord`).
 */
import { hash } from "node:crypto";
import { compileField, type CompiledField, type FieldOptions } from "./fields";
import { reject } from "./failures";
import { canonicalJson, checkJsonTree, isForbiddenKey, isPlainRecord, jsonString } from "./json-guard";
import { SCHEMAS, type RecordSchema } from "./schemas";
import { formatTimestamp } from "./timestamp";

/** Maximum JSON nesting of a record (the record object itself is depth 1). */
export const DEFAULT_MAX_DEPTH = 32;

/** Source names become S3 prefixes (partition key), so they are restricted. */
const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Top-level keys describing the record rather than the business event. */
const ENVELOPE_KEYS = ["entity", "source", "eventId"] as const;
/** Output keys the engine writes itself; no schema column may use them. */
const RESERVED_COLUMNS: ReadonlySet<string> = new Set(["eventId", "entity", "source", "_extra", "_meta"]);

export interface CompiledSchema {
    readonly entity: string;
    readonly version: number;
    readonly fields: readonly CompiledField[];
    /** Input keys consumed by the schema or the envelope. */
    readonly known: ReadonlySet<string>;
    /** Output columns of the natural key, and whether each is free-form JSON. */
    readonly naturalKey: readonly { readonly column: string; readonly json: boolean }[];
    readonly eventTime: readonly string[];
    /**
     * The output keys serialised by JSON.stringify (all but `eventId` and
     * `_meta`, which are written around them), in output order, all undefined.
     * Records start as a spread copy of it, so they share one hidden class and
     * filling them in never adds properties; JSON.stringify omits the keys
     * left undefined.
     */
    readonly template: Readonly<Record<string, undefined>>;
    /** `entity` followed by a newline: the start of every event id input. */
    readonly eventKeyPrefix: string;
    /** `version` as JSON text (`_meta.schemaVersion`). */
    readonly versionJson: string;
}

export interface EngineOptions {
    readonly hashIdentifier?: (value: string) => string;
    readonly maxDepth?: number;
}

export interface Engine {
    readonly schemas: ReadonlyMap<string, CompiledSchema>;
    readonly piiHashed: boolean;
    readonly maxDepth: number;
}

function compileSchema(entity: string, schema: RecordSchema, options: FieldOptions): CompiledSchema {
    const fields = Object.entries(schema.fields).map(([key, spec]) => compileField(key, spec, options));
    const byKey = new Map(fields.map((f) => [f.key, f]));
    const column = (key: string): CompiledField => {
        const field = byKey.get(key);
        if (field === undefined) throw new Error(`schema ${entity}: unknown field ${key}`);
        return field;
    };
    for (const field of fields) {
        if (RESERVED_COLUMNS.has(field.column)) throw new Error(`schema ${entity}: column ${field.column} is reserved`);
    }
    for (const key of schema.eventTime) {
        if (column(key).kind !== "timestamp") throw new Error(`schema ${entity}: event time ${key} is not a timestamp`);
    }
    if (!schema.eventTime.some((key) => column(key).required)) {
        throw new Error(`schema ${entity}: one event time field must be required`);
    }
    return {
        entity,
        version: schema.version,
        fields,
        known: new Set<string>([...ENVELOPE_KEYS, ...byKey.keys()]),
        template: Object.fromEntries(
            ["entity", "source", ...fields.map((f) => f.column), "_extra"].map((key) => [key, undefined]),
        ),
        naturalKey: schema.naturalKey.map((key) => ({ column: column(key).column, json: column(key).kind === "json" })),
        eventTime: schema.eventTime.map((key) => column(key).column),
        eventKeyPrefix: `${entity}\n`,
        versionJson: JSON.stringify(schema.version),
    };
}

/** Compiles every schema in schemas.ts; throws on an inconsistent schema. */
export function createEngine(options: EngineOptions = {}): Engine {
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    const schemas = new Map<string, CompiledSchema>();
    for (const [entity, schema] of Object.entries(SCHEMAS)) {
        schemas.set(entity, compileSchema(entity, schema, { ...options, maxDepth }));
    }
    return { schemas, piiHashed: options.hashIdentifier !== undefined, maxDepth };
}

/** What all records of one batch share. */
export interface BatchContext {
    /** Written to every record's `_meta.processedAt`. */
    readonly processedAt: string;
    /** `processedAt` as JSON text, and its UTF-8 size. */
    readonly processedAtJson: string;
    readonly processedAtBytes: number;
}

export function createBatchContext(processedAt: string): BatchContext {
    const processedAtJson = jsonString(processedAt);
    return { processedAt, processedAtJson, processedAtBytes: Buffer.byteLength(processedAtJson, "utf8") };
}

function isArrival(value: unknown): value is number {
    return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function formatArrival(value: unknown): string | null {
    return isArrival(value) ? formatTimestamp(value) : null;
}

/** formatTimestamp yields 24 characters up to year 9999. */
const FOUR_DIGIT_YEARS_BELOW_MS = Date.UTC(10_000, 0, 1);

/** JSON size of `_meta.arrivedAt`, without formatting it in the common case. */
function arrivedAtBytes(value: unknown): number {
    if (!isArrival(value)) return 4; // null
    return value < FOUR_DIGIT_YEARS_BELOW_MS ? 26 : formatTimestamp(value).length + 2;
}

// Sizes of the output document's fixed text (see NormalisedRecord.write).
/** `{"eventId":` + `,` + `,"_meta":` + `}` (the body's own braces are dropped). */
const DOCUMENT_FIXED_BYTES = '{"eventId":,,"_meta":}'.length;
const META_FIXED_BYTES = '{"recordId":,"arrivedAt":,"processedAt":,"schemaVersion":}'.length;
const PII_HASHED = ',"piiHashed":true';
/** A computed event id: 64 hex digits in quotes. */
const COMPUTED_EVENT_ID_BYTES = 66;
const COMMA = 0x2c;

/**
 * A valid record, normalised. The output document is
 * `{"eventId":…,<body without its braces>,"_meta":{…}}`. The sizes of the
 * event id and of `_meta` are known without building them, so a record
 * that is returned `ProcessingFailed` because the response is full (most
 * of a full 6 MB event) never pays for its hash, its `_meta` or its
 * encoding: `bytes` is the exact UTF-8 size of the document and `write`
 * produces it, for the records returned `Ok` only.
 */
export class NormalisedRecord {
    constructor(
        /** `JSON.stringify(out)`: entity, source, the schema fields, `_extra`. */
        readonly body: string,
        /** Exact UTF-8 size of the output document (without the trailing newline). */
        readonly bytes: number,
        /** The producer's event id as JSON text, or undefined to compute it (see eventKey). */
        private readonly eventIdJson: string | undefined,
        /** The normalised record `body` serialises. */
        private readonly out: Readonly<Record<string, unknown>>,
        /** The normalised event time. */
        private readonly eventTime: string,
        readonly schema: CompiledSchema,
        readonly source: string,
        /** `YYYY-MM-DD` of the event time (UTC). */
        readonly eventDate: string,
    ) {}

    get entity(): string {
        return this.schema.entity;
    }

    /**
     * Writes the output document and a newline as UTF-8 to the start of
     * `target` and returns the number of bytes written (`bytes + 1` unless a
     * size was mis-measured, which the caller checks). The document is
     * `JSON.stringify({eventId, ...JSON.parse(body), _meta})`, written in
     * pieces so that no string of the whole document is built.
     */
    write(
        target: Buffer,
        engine: Engine,
        batch: BatchContext,
        recordId: string,
        recordIdBytes: number,
        approximateArrivalTimestamp: unknown,
    ): number {
        const eventId =
            this.eventIdJson ??
            `"${hash("sha256", eventKey(this.schema, this.source, this.out, this.eventTime), "hex")}"`;
        let at = target.write(`{"eventId":${eventId}`, 0, "utf8");
        const bodyAt = at;
        at += target.write(this.body, at, "utf8");
        target[bodyAt] = COMMA; // was the body's "{"
        target[at - 1] = COMMA; // was the body's "}"
        const arrivedAt = formatArrival(approximateArrivalTimestamp);
        // As many bytes as characters plus quotes: nothing to escape.
        const recordIdJson = recordIdBytes === recordId.length + 2 ? `"${recordId}"` : JSON.stringify(recordId);
        const meta =
            `"_meta":{"recordId":${recordIdJson},"arrivedAt":${arrivedAt === null ? "null" : `"${arrivedAt}"`}` +
            `,"processedAt":${batch.processedAtJson},"schemaVersion":${this.schema.versionJson}` +
            `${engine.piiHashed ? PII_HASHED : ""}}}\n`;
        return at + target.write(meta, at, "utf8");
    }
}

/** Absent means undefined, null, or a string of whitespace only. */
function isAbsent(value: unknown): boolean {
    if (value === undefined || value === null) return true;
    if (typeof value !== "string") return false;
    if (value.length === 0) return true;
    const first = value.charCodeAt(0);
    if (first > 32 && first < 127) return false; // common fast path: printable ASCII start
    return value.trim().length === 0;
}

/** The record type is named by `entity`, or by `type` when `entity` is absent. */
function typeNamesEntity(input: Record<string, unknown>): boolean {
    return input.entity === undefined || input.entity === null;
}

function selectSchema(engine: Engine, input: Record<string, unknown>): CompiledSchema {
    const raw = typeNamesEntity(input) ? input.type : input.entity;
    if (typeof raw === "string") {
        const schema = engine.schemas.get(raw) ?? engine.schemas.get(raw.trim().toLowerCase());
        if (schema !== undefined) return schema;
    }
    return reject("unknown-entity", "entity", "missing or unknown record type");
}

/** Batches come from few sources: remember recent normalisations. */
const SOURCE_CACHE_SIZE = 256;
const sourceCache = new Map<string, string>();

function normaliseSource(raw: unknown): string {
    if (typeof raw !== "string") return reject("invalid-source", "source", "missing, or not [a-z0-9_-]{1,64}");
    const cached = sourceCache.get(raw);
    if (cached !== undefined) return cached;
    const source = raw.trim().toLowerCase();
    if (!SOURCE_PATTERN.test(source)) reject("invalid-source", "source", "missing, or not [a-z0-9_-]{1,64}");
    if (sourceCache.size >= SOURCE_CACHE_SIZE) sourceCache.clear();
    sourceCache.set(raw, source);
    return source;
}

function providedEventId(raw: unknown): string | undefined {
    if (isAbsent(raw)) return undefined;
    const id = Number.isSafeInteger(raw) ? String(raw) : typeof raw === "string" ? raw.trim() : "";
    if (!EVENT_ID_PATTERN.test(id)) reject("invalid-event-id", "eventId", "not 1-128 printable ASCII characters");
    return id;
}

/**
 * One part of the event id input. Parts are joined with "\n"; a string that
 * contains a newline or starts with a double quote is JSON-quoted, so no
 * two different keys can produce the same text. Absent values are empty
 * (present strings are never empty: blank means absent).
 */
function keyPart(value: unknown): string {
    if (typeof value === "string") {
        return value.charCodeAt(0) === 34 /* " */ || value.includes("\n") ? JSON.stringify(value) : value;
    }
    return value === undefined ? "" : String(value);
}

/**
 * Input of the deterministic event id: entity, source, natural key and
 * event time, all in normalised form (free-form JSON canonicalised), one
 * part per line. The id is its hex SHA-256 (NormalisedRecord.write), so
 * retries of the same event, with fields in any order and timestamps or
 * amounts in any accepted format, get the same id. Changing this formula
 * changes every id: treat it as part of the output contract.
 */
function eventKey(
    schema: CompiledSchema,
    source: string,
    out: Readonly<Record<string, unknown>>,
    eventTime: string,
): string {
    let text = schema.eventKeyPrefix + source;
    for (const key of schema.naturalKey) {
        const value = out[key.column];
        text += `\n${keyPart(key.json ? canonicalJson(value) : value)}`;
    }
    return `${text}\n${eventTime}`;
}

/**
 * Validates and normalises one parsed record. Throws a Rejection for any
 * invalid input; the caller turns it into ProcessingFailed.
 *
 * `asciiInput` says that every string in `parsed` is ASCII (see
 * isAsciiJson); normalisers map ASCII to ASCII, so the output is ASCII too
 * and its UTF-8 size is its length. `recordIdBytes` is the JSON size of the
 * record id (quotes included).
 */
export function normaliseRecord(
    engine: Engine,
    batch: BatchContext,
    parsed: unknown,
    asciiInput: boolean,
    recordIdBytes: number,
    approximateArrivalTimestamp: unknown,
): NormalisedRecord {
    if (!isPlainRecord(parsed)) return reject("not-an-object", undefined, "payload must be a JSON object");
    const input = parsed;
    const schema = selectSchema(engine, input);
    const source = normaliseSource(input.source);
    const eventId = providedEventId(input.eventId);

    const out: Record<string, unknown> = { ...schema.template };
    out.entity = schema.entity;
    out.source = source;
    for (const field of schema.fields) {
        const value = input[field.key];
        if (isAbsent(value)) {
            if (field.required) reject("missing-field", field.key, "required field is missing");
            continue;
        }
        out[field.column] = field.normalise(value, input);
    }

    let extra: Record<string, unknown> | undefined;
    const skipType = typeNamesEntity(input);
    // for-in allocates no key array; JSON.parse objects inherit no enumerable keys.
    for (const key in input) {
        if (schema.known.has(key) || (skipType && key === "type")) continue;
        if (isForbiddenKey(key)) reject("forbidden-key", key, "prototype-pollution key");
        checkJsonTree(input[key], 2, engine.maxDepth, key);
        // A plain object is safe here: the keys that could reach its prototype
        // were rejected above.
        extra ??= {};
        extra[key] = input[key];
    }
    if (extra !== undefined) out._extra = extra;

    let eventTime = "";
    for (const column of schema.eventTime) {
        const value = out[column];
        if (typeof value === "string") {
            eventTime = value;
            break;
        }
    }
    const eventIdJson = eventId === undefined ? undefined : jsonString(eventId);
    const body = JSON.stringify(out);
    const bytes =
        DOCUMENT_FIXED_BYTES +
        (eventIdJson === undefined ? COMPUTED_EVENT_ID_BYTES : eventIdJson.length) + // printable ASCII
        (asciiInput ? body.length : Buffer.byteLength(body, "utf8")) -
        2 + // the body's braces
        META_FIXED_BYTES +
        recordIdBytes +
        arrivedAtBytes(approximateArrivalTimestamp) +
        batch.processedAtBytes +
        schema.versionJson.length +
        (engine.piiHashed ? PII_HASHED.length : 0);
    return new NormalisedRecord(body, bytes, eventIdJson, out, eventTime, schema, source, eventTime.slice(0, 10));
}
