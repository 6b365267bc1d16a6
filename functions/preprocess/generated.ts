/**
 * Code generated once per record type at cold start (createEngine): the
 * straight-line function that reads, checks and normalises the schema
 * fields of a record. The generic loop it replaces read `input[field.key]`
 * and called `field.normalise` at one site for every field of every type,
 * so V8 saw every record shape and every normaliser there (megamorphic
 * loads and calls, nothing inlined). Generated, each field has its own
 * site: a load of a constant key from the record shapes of one type and a
 * call of one normaliser, which the JIT can inline. The behaviour is the
 * generic loop's, field for field and rejection for rejection
 * (`generated.test.ts` compares both on random records).
 *
 * Only schema keys and columns (from schemas.ts, not from records) reach
 * the generated text, and only as JSON string literals.
 */
import type { CompiledField } from "./fields";
import { reject } from "./failures";
import { checkJsonTree } from "./json-guard";

/**
 * Normalises the schema fields of `input` into `out` (by column) and
 * returns the JSON length checkJsonTree computed for `copied` (NaN when it
 * is absent or there is none). Rejects as the first failing field does.
 */
export type FieldFiller = (input: Readonly<Record<string, unknown>>, out: Record<string, unknown>) => number;

/** Absent means undefined, null, or a string of whitespace only. */
export function isAbsent(value: unknown): boolean {
    if (value === undefined || value === null) return true;
    if (typeof value !== "string") return false;
    if (value.length === 0) return true;
    const first = value.charCodeAt(0);
    if (first > 32 && first < 127) return false; // common fast path: printable ASCII start
    return value.trim().length === 0;
}

/**
 * The generic form of the generated filler, field by field: the reference
 * the generated code is tested against, and what it must keep doing.
 */
export function fillFields(
    fields: readonly CompiledField[],
    copied: CompiledField | undefined,
    maxDepth: number,
    input: Readonly<Record<string, unknown>>,
    out: Record<string, unknown>,
): number {
    let copiedLength = Number.NaN;
    for (const field of fields) {
        const value = input[field.key];
        if (isAbsent(value)) {
            if (field.required) reject("missing-field", field.key, "required field is missing");
            continue;
        }
        if (field === copied) {
            // The json kind's normalisation (fields.ts), keeping the length.
            copiedLength = checkJsonTree(value, 2, maxDepth, field.key);
            out[field.column] = value;
        } else {
            out[field.column] = field.normalise(value, input);
        }
    }
    return copiedLength;
}

/** Generates fillFields for one record type (see above). */
export function generateFiller(
    fields: readonly CompiledField[],
    copied: CompiledField | undefined,
    maxDepth: number,
): FieldFiller {
    const lines: string[] = ['"use strict";', "let copiedLength = NaN;", "let value;"];
    fields.forEach((field, i) => {
        const key = JSON.stringify(field.key);
        const column = JSON.stringify(field.column);
        lines.push(`value = input[${key}];`);
        lines.push("if (isAbsent(value)) {");
        if (field.required) lines.push(`    reject("missing-field", ${key}, "required field is missing");`);
        lines.push("} else {");
        if (field === copied) {
            lines.push(`    copiedLength = checkJsonTree(value, 2, maxDepth, ${key});`);
            lines.push(`    out[${column}] = value;`);
        } else {
            lines.push(`    out[${column}] = normalise${i}(value, input);`);
        }
        lines.push("}");
    });
    lines.push("return copiedLength;");
    const normalisers = fields.map((_, i) => `normalise${i}`);
    const factory = new Function(
        "isAbsent",
        "reject",
        "checkJsonTree",
        "maxDepth",
        ...normalisers,
        `return function fill(input, out) {\n${lines.join("\n")}\n};`,
    ) as (...dependencies: unknown[]) => FieldFiller;
    return factory(isAbsent, reject, checkJsonTree, maxDepth, ...fields.map((field) => field.normalise));
}

/**
 * The natural key columns of one record type, in the event id's text (see
 * eventKey in normalise.ts): `"\n" + part(out[column])` for each, joined.
 * Generated for the same reason as the fillers: each column is then a load
 * of a constant key from the normalised records of one type, where a loop
 * over the columns made one load site see every type and column.
 */
export type KeyPartsBuilder = (out: Readonly<Record<string, unknown>>) => string;

export function generateKeyParts(
    columns: readonly { readonly column: string; readonly json: boolean }[],
    part: (value: unknown) => string,
    canonicalJson: (value: unknown) => string,
): KeyPartsBuilder {
    const terms = columns.map(({ column, json }) => {
        const value = `out[${JSON.stringify(column)}]`;
        return `"\\n" + part(${json ? `canonicalJson(${value})` : value})`;
    });
    const factory = new Function(
        "part",
        "canonicalJson",
        `"use strict";\nreturn function keyParts(out) {\nreturn ${terms.length > 0 ? terms.join(" + ") : '""'};\n};`,
    ) as (...dependencies: unknown[]) => KeyPartsBuilder;
    return factory(part, canonicalJson);
}

/**
 * The event time of a normalised record of one record type: the first of
 * its event time columns that holds a string, else "". Generated like
 * generateKeyParts.
 */
export type EventTimeSelector = (out: Readonly<Record<string, unknown>>) => string;

export function generateEventTime(columns: readonly string[]): EventTimeSelector {
    const lines = columns.map((column) => {
        const key = JSON.stringify(column);
        return `if (typeof out[${key}] === "string") return out[${key}];`;
    });
    return new Function(
        `"use strict";\nreturn function eventTime(out) {\n${lines.join("\n")}\nreturn "";\n};`,
    )() as EventTimeSelector;
}
