import { reject } from "./failures";

/** Firehose's maximum record size (1,000 KiB) before base64 encoding. */
export const MAX_RECORD_BYTES = 1_024_000;

/** Throws on malformed UTF-8 instead of substituting U+FFFD; drops a BOM. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Length of the base64 text for `bytes` bytes (with padding). */
export function base64Length(bytes: number): number {
    return Math.ceil(bytes / 3) * 4;
}

/**
 * Byte length that valid padded base64 text of this length decodes to, or
 * -1 if the length itself is invalid.
 */
function decodedLength(text: string): number {
    const len = text.length;
    if (len % 4 !== 0) return -1;
    if (len === 0) return 0;
    const padding = text.charCodeAt(len - 1) !== 61 /* = */ ? 0 : text.charCodeAt(len - 2) !== 61 ? 1 : 2;
    return (len / 4) * 3 - padding;
}

/*
 * A Firehose record payload is decoded strictly, in three steps:
 *
 *  - base64 (decodeBase64): Node's decoder silently skips characters outside
 *    the alphabet, stops at the first "=" and also accepts the base64url
 *    alphabet. Each skipped or cut-off character shortens the output, so
 *    requiring the exact length implied by the text (padded to a multiple of
 *    4) plus the absence of "-" and "_" accepts standard base64 only.
 *    Non-zero pad bits ("QR==") are tolerated, as RFC 4648 allows.
 *  - UTF-8 (decodeUtf8): invalid sequences are rejected, never replaced with
 *    U+FFFD. A leading byte-order mark is tolerated and removed.
 *  - JSON (parseJson): parse errors are reported without V8's message, which
 *    quotes part of the payload. V8's JSON.parse is not recursive, so deep
 *    nesting cannot overflow the stack here; depth is bounded later.
 */

/**
 * The bytes of a record's `data`: standard padded base64 of at most
 * `maxBytes` bytes (checked before decoding), else a `record-too-large` or
 * `invalid-base64` rejection. Valid base64 is plain ASCII, so its JSON form
 * is the text in quotes.
 */
export function decodeBase64(data: string, maxBytes: number = MAX_RECORD_BYTES): Buffer {
    if (data.length > base64Length(maxBytes)) reject("record-too-large", undefined, `over ${maxBytes} bytes`);
    const bytes = Buffer.from(data, "base64");
    if (bytes.length !== decodedLength(data) || data.includes("-") || data.includes("_")) {
        reject("invalid-base64", undefined, "not standard padded base64");
    }
    return bytes;
}

/** Strict UTF-8, else an `invalid-utf8` rejection. */
export function decodeUtf8(bytes: Buffer): string {
    try {
        return UTF8.decode(bytes);
    } catch {
        return reject("invalid-utf8", undefined, "payload is not valid UTF-8");
    }
}

/** One JSON document, else an `invalid-json` rejection. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return reject("invalid-json", undefined, "payload is not a single JSON document");
    }
}

/**
 * True if every string JSON.parse can produce from `text`, the UTF-8
 * decoding of `bytes`, is ASCII: one character per byte (no multi-byte
 * sequence, no BOM) and no `\u` escape. Cheap: a length comparison and a
 * substring search.
 */
export function isAsciiJson(bytes: Buffer, text: string): boolean {
    return text.length === bytes.length && !text.includes("\\u");
}
