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

/*
 * Source text reuse. A value emitted unchanged (`_extra`, an `api_event`
 * payload) can be copied from the record's text instead of serialised
 * again, when that text is exactly what JSON.stringify would write. The
 * walks below return the length JSON.stringify would give a value whose
 * strings need no escaping, or NaN when that cannot prove the text right
 * (normalise.ts checks that the whole text has no backslash, so that no
 * string has an escape, and is exactly as long as computed).
 *
 * Why that proves it: without escapes every string token is what
 * JSON.stringify writes. A number token is at least as long as
 * JSON.stringify's, and equal only if identical, except for the
 * spellings below, so whitespace, duplicate keys (the text has more
 * members than the object) and longer spellings all make the text longer:
 * a text exactly as long as the canonical one has its layout, member for
 * member. The exceptions:
 *  - integers from 2^53 and numbers of 16 or more significant digits,
 *    where two spellings of one double can have the same length: refused;
 *  - numbers below 0.1 ("0.05" and "5e-2" have one length): refused;
 *  - integers ending in zeros, which have exponent spellings: "2e2" is as
 *    long as "200" (harmless to the layout, but must not be copied), "1e3"
 *    is shorter than "1000" (could make up for a space elsewhere), "1.2e4"
 *    as long as "12000". Those ending in "000" anywhere and in "00" in
 *    copied values are noted in `roundIntegers`, for the text to be
 *    searched for these spellings (hasShortExponent); four zeros or more
 *    are refused.
 */

/** Largest magnitude below which every integer is exact (2^53). */
const EXACT_INTEGERS_BELOW = 2 ** 53;

/**
 * Integers ending in "000" (or "00" in copied values) seen by the walks
 * since the last resetRoundIntegers (normaliseRecord calls it per record).
 */
const roundIntegers: number[] = [];
let roundIntegerCount = 0;

export function resetRoundIntegers(): void {
    roundIntegerCount = 0;
}

/** Decimal digits of a positive integer below 2^53. */
function digitCount(n: number): number {
    if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
    let digits = 5;
    for (let limit = 1e5; n >= limit && digits < 16; limit *= 10) digits++;
    return digits;
}

/** Length of a non-zero integer of this magnitude below 2^53, noting or refusing round ones (see above). */
function integerLength(magnitude: number, negative: boolean, copied: boolean): number {
    if (magnitude % 100 === 0 && (copied || magnitude % 1000 === 0)) {
        if (magnitude % 10_000 === 0) return Number.NaN;
        roundIntegers[roundIntegerCount++] = magnitude;
    }
    return digitCount(magnitude) + (negative ? 1 : 0);
}

/**
 * Length of JSON.stringify(n) for a finite number, or NaN unless every
 * other spelling of n is longer or is looked for (see above). `copied`:
 * whether the number's own text would be copied.
 */
export function jsonNumberLength(n: number, copied: boolean): number {
    if ((n | 0) === n) return n === 0 ? 1 : integerLength(n < 0 ? -n : n, n < 0, copied); // -0 is written "0"
    const magnitude = Math.abs(n);
    if (Number.isInteger(n))
        return magnitude < EXACT_INTEGERS_BELOW ? integerLength(magnitude, n < 0, copied) : Number.NaN;
    if (!(magnitude >= 0.1 && magnitude < Number.POSITIVE_INFINITY)) return Number.NaN;
    // At most 16 characters with a "." are at most 15 digits.
    const length = fractionLength(magnitude) + (n < 0 ? 1 : 0);
    return length <= 16 ? length : Number.NaN;
}

/**
 * Length of String(n) for a non-integer n of at least 0.1 (below 1e21, so
 * without an exponent). String(n) writes the fewest decimals that read back
 * as n, so up to three decimals are tried without building the string: the
 * integer nearest to n·10^d divided by 10^d is the double its decimal text
 * reads as (division is correctly rounded).
 */
function fractionLength(n: number): number {
    for (let decimals = 1, scale = 10; decimals <= 3; decimals++, scale *= 10) {
        if (Math.round(n * scale) / scale === n) return (n < 1 ? 1 : digitCount(Math.floor(n))) + 1 + decimals;
    }
    return String(n).length;
}

/**
 * Whether `text` may contain an exponent spelling of one of roundIntegers
 * that is no longer than its digits. For D (digits not ending in 0)
 * followed by "00" that is "De2" (either case). For D followed by "000":
 * "De3", "De+3", "De03" (all starting "De"), "D0e2", and D with a point
 * inside, "1.2e4" for 12000 (ending in D's last digits, "e" and the
 * exponent). A fraction or a sign in the exponent added to these, leading
 * zeros, or fewer zeros in the mantissa make any other spelling longer.
 * May also be true of a text that only has such characters in a string.
 */
export function hasShortExponent(text: string): boolean {
    for (let i = 0; i < roundIntegerCount; i++) {
        const spellings = shortExponents(roundIntegers[i]);
        for (let j = 0; j < spellings.length; j++) if (text.includes(spellings[j])) return true;
    }
    return false;
}

/** What hasShortExponent looks for, per round integer (a batch has few). */
const shortExponentCache = new Map<number, readonly string[]>();

function shortExponents(n: number): readonly string[] {
    const cached = shortExponentCache.get(n);
    if (cached !== undefined) return cached;
    const spellings: string[] = [];
    if (n % 1000 === 0) {
        const d = String(n / 1000);
        spellings.push(`${d}e`, `${d}0e2`);
        for (let point = 1; point < d.length; point++) spellings.push(`${d.slice(point)}e${d.length - point + 3}`);
    } else {
        spellings.push(`${String(n / 100)}e2`);
    }
    for (const lower of [...spellings]) spellings.push(lower.toUpperCase());
    if (shortExponentCache.size >= 1024) shortExponentCache.clear();
    shortExponentCache.set(n, spellings);
    return spellings;
}

/**
 * Length of JSON.stringify(value) for a JSON primitive whose strings need
 * no escaping, or NaN (see above). `copied`: whether its text would be copied.
 */
export function jsonPrimitiveLength(value: unknown, copied: boolean): number {
    switch (typeof value) {
        case "string":
            return value.length + 2;
        case "number":
            return jsonNumberLength(value, copied);
        case "boolean":
            return value ? 4 : 5;
    }
    return value === null ? 4 : Number.NaN;
}

/** Whether a key may be an array index, which objects enumerate first, whatever its place in the text. */
export function mayBeIndex(key: string): boolean {
    const c = key.charCodeAt(0);
    return c >= 0x30 && c <= 0x39;
}

/**
 * Validates a free-form JSON subtree (an `api_event` payload or an unknown
 * field kept in `_extra`): nesting stays within `maxDepth` (the record
 * itself is depth 1), no forbidden key appears and every number is finite.
 * Recursion is bounded by `maxDepth`, so hostile nesting cannot exhaust the
 * stack. Returns the length of the value's JSON.stringify text if its
 * strings need no escaping, or NaN (see above), for a copied value.
 */
export function checkJsonTree(value: unknown, depth: number, maxDepth: number, field: string): number {
    if (typeof value !== "object" || value === null) {
        // JSON.parse turns a literal like 1e400 into Infinity, which would be
        // written back as null: refuse rather than change the data.
        if (typeof value === "number" && !Number.isFinite(value)) reject("invalid-field", field, "number out of range");
        return jsonPrimitiveLength(value, true);
    }
    if (depth > maxDepth) reject("too-deep", field, `nesting deeper than ${maxDepth}`);
    if (Array.isArray(value)) {
        let length = value.length + 1; // brackets and commas
        if (value.length === 0) return 2;
        for (let i = 0; i < value.length; i++) length += checkJsonTree(value[i], depth + 1, maxDepth, field);
        return length;
    }
    const object = value as Record<string, unknown>;
    let length = 1; // "{", then a comma or "}" after each member
    let members = 0;
    // for-in allocates no key array; JSON.parse objects have no inherited
    // enumerable properties.
    for (const key in object) {
        if (isForbiddenKey(key)) reject("forbidden-key", field, "prototype-pollution key");
        length += (mayBeIndex(key) ? NaN : key.length + 4) + checkJsonTree(object[key], depth + 1, maxDepth, field);
        members++;
    }
    return members === 0 ? 2 : length;
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
