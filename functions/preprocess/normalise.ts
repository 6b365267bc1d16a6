/**
 * The generic normalisation engine: compiles the declarative schemas once at
 * cold start (`createEngine`) and applies them to parsed records
 * (`normaliseRecord`).
 */
import { hash } from "node:crypto";
import { compileField, type CompiledField, type FieldOptions } from "./fields";
import { reject } from "./failures";
import { canonicalJson, checkJsonTree, isForbiddenKey, isPlainRecord } from "./json-guard";
import { SCHEMAS, type RecordSchema } from "./schemas";
import { formatTimestamp } from "./timestamp";

/** Maximum JSON nesting of a record (the record object itself is depth 1). */
export const DEFAULT_MAX_DEPTH = 32;

/** Source names become S3 prefixes (partition key), so they are restricted. */
const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Top-level keys describing the record rather than the business event. */
const ENVELOPE_KEYS = ["entity", "source", "eventId"] as const;

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
   * Every output key in output order, all undefined. Records start as a
   * spread copy of it, so they share one hidden class and filling them in
   * never adds properties; JSON.stringify omits the keys left undefined.
   */
  readonly template: Readonly<Record<string, undefined>>;
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
      ["eventId", "entity", "source", ...fields.map((f) => f.column), "_extra", "_meta"].map((key) => [key, undefined]),
    ),
    naturalKey: schema.naturalKey.map((key) => ({ column: column(key).column, json: column(key).kind === "json" })),
    eventTime: schema.eventTime.map((key) => column(key).column),
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

export interface NormalisedRecord {
  /** The output document, without the trailing newline. */
  readonly json: string;
  readonly source: string;
  readonly entity: string;
  /** `YYYY-MM-DD` of the event time (UTC). */
  readonly eventDate: string;
}

/** What all records of one batch share. */
export interface BatchContext {
  /** Written to every record's `_meta.processedAt`. */
  readonly processedAt: string;
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
 * Deterministic event id: hex SHA-256 of entity, source, natural key and
 * event time, all in normalised form (free-form JSON canonicalised), one
 * part per line. Retries of the same event, with fields in any order and
 * timestamps or amounts in any accepted format, get the same id. Changing
 * this formula changes every id: treat it as part of the output contract.
 */
function computeEventId(
  schema: CompiledSchema,
  source: string,
  out: Record<string, unknown>,
  eventTime: string,
): string {
  let text = `${schema.entity}\n${source}`;
  for (const key of schema.naturalKey) {
    const value = out[key.column];
    text += `\n${keyPart(key.json ? canonicalJson(value) : value)}`;
  }
  return hash("sha256", `${text}\n${eventTime}`, "hex");
}

function formatArrival(value: unknown): string | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? formatTimestamp(value) : null;
}

/**
 * Validates and normalises one parsed record. Throws a Rejection for any
 * invalid input; the caller turns it into ProcessingFailed.
 */
export function normaliseRecord(
  engine: Engine,
  batch: BatchContext,
  parsed: unknown,
  recordId: string,
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
  out.eventId = eventId ?? computeEventId(schema, source, out, eventTime);

  const meta: Record<string, unknown> = {
    recordId,
    arrivedAt: formatArrival(approximateArrivalTimestamp),
    processedAt: batch.processedAt,
    schemaVersion: schema.version,
  };
  if (engine.piiHashed) meta.piiHashed = true;
  out._meta = meta;
  return { json: JSON.stringify(out), source, entity: schema.entity, eventDate: eventTime.slice(0, 10) };
}
