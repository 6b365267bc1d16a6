/**
 * The local raw zone: where the emulated Firehose delivery writes objects.
 * `RawZoneSink` is the small object-store surface the path needs; a directory
 * (object key = relative path) and an S3 bucket (real S3 or an S3-compatible
 * endpoint such as moto server, with path-style addressing) implement it.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import {
    CreateBucketCommand,
    GetObjectCommand,
    HeadBucketCommand,
    ListObjectsV2Command,
    PutObjectCommand,
    S3Client,
    type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS } from "./local-aws";

/** An object store holding the raw zone. Keys use `/` separators, like S3. */
export interface RawZoneSink {
    /** Human-readable location (`file:///…/` or `s3://bucket/prefix`). */
    readonly location: string;
    /** Writes (or replaces) an object. */
    putObject(key: string, body: Uint8Array): Promise<void>;
    /** Reads an object; rejects if it does not exist. */
    getObject(key: string): Promise<Buffer>;
    /** Keys starting with `prefix` (string prefix, as in S3), sorted. */
    listObjects(prefix?: string): Promise<string[]>;
    /** Releases clients the sink created. */
    close(): Promise<void>;
}

/** Largest S3 object key (UTF-8 bytes). */
const MAX_KEY_BYTES = 1024;
/** Basename prefix of files being written by the directory sink (never a key segment). */
const PARTIAL_MARK = ".~partial-";
/** Characters a key must not contain. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters in a key are rejected, so they are matched on purpose.
const BACKSLASH_OR_CONTROL = /[\\\x00-\x1f\x7f]/;

/**
 * Rejects keys that are not plain relative paths: empty, too long, leading
 * `/`, backslashes, control characters, empty, `.` or `..` segments, or a
 * segment starting with the directory sink's temporary-file mark.
 */
export function assertSafeKey(key: string): void {
    const reason =
        key.length === 0
            ? "empty"
            : Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES
              ? "longer than 1024 bytes"
              : BACKSLASH_OR_CONTROL.test(key)
                ? "contains a backslash or control character"
                : key.split("/").some((s) => s === "" || s === "." || s === ".." || s.startsWith(PARTIAL_MARK))
                  ? "has an empty, '.', '..' or reserved segment (or a leading/trailing '/')"
                  : undefined;
    if (reason !== undefined) throw new Error(`unsafe object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
}

/** A raw zone in a local directory: object `a/b/c` is file `<root>/a/b/c`. */
export class DirectoryRawZoneSink implements RawZoneSink {
    readonly root: string;
    readonly location: string;

    constructor(root: string) {
        this.root = path.resolve(root);
        this.location = `file://${this.root}/`;
    }

    private fileFor(key: string): string {
        assertSafeKey(key);
        const file = path.resolve(this.root, ...key.split("/"));
        if (!file.startsWith(this.root + path.sep))
            throw new Error(`object key ${JSON.stringify(key)} escapes the raw zone`);
        return file;
    }

    /** Writes via a temporary file and rename, so readers never see a partial object. */
    async putObject(key: string, body: Uint8Array): Promise<void> {
        const file = this.fileFor(key);
        await fs.mkdir(path.dirname(file), { recursive: true });
        const temporary = path.join(path.dirname(file), `${PARTIAL_MARK}${randomUUID()}`);
        try {
            await fs.writeFile(temporary, body);
            await fs.rename(temporary, file);
        } catch (err) {
            await fs.rm(temporary, { force: true });
            throw err;
        }
    }

    async getObject(key: string): Promise<Buffer> {
        return fs.readFile(this.fileFor(key));
    }

    async listObjects(prefix = ""): Promise<string[]> {
        // Walk only the directory the prefix is certainly in.
        const slash = prefix.lastIndexOf("/");
        const base = slash < 0 ? "" : prefix.slice(0, slash);
        if (base !== "") assertSafeKey(base);
        const start = base === "" ? this.root : path.join(this.root, ...base.split("/"));
        let entries: string[];
        try {
            entries = await fs.readdir(start, { recursive: true });
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
            throw err;
        }
        const keys: string[] = [];
        for (const entry of entries) {
            if (path.basename(entry).startsWith(PARTIAL_MARK)) continue;
            const key = (base === "" ? "" : `${base}/`) + entry.split(path.sep).join("/");
            if (!key.startsWith(prefix)) continue;
            if ((await fs.stat(path.join(start, entry))).isFile()) keys.push(key);
        }
        return keys.sort();
    }

    async close(): Promise<void> {}
}

export interface S3RawZoneSinkOptions {
    readonly bucket: string;
    /** Prepended to every key (e.g. `tenant-a/`); listed keys are returned without it. */
    readonly keyPrefix?: string;
    /** S3-compatible endpoint, e.g. `http://127.0.0.1:5000` for moto server. */
    readonly endpoint?: string;
    /** Default `us-east-1`. */
    readonly region?: string;
    /** Path-style addressing (default: true when `endpoint` is set). */
    readonly forcePathStyle?: boolean;
    /** Default: dummy credentials with an endpoint, the SDK's provider chain without. */
    readonly credentials?: S3ClientConfig["credentials"];
    /** Use this client instead of creating one (it is then not destroyed by `close`). */
    readonly client?: S3Client;
}

/** A raw zone in an S3 bucket through @aws-sdk/client-s3. */
export class S3RawZoneSink implements RawZoneSink {
    readonly client: S3Client;
    readonly bucket: string;
    readonly location: string;
    private readonly keyPrefix: string;
    private readonly ownsClient: boolean;

    constructor(options: S3RawZoneSinkOptions) {
        this.bucket = options.bucket;
        this.keyPrefix = options.keyPrefix ?? "";
        if (this.keyPrefix !== "") assertSafeKey(this.keyPrefix.replace(/\/$/, ""));
        this.location = `s3://${this.bucket}/${this.keyPrefix}`;
        this.ownsClient = options.client === undefined;
        const local = options.endpoint !== undefined;
        this.client =
            options.client ??
            new S3Client({
                region: options.region ?? "us-east-1",
                endpoint: options.endpoint,
                forcePathStyle: options.forcePathStyle ?? local,
                credentials: options.credentials ?? (local ? LOCAL_CREDENTIALS : undefined),
                // S3-compatible servers differ in their support of the SDK's default CRC checksums.
                ...(local
                    ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
                    : {}),
            });
    }

    /** Creates the bucket if it does not exist (for local endpoints such as moto). */
    async ensureBucket(): Promise<void> {
        try {
            await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
        } catch (err) {
            const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            if (status !== 404) throw err;
            await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
        }
    }

    async putObject(key: string, body: Uint8Array): Promise<void> {
        assertSafeKey(key);
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key, Body: body }));
    }

    async getObject(key: string): Promise<Buffer> {
        assertSafeKey(key);
        const response = await this.client.send(
            new GetObjectCommand({ Bucket: this.bucket, Key: this.keyPrefix + key }),
        );
        return Buffer.from(await response.Body!.transformToByteArray());
    }

    async listObjects(prefix = ""): Promise<string[]> {
        const keys: string[] = [];
        let token: string | undefined;
        do {
            const page = await this.client.send(
                new ListObjectsV2Command({
                    Bucket: this.bucket,
                    Prefix: this.keyPrefix + prefix,
                    ContinuationToken: token,
                }),
            );
            for (const object of page.Contents ?? []) {
                if (object.Key !== undefined) keys.push(object.Key.slice(this.keyPrefix.length));
            }
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token !== undefined);
        return keys.sort();
    }

    async close(): Promise<void> {
        if (this.ownsClient) this.client.destroy();
    }
}

/**
 * A sink from a target string: `s3://bucket[/prefix]` (with optional
 * endpoint) or a directory path (`file://` accepted).
 */
export function createRawZoneSink(
    target: string,
    s3: Omit<S3RawZoneSinkOptions, "bucket" | "keyPrefix"> = {},
): RawZoneSink {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(target);
    if (match !== null) {
        const keyPrefix = match[2] === "" || match[2].endsWith("/") ? match[2] : `${match[2]}/`;
        return new S3RawZoneSink({ ...s3, bucket: match[1], keyPrefix });
    }
    return new DirectoryRawZoneSink(target.startsWith("file://") ? new URL(target).pathname : target);
}
