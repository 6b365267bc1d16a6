import { reject } from "./failures";
import { writeBase64 } from "./writers";

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
 *  - base64 (checkRecordSize, decodeBase64Into): the size is checked
 *    before anything is decoded. Node's decoder silently skips characters
 *    outside the alphabet, stops at the first "=" and also accepts the
 *    base64url alphabet. Each skipped or cut-off character shortens the
 *    output, so requiring the exact length implied by the text (padded to a
 *    multiple of 4) plus the absence of "-" and "_" accepts standard base64
 *    only. Non-zero pad bits ("QR==") are tolerated, as RFC 4648 allows.
 *  - UTF-8 (decodeUtf8): invalid sequences are rejected, never replaced with
 *    U+FFFD. A leading byte-order mark is tolerated and removed.
 *  - JSON (parseJson): parse errors are reported without V8's message, which
 *    quotes part of the payload. V8's JSON.parse is not recursive, so deep
 *    nesting cannot overflow the stack here; depth is bounded later.
 *
 * The records of a batch are decoded one after the other into one buffer
 * (batch.ts), so that a batch keeps no Buffer object per record alive.
 */

/** Room decodeBase64Into may need for `data`, whatever the text. */
export function base64Capacity(data: string): number {
    return Math.ceil(data.length / 4) * 3;
}

/**
 * Checks that a record's `data` holds at most `maxBytes` bytes before it is
 * decoded, else a `record-too-large` rejection.
 */
export function checkRecordSize(data: string, maxBytes: number = MAX_RECORD_BYTES): void {
    if (data.length > base64Length(maxBytes)) reject("record-too-large", undefined, `over ${maxBytes} bytes`);
}

/**
 * Decodes a record's `data`, standard padded base64, into `target` at
 * `offset`, which must have room for `base64Capacity(data)` bytes, and
 * returns the number of bytes decoded; else an `invalid-base64` rejection.
 * Valid base64 is plain ASCII, so its JSON form is the text in quotes.
 */
export function decodeBase64Into(data: string, target: Buffer, offset: number): number {
    const expected = decodedLength(data);
    if (expected < 0 || data.includes("-") || data.includes("_") || writeBase64(target, data, offset) !== expected) {
        reject("invalid-base64", undefined, "not standard padded base64");
    }
    return expected;
}

/** U+FEFF: a byte-order mark at the start of the text. */
const BOM = 0xfeff;
const REPLACEMENT_CHARACTER = "\ufffd";

/**
 * Strict UTF-8 decoding of `bytes[start, end)`, else an `invalid-utf8`
 * rejection; a leading byte-order mark is dropped. Node's lenient decoder
 * (which, unlike TextDecoder, needs no view object) writes U+FFFD for every
 * invalid sequence, so only a text that contains U+FFFD (valid input may
 * contain it too) is decoded again, strictly.
 */
export function decodeUtf8(bytes: Buffer, start: number, end: number): string {
    const text = bytes.toString("utf8", start, end);
    if (text.includes(REPLACEMENT_CHARACTER)) {
        try {
            return UTF8.decode(bytes.subarray(start, end));
        } catch {
            return reject("invalid-utf8", undefined, "payload is not valid UTF-8");
        }
    }
    return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** One JSON document, else an `invalid-json` rejection. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return reject("invalid-json", undefined, "payload is not a single JSON document");
    }
}
