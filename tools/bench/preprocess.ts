/**
 * Benchmark of the Firehose preprocessing Lambda (functions/preprocess).
 *
 * Usage: node dist/tools/bench/preprocess.js [--strict] [--iterations N] [--loads N]
 *
 *  1. Throughput: a ~6 MB batch of realistic valid records, processed by
 *     (a) the floor loop, base64 decode -> JSON.parse -> JSON.stringify ->
 *     base64 encode, the minimum any transformation must do, and (b) the real
 *     handler. Prints records/s of both and handler/floor (target >= 0.6).
 *     Normalised output is ~1.5x the input, so most records of a 6 MB event
 *     come back ProcessingFailed (response-size-limit) and skip the encoding
 *     step: the largest batch whose response is entirely Ok (a ~4.2 MB
 *     event, what a full 3 MB Firehose buffer produces, the throughput that
 *     matters in production) is therefore measured and gated too. A batch of
 *     minimal records (schema fields only) is reported for information.
 *     Each ratio is the median floor time over the median handler time of
 *     alternating runs; the gated ratios are repeated at the end.
 *  2. Cold start: esbuild bundle size of the function and its module load time
 *     (median of fresh `node` processes) against a bundle of a bare AWS SDK v3
 *     S3 client (SDK bundled in, as a function that uses it would ship it).
 *
 * Exits 0 unless --strict is given and the ratio target is missed on a
 * gated batch.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from "aws-lambda";
import { bundleFunction } from "../../functions/build";
import { packageRoot } from "../../model/package-root";
import { prng } from "../prng";

const TARGET_RATIO = 0.6;
const EVENT_LIMIT_BYTES = 6_291_456;

function flag(args: string[], name: string, fallback: number): number {
    const i = args.indexOf(name);
    const value = i >= 0 ? Number(args[i + 1]) : fallback;
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
    return value;
}

const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus", "Frances", "Ken"];
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Torvalds", "Allen"];
const COUNTRIES = ["US", "GB", "DE", "FR", "JP", "NL", "SE", "KW", "BR", "IN"];
const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "KWD", "SEK", "CHF"];
const MERCHANTS = ["Acme Coffee", "Globex Books", "Initech Travel", "Umbrella Pharmacy", "Hooli Electronics"];
const PATHS = ["/", "/products", "/products/1234", "/cart", "/checkout", "/account/orders", "/search"];
const AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
];

const SKUS = ["PRO-M", "PRO-Y", "BASIC-M", "ADDON-STORAGE", "ADDON-SEATS"];
const EDGES = ["FRA56-P1", "LHR61-C2", "IAD89-P3", "NRT57-C1", "GRU3-C1"];
const LANGUAGES = ["en-GB,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "ja-JP,ja;q=0.9", "fr-FR,fr;q=0.9,en;q=0.7"];

/**
 * Records shaped like production traffic of a CDP ingestion hub: known
 * schema fields plus the unknown fields sources always add (kept in
 * `_extra`). `minimal` drops the unknown fields, leaving only schema fields:
 * the worst case for the handler/floor ratio, reported for information.
 */
function realisticRecord(rand: () => number, i: number, minimal: boolean): Record<string, unknown> {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const epochMs = 1_717_200_000_000 + Math.floor(rand() * 86_400_000 * 30);
    const customerId = `C-${100_000 + Math.floor(rand() * 900_000)}`;
    const extra = (fields: Record<string, unknown>): Record<string, unknown> => (minimal ? {} : fields);
    const kind = rand();
    if (kind < 0.3) {
        return {
            entity: "weblog",
            source: "cdn-edge",
            sessionId: `sess-${Math.floor(rand() * 1e12).toString(36)}`,
            timestamp: new Date(epochMs).toISOString(),
            method: pick(["GET", "GET", "GET", "POST"]),
            url: `https://shop.example.com${pick(PATHS)}?ref=${i % 97}&utm_source=newsletter&utm_medium=email`,
            status: pick([200, 200, 200, 304, 404, 500]),
            userAgent: pick(AGENTS),
            ip: `203.0.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
            referrer: "https://www.example.org/",
            bytes: Math.floor(rand() * 50_000),
            durationMs: Math.floor(rand() * 900) / 10,
            ...extra({
                host: "shop.example.com",
                protocol: "HTTP/2.0",
                edgeLocation: pick(EDGES),
                edgeRequestId: Buffer.from(String(rand())).toString("base64").slice(0, 40),
                cacheStatus: pick(["Hit", "Miss", "RefreshHit"]),
                tlsVersion: "TLSv1.3",
                acceptLanguage: pick(LANGUAGES),
                contentType: "text/html; charset=utf-8",
            }),
        };
    }
    if (kind < 0.6) {
        const currency = pick(CURRENCIES);
        const exponent = currency === "JPY" ? 0 : currency === "KWD" ? 3 : 2;
        return {
            entity: "transaction",
            source: "pos-eu",
            transactionId: `T-${i}-${Math.floor(rand() * 1e9)}`,
            customerId,
            amount: (Math.floor(rand() * 10 ** (4 + exponent)) / 10 ** exponent).toFixed(exponent),
            currency,
            timestamp: Math.floor(epochMs / 1000),
            merchant: pick(MERCHANTS),
            status: "settled",
            paymentMethod: pick(["card", "wallet", "bank_transfer"]),
            ...extra({
                storeId: `store-${Math.floor(rand() * 400)}`,
                channel: pick(["web", "app", "in_store"]),
                cardBrand: pick(["visa", "mastercard", "amex"]),
                items: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({
                    sku: pick(SKUS),
                    quantity: 1 + Math.floor(rand() * 4),
                    unitPrice: (Math.floor(rand() * 10_000) / 100).toFixed(2),
                })),
            }),
        };
    }
    if (kind < 0.8) {
        const first = pick(FIRST_NAMES);
        const last = pick(LAST_NAMES);
        return {
            entity: "customer",
            source: "crm",
            customerId,
            email: ` ${first}.${last}${i}@Example.com`,
            name: `${first}  ${last}`,
            phone: `+44 20 7946 ${String(1000 + (i % 9000))}`,
            country: pick(COUNTRIES).toLowerCase(),
            status: "active",
            marketingOptIn: rand() < 0.5,
            createdAt: new Date(epochMs - 86_400_000 * 400).toISOString().replace("Z", "+00:00"),
            updatedAt: epochMs,
            ...extra({
                loyaltyTier: pick(["bronze", "silver", "gold"]),
                preferredLanguage: pick(["en", "de", "fr", "ja"]),
                address: {
                    line1: `${1 + (i % 200)} High Street`,
                    city: "London",
                    postalCode: "EC1A 1BB",
                    region: "LND",
                },
                tags: ["newsletter", pick(["vip", "churn-risk", "new"])],
            }),
        };
    }
    return {
        entity: "api_event",
        source: "billing-api",
        // Webhook-style events carry the sender's event id (used as-is).
        ...extra({ eventId: `evt_${Math.floor(rand() * 1e15).toString(36)}` }),
        type: pick(["invoice.created", "invoice.paid", "subscription.renewed"]),
        timestamp: new Date(epochMs).toISOString(),
        payload: {
            invoiceId: `inv_${Math.floor(rand() * 1e10)}`,
            customerId,
            lines: [{ sku: pick(SKUS), quantity: 1 + Math.floor(rand() * 3) }],
            total: { amount: "49.00", currency: "EUR" },
            ...(minimal
                ? {}
                : {
                      subscriptionId: `sub_${Math.floor(rand() * 1e10)}`,
                      period: { start: Math.floor(epochMs / 1000) - 2_592_000, end: Math.floor(epochMs / 1000) },
                      tax: { rate: "0.19", amount: "7.82" },
                      livemode: true,
                  }),
        },
        ...extra({ apiVersion: "2024-06-20", requestId: `req_${Math.floor(rand() * 1e12).toString(36)}` }),
    };
}

function buildEvent(targetBytes: number, minimal = false): FirehoseTransformationEvent {
    const rand = prng(20_240_601);
    const event: FirehoseTransformationEvent = {
        invocationId: "bench-0001",
        deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/cdp-ingest",
        region: "eu-west-1",
        records: [],
    };
    let size = JSON.stringify(event).length;
    for (let i = 0; ; i++) {
        const record: FirehoseTransformationEventRecord = {
            recordId: `49546986683135544286507457936321625675700192471156${String(785_154 + i).padStart(6, "0")}`,
            approximateArrivalTimestamp: 1_717_300_000_000 + i,
            data: Buffer.from(JSON.stringify(realisticRecord(rand, i, minimal))).toString("base64"),
        };
        const added = JSON.stringify(record).length + 1;
        if (size + added > targetBytes) return event;
        event.records.push(record);
        size += added;
    }
}

/**
 * The longest prefix of `event` that the handler returns entirely as Ok
 * within the 6 MiB response limit (what a full Firehose buffer of these
 * records looks like when nothing overflows).
 */
function largestAllOkPrefix(
    event: FirehoseTransformationEvent,
    processBatch: typeof import("../../functions/preprocess/batch").processBatch,
    engine: ReturnType<typeof import("../../functions/preprocess/normalise").createEngine>,
): FirehoseTransformationEvent {
    const unlimited = processBatch(event, {
        engine,
        processedAt: new Date().toISOString(),
        responseLimitBytes: Number.MAX_SAFE_INTEGER,
    });
    let size = JSON.stringify({ records: [] }).length - 1;
    let count = 0;
    for (const entry of unlimited.response.records) {
        if (entry.result !== "Ok") break;
        size += JSON.stringify(entry).length + 1;
        if (size > EVENT_LIMIT_BYTES) break;
        count++;
    }
    return { ...event, records: event.records.slice(0, count) };
}

/** The minimum work of any transformation: decode, parse, serialise, encode. */
function floorLoop(event: FirehoseTransformationEvent): number {
    let checksum = 0;
    for (const record of event.records) {
        const value: unknown = JSON.parse(Buffer.from(record.data, "base64").toString("utf8"));
        checksum += Buffer.from(JSON.stringify(value), "utf8").toString("base64").length;
    }
    return checksum;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `a` and `b` in ms, run alternately so noise hits both alike. */
async function timePair(
    a: () => unknown,
    b: () => unknown,
    warmup: number,
    iterations: number,
): Promise<[number, number]> {
    const samples: [number[], number[]] = [[], []];
    for (let i = 0; i < warmup + iterations; i++) {
        for (const [k, fn] of [a, b].entries()) {
            const start = process.hrtime.bigint();
            await fn();
            if (i >= warmup) samples[k].push(Number(process.hrtime.bigint() - start) / 1e6);
        }
    }
    return [median(samples[0]), median(samples[1])];
}

/** Median `require()` time of a module in fresh node processes, in ms. */
function loadTimeMs(file: string, runs: number): number {
    const script =
        "const t=process.hrtime.bigint();require(process.argv[1]);" +
        "process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))";
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
        const out = execFileSync(process.execPath, ["-e", script, file], {
            env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT", AWS_REGION: "eu-west-1" },
            encoding: "utf8",
        });
        samples.push(Number(out));
    }
    return median(samples);
}

const fmt = (n: number, digits = 0): string =>
    n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

async function main(args: string[]): Promise<number> {
    const strict = args.includes("--strict");
    const iterations = flag(args, "--iterations", 25);
    const loads = flag(args, "--loads", 15);
    // Silence the per-batch summary lines before the handler module loads.
    process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
    const { handler } = await import("../../functions/preprocess");
    const { createHandler } = await import("../../functions/preprocess/handler");
    const { createEngine } = await import("../../functions/preprocess/normalise");
    const { createIdentifierHasher } = await import("../../functions/preprocess/privacy");
    const { processBatch } = await import("../../functions/preprocess/batch");

    console.log(`node ${process.version}, median of ${iterations} alternating runs after 3 warm-up runs`);
    const full = buildEvent(EVENT_LIMIT_BYTES);
    const fitting = largestAllOkPrefix(full, processBatch, createEngine());
    const fittingMb = (JSON.stringify(fitting).length / 1e6).toFixed(1);
    const batches = [
        { name: "6 MB batch", label: "6 MB batch of production-shaped records", event: full, gate: true },
        {
            name: `all-Ok ${fittingMb} MB batch`,
            label: `all-Ok ${fittingMb} MB batch: the largest prefix of that batch whose response is all Ok`,
            event: fitting,
            gate: true,
        },
        {
            name: "6 MB minimal batch",
            label: "6 MB batch of minimal records (schema fields only)",
            event: buildEvent(EVENT_LIMIT_BYTES, true),
            gate: false,
        },
    ];

    let pass = true;
    const gated: string[] = [];
    for (const { name, label, event, gate } of batches) {
        const n = event.records.length;
        const inputBytes = JSON.stringify(event).length;
        const recordBytes = event.records.reduce((sum, r) => sum + Buffer.byteLength(r.data, "base64"), 0) / n;
        const response = await handler(event);
        const ok = response.records.filter((r) => r.result === "Ok").length;
        const outputBytes = JSON.stringify(response).length;
        const [floorMs, handlerMs] = await timePair(
            () => floorLoop(event),
            () => handler(event),
            3,
            iterations,
        );
        const ratio = floorMs / handlerMs;
        if (gate && !(ratio >= TARGET_RATIO)) pass = false;
        const verdict = gate ? (ratio >= TARGET_RATIO ? "PASS" : "FAIL") : "(informational)";
        if (gate) gated.push(`  ${name.padEnd(22)} ${ratio.toFixed(2)} ${verdict}`);
        console.log(`\n${label}${gate ? " (gated)" : ""}`);
        console.log(
            `  ${fmt(n)} records of ${fmt(recordBytes)} B avg; event ${fmt(inputBytes)} B, response ${fmt(outputBytes)} B`,
        );
        console.log(`  Ok ${fmt(ok)}, ProcessingFailed ${fmt(n - ok)} (response-size-limit)`);
        console.log(`  floor   ${fmt(floorMs, 1).padStart(8)} ms  ${fmt((n / floorMs) * 1000).padStart(10)} records/s`);
        console.log(
            `  handler ${fmt(handlerMs, 1).padStart(8)} ms  ${fmt((n / handlerMs) * 1000).padStart(10)} records/s`,
        );
        console.log(`  ratio handler/floor ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}) ${verdict}`);
    }

    const hashing = createHandler({
        logger: { info() {}, warn() {}, error() {} },
        engine: createEngine({ hashIdentifier: createIdentifierHasher("bench-salt-0123456789") }),
        maxFailureLogs: 20,
    });
    const [, hashMs] = await timePair(
        () => undefined,
        () => hashing(fitting),
        3,
        iterations,
    );
    console.log(
        `\nwith HASH_IDENTIFIERS=true on the all-Ok batch: ${fmt((fitting.records.length / hashMs) * 1000)} records/s`,
    );

    const root = packageRoot(__dirname);
    const outdir = mkdtempSync(path.join(tmpdir(), "bench-preprocess-"));
    try {
        const fn = await bundleFunction(
            path.join(root, "functions/preprocess/index.ts"),
            path.join(outdir, "preprocess.js"),
        );
        const sdk = await bundleFunction(
            {
                contents: 'const { S3Client } = require("@aws-sdk/client-s3");\nexports.client = new S3Client({});\n',
                resolveDir: root,
            },
            path.join(outdir, "bare-s3-client.js"),
            { bundleAwsSdk: true },
        );
        const fnLoad = loadTimeMs(fn.outfile, loads);
        const sdkLoad = loadTimeMs(sdk.outfile, loads);
        console.log(
            `\ncold start (esbuild, minified, node24 cjs; load = median require() of ${loads} fresh processes)`,
        );
        console.log(
            `  preprocess bundle     ${fmt(fn.bytes / 1024, 1).padStart(8)} KiB  load ${fmt(fnLoad, 1).padStart(6)} ms`,
        );
        console.log(
            `  bare S3 client bundle ${fmt(sdk.bytes / 1024, 1).padStart(8)} KiB  load ${fmt(sdkLoad, 1).padStart(6)} ms`,
        );
        console.log(
            `  preprocess/bare-client: size ${(fn.bytes / sdk.bytes).toFixed(2)}x, load ${(fnLoad / sdkLoad).toFixed(2)}x`,
        );
    } finally {
        rmSync(outdir, { recursive: true, force: true });
    }

    console.log(`\ngated handler/floor ratios (target >= ${TARGET_RATIO}):`);
    for (const line of gated) console.log(line);
    console.log(`${pass ? "PASS" : "FAIL"}: handler/floor ratio target ${TARGET_RATIO} on the gated batches`);
    return strict && !pass ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    },
);
