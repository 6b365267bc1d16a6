/**
 * The local ingestion path end to end: kinesalite (in-process, in-memory) →
 * Firehose-style read → functions/preprocess handler → dynamic-partitioning
 * delivery into a temporary directory raw zone (and, when moto_server is on
 * PATH, an S3-compatible endpoint).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import {
    DEFAULT_PREFIX,
    DirectoryRawZoneSink,
    FIREHOSE_LIMITS,
    PROCESSING_FAILED_STATUS,
    S3RawZoneSink,
    assertSafeKey,
    batchForLambda,
    buildTransformationEvent,
    createStream,
    encodeRecord,
    fromKinesisRecords,
    loadPreprocessHandler,
    putRecords,
    readAsFirehose,
    runLocalIngestion,
    startKinesisEmulator,
    type FirehoseInputRecord,
    type KinesisEmulator,
    type LocalIngestionResult,
    type RawZoneSink,
    type TransformationHandler,
} from "../../tools/local/ingest";
import { main as cli, splitJsonLines } from "../../tools/local/ingest-cli";
import { mixedCases, type Case, type ValidCase } from "./records";

const OBJECT_NAME =
    /^cdp-ingestion-hub-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATA_KEY = /^raw\/source=([a-z0-9][a-z0-9_-]*)\/entity=([a-z_]+)\/event_date=(\d{4}-\d{2}-\d{2})\/([^/]+)$/;
const ERROR_KEY = /^errors\/processing-failed\/(\d{4}-\d{2}-\d{2})\/([^/]+)$/;

interface ErrorDocument {
    attemptsMade: number;
    arrivalTimestamp: number;
    errorCode: string;
    errorMessage: string;
    attemptEndingTimestamp: number;
    rawData: string;
    lambdaArn: string;
}

/** Splits an object into lines, requiring newline-terminated JSON lines. */
function jsonLines<T>(body: Buffer): T[] {
    const text = body.toString("utf8");
    expect(text.length).to.be.greaterThan(0);
    expect(text.endsWith("\n"), "object ends with a newline").to.equal(true);
    return text
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as T);
}

const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("local ingestion path (kinesalite → preprocess → raw zone)", function () {
    this.timeout(30_000);

    let emulator: KinesisEmulator;
    let tmp: string;
    const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;

    before(async () => {
        // The handler module builds its Powertools logger when first loaded.
        process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
        await loadPreprocessHandler();
        emulator = await startKinesisEmulator();
        tmp = await fs.mkdtemp(path.join(os.tmpdir(), "cdp-local-ingest-"));
    });

    after(async () => {
        await emulator?.stop();
        if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true });
        if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
        else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
    });

    let dirCount = 0;
    const freshDir = () => path.join(tmp, `zone-${++dirCount}`);

    describe("Kinesis source", () => {
        it("reads every shard from TRIM_HORIZON in sequence order, with arrival timestamps", async () => {
            const client = emulator.client;
            const stream = await createStream(client, "read-back.test_stream-1", 2);
            expect(stream.shardIds).to.deep.equal(["shardId-000000000000", "shardId-000000000001"]);
            expect(stream.streamArn).to.match(/^arn:aws:kinesis:us-east-1:\d{12}:stream\/read-back\.test_stream-1$/);

            const before = Date.now();
            const inputs = Array.from({ length: 60 }, (_, i) => ({
                data: Buffer.from(JSON.stringify({ i })),
                partitionKey: `key-${i % 7}`,
            }));
            const placed = await putRecords(client, stream.streamName, inputs.slice(0, 30));
            placed.push(...(await putRecords(client, stream.streamName, inputs.slice(30))));
            const after = Date.now();

            const read = await readAsFirehose(client, stream.streamName, { limit: 7 });
            expect(read.streamArn).to.equal(stream.streamArn);
            expect(read.shards.map((s) => s.shardId)).to.deep.equal(stream.shardIds);
            for (const shard of read.shards) {
                const expected = placed.flatMap((p, i) => (p.shardId === shard.shardId ? [i] : []));
                expect(expected.length, `records on ${shard.shardId}`).to.be.greaterThan(0);
                expect(shard.records.map((r) => JSON.parse(Buffer.from(r.data).toString()).i)).to.deep.equal(expected);
                expect(shard.records.map((r) => r.sequenceNumber)).to.deep.equal(
                    expected.map((i) => placed[i].sequenceNumber),
                );
                expect(shard.records.map((r) => r.partitionKey)).to.deep.equal(
                    expected.map((i) => inputs[i].partitionKey),
                );
                shard.records.forEach((r, k) => {
                    expect(r.approximateArrivalTimestamp).to.be.within(before - 1000, after + 1000);
                    if (k > 0) {
                        expect(BigInt(r.sequenceNumber) > BigInt(shard.records[k - 1].sequenceNumber)).to.equal(true);
                        expect(r.approximateArrivalTimestamp).to.be.at.least(
                            shard.records[k - 1].approximateArrivalTimestamp,
                        );
                    }
                });
            }
            // The merged order holds every record once and keeps each shard's order.
            expect(read.records).to.have.length(60);
            for (const shard of read.shards) {
                expect(read.records.filter((r) => r.shardId === shard.shardId)).to.deep.equal(shard.records);
            }
        });

        it("builds a Firehose transformation event with Kinesis record metadata", async () => {
            const client = emulator.client;
            const stream = await createStream(client, "event-shape", 2);
            await putRecords(client, stream.streamName, [
                { data: Buffer.from('{"a":1}'), partitionKey: "p1" },
                { data: Buffer.from([0xff, 0x00]), partitionKey: "p2" },
            ]);
            const read = await readAsFirehose(client, stream.streamName);
            const records = fromKinesisRecords(read.records);
            const event = buildTransformationEvent(records, {
                deliveryStreamArn: "arn:aws:firehose:us-east-1:000000000000:deliverystream/hub",
                region: "us-east-1",
                sourceKinesisStreamArn: stream.streamArn,
            });
            expect(event.invocationId).to.match(/^[0-9a-f-]{36}$/);
            expect(event.sourceKinesisStreamArn).to.equal(stream.streamArn);
            expect(event.records).to.have.length(2);
            for (const [k, entry] of event.records.entries()) {
                const source = read.records[k];
                expect(entry).to.have.all.keys(
                    "recordId",
                    "approximateArrivalTimestamp",
                    "data",
                    "kinesisRecordMetadata",
                );
                expect(entry.recordId).to.equal(`${source.sequenceNumber}000000`);
                expect(Buffer.from(entry.data, "base64")).to.deep.equal(Buffer.from(source.data));
                expect(entry.approximateArrivalTimestamp).to.equal(source.approximateArrivalTimestamp);
                expect(entry.kinesisRecordMetadata).to.deep.equal({
                    sequenceNumber: source.sequenceNumber,
                    subsequenceNumber: "",
                    partitionKey: source.partitionKey,
                    shardId: source.shardId,
                    approximateArrivalTimestamp: source.approximateArrivalTimestamp,
                });
            }
        });

        it("lets kinesalite validate like Kinesis", async () => {
            const client = emulator.client;
            let error: unknown;
            try {
                await createStream(client, "bad name!", 1);
            } catch (err) {
                error = err;
            }
            expect((error as Error | undefined)?.name).to.equal("ValidationException");
            await createStream(client, "twice", 1);
            error = undefined;
            try {
                await createStream(client, "twice", 1);
            } catch (err) {
                error = err;
            }
            expect((error as Error | undefined)?.name).to.equal("ResourceInUseException");
        });
    });

    describe("runLocalIngestion into a directory raw zone", () => {
        let cases: Case[];
        let result: LocalIngestionResult;
        let sink: DirectoryRawZoneSink;
        const before0 = Date.now();

        before(async () => {
            cases = mixedCases();
            sink = new DirectoryRawZoneSink(freshDir());
            result = await runLocalIngestion({ records: cases.map((c) => c.record), sink, emulator, shardCount: 2 });
        });

        it("accounts for every record put: Ok + failed = put", () => {
            const validCount = cases.filter((c) => c.valid).length;
            expect(result.put).to.equal(cases.length);
            expect(result.ok).to.equal(validCount);
            expect(result.failed).to.equal(cases.length - validCount);
            expect(result.dropped).to.equal(0);
            expect(result.ok + result.failed).to.equal(result.put);
            expect(result.records.map((r) => r.index)).to.deep.equal(cases.map((_, i) => i));
            result.records.forEach((r, i) => {
                expect(r.result, `record ${i}`).to.equal(cases[i].valid ? "Ok" : "ProcessingFailed");
            });
            expect(new Set(result.records.map((r) => r.shardId)).size, "both shards used").to.equal(2);
            expect(result.invocations).to.equal(1);
        });

        it("writes Ok records as newline-terminated JSON under raw/source=…/entity=…/event_date=…/", async () => {
            const listed = await sink.listObjects();
            expect(listed).to.deep.equal([...result.objects].sort());
            expect(await sink.listObjects("raw/")).to.deep.equal([...result.dataObjects].sort());

            const byRecordId = new Map(result.records.map((r) => [r.recordId, r]));
            const seen = new Set<number>();
            const expectedPartitions = new Set(
                cases.filter((c): c is ValidCase => c.valid).map((c) => `${c.source}|${c.entity}|${c.eventDate}`),
            );
            const partitions = new Set<string>();
            for (const key of result.dataObjects) {
                const match = DATA_KEY.exec(key);
                expect(match, key).to.not.equal(null);
                const [, source, entity, eventDate, name] = match!;
                expect(name).to.match(OBJECT_NAME);
                const partition = `${source}|${entity}|${eventDate}`;
                expect(partitions.has(partition), `one object per partition: ${partition}`).to.equal(false);
                partitions.add(partition);

                const file = path.join(sink.root, ...key.split("/"));
                const lines = jsonLines<Record<string, unknown>>(await fs.readFile(file));
                for (const line of lines) {
                    const meta = line._meta as { recordId: string };
                    const trace = byRecordId.get(meta.recordId)!;
                    expect(trace, "output traces back to an input").to.not.equal(undefined);
                    expect(trace.objectKey).to.equal(key);
                    const input = cases[trace.index] as ValidCase;
                    expect(input.valid).to.equal(true);
                    expect([line.source, line.entity], key).to.deep.equal([source, entity]);
                    expect([input.source, input.entity, input.eventDate]).to.deep.equal([source, entity, eventDate]);
                    expect(line[input.idField]).to.equal(input.idValue);
                    expect(line.eventId).to.be.a("string");
                    expect(seen.has(trace.index), "each record once").to.equal(false);
                    seen.add(trace.index);
                }
            }
            expect(partitions).to.deep.equal(expectedPartitions);
            expect(seen.size).to.equal(result.ok);
        });

        it("writes failed records as Firehose error documents with their original data under errors/processing-failed/<date>/", async () => {
            expect(await sink.listObjects("errors/")).to.deep.equal([...result.errorObjects].sort());
            expect(result.errorObjects).to.have.length(1);
            const key = result.errorObjects[0];
            const match = ERROR_KEY.exec(key);
            expect(match, key).to.not.equal(null);
            expect(match![2]).to.match(OBJECT_NAME);
            const failed = result.records.filter((r) => r.result === "ProcessingFailed");
            // The date is the arrival date (UTC) of the object's oldest record.
            expect(match![1]).to.equal(utcDate(Math.min(...failed.map((r) => r.approximateArrivalTimestamp))));

            const documents = jsonLines<ErrorDocument>(await sink.getObject(key));
            expect(documents).to.have.length(failed.length);
            const byRaw = new Map(documents.map((d) => [d.rawData, d]));
            for (const r of failed) {
                const original = Buffer.from(encodeRecord(cases[r.index].record)).toString("base64");
                const doc = byRaw.get(original);
                expect(doc, `error document for record ${r.index}`).to.not.equal(undefined);
                expect(Object.keys(doc!)).to.deep.equal([
                    "attemptsMade",
                    "arrivalTimestamp",
                    "errorCode",
                    "errorMessage",
                    "attemptEndingTimestamp",
                    "rawData",
                    "lambdaArn",
                ]);
                expect(doc).to.include({
                    attemptsMade: 1,
                    arrivalTimestamp: r.approximateArrivalTimestamp,
                    ...PROCESSING_FAILED_STATUS,
                });
                expect(doc!.attemptEndingTimestamp).to.be.within(before0, Date.now());
                expect(doc!.lambdaArn).to.equal("arn:aws:lambda:us-east-1:000000000000:function:preprocess:$LATEST");
                expect(r).to.include({
                    objectKey: key,
                    errorOutputType: "processing-failed",
                    errorCode: "Lambda.ProcessingFailedStatus",
                });
            }
        });

        it("keeps each shard's order inside every object", async () => {
            const byRecordId = new Map(result.records.map((r) => [r.recordId, r]));
            for (const key of result.objects) {
                const body = await sink.getObject(key);
                const traces = key.startsWith("raw/")
                    ? jsonLines<{ _meta: { recordId: string } }>(body).map((l) => byRecordId.get(l._meta.recordId)!)
                    : jsonLines<ErrorDocument>(body).map(
                          (d) =>
                              result.records.find(
                                  (r) =>
                                      Buffer.from(encodeRecord(cases[r.index].record)).toString("base64") === d.rawData,
                              )!,
                      );
                for (const shardId of new Set(traces.map((t) => t.shardId))) {
                    const onShard = traces.filter((t) => t.shardId === shardId);
                    const indices = onShard.map((t) => t.index);
                    expect(indices, `${key} ${shardId}`).to.deep.equal([...indices].sort((a, b) => a - b));
                    const sequences = onShard.map((t) => BigInt(t.sequenceNumber));
                    sequences.slice(1).forEach((s, k) => {
                        expect(s > sequences[k]).to.equal(true);
                    });
                }
            }
            // Customer C-1's updates share a partition key, hence a shard, and arrive in put order.
            const updates = result.records.filter((r) => {
                const c = cases[r.index];
                return c.valid && c.idField === "status";
            });
            expect(new Set(updates.map((u) => u.shardId)).size).to.equal(1);
            expect(new Set(updates.map((u) => u.partitionKey))).to.deep.equal(new Set(["C-1"]));
        });
    });

    describe("Firehose batching and delivery", () => {
        it("splits invocations by the Lambda buffer hint and S3 objects by the per-partition buffer", async () => {
            const cases = mixedCases();
            const events: FirehoseTransformationEvent[] = [];
            const preprocess = await loadPreprocessHandler();
            const handler: TransformationHandler = (event) => {
                events.push(event);
                return preprocess(event);
            };
            const sink = new DirectoryRawZoneSink(freshDir());
            const result = await runLocalIngestion({
                records: cases.map((c) => c.record),
                sink,
                emulator,
                handler,
                firehose: { lambdaBufferBytes: 1024, s3BufferBytes: 600 },
            });
            expect(result.invocations).to.equal(events.length);
            expect(events.length).to.be.greaterThan(3);
            for (const event of events) {
                const dataBytes = event.records.reduce((n, r) => n + Buffer.from(r.data, "base64").length, 0);
                expect(
                    event.records.length === 1 || dataBytes <= 1024,
                    `${dataBytes} bytes in one invocation`,
                ).to.equal(true);
                expect(Buffer.byteLength(JSON.stringify(event))).to.be.at.most(FIREHOSE_LIMITS.lambdaPayloadBytes);
            }
            // Invocations carry every record once, each shard's records in sequence order.
            const sent = events.flatMap((e) => e.records);
            expect(new Set(sent.map((r) => r.recordId)).size).to.equal(cases.length);
            for (const shardId of new Set(result.records.map((r) => r.shardId))) {
                const sequences = sent
                    .filter((r) => r.kinesisRecordMetadata?.shardId === shardId)
                    .map((r) => BigInt(r.kinesisRecordMetadata!.sequenceNumber));
                sequences.slice(1).forEach((seq, k) => {
                    expect(seq > sequences[k]).to.equal(true);
                });
            }

            expect(result.ok + result.failed).to.equal(cases.length);
            expect(result.ok).to.equal(cases.filter((c) => c.valid).length);
            // A partition larger than the S3 buffer spans several objects, each within it (or a single record).
            const prefixes = result.dataObjects.map((k) => k.slice(0, k.lastIndexOf("/") + 1));
            expect(new Set(prefixes).size).to.be.lessThan(prefixes.length);
            let lines = 0;
            for (const key of result.objects) {
                const body = await sink.getObject(key);
                const count = jsonLines(body).length;
                expect(count === 1 || body.length <= 600, `${key}: ${body.length} bytes`).to.equal(true);
                lines += count;
            }
            expect(lines).to.equal(cases.length);
        });

        it("keeps invocation payloads within the payload limit", () => {
            const records: FirehoseInputRecord[] = Array.from({ length: 20 }, (_, i) => ({
                recordId: `r${i}`,
                approximateArrivalTimestamp: 1_714_000_000_000 + i,
                data: Buffer.alloc(100_000, 0x61),
            }));
            const context = {
                deliveryStreamArn: "arn:aws:firehose:us-east-1:000000000000:deliverystream/hub",
                region: "us-east-1",
            };
            const limits = { lambdaBufferBytes: 3 * 1024 * 1024, lambdaPayloadBytes: 300_000 };
            const batches = batchForLambda(records, limits, context);
            expect(batches.map((b) => b.length)).to.deep.equal(Array(10).fill(2));
            for (const batch of batches) {
                expect(Buffer.byteLength(JSON.stringify(buildTransformationEvent(batch, context)))).to.be.at.most(
                    300_000,
                );
            }
            expect(
                batchForLambda(records, { ...limits, lambdaPayloadBytes: 6_291_456 }, context).map((b) => b.length),
            ).to.deep.equal([20]);
            expect(() => batchForLambda(records, { ...limits, lambdaPayloadBytes: 100_000 }, context)).to.throw(
                /alone exceeds/,
            );
        });

        it("fails whole invocations the way Firehose does: errors after retries, oversize responses, broken contracts", async () => {
            const records = [
                '{"entity":"customer","source":"crm","customerId":"C-1","createdAt":"2024-05-01T00:00:00Z"}',
                "x",
            ];
            const run = async (handler: TransformationHandler, firehose = {}) => {
                const sink = new DirectoryRawZoneSink(freshDir());
                const result = await runLocalIngestion({ records, sink, emulator, handler, firehose });
                const docs = (
                    await Promise.all(
                        result.errorObjects.map(async (k) => jsonLines<ErrorDocument>(await sink.getObject(k))),
                    )
                ).flat();
                return { result, docs };
            };

            let calls = 0;
            const throwing = await run(
                async () => {
                    calls++;
                    throw new TypeError("boom");
                },
                { invocationRetries: 2 },
            );
            expect(calls).to.equal(3);
            expect(throwing.result).to.include({ ok: 0, failed: 2 });
            expect(throwing.docs.map((d) => [d.errorCode, d.errorMessage, d.attemptsMade])).to.deep.equal([
                ["Lambda.FunctionError", "TypeError: boom", 3],
                ["Lambda.FunctionError", "TypeError: boom", 3],
            ]);
            expect(throwing.docs.map((d) => Buffer.from(d.rawData, "base64").toString()).sort()).to.deep.equal(
                [...records].sort(),
            );

            const oversize = await run(
                async (event) =>
                    ({
                        records: event.records.map((r) => ({
                            recordId: r.recordId,
                            result: "Ok",
                            data: Buffer.alloc(4000).toString("base64"),
                        })),
                    }) as FirehoseTransformationResult,
                { lambdaPayloadBytes: 5000, invocationRetries: 0 },
            );
            expect(oversize.docs.map((d) => d.errorCode)).to.deep.equal([
                "Lambda.FunctionError",
                "Lambda.FunctionError",
            ]);
            expect(oversize.docs[0].errorMessage).to.match(
                /^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(5000 bytes\)/,
            );

            const missing = await run(async (event) => ({
                records: event.records
                    .slice(1)
                    .map((r) => ({ recordId: r.recordId, result: "ProcessingFailed", data: r.data })),
            }));
            expect(missing.docs.map((d) => d.errorCode)).to.deep.equal([
                "Lambda.MissingRecordId",
                "Lambda.MissingRecordId",
            ]);

            const unpartitioned = await run(async (event) => ({
                records: event.records.map((r) => ({ recordId: r.recordId, result: "Ok" as const, data: r.data })),
            }));
            expect(unpartitioned.result).to.include({ ok: 0, failed: 2 });
            expect(
                unpartitioned.result.errorObjects.every((k) => k.startsWith("errors/partitioning-failed/")),
            ).to.equal(true);
        });

        it("refuses object keys that leave the directory raw zone", async () => {
            for (const key of ["", "/abs", "../up", "a/../b", "a//b", "a/", "a\\b", "a/./b", "nul\u0000"]) {
                expect(() => assertSafeKey(key), JSON.stringify(key)).to.throw(/unsafe object key/);
            }
            const sink = new DirectoryRawZoneSink(freshDir());
            await sink.putObject("raw/source=a/x", Buffer.from("1\n"));
            await sink.putObject("raw/source=ab/y", Buffer.from("2\n"));
            expect(await sink.listObjects("raw/source=a/")).to.deep.equal(["raw/source=a/x"]);
            expect(await sink.listObjects("raw/source=a")).to.deep.equal(["raw/source=a/x", "raw/source=ab/y"]);
            expect(await sink.listObjects("nothing/")).to.deep.equal([]);
            expect((await sink.getObject("raw/source=ab/y")).toString()).to.equal("2\n");
            let error: unknown;
            try {
                await sink.putObject("../escape", Buffer.from("x"));
            } catch (err) {
                error = err;
            }
            expect(String(error)).to.match(/unsafe object key/);
            expect(DEFAULT_PREFIX).to.contain("!{partitionKeyFromLambda:event_date}");
        });
    });

    describe("ingest-cli", () => {
        it("ingests a JSON-lines file into a directory raw zone", async () => {
            const cases = mixedCases();
            const file = path.join(tmp, "records.jsonl");
            const lines = cases.map((c) => Buffer.from(encodeRecord(c.record)));
            // CRLF and blank lines are tolerated; line bytes are sent unchanged.
            await fs.writeFile(
                file,
                Buffer.concat(lines.flatMap((l, i) => [l, Buffer.from(i % 5 === 0 ? "\r\n\n" : "\n")])),
            );
            expect(splitJsonLines(await fs.readFile(file))).to.deep.equal(lines);

            const out = freshDir();
            let stdout = "";
            let stderr = "";
            const io = {
                stdout: (t: string) => {
                    stdout += t;
                },
                stderr: (t: string) => {
                    stderr += t;
                },
            };
            const code = await cli([file, "--out", out, "--json", "--log-level", "SILENT"], io);
            expect(code, stderr).to.equal(0);
            const summary = JSON.parse(stdout) as LocalIngestionResult & { location: string };
            expect(summary).to.include({
                put: cases.length,
                ok: cases.filter((c) => c.valid).length,
                failed: cases.filter((c) => !c.valid).length,
            });
            const sink: RawZoneSink = new DirectoryRawZoneSink(out);
            expect(await sink.listObjects()).to.deep.equal([...summary.objects].sort());

            stdout = "";
            expect(await cli([file, "--out", freshDir(), "--strict"], io)).to.equal(3);
            expect(stdout).to.match(
                /^ingested \d+ record\(s\) from .* via Kinesis stream cdp-local-[0-9a-f]+, 1 Lambda invocation\(s\)\n {2}ok \d+, failed \d+\n/,
            );
            expect(await cli([], io)).to.equal(2);
            expect(await cli([file, "--buffer-mb", "4"], io)).to.equal(1);
            expect(stderr).to.contain("lambdaBufferBytes must be in (0, 3 MiB]");
        });
    });

    describe("S3 raw zone (moto_server)", () => {
        let moto: ChildProcess | undefined;
        let endpoint: string;

        before(async function () {
            const port = await new Promise<number>((resolve, reject) => {
                const probe = createServer();
                probe.once("error", reject);
                probe.listen(0, "127.0.0.1", () => {
                    const { port: p } = probe.address() as { port: number };
                    probe.close(() => resolve(p));
                });
            });
            const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
            const spawned = await new Promise<boolean>((resolve) => {
                child.once("spawn", () => resolve(true));
                child.once("error", () => resolve(false));
            });
            // CI installs moto (requirements-dev.txt): there a missing server is a failure, elsewhere a skip.
            if (!spawned) {
                if (process.env.CI) throw new Error("moto_server is not on PATH: pip install -r requirements-dev.txt");
                this.skip();
            }
            moto = child;
            endpoint = `http://127.0.0.1:${port}`;
            const deadline = Date.now() + 20_000;
            for (;;) {
                try {
                    if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
                } catch {
                    // not up yet
                }
                if (Date.now() > deadline || child.exitCode !== null) throw new Error("moto_server did not start");
                await new Promise((r) => setTimeout(r, 100));
            }
        });

        after(async () => {
            if (moto !== undefined && moto.exitCode === null) {
                const exited = new Promise((resolve) => moto!.once("exit", resolve));
                moto.kill("SIGTERM");
                await exited;
            }
        });

        it("delivers the same layout into a bucket through an S3-compatible endpoint", async () => {
            const sink = new S3RawZoneSink({
                bucket: "cdp-raw-local",
                keyPrefix: "zone/",
                endpoint,
                forcePathStyle: true,
            });
            try {
                await sink.ensureBucket();
                await sink.ensureBucket();
                const cases = mixedCases();
                const result = await runLocalIngestion({ records: cases.map((c) => c.record), sink, emulator });
                expect(result.ok + result.failed).to.equal(cases.length);
                expect(await sink.listObjects()).to.deep.equal([...result.objects].sort());
                expect(await sink.listObjects("errors/")).to.deep.equal([...result.errorObjects]);
                for (const key of result.dataObjects) {
                    const [, source, entity, eventDate] = DATA_KEY.exec(key)!;
                    for (const line of jsonLines<{ source: string; entity: string; _meta: { recordId: string } }>(
                        await sink.getObject(key),
                    )) {
                        expect([line.source, line.entity]).to.deep.equal([source, entity]);
                        const input = cases[
                            result.records.find((r) => r.recordId === line._meta.recordId)!.index
                        ] as ValidCase;
                        expect(input.eventDate).to.equal(eventDate);
                    }
                }
                const raw = await sink.client.send(
                    new (await import("@aws-sdk/client-s3")).ListObjectsV2Command({
                        Bucket: "cdp-raw-local",
                        Prefix: "zone/raw/",
                    }),
                );
                expect(raw.KeyCount).to.equal(result.dataObjects.length);
            } finally {
                await sink.close();
            }
        });
    });
});
