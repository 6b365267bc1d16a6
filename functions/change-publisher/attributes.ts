/**
 * DynamoDB Streams attribute values (the JSON form Lambda receives) → plain
 * JSON. Lossless by construction: a number is written as a JSON number only
 * when the double denotes exactly the same decimal, else as its decimal
 * string; binary stays base64 text; sets become arrays.
 */
import type { AttributeValue } from "aws-lambda";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A stream record that can never be published (retrying cannot fix it). */
export class MalformedRecordError extends Error {
    constructor(
        readonly reason: string,
        message: string,
    ) {
        super(message);
        this.name = "MalformedRecordError";
    }
}

/** DynamoDB nests documents at most 32 levels; a little slack for the image itself. */
const MAX_DEPTH = 40;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal text as `[-]<digits without leading/trailing zeros>e<exponent>` ("0" for zero), or undefined. */
function canonicalDecimal(text: string): string | undefined {
    const match = DECIMAL.exec(text);
    if (match === null) return undefined;
    const [, sign, int = "", frac = "", exp = "0"] = match;
    if (int === "" && frac === "") return undefined;
    let digits = (int + frac).replace(/^0+/, "");
    if (digits === "") return "0";
    let exponent = Number(exp) - frac.length;
    const trailing = /0+$/.exec(digits);
    if (trailing !== null) {
        digits = digits.slice(0, -trailing[0].length);
        exponent += trailing[0].length;
    }
    return `${sign === "-" ? "-" : ""}${digits}e${exponent}`;
}

/** A DynamoDB number (≤ 38 significant digits) as a JSON number when exact, else as its text. */
export function dynamoNumber(text: string): number | string {
    const canonical = canonicalDecimal(text);
    if (canonical === undefined) throw new MalformedRecordError("invalid-attribute", "N is not a decimal number");
    const value = Number(text);
    if (!Number.isFinite(value)) return text;
    return canonicalDecimal(String(value)) === canonical ? value : text;
}

function setKey(target: JsonObject, key: string, value: JsonValue): void {
    // Never let an attribute named __proto__ replace the prototype.
    if (key === "__proto__") {
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
        target[key] = value;
    }
}

function stringList(value: unknown, type: string): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new MalformedRecordError("invalid-attribute", `${type} is not a list of strings`);
    }
    return value as string[];
}

export function unmarshallValue(value: AttributeValue, depth = 1): JsonValue {
    if (depth > MAX_DEPTH)
        throw new MalformedRecordError("invalid-attribute", `attribute nested deeper than ${MAX_DEPTH} levels`);
    if (value === null || typeof value !== "object") {
        throw new MalformedRecordError("invalid-attribute", "attribute value is not an object");
    }
    const types = Object.keys(value);
    if (types.length !== 1) {
        throw new MalformedRecordError("invalid-attribute", "attribute value must have exactly one type key");
    }
    const raw = (value as Record<string, unknown>)[types[0]];
    switch (types[0]) {
        case "S":
        case "B":
            if (typeof raw !== "string")
                throw new MalformedRecordError("invalid-attribute", `${types[0]} is not a string`);
            return raw;
        case "N":
            if (typeof raw !== "string") throw new MalformedRecordError("invalid-attribute", "N is not a string");
            return dynamoNumber(raw);
        case "BOOL":
            if (typeof raw !== "boolean") throw new MalformedRecordError("invalid-attribute", "BOOL is not a boolean");
            return raw;
        case "NULL":
            return null;
        case "SS":
        case "BS":
            return stringList(raw, types[0]);
        case "NS":
            return stringList(raw, "NS").map(dynamoNumber);
        case "L":
            if (!Array.isArray(raw)) throw new MalformedRecordError("invalid-attribute", "L is not a list");
            return raw.map((item: AttributeValue) => unmarshallValue(item, depth + 1));
        case "M":
            return unmarshallMap(raw as Record<string, AttributeValue>, depth + 1);
        default:
            throw new MalformedRecordError(
                "invalid-attribute",
                `unknown attribute type ${JSON.stringify(types[0].slice(0, 8))}`,
            );
    }
}

export function unmarshallMap(map: Record<string, AttributeValue>, depth = 1): JsonObject {
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
        throw new MalformedRecordError("invalid-attribute", "map is not an object");
    }
    const out: JsonObject = {};
    for (const key of Object.keys(map)) setKey(out, key, unmarshallValue(map[key], depth));
    return out;
}
