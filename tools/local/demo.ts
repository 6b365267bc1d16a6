/**
 * `npm run demo`: the platform's whole data path on this machine, no AWS, no network.
 *
 *   generate producer records (tools/local/demo/generate.ts, the stack's domains)
 *     → runLocalIngestion: kinesalite → Firehose batches → functions/preprocess → dynamic partitioning into a
 *       directory raw zone, with the deployed stream's prefixes (components/ingest/raw-delivery.ts, model/raw-layout.ts)
 *     → python3 -m cdp_jobs.local_run: raw → processed → curated on local Spark, a Spark SQL report and the record
 *       accounting (jobs/glue/cdp_jobs/local_run.py)
 *
 * Two delivery runs: most records, then late ones (held-back changes and late replays), with a raw → processed run
 * after each (each run reads only the objects delivered since the previous one, as Glue job bookmarks do), so late
 * replays meet the processed zone's cross-run deduplication.
 *
 *   npm run demo -- [--records 100000] [--seed 1] [--out local-demo] [--stack dev] [--days 30] [--cores 2]
 *
 * Exit codes: 0 done and balanced, 1 error, 2 usage or a missing prerequisite, 3 the accounting does not balance.
 */
import { spawn, spawnSync } from "node:child_process";
import { gunzipSync, gzipSync } from "node:zlib";
import { promises as fs, existsSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { RAW_FOLDERS, rawErrorsFolder } from "../../model/raw-layout";
import type { FirehoseSettings } from "./firehose/settings";
import { runLocalIngestion, startKinesisEmulator, type IngestedRecord } from "./ingest";
import { DirectoryRawZoneSink, type RawZoneSink } from "./sink";
import { generateRecords, readStackDomains, type GeneratedRecord } from "./demo/generate";
import { createProgress, type Progress } from "./demo/progress";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The deployed hub stream's delivery settings (components/ingest/stream-ingest.ts and raw-delivery.ts): prefix
 * `streams/source=…/entity=…/event_date=…/` from the Lambda's partition keys, error output
 * `errors/streams/<error-output-type>/yyyy/MM/dd/`, the Lambda processor's `BufferSizeInMBs` 1 and the 64 MB S3
 * buffer — the layout jobs/glue/cdp_jobs/raw_layout.py parses (tests/integration/demo.test.ts checks both against
 * the planned delivery stream). Its `compressionFormat: GZIP` and `fileExtension: .json.gz` are applied to the
 * data objects by `GzipDataSink`.
 */
export const HUB_STREAM_DELIVERY: Partial<FirehoseSettings> = {
    prefix: `${RAW_FOLDERS.streams}/${["source", "entity", "event_date"].map((k) => `${k}=!{partitionKeyFromLambda:${k}}`).join("/")}/`,
    errorOutputPrefix: `${rawErrorsFolder(RAW_FOLDERS.streams)}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
    lambdaBufferBytes: 1024 * 1024,
    s3BufferBytes: 64 * 1024 * 1024,
};

/** The deployed stream's `fileExtension` (components/ingest/raw-delivery.ts). */
export const DATA_OBJECT_EXTENSION = ".json.gz";

/**
 * The deployed stream's GZIP compression: data objects are written gzip-compressed with the stream's file extension
 * (object name `<prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><file extension>`,
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html). The error output is left uncompressed here
 * (only data objects are read by the jobs).
 */
export class GzipDataSink implements RawZoneSink {
    constructor(
        private readonly inner: RawZoneSink,
        private readonly dataFolder: string,
    ) {}
    get location(): string {
        return this.inner.location;
    }
    private isData(key: string): boolean {
        return key.startsWith(`${this.dataFolder}/`);
    }
    putObject(key: string, body: Uint8Array): Promise<void> {
        return this.isData(key)
            ? this.inner.putObject(`${key}${DATA_OBJECT_EXTENSION}`, gzipSync(body))
            : this.inner.putObject(key, body);
    }
    async getObject(key: string): Promise<Buffer> {
        return this.isData(key)
            ? gunzipSync(await this.inner.getObject(`${key}${DATA_OBJECT_EXTENSION}`))
            : this.inner.getObject(key);
    }
    listObjects(prefix?: string): Promise<string[]> {
        return this.inner.listObjects(prefix);
    }
    close(): Promise<void> {
        return this.inner.close();
    }
}

/** The HMAC key the demo gives the raw job for `pii` columns (a demo value, not a secret). */
export const DEMO_HASH_SALT = "local-demo-salt-not-a-secret";

/** Marks a directory as the demo's own output, so a rerun may replace it. */
const MARKER = ".cdp-demo";

export interface DemoOptions {
    readonly records: number;
    readonly seed: number;
    readonly out: string;
    readonly stack: string;
    readonly cores: number;
    /** Days the generated events span. @default 30 */
    readonly days?: number;
    readonly python?: string;
    readonly progress?: Progress;
    /** Receives the report (stdout by default). */
    readonly print?: (text: string) => void;
    /** Records per Firehose delivery (one ingestion run each; progress is shown per delivery). @default 10000 */
    readonly deliveryRecords?: number;
}

export interface ManifestEntry {
    readonly i: number;
    readonly wave: 1 | 2;
    readonly entity: string;
    /** The owner of the record's data product: its domain, or `hub` for the hub's own record types. */
    readonly domain: string | null;
    readonly key: string | null;
    readonly intent: string;
    readonly defect: string | null;
    readonly change_type: string | null;
    /** `ok` (delivered to the raw zone) or `failed` (Firehose's error output). */
    readonly firehose: "ok" | "failed";
    readonly error_code: string | null;
    /** The event id of the raw line (the producer's, or the one the hub computed). */
    readonly event_id: string | null;
    /** The curated dataset this record's item is expected in (null: none, by the curated job's rules). */
    readonly curated: string | null;
}

export interface DemoResult {
    readonly exitCode: number;
    readonly manifest: readonly ManifestEntry[];
    readonly report?: Record<string, unknown>;
    readonly seconds: Record<string, number>;
}

export class DemoUsageError extends Error {}

/** Checks Java and pyspark before anything runs, naming the command that installs what is missing. */
export function checkPrerequisites(python: string): void {
    const probe =
        "import sys; assert sys.version_info >= (3, 11), 'Python ' + sys.version.split()[0] + ' is too old'; import pyspark, yaml";
    const py = spawnSync(python, ["-c", probe], { encoding: "utf8" });
    if (py.error || py.status !== 0) {
        const what = py.error ? `${python} was not found` : (py.stderr.trim().split("\n").pop() ?? "import failed");
        throw new DemoUsageError(
            `the demo runs the Glue jobs on local Spark and needs Python 3.11+ with pyspark 3.5 and PyYAML (${what}).\n` +
                "Install them with:  python3 -m pip install -r requirements-dev.txt",
        );
    }
    const javaHome = process.env.JAVA_HOME;
    const java = javaHome ? path.join(javaHome, "bin", "java") : "java";
    const j = spawnSync(java, ["-version"], { encoding: "utf8" });
    if (j.error || j.status !== 0) {
        throw new DemoUsageError(
            `Spark needs Java 17 (${javaHome ? `JAVA_HOME=${javaHome} has no bin/java` : "java is not on PATH"}).\n` +
                "Install it with, e.g.:  sudo apt-get install -y openjdk-17-jre-headless   (macOS: brew install openjdk@17)",
        );
    }
}

async function prepareOut(out: string): Promise<void> {
    if (existsSync(out)) {
        const entries = await fs.readdir(out);
        if (entries.length > 0 && !entries.includes(MARKER)) {
            throw new DemoUsageError(`--out ${out} exists and is not a demo output directory; choose another --out`);
        }
        await fs.rm(out, { recursive: true, force: true });
    }
    await fs.mkdir(out, { recursive: true });
    await fs.writeFile(path.join(out, MARKER), "output of npm run demo; replaced by the next run\n");
}

/** What the curated job makes of each item (CuratedSpec's defaults in processed_to_curated.py). */
function expectedCurated(records: readonly GeneratedRecord[]): Map<string, string | null> {
    const byItem = new Map<string, { entity: string; removed: boolean; settled: boolean }>();
    for (const r of records) {
        if (r.intent !== "valid" || r.key === undefined) continue;
        const id = `${r.entity}/${r.key}`;
        const item = byItem.get(id) ?? { entity: r.entity, removed: false, settled: false };
        if (r.changeType === "REMOVE") item.removed = true;
        if (r.entity === "payment") {
            const status = (JSON.parse(r.data) as { payload?: { data?: { status?: string } } }).payload?.data?.status;
            if (status === "settled") item.settled = true;
        }
        byItem.set(id, item);
    }
    const out = new Map<string, string | null>();
    for (const [id, item] of byItem) {
        // Customers are profiles unless removed; orders and the hub's card transactions are transactions; payments
        // only once settled. Web events reach customer_360 as per-profile aggregates, not as items.
        const dataset =
            item.entity === "customer"
                ? item.removed
                    ? null
                    : "customer_profile"
                : item.entity === "order" ||
                    item.entity === "transaction" ||
                    (item.entity === "payment" && item.settled)
                  ? "transactions"
                  : null;
        out.set(id, dataset);
    }
    return out;
}

async function readLines(file: string): Promise<string[]> {
    return (await fs.readFile(file, "utf8")).split("\n").filter((l) => l !== "");
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
    const progress = options.progress ?? createProgress(process.stderr);
    const print = options.print ?? ((t: string) => process.stdout.write(t));
    const python = options.python ?? process.env.PYTHON ?? "python3";
    const seconds: Record<string, number> = {};
    const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await f();
        } finally {
            seconds[name] = (Date.now() - t0) / 1000;
        }
    };
    checkPrerequisites(python);
    const out = path.resolve(options.out);
    await prepareOut(out);
    const rawRoot = path.join(out, "raw-zone");

    // 1. Producer records.
    progress.stage("generate", options.records);
    const domains = await readStackDomains(ROOT, options.stack);
    const generated = await timed("generate", async () =>
        generateRecords({ records: options.records, seed: options.seed, domains, days: options.days }),
    );
    const records = generated.records;
    progress.done(
        `${records.length.toLocaleString("en-US")} records, domains ${domains.map((d) => d.name).join(", ")}, ` +
            `${generated.start} … ${generated.asOf}`,
    );

    // 2. Kinesis → Firehose → preprocess → raw zone, one delivery run per wave (in deliveries of ~10,000 records).
    progress.stage("ingest (Kinesis→Firehose)", records.length);
    const sink = new GzipDataSink(new DirectoryRawZoneSink(rawRoot), RAW_FOLDERS.streams);
    const fates: IngestedRecord[] = new Array(records.length);
    const waveObjects: string[][] = [[], []];
    const errorObjects: string[] = [];
    const emulator = await startKinesisEmulator();
    const perDelivery = options.deliveryRecords ?? 10_000;
    await timed("ingest", async () => {
        try {
            let done = 0;
            for (const wave of [1, 2] as const) {
                const indices = records.map((r, i) => (r.wave === wave ? i : -1)).filter((i) => i >= 0);
                for (let from = 0; from < indices.length; from += perDelivery) {
                    const chunk = indices.slice(from, from + perDelivery);
                    const result = await runLocalIngestion({
                        records: chunk.map((i) => records[i].data),
                        partitionKey: (_d, j) => records[chunk[j]].partitionKey,
                        sink,
                        emulator,
                        shardCount: 2,
                        firehose: HUB_STREAM_DELIVERY,
                    });
                    for (const r of result.records) fates[chunk[r.index]] = r;
                    waveObjects[wave - 1].push(...result.dataObjects);
                    errorObjects.push(...result.errorObjects);
                    done += chunk.length;
                    progress.update(done, `wave ${wave}, ${result.invocations} Lambda batches`);
                }
            }
        } finally {
            await emulator.stop();
        }
    });
    const failed = fates.filter((f) => f.errorOutputType !== undefined).length;
    progress.done(
        `${(records.length - failed).toLocaleString("en-US")} delivered, ${failed.toLocaleString("en-US")} to the ` +
            `error output, ${waveObjects[0].length + waveObjects[1].length} data objects`,
    );

    // 3. Read back what Firehose wrote: the event id of every delivered record (by its Firehose record id), and
    //    the original bytes of every failed one (the error documents' rawData).
    progress.stage("check raw zone");
    const eventIdOf = new Map<string, string>();
    // Firehose record ids are unique within a delivery stream's source, not across the demo's deliveries: key by
    // object and record id.
    for (const key of [...waveObjects[0], ...waveObjects[1]]) {
        for (const line of (await sink.getObject(key))
            .toString("utf8")
            .split("\n")
            .filter((l) => l !== "")) {
            const doc = JSON.parse(line) as { eventId: string; _meta: { recordId: string } };
            eventIdOf.set(`${key}\u0000${doc._meta.recordId}`, doc.eventId);
        }
    }
    const errorData = new Map<string, number>();
    for (const key of errorObjects) {
        for (const line of await readLines(path.join(rawRoot, key))) {
            const raw = Buffer.from((JSON.parse(line) as { rawData: string }).rawData, "base64").toString("utf8");
            errorData.set(raw, (errorData.get(raw) ?? 0) + 1);
        }
    }
    const curated = expectedCurated(records);
    const manifest: ManifestEntry[] = records.map((r, i) => {
        const fate = fates[i];
        const isFailed = fate.errorOutputType !== undefined;
        if (isFailed) {
            // Each failed record's original bytes are in the error output, once per failed copy.
            const n = errorData.get(r.data) ?? 0;
            if (n === 0) throw new Error(`record ${i} failed in Firehose but is not in its error output`);
            errorData.set(r.data, n - 1);
        }
        const eventId = isFailed ? undefined : eventIdOf.get(`${fate.objectKey}\u0000${fate.recordId}`);
        if (!isFailed && eventId === undefined) throw new Error(`record ${i} was delivered but is not in the raw zone`);
        return {
            i,
            wave: r.wave,
            entity: r.entity,
            domain: r.domain ?? null,
            key: r.key ?? null,
            intent: r.intent,
            defect: r.defect ?? null,
            change_type: r.changeType ?? null,
            firehose: isFailed ? "failed" : "ok",
            error_code: fate.errorCode ?? null,
            event_id: eventId ?? null,
            curated: r.key === undefined ? null : (curated.get(`${r.entity}/${r.key}`) ?? null),
        };
    });
    const leftover = [...errorData.values()].reduce((a, b) => a + b, 0);
    if (leftover > 0) throw new Error(`${leftover} error-output documents match no generated record`);
    await fs.writeFile(path.join(out, "manifest.jsonl"), `${manifest.map((m) => JSON.stringify(m)).join("\n")}\n`);
    await fs.writeFile(
        path.join(out, "deliveries.json"),
        JSON.stringify({
            raw_root: rawRoot,
            waves: waveObjects.map((keys) => keys.map((k) => `${k}${DATA_OBJECT_EXTENSION}`)),
            error_objects: errorObjects,
            as_of: generated.asOf,
        }),
    );
    progress.done(`every failed record's original bytes in the error output; ${eventIdOf.size} raw lines`);

    // 4. The Glue jobs on local Spark, the report and the accounting (Python).
    const code = await timed("spark", () => runPython(python, out, options.cores, progress, print));
    let report: Record<string, unknown> | undefined;
    try {
        report = JSON.parse(await fs.readFile(path.join(out, "report.json"), "utf8"));
    } catch {
        report = undefined;
    }
    return { exitCode: code, manifest, report, seconds };
}

/** Runs cdp_jobs.local_run; its `PROGRESS {json}` stderr lines drive the progress display, the rest is passed on. */
function runPython(python: string, out: string, cores: number, progress: Progress, print: (t: string) => void) {
    const env = {
        ...process.env,
        PYTHONPATH: [path.join(ROOT, "jobs", "glue"), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        CDP_DEMO_HASH_SALT: DEMO_HASH_SALT,
        PYSPARK_PYTHON: process.env.PYSPARK_PYTHON ?? python,
    };
    const args = ["-m", "cdp_jobs.local_run", "--work", out, "--contracts", path.join(ROOT, "contracts")];
    args.push("--cores", String(cores));
    return new Promise<number>((resolve, reject) => {
        const child = spawn(python, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let pending = "";
        const other: string[] = [];
        child.stdout.on("data", (d: Buffer) => print(d.toString("utf8")));
        child.stderr.on("data", (d: Buffer) => {
            pending += d.toString("utf8");
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
                const m = /^PROGRESS (.*)$/.exec(line);
                if (!m) {
                    other.push(line);
                    continue;
                }
                const ev = JSON.parse(m[1]) as {
                    stage?: string;
                    total?: number;
                    done?: number;
                    detail?: string;
                    summary?: string;
                };
                if (ev.summary !== undefined) progress.done(ev.summary);
                else if (ev.stage !== undefined) progress.stage(ev.stage, ev.total);
                else if (ev.done !== undefined) progress.update(ev.done, ev.detail);
            }
        });
        child.on("error", reject);
        child.on("close", (code) => {
            if (code !== 0 && code !== 3) {
                // Spark's own output only matters when the run failed.
                process.stderr.write(`${other.slice(-40).join("\n")}\n`);
            }
            resolve(code ?? 1);
        });
    });
}

export const USAGE = `Usage: npm run demo -- [options]

Generates producer records for the stack's domains, sends them through the local ingestion path (Kinesis emulator,
Firehose batching, the preprocess Lambda, dynamic partitioning) into a directory raw zone, runs the Glue jobs
raw → processed → curated on local Spark, and prints a report and the record accounting. No AWS, no network.

Options:
  --records N   producer records (default 100000)
  --seed N      random seed (default 1); the same seed gives the same records
  --out DIR     output directory, replaced on each run (default local-demo)
  --stack NAME  stack whose domains are generated: Pulumi.<NAME>.yaml (default dev)
  --days N      days the events span, ending 2026-11-30 (default 30)
  --cores N     Spark local cores (default 2)
  -h, --help    this text

Needs Java 17 and Python 3.11+ with pyspark 3.5 (python3 -m pip install -r requirements-dev.txt).
Exit codes: 0 balanced, 1 error, 2 usage or missing prerequisite, 3 the accounting does not balance.
`;

export function parseDemoArgs(argv: readonly string[]): DemoOptions | "help" {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            records: { type: "string", default: "100000" },
            seed: { type: "string", default: "1" },
            out: { type: "string", default: "local-demo" },
            stack: { type: "string", default: "dev" },
            cores: { type: "string", default: "2" },
            days: { type: "string", default: "30" },
            help: { type: "boolean", short: "h" },
        },
        strict: true,
        allowPositionals: false,
    });
    if (values.help) return "help";
    const int = (name: string, text: string, min: number) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n) || n < min)
            throw new DemoUsageError(`--${name} must be an integer ≥ ${min}, got "${text}"`);
        return n;
    };
    if (!/^[A-Za-z0-9_.-]+$/.test(values.stack))
        throw new DemoUsageError(`--stack "${values.stack}" is not a stack name`);
    return {
        records: int("records", values.records, 100),
        seed: int("seed", values.seed, 0),
        out: values.out,
        stack: values.stack,
        cores: int("cores", values.cores, 1),
        days: int("days", values.days, 2),
    };
}

async function main(): Promise<number> {
    let options: DemoOptions | "help";
    try {
        options = parseDemoArgs(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
        return 2;
    }
    if (options === "help") {
        process.stdout.write(USAGE);
        return 0;
    }
    // The handler's rejections are expected here (bad records on purpose): its logger stays quiet.
    process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
    try {
        const result = await runDemo(options);
        const s = result.seconds;
        process.stderr.write(
            `timings: generate ${s.generate?.toFixed(1)} s, ingest ${s.ingest?.toFixed(1)} s, ` +
                `Spark (jobs, report, accounting) ${s.spark?.toFixed(1)} s\n`,
        );
        return result.exitCode;
    } catch (e) {
        process.stderr.write(`demo: ${(e as Error).message}\n`);
        return e instanceof DemoUsageError ? 2 : 1;
    }
}

if (require.main === module) {
    main().then((code) => {
        process.exitCode = code;
    });
}
