/**
 * A string written into a Buffer at an offset, in one encoding:
 * `target.write(string, offset, encoding)`, which writes as much as fits
 * from `offset` to the end and returns the number of bytes written.
 *
 * `Buffer#write` works out its optional arguments and looks the encoding up
 * on every call before it calls the encoding's own writer: a large share of
 * a short write, and this Lambda makes about five per record. Node's
 * Buffers also have each encoding's writer as a method
 * (`buffer.latin1Write(string, offset)`, what `write` ends with, with the
 * same defaults and checks; not in Node's documentation but in every
 * version), which these call directly, falling back to `write` where a
 * runtime lacks one.
 */
export type StringWriter = (target: Buffer, string: string, offset: number) => number;

type Method = (this: Buffer, string: string, offset: number) => number;

function writer(method: unknown, encoding: BufferEncoding): StringWriter {
    if (typeof method === "function") {
        const write = method as Method;
        return (target, string, offset) => write.call(target, string, offset);
    }
    return (target, string, offset) => target.write(string, offset, encoding);
}

const prototype = Buffer.prototype as unknown as Record<string, unknown>;

export const writeLatin1: StringWriter = writer(prototype.latin1Write, "latin1");
export const writeUtf8: StringWriter = writer(prototype.utf8Write, "utf8");
export const writeBase64: StringWriter = writer(prototype.base64Write, "base64");
