/**
 * CLI: ingest a JSON-lines file through the local ingestion path (kinesalite
 * → Firehose-like transformation with functions/preprocess → dynamic
 * partitioning) into a local raw zone directory, or an S3(-compatible) bucket.
 *
 *   npx ts-node --transpile-only tools/local/ingest-cli.ts records.jsonl --out ./local-raw-zone
 *   node dist/tools/local/ingest-cli.js records.jsonl --out ./local-raw-zone
 *
 * Every non-blank line is one record, sent byte for byte (invalid lines are
 * ingested too and land under the error prefix). Exit codes: 0 done, 1 error,
 * 2 usage, 3 `--strict` and some record failed.
 */
import { promises as fs } from "node:fs";
import { parseArgs } from "node:util";
import type { FirehoseSettings } from "./firehose/settings";
import { runLocalIngestion, type LocalIngestionResult } from "./ingest";
import { DirectoryRawZoneSink, S3RawZoneSink, createRawZoneSink, type RawZoneSink } from "./sink";

export const USAGE = `Usage: ingest-cli <records.jsonl | -> [options]

Ingests JSON-lines records through a local Kinesis emulator, the preprocess
Lambda and Firehose-like dynamic partitioning into a local raw zone.

Options:
  --out DIR              raw zone directory (default ./local-raw-zone)
  --s3 s3://BUCKET[/P]   write to an S3 bucket instead (optional key prefix P)
  --s3-endpoint URL      S3-compatible endpoint, path-style (e.g. moto: http://127.0.0.1:5000)
  --s3-region REGION     S3 region (default us-east-1)
  --create-bucket        create the bucket if missing
  --shards N             Kinesis shards (default 2)
  --stream NAME          Kinesis stream name (default cdp-local-<random>)
  --delivery-stream NAME Firehose delivery stream name in object names (default cdp-ingestion-hub)
  --buffer-mb MB         Lambda buffer hint per invocation, ≤ 3 (default 1)
  --s3-buffer-mb MB      per-partition S3 buffer (default 64)
  --prefix TEMPLATE      S3 prefix (default raw/source=!{partitionKeyFromLambda:source}/…)
  --error-prefix TPL     error output prefix (default errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/)
  --log-level LEVEL      handler log level (POWERTOOLS_LOG_LEVEL; default WARN: rejections on stderr)
  --json                 print the full result as JSON
  --strict               exit 3 if any record failed
  -h, --help             this text
`;

export interface CliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Reads standard input (for `-`). */
    readonly stdin?: () => Promise<Buffer>;
}

const processIo: CliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
    },
};

/** Splits JSON-lines bytes into records: one per non-blank line, bytes unchanged (no `\n`, no trailing `\r`). */
export function splitJsonLines(content: Buffer): Buffer[] {
    const records: Buffer[] = [];
    let start = 0;
    while (start <= content.length) {
        let end = content.indexOf(0x0a, start);
        if (end < 0) end = content.length;
        let line = content.subarray(start, end);
        if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
        if (line.toString("latin1").trim() !== "") records.push(Buffer.from(line));
        start = end + 1;
    }
    return records;
}

class UsageError extends Error {}

function positiveNumber(name: string, raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number, got "${raw}"`);
    return value;
}

/** Summary text of a run. */
export function formatSummary(result: LocalIngestionResult, source: string, sink: RawZoneSink): string {
    const perObject = new Map<string, number>();
    for (const r of result.records) {
        if (r.objectKey !== undefined) perObject.set(r.objectKey, (perObject.get(r.objectKey) ?? 0) + 1);
    }
    const lines = [
        `ingested ${result.put} record(s) from ${source} via Kinesis stream ${result.streamName}, ` +
            `${result.invocations} Lambda invocation(s)`,
        `  ok ${result.ok}, failed ${result.failed}${result.dropped > 0 ? `, dropped ${result.dropped}` : ""}`,
        `raw zone ${sink.location}`,
        ...result.objects.map((key) => `  ${key}  (${perObject.get(key) ?? 0} record(s))`),
    ];
    return `${lines.join("\n")}\n`;
}

/** Parses the command line (throws on unknown options or missing values). */
function parseCliArgs(argv: readonly string[]) {
    return parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
            out: { type: "string" },
            s3: { type: "string" },
            "s3-endpoint": { type: "string" },
            "s3-region": { type: "string" },
            "create-bucket": { type: "boolean" },
            shards: { type: "string" },
            stream: { type: "string" },
            "delivery-stream": { type: "string" },
            "buffer-mb": { type: "string" },
            "s3-buffer-mb": { type: "string" },
            prefix: { type: "string" },
            "error-prefix": { type: "string" },
            "log-level": { type: "string" },
            json: { type: "boolean" },
            strict: { type: "boolean" },
            help: { type: "boolean", short: "h" },
        },
    });
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    let parsed: ReturnType<typeof parseCliArgs>;
    try {
        parsed = parseCliArgs(argv);
    } catch (err) {
        io.stderr(`${(err as Error).message}\n\n${USAGE}`);
        return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
        io.stdout(USAGE);
        return 0;
    }

    let sink: RawZoneSink | undefined;
    try {
        if (positionals.length !== 1) throw new UsageError("expected exactly one input file (or - for stdin)");
        if (values.s3 !== undefined && values.out !== undefined)
            throw new UsageError("--out and --s3 exclude each other");
        const shards = positiveNumber("--shards", values.shards);
        if (shards !== undefined && !Number.isSafeInteger(shards)) throw new UsageError("--shards must be an integer");
        const bufferMb = positiveNumber("--buffer-mb", values["buffer-mb"]);
        const s3BufferMb = positiveNumber("--s3-buffer-mb", values["s3-buffer-mb"]);
        const firehose: Partial<FirehoseSettings> = {
            ...(values["delivery-stream"] === undefined ? {} : { deliveryStreamName: values["delivery-stream"] }),
            ...(bufferMb === undefined ? {} : { lambdaBufferBytes: Math.floor(bufferMb * 1024 * 1024) }),
            ...(s3BufferMb === undefined ? {} : { s3BufferBytes: Math.floor(s3BufferMb * 1024 * 1024) }),
            ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
            ...(values["error-prefix"] === undefined ? {} : { errorOutputPrefix: values["error-prefix"] }),
        };

        const input = positionals[0];
        const content = input === "-" ? await (io.stdin ?? processIo.stdin!)() : await fs.readFile(input);
        const records = splitJsonLines(content);

        if (values.s3 !== undefined) {
            if (!/^s3:\/\/[^/]+/.test(values.s3))
                throw new UsageError(`--s3 must look like s3://bucket[/prefix], got "${values.s3}"`);
            sink = createRawZoneSink(values.s3, { endpoint: values["s3-endpoint"], region: values["s3-region"] });
            if (values["create-bucket"] && sink instanceof S3RawZoneSink) await sink.ensureBucket();
        } else {
            sink = new DirectoryRawZoneSink(values.out ?? "local-raw-zone");
        }

        // The handler's Powertools logger reads its level when first loaded.
        const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
        process.env.POWERTOOLS_LOG_LEVEL = values["log-level"] ?? previousLevel ?? "WARN";
        let result: LocalIngestionResult;
        try {
            result = await runLocalIngestion({
                records,
                sink,
                shardCount: shards,
                streamName: values.stream,
                firehose,
            });
        } finally {
            if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
            else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
        }
        const source = input === "-" ? "stdin" : input;
        io.stdout(
            values.json
                ? `${JSON.stringify({ location: sink.location, source, ...result }, null, 2)}\n`
                : formatSummary(result, source, sink),
        );
        return values.strict && result.failed > 0 ? 3 : 0;
    } catch (err) {
        if (err instanceof UsageError) {
            io.stderr(`${err.message}\n\n${USAGE}`);
            return 2;
        }
        io.stderr(`ingest-cli: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    } finally {
        await sink?.close();
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            process.stderr.write(`ingest-cli: ${String(err)}\n`);
            process.exitCode = 1;
        },
    );
}
