/**
 * Opaque pagination tokens: DynamoDB's LastEvaluatedKey as base64url, bound to the query it came from.
 *
 * token = base64url( checksum[16] ‖ JSON {e: entity, p: partition queried or null, k: key} ), where checksum is the
 * first 16 bytes of SHA-256 over a domain-separated rendering of the JSON. Decoding checks the encoding (canonical
 * base64url), the checksum, the shape (exactly the entity's key attributes, non-empty strings of at most 256
 * characters) and that the token belongs to the same entity and partition: any tampering gives a 400, never a
 * DynamoDB error.
 *
 * The checksum is not a MAC: a caller able to compute SHA-256 can forge a well-formed token, which only moves the
 * start of a page within data the caller is already allowed to read (IAM authorises the whole resource).
 */
import { createHash } from "node:crypto";
import { KEY_MAX_LENGTH, NEXT_TOKEN_MAX_LENGTH } from "../../model/openapi";
import { codePointLength } from "./validate";

const CHECKSUM_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface TokenScope {
    readonly domain: string;
    readonly entity: string;
    /** Key attributes, partition first. */
    readonly keys: readonly string[];
    /** The partition key value of a query; null for a scan. */
    readonly partition: string | null;
}

function checksum(scope: TokenScope, json: string): Buffer {
    return createHash("sha256")
        .update(`domain-api/nextToken/v1\n${scope.domain}\n${json}`)
        .digest()
        .subarray(0, CHECKSUM_BYTES);
}

export function encodeNextToken(scope: TokenScope, lastEvaluatedKey: Record<string, unknown>): string {
    const key: Record<string, unknown> = {};
    for (const name of scope.keys) key[name] = lastEvaluatedKey[name];
    const json = JSON.stringify({ e: scope.entity, p: scope.partition, k: key });
    return Buffer.concat([checksum(scope, json), Buffer.from(json, "utf8")]).toString("base64url");
}

/** The ExclusiveStartKey a token stands for, or undefined when the token is not one this scope issued. */
export function decodeNextToken(scope: TokenScope, token: string): Record<string, string> | undefined {
    if (token.length === 0 || token.length > NEXT_TOKEN_MAX_LENGTH || !BASE64URL.test(token)) return undefined;
    const bytes = Buffer.from(token, "base64url");
    if (bytes.toString("base64url") !== token || bytes.length <= CHECKSUM_BYTES) return undefined;
    const json = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let text: string;
    try {
        text = json.decode(bytes.subarray(CHECKSUM_BYTES));
    } catch {
        return undefined;
    }
    if (!checksum(scope, text).equals(bytes.subarray(0, CHECKSUM_BYTES))) return undefined;
    let payload: unknown;
    try {
        payload = JSON.parse(text);
    } catch {
        return undefined;
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
    const { e, p, k } = payload as Record<string, unknown>;
    if (e !== scope.entity || p !== scope.partition) return undefined;
    if (typeof k !== "object" || k === null || Array.isArray(k)) return undefined;
    const key = k as Record<string, unknown>;
    if (Object.keys(key).length !== scope.keys.length) return undefined;
    const start: Record<string, string> = {};
    for (const name of scope.keys) {
        const value = key[name];
        if (
            typeof value !== "string" ||
            value === "" ||
            !value.isWellFormed() ||
            codePointLength(value) > KEY_MAX_LENGTH
        )
            return undefined;
        start[name] = value;
    }
    if (scope.partition !== null && start[scope.keys[0]] !== scope.partition) return undefined;
    return start;
}
