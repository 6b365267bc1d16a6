/**
 * The normalisation engine: compiles the declarative schemas once at cold
 * start (`createEngine`; each type's field filler is generated code, see
 * generated.ts) and applies them to parsed records (`normaliseRecord`).
 */
import { hash } from "node:crypto";
import { compileField, type CompiledField, type FieldOptions } from "./fields";
import { reject } from "./failures";
import {
    type EventTimeSelector,
    type FieldFiller,
    type KeyPartsBuilder,
    generateEventTime,
    generateFiller,
    generateKeyParts,
    isAbsent,
} from "./generated";
import {
    canonicalJson,
    checkJsonTree,
    hasShortExponent,
    isForbiddenKey,
    isPlainRecord,
    jsonPrimitiveLength,
    jsonString,
    mayBeIndex,
    resetRoundIntegers,
} from "./json-guard";
import { SCHEMAS, type RecordSchema } from "./schemas";
import { dateOf, formatTimestamp } from "./timestamp";
import { trim } from "./trim";
import { writeLatin1, writeUtf8 } from "./writers";

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
    /**
     * The keys of the last records of this type by position, and whether
     * each is in `known` (see isKnownKey).
     */
    readonly recentKeys: string[];
    readonly recentKnown: boolean[];
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
    /** The natural key's lines of the event id input (generated.ts). */
    readonly keyParts: KeyPartsBuilder;
    /** Selects the event time from `eventTime` (generated.ts). */
    readonly selectEventTime: EventTimeSelector;
    /** `version` as JSON text (`_meta.schemaVersion`). */
    readonly versionJson: string;
    /**
     * The last field when it is free-form JSON (not hashed): emitted last,
     * so its value can be copied from the record's text (see normaliseRecord).
     */
    readonly copiedField: CompiledField | undefined;
    /** `,"<column>":` of copiedField, as UTF-8. */
    readonly copiedFieldPrefix: Buffer;
    /** Normalises the schema fields of a record (generated.ts). */
    readonly fill: FieldFiller;
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
        // normaliseRecord relies on records enumerating schema keys in text order.
        if (mayBeIndex(field.key)) throw new Error(`schema ${entity}: field ${field.key} starts with a digit`);
    }
    for (const key of schema.eventTime) {
        if (column(key).kind !== "timestamp") throw new Error(`schema ${entity}: event time ${key} is not a timestamp`);
    }
    if (!schema.eventTime.some((key) => column(key).required)) {
        throw new Error(`schema ${entity}: one event time field must be required`);
    }
    const naturalKey = schema.naturalKey.map((key) => ({
        column: column(key).column,
        json: column(key).kind === "json",
    }));
    const eventTime = schema.eventTime.map((key) => column(key).column);
    const last = fields[fields.length - 1];
    const copied = last?.kind === "json" && !last.hashed ? last : undefined;
    return {
        entity,
        version: schema.version,
        fields,
        known: new Set<string>([...ENVELOPE_KEYS, ...byKey.keys()]),
        recentKeys: [],
        recentKnown: [],
        template: Object.fromEntries(
            ["entity", "source", ...fields.map((f) => f.column), "_extra"].map((key) => [key, undefined]),
        ),
        naturalKey,
        eventTime,
        eventKeyPrefix: `${entity}\n`,
        keyParts: generateKeyParts(naturalKey, keyPart, canonicalJson),
        selectEventTime: generateEventTime(eventTime),
        versionJson: JSON.stringify(schema.version),
        copiedField: copied,
        copiedFieldPrefix: Buffer.from(copied === undefined ? "" : `,${jsonString(copied.column)}:`, "utf8"),
        fill: generateFiller(fields, copied, options.maxDepth),
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
    /** The end of `_meta` per schema (see metaTail), built on first use. */
    readonly metaTails: Map<CompiledSchema, Buffer>;
}

export function createBatchContext(processedAt: string): BatchContext {
    const processedAtJson = jsonString(processedAt);
    return {
        processedAt,
        processedAtJson,
        processedAtBytes: Buffer.byteLength(processedAtJson, "utf8"),
        metaTails: new Map(),
    };
}

function isArrival(value: unknown): value is number {
    return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** formatTimestamp yields 24 characters up to year 9999. */
const FOUR_DIGIT_YEARS_BELOW_MS = Date.UTC(10_000, 0, 1);

/** JSON size of `_meta.arrivedAt`, without formatting it in the common case. */
function arrivedAtBytes(value: unknown): number {
    if (!isArrival(value)) return 4; // null
    return value < FOUR_DIGIT_YEARS_BELOW_MS ? 26 : formatTimestamp(value).length + 2;
}

// The output document's fixed text (see NormalisedRecord.write) and its size.
/** `{"eventId":` + `,` + `,"_meta":` + `}` (the body's own braces are dropped). */
const DOCUMENT_FIXED_BYTES = '{"eventId":,,"_meta":}'.length;
const META_FIXED_BYTES = '{"recordId":,"arrivedAt":,"processedAt":,"schemaVersion":}'.length;
const PII_HASHED = ',"piiHashed":true';
/** A computed event id: 64 hex digits in quotes. */
const COMPUTED_EVENT_ID_BYTES = 66;
const EVENT_ID_KEY = Buffer.from('{"eventId":', "latin1");
/** Replaces the body's closing brace (or follows the text copied after the body). */
const META_RECORD_ID_KEY = Buffer.from(',"_meta":{"recordId":', "latin1");
const ARRIVED_AT_NULL = Buffer.from(',"arrivedAt":null', "latin1");
const EXTRA_KEY = Buffer.from(',"_extra":{', "latin1");
/** Text `_extra` adds around its members. */
const EXTRA_FIXED_BYTES = EXTRA_KEY.length + 1;
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSING_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const LETTER_Z = 0x5a;

/**
 * The end of `_meta` after `arrivedAt`, the same for every record of a
 * schema in a batch: `,"processedAt":…,"schemaVersion":…[,"piiHashed":true]}}`
 * and the newline that ends the document, as UTF-8.
 */
function metaTail(engine: Engine, batch: BatchContext, schema: CompiledSchema): Buffer {
    let tail = batch.metaTails.get(schema);
    if (tail === undefined) {
        const text = `,"processedAt":${batch.processedAtJson},"schemaVersion":${schema.versionJson}`;
        tail = Buffer.from(`${text}${engine.piiHashed ? PII_HASHED : ""}}}\n`, "utf8");
        batch.metaTails.set(schema, tail);
    }
    return tail;
}

/** `,"arrivedAt":"YYYY-MM-DDTHH:mm:ss.` of the arrival second last written (arrival times of a batch are close). */
let arrivalSecond = Number.NaN;
const arrivalPrefix = Buffer.alloc(',"arrivedAt":"YYYY-MM-DDTHH:mm:ss.'.length);

/** Writes `,"arrivedAt":` and its JSON value (see arrivedAtBytes) at `at`; returns where it ends. */
function writeArrival(target: Buffer, at: number, value: unknown): number {
    if (!isArrival(value)) {
        target.set(ARRIVED_AT_NULL, at);
        return at + ARRIVED_AT_NULL.length;
    }
    if (value >= FOUR_DIGIT_YEARS_BELOW_MS) {
        return at + target.write(`,"arrivedAt":"${formatTimestamp(value)}"`, at, "latin1");
    }
    const second = Math.floor(value / 1000);
    if (second !== arrivalSecond) {
        arrivalPrefix.write(`,"arrivedAt":"${formatTimestamp(second * 1000)}`, 0, arrivalPrefix.length, "latin1");
        arrivalSecond = second;
    }
    target.set(arrivalPrefix, at);
    at += arrivalPrefix.length;
    const millis = value - second * 1000;
    target[at] = DIGIT_0 + Math.floor(millis / 100);
    target[at + 1] = DIGIT_0 + (Math.floor(millis / 10) % 10);
    target[at + 2] = DIGIT_0 + (millis % 10);
    target[at + 3] = LETTER_Z;
    target[at + 4] = QUOTE;
    return at + 5;
}

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
        /** `JSON.stringify(out)`: entity, source, the schema fields and `_extra`, unless copied (below). */
        readonly body: string,
        /** The copied field's value, copied from the record's text (or ""), written after the body's members. */
        readonly copiedValue: string,
        /** The members of `_extra`, copied from the record's text (or ""), written last. */
        readonly extraMembers: string,
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
        /**
         * How the text copied from the record is written: "latin1" when the
         * record's text is ASCII (one byte per character), else "utf8".
         */
        private readonly encoding: "latin1" | "utf8",
    ) {}

    get entity(): string {
        return this.schema.entity;
    }

    /**
     * Writes the output document and a newline as UTF-8 to `target` at
     * `offset` and returns where they end (`offset + bytes + 1` unless a
     * size was mis-measured, which the caller checks). The document is
     * `JSON.stringify({eventId, ...JSON.parse(body), copied field, _extra, _meta})`, written in
     * pieces, the fixed ones copied from buffers, so that no string of the
     * document or of `_meta` is built.
     */
    write(
        target: Buffer,
        offset: number,
        engine: Engine,
        batch: BatchContext,
        recordId: string,
        recordIdBytes: number,
        approximateArrivalTimestamp: unknown,
    ): number {
        const latin1 = this.encoding === "latin1";
        target.set(EVENT_ID_KEY, offset);
        let at = offset + EVENT_ID_KEY.length;
        if (this.eventIdJson === undefined) {
            target[at++] = QUOTE;
            const key = eventKey(this.schema, this.source, this.out, this.eventTime);
            at += writeLatin1(target, hash("sha256", key, "hex"), at);
            target[at++] = QUOTE;
        } else {
            at += writeLatin1(target, this.eventIdJson, at); // printable ASCII
        }
        const bodyAt = at;
        // Normalised values are written as UTF-8 whatever the input: were one
        // of them not ASCII, its document would be longer than measured.
        at += writeUtf8(target, this.body, at) - 1; // without the body's "}"
        target[bodyAt] = COMMA; // was the body's "{"
        if (this.copiedValue.length > 0) {
            const prefix = this.schema.copiedFieldPrefix;
            target.set(prefix, at);
            at += prefix.length;
            at += (latin1 ? writeLatin1 : writeUtf8)(target, this.copiedValue, at);
        }
        if (this.extraMembers.length > 0) {
            target.set(EXTRA_KEY, at);
            at += EXTRA_KEY.length;
            at += (latin1 ? writeLatin1 : writeUtf8)(target, this.extraMembers, at);
            target[at++] = CLOSING_BRACE;
        }
        target.set(META_RECORD_ID_KEY, at);
        at += META_RECORD_ID_KEY.length;
        if (recordIdBytes === recordId.length + 2) {
            // As many bytes as characters plus quotes: nothing to escape, all ASCII.
            target[at++] = QUOTE;
            at += writeLatin1(target, recordId, at);
            target[at++] = QUOTE;
        } else {
            at += writeUtf8(target, JSON.stringify(recordId), at);
        }
        at = writeArrival(target, at, approximateArrivalTimestamp);
        const tail = metaTail(engine, batch, this.schema);
        target.set(tail, at);
        return at + tail.length;
    }
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
    const id = Number.isSafeInteger(raw) ? String(raw) : typeof raw === "string" ? trim(raw) : "";
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
    // schema.keyParts(out) is, for each natural key column, `\n${keyPart(value, canonicalised if json)}`.
    return `${schema.eventKeyPrefix}${source}${schema.keyParts(out)}\n${eventTime}`;
}

/**
 * UTF-8 size of copied text as written: the copied field's value after
 * its key (`schema`), or `_extra`'s members inside `,"_extra":{…}`; 0 for "".
 */
function copiedTextBytes(copied: string, schema: CompiledSchema | undefined, ascii: boolean): number {
    if (copied.length === 0) return 0;
    const fixed = schema === undefined ? EXTRA_FIXED_BYTES : schema.copiedFieldPrefix.length;
    return fixed + (ascii ? copied.length : Buffer.byteLength(copied, "utf8"));
}

/**
 * `schema.known.has(key)` for the `index`th key of a record. Records of a
 * type mostly list the same keys in the same order, so the answer for the
 * key last seen at that position is reused when the key is the same (its
 * keys come from JSON.parse, which shares one string per key name, so this
 * is mostly a pointer comparison instead of a hash lookup).
 */
function isKnownKey(schema: CompiledSchema, index: number, key: string): boolean {
    const keys = schema.recentKeys;
    if (keys[index] === key) return schema.recentKnown[index];
    const known = schema.known.has(key);
    keys[index] = key;
    schema.recentKnown[index] = known;
    return known;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where each run of `_extra` members starts and ends in the record's text (reused). */
const runStarts: number[] = [];
const runEnds: number[] = [];

/**
 * Validates and normalises one parsed record. Throws a Rejection for any
 * invalid input; the caller turns it into ProcessingFailed.
 *
 * `text` is the JSON text `parsed` came from, the UTF-8 decoding of
 * `textBytes` bytes. `recordIdBytes` is the JSON size of the record id
 * (quotes included).
 *
 * When every string in `parsed` is ASCII (one character per byte of text,
 * so no multi-byte sequence or BOM, and no `\u` escape), the output is
 * ASCII too (normalisers map ASCII to ASCII) and its UTF-8 size is its
 * length.
 *
 * `_extra` and a free-form last field (the `api_event` payload) are
 * emitted unchanged. When `text` is byte for byte JSON.stringify(parsed),
 * their members are copied from it rather than serialised again: the text
 * has no backslash, no short exponent spelling of a number (see
 * json-guard.ts) and is exactly as long as the canonical text, computed
 * member by member (checkJsonTree, jsonPrimitiveLength); as every token of
 * such a text is at least as long as its canonical form, any other
 * spelling, whitespace or duplicate key would make it longer. Compact
 * output of JSON.stringify, what producers usually send, passes; anything
 * else is serialised.
 */
export function normaliseRecord(
    engine: Engine,
    batch: BatchContext,
    parsed: unknown,
    text: string,
    textBytes: number,
    recordIdBytes: number,
    approximateArrivalTimestamp: unknown,
): NormalisedRecord {
    if (!isPlainRecord(parsed)) return reject("not-an-object", undefined, "payload must be a JSON object");
    const escapes = text.includes("\\");
    const asciiInput = text.length === textBytes && !(escapes && text.includes("\\u"));
    const input = parsed;
    const schema = selectSchema(engine, input);
    const source = normaliseSource(input.source);
    const eventId = providedEventId(input.eventId);

    const out: Record<string, unknown> = { ...schema.template };
    out.entity = schema.entity;
    out.source = source;
    resetRoundIntegers();
    const copied = schema.copiedField;
    const copiedLength = schema.fill(input, out);
    const copiedKey = copied === undefined || out[copied.column] === undefined ? undefined : copied.key;

    const skipType = typeNamesEntity(input);
    // Where each member would start in `text`, if it were the canonical text,
    // counted from the opening brace.
    let at = 1;
    let copiedStart = 0;
    let copiedEnd = 0;
    let runs = 0;
    let extras = 0;
    let previousExtra = false;
    let index = 0;
    // for-in allocates no key array; JSON.parse objects inherit no enumerable keys.
    for (const key in input) {
        const value = input[key];
        const start = at;
        // Each member is "key": (no key of a schema may be an array index), its
        // value, and a comma or "}".
        if (isKnownKey(schema, index++, key) || (skipType && key === "type")) {
            if (key === copiedKey) {
                at += key.length + 4 + copiedLength;
                copiedStart = start + key.length + 3;
                copiedEnd = at - 1;
            } else {
                at += key.length + 4 + jsonPrimitiveLength(value, false);
            }
            previousExtra = false;
            continue;
        }
        if (isForbiddenKey(key)) reject("forbidden-key", key, "prototype-pollution key");
        at += (mayBeIndex(key) ? Number.NaN : key.length + 4) + checkJsonTree(value, 2, engine.maxDepth, key);
        if (previousExtra) {
            runEnds[runs - 1] = at - 1;
        } else {
            runStarts[runs] = start;
            runEnds[runs] = at - 1;
            runs++;
        }
        extras++;
        previousExtra = true;
    }
    let copiesText = false;
    let textStart = 0;
    if (extras > 0 || copiedKey !== undefined) {
        while (isJsonSpace(text.charCodeAt(textStart))) textStart++;
        let textEnd = text.length;
        while (isJsonSpace(text.charCodeAt(textEnd - 1))) textEnd--;
        copiesText = textStart + at === textEnd && !escapes && !hasShortExponent(text);
    }

    let copiedValue = "";
    let extraMembers = "";
    if (copiesText) {
        if (copiedKey !== undefined) copiedValue = text.slice(textStart + copiedStart, textStart + copiedEnd);
        if (extras > 0) {
            extraMembers = text.slice(textStart + runStarts[0], textStart + runEnds[0]);
            for (let r = 1; r < runs; r++)
                extraMembers += `,${text.slice(textStart + runStarts[r], textStart + runEnds[r])}`;
        }
    } else if (extras > 0) {
        // A plain object is safe here: the keys that could reach its prototype
        // were rejected above.
        const extra: Record<string, unknown> = {};
        for (const key in input) {
            if (!(schema.known.has(key) || (skipType && key === "type"))) extra[key] = input[key];
        }
        out._extra = extra;
    }

    const eventTime = schema.selectEventTime(out);
    const eventIdJson = eventId === undefined ? undefined : jsonString(eventId);
    let body: string;
    if (copiesText && copiedKey !== undefined) {
        // Left out of the body (it is copied), kept in `out` for the event id.
        const column = (copied as CompiledField).column;
        const value = out[column];
        out[column] = undefined;
        body = JSON.stringify(out);
        out[column] = value;
    } else {
        body = JSON.stringify(out);
    }
    const bytes =
        DOCUMENT_FIXED_BYTES +
        (eventIdJson === undefined ? COMPUTED_EVENT_ID_BYTES : eventIdJson.length) + // printable ASCII
        (asciiInput ? body.length : Buffer.byteLength(body, "utf8")) -
        2 + // the body's braces
        copiedTextBytes(copiedValue, schema, asciiInput) +
        copiedTextBytes(extraMembers, undefined, asciiInput) +
        META_FIXED_BYTES +
        recordIdBytes +
        arrivedAtBytes(approximateArrivalTimestamp) +
        batch.processedAtBytes +
        schema.versionJson.length +
        (engine.piiHashed ? PII_HASHED.length : 0);
    return new NormalisedRecord(
        body,
        copiedValue,
        extraMembers,
        bytes,
        eventIdJson,
        out,
        eventTime,
        schema,
        source,
        dateOf(eventTime),
        asciiInput ? "latin1" : "utf8",
    );
}
