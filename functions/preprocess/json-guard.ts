import { reject } from "./failures";

/**
 * Keys that can reach `Object.prototype` when a JSON document is later
 * merged into an object with plain assignment (the classic prototype
 * pollution gadget). `JSON.parse` itself stores them as harmless own
 * properties, but downstream consumers of the raw zone may not be as
 * careful, so records containing them anywhere are rejected
 * (`forbidden-key`) and land in the error prefix for inspection.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** `FORBIDDEN_KEYS.has(key)`, with a length test that settles most keys. */
export function isForbiddenKey(key: string): boolean {
    const n = key.length;
    return (n === 9 || n === 11) && (key === "__proto__" || key === "prototype" || key === "constructor");
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates a free-form JSON subtree (an `api_event` payload or an unknown
 * field kept in `_extra`): nesting stays within `maxDepth` (the record itself
 * is depth 1), no forbidden key appears and every number is finite. Recursion is bounded by
 * `maxDepth`, so hostile nesting cannot exhaust the stack.
 */
export function checkJsonTree(value: unknown, depth: number, maxDepth: number, field: string): void {
    if (typeof value !== "object" || value === null) {
        // JSON.parse turns a literal like 1e400 into Infinity, which would be
        // written back as null: refuse rather than change the data.
        if (typeof value === "number" && !Number.isFinite(value)) reject("invalid-field", field, "number out of range");
        return;
    }
    if (depth > maxDepth) reject("too-deep", field, `nesting deeper than ${maxDepth}`);
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) checkJsonTree(value[i], depth + 1, maxDepth, field);
        return;
    }
    const object = value as Record<string, unknown>;
    // for-in allocates no key array; JSON.parse objects have no inherited
    // enumerable properties.
    for (const key in object) {
        if (isForbiddenKey(key)) reject("forbidden-key", field, "prototype-pollution key");
        checkJsonTree(object[key], depth + 1, maxDepth, field);
    }
}

/** JSON text of a string; skips the serializer for plain printable ASCII. */
export function jsonString(s: string): string {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c > 0x7e || c === 0x22 /* " */ || c === 0x5c /* \ */) return JSON.stringify(s);
    }
    return `"${s}"`;
}

function sortedKeys(object: object): string[] {
    const keys = Object.keys(object);
    for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1] > keys[i]) return keys.sort();
    }
    return keys;
}

/**
 * Serialises a JSON value with object keys sorted (by UTF-16 code units), so
 * logically equal documents produce identical text regardless of key order.
 * Only called on trees that passed `checkJsonTree` (bounded depth), whose
 * numbers are finite (they come from JSON.parse).
 */
export function canonicalJson(value: unknown): string {
    switch (typeof value) {
        case "string":
            return jsonString(value);
        case "number":
            return String(value);
        case "boolean":
            return value ? "true" : "false";
    }
    if (typeof value !== "object" || value === null) return "null";
    let text: string;
    if (Array.isArray(value)) {
        if (value.length === 0) return "[]";
        text = `[${canonicalJson(value[0])}`;
        for (let i = 1; i < value.length; i++) text += `,${canonicalJson(value[i])}`;
        return `${text}]`;
    }
    const object = value as Record<string, unknown>;
    const keys = sortedKeys(object);
    if (keys.length === 0) return "{}";
    text = `{${jsonString(keys[0])}:${canonicalJson(object[keys[0]])}`;
    for (let i = 1; i < keys.length; i++) text += `,${jsonString(keys[i])}:${canonicalJson(object[keys[i]])}`;
    return `${text}}`;
}
