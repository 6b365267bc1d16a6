/**
 * Request validation against the very JSON Schemas the OpenAPI document publishes (components/domain/openapi.ts):
 * a small interpreter of the draft-04 subset those schemas use (type, enum, minLength/maxLength in code points,
 * minimum/maximum, format date-time and email, properties/required/additionalProperties, anyOf), plus what
 * DynamoDB needs of free-form values (nesting depth, well-formed strings).
 *
 * The first problem found is reported as `{field, message}`, `field` naming the top-level body attribute, path or
 * query parameter at fault.
 */
import { NUMBER_LIMIT, NUMBER_MIN_MAGNITUDE } from "../../model/openapi";

export interface Issue {
    readonly field?: string;
    readonly message: string;
}

type Schema = Record<string, unknown>;

/** DynamoDB allows 32 levels of nesting; free-form values get half of that. */
export const MAX_NESTING_DEPTH = 16;

/**
 * A JSON document parsed with a note of the number literals written with a fraction or an exponent (`1.0`, `1e3`):
 * JSON Schema draft-04 does not count those as integers, JSON.parse alone cannot tell.
 */
export interface ParsedJson {
    readonly value: unknown;
    /** Whether `holder[key]` was written as an integer literal. */
    isIntegerLiteral(holder: object, key: string): boolean;
}

interface ReviverContext {
    source?: string;
}

export function parseJson(text: string): ParsedJson {
    const nonInteger = new WeakMap<object, Set<string>>();
    const value: unknown = JSON.parse(text, function (
        this: object,
        key: string,
        val: unknown,
        context?: ReviverContext,
    ) {
        if (typeof val === "number" && context?.source !== undefined && /[.eE]/.test(context.source)) {
            let keys = nonInteger.get(this);
            if (keys === undefined) {
                keys = new Set();
                nonInteger.set(this, keys);
            }
            keys.add(key);
        }
        return val;
    } as (this: unknown, key: string, value: unknown) => unknown);
    return { value, isIntegerLiteral: (holder, key) => !(nonInteger.get(holder)?.has(key) ?? false) };
}

/** Length in Unicode code points, as JSON Schema counts it. */
export function codePointLength(text: string): number {
    let n = 0;
    for (const _ of text) n++;
    return n;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** RFC 3339 `date-time`, with real calendar dates. */
export function isDateTime(text: string): boolean {
    const m = DATE_TIME.exec(text);
    if (!m) return false;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (day > days) return false;
    if (m[8] !== undefined && m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false;
    return true;
}

export function isEmail(text: string): boolean {
    return EMAIL.test(text);
}

function typeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    return typeof value;
}

/** Free-form JSON: nesting depth and well-formed strings (keys included). */
function freeFormIssue(value: unknown, depth: number): string | undefined {
    if (typeof value === "string") return value.isWellFormed() ? undefined : "contains an unpaired surrogate";
    if (typeof value === "number") {
        const magnitude = Math.abs(value);
        return Number.isFinite(value) &&
            magnitude <= NUMBER_LIMIT &&
            (magnitude === 0 || magnitude >= NUMBER_MIN_MAGNITUDE)
            ? undefined
            : `contains the number ${value}, out of the storable range (0, or a magnitude from 1e-130 to ${NUMBER_LIMIT})`;
    }
    if (typeof value !== "object" || value === null) return undefined;
    if (depth >= MAX_NESTING_DEPTH) return `is nested deeper than ${MAX_NESTING_DEPTH} levels`;
    const entries = Array.isArray(value) ? value.map((v) => ["", v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
        if (!key.isWellFormed()) return "contains a key with an unpaired surrogate";
        const issue = freeFormIssue(child, depth + 1);
        if (issue) return issue;
    }
    return undefined;
}

export interface ValueContext {
    /** The object holding the value and its key, to tell integer literals (body values only). */
    readonly holder?: object;
    readonly key?: string;
    readonly parsed?: ParsedJson;
}

/** The first way `value` fails `schema`, as a message about "the value" (without the field name). */
export function valueIssue(schema: Schema, value: unknown, ctx: ValueContext = {}): string | undefined {
    const type = schema.type as string | undefined;
    switch (type) {
        case "string":
            if (typeof value !== "string") return `must be a string, got ${typeName(value)}`;
            if (!value.isWellFormed()) return "must be a well-formed Unicode string";
            break;
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value))
                return `must be an integer, got ${typeName(value)}`;
            if (
                ctx.parsed &&
                ctx.holder &&
                ctx.key !== undefined &&
                !ctx.parsed.isIntegerLiteral(ctx.holder, ctx.key)
            ) {
                return "must be an integer (written without a fraction or exponent)";
            }
            break;
        case "number":
            if (typeof value !== "number") return `must be a number, got ${typeName(value)}`;
            if (!Number.isFinite(value)) return "must be a finite number";
            break;
        case "boolean":
            if (typeof value !== "boolean") return `must be a boolean, got ${typeName(value)}`;
            break;
        case "object":
            if (typeof value !== "object" || value === null || Array.isArray(value))
                return `must be an object, got ${typeName(value)}`;
            break;
        case "array":
            if (!Array.isArray(value)) return `must be an array, got ${typeName(value)}`;
            break;
        case undefined:
            break;
        default:
            return `has an unsupported schema type ${type}`;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => allowed === value)) {
        return `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
    }
    if (typeof value === "string") {
        const length = schema.minLength !== undefined || schema.maxLength !== undefined ? codePointLength(value) : 0;
        if (typeof schema.minLength === "number" && length < schema.minLength) {
            return schema.minLength === 1
                ? "must not be empty"
                : `must be at least ${schema.minLength} characters long`;
        }
        if (typeof schema.maxLength === "number" && length > schema.maxLength)
            return `must be at most ${schema.maxLength} characters long`;
        if (schema.format === "date-time" && !isDateTime(value))
            return "must be an RFC 3339 date-time, e.g. 2024-01-31T12:00:00Z";
        if (schema.format === "email" && !isEmail(value)) return "must be an email address";
    }
    if (typeof value === "number") {
        if (
            typeof schema.minimum === "number" &&
            (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum)
        ) {
            return `must be ${schema.exclusiveMinimum === true ? "greater than" : "at least"} ${schema.minimum}`;
        }
        if (
            typeof schema.maximum === "number" &&
            (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum)
        ) {
            return `must be ${schema.exclusiveMaximum === true ? "less than" : "at most"} ${schema.maximum}`;
        }
    }
    if (
        Array.isArray(schema.anyOf) &&
        !schema.anyOf.some((branch) => valueIssue(branch as Schema, value, ctx) === undefined)
    ) {
        return type === "number"
            ? "must be 0 or of a magnitude of at least 1e-130"
            : "matches none of the allowed forms";
    }
    if ((type === "object" || type === "array") && schema.properties === undefined) {
        return freeFormIssue(value, 0);
    }
    return undefined;
}

/** The first problem of a JSON object body against an object schema (`properties`, `required`, `additionalProperties`). */
export function objectIssue(schema: Schema, body: unknown, parsed?: ParsedJson): Issue | undefined {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return { message: `the request body must be a JSON object, got ${typeName(body)}` };
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const record = body as Record<string, unknown>;
    if (schema.additionalProperties === false) {
        for (const key of Object.keys(record)) {
            if (!Object.hasOwn(properties, key)) {
                return {
                    field: key,
                    message: `${JSON.stringify(key)} is not an attribute of this request (allowed: ${Object.keys(properties).join(", ")})`,
                };
            }
        }
    }
    for (const key of (schema.required ?? []) as string[]) {
        if (!Object.hasOwn(record, key)) return { field: key, message: `${key} is required` };
    }
    for (const [key, propertySchema] of Object.entries(properties)) {
        if (!Object.hasOwn(record, key)) continue;
        const issue = valueIssue(propertySchema, record[key], { holder: record, key, parsed });
        if (issue) return { field: key, message: `${key} ${issue}` };
    }
    return undefined;
}

/** Parses a query-string integer written canonically (`0`, `-3`, `42`; not `05`, `+1`, `1.0`). */
export function parseIntegerParameter(raw: string): number | undefined {
    if (!/^(0|-?[1-9]\d{0,15})$/.test(raw)) return undefined;
    const value = Number(raw);
    return Number.isSafeInteger(value) ? value : undefined;
}
