/**
 * The output document and the size budget: documents are written in pieces
 * (event id, serialised body, `_meta`) and their sizes computed without
 * building them, so these tests pin both to plain JSON.stringify.
 */
import { createHash } from "node:crypto";
import type { FirehoseTransformationEventRecord } from "aws-lambda";
import { expect } from "chai";
import { processBatch } from "../../../functions/preprocess/batch";
import { createIdentifierHasher } from "../../../functions/preprocess/privacy";
import { formatTimestamp } from "../../../functions/preprocess/timestamp";
import {
    PROCESSED_AT,
    SAMPLE_ARRIVAL,
    apiEvent,
    assertContract,
    customer,
    decodeOk,
    engine,
    eventOf,
    firehoseEvent,
    ok,
    recordId,
    run,
    toBase64,
    transaction,
    weblog,
} from "./helpers";

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

/** JSON text with every non-ASCII character written as a \u escape. */
const escapedJson = (value: unknown): string =>
    JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** The Ok data as text, checked to be exactly JSON.stringify of the document plus "\n". */
function compactText(data: string | undefined): string {
    const text = Buffer.from(data ?? "", "base64").toString("utf8");
    expect(text).to.equal(`${JSON.stringify(JSON.parse(text))}\n`);
    return text;
}

describe("preprocess output document", () => {
    it("is compact JSON with keys eventId, entity, source, fields in schema order, _extra, _meta", () => {
        const event = firehoseEvent([
            { ...weblog({ referrer: "https://example.org/", bytes: 12 }), zeta: 1, alpha: [true] },
            customer({ updatedAt: 1717200000 }),
            transaction({ eventId: "evt-1" }),
            apiEvent({ requestId: "req_1" }),
        ]);
        const { response } = run(event);
        const documents = response.records.map((r) => {
            compactText(r.data);
            return decodeOk(r);
        });
        expect(Object.keys(documents[0])).to.deep.equal([
            "eventId",
            "entity",
            "source",
            "sessionId",
            "timestamp",
            "method",
            "url",
            "status",
            "referrer",
            "userAgent",
            "ip",
            "bytes",
            "_extra",
            "_meta",
        ]);
        expect(Object.keys(documents[0]._extra as object)).to.deep.equal(["zeta", "alpha"]);
        expect(Object.keys(documents[1])).to.deep.equal([
            "eventId",
            "entity",
            "source",
            "customerId",
            "email",
            "name",
            "phone",
            "country",
            "createdAt",
            "updatedAt",
            "_meta",
        ]);
        expect(documents[2].eventId).to.equal("evt-1");
        expect(Object.keys(documents[3])).to.deep.equal([
            "eventId",
            "entity",
            "source",
            "type",
            "timestamp",
            "payload",
            "_extra",
            "_meta",
        ]);
        for (const [i, document] of documents.entries()) {
            expect(Object.keys(document._meta as object)).to.deep.equal([
                "recordId",
                "arrivedAt",
                "processedAt",
                "schemaVersion",
            ]);
            expect(document._meta).to.deep.include({
                recordId: recordId(i),
                processedAt: PROCESSED_AT,
                schemaVersion: 1,
            });
        }
    });

    it("keeps the documented event id: SHA-256 of entity, source, natural key and event time, one per line", () => {
        const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
        expect(ok(transaction()).eventId).to.equal(sha256("transaction\npos-eu\nT-42\n2024-03-01T12:34:56.789Z"));
        expect(ok(weblog()).eventId).to.equal(
            sha256("weblog\ncdn-edge\nsess-1\nGET\nhttps://shop.example.com/cart?x=1\n200\n2024-06-01T00:00:00.123Z"),
        );
        expect(ok(apiEvent()).eventId).to.equal(
            sha256(
                "api_event\nbilling-api\ninvoice.paid\n" +
                    '{"invoiceId":"inv_1","lines":[{"sku":"PRO"}],"total":{"amount":"49.00","currency":"EUR"}}\n' +
                    "2024-06-01T08:00:00.000Z",
            ),
        );
    });

    it("measures every response exactly, whatever needs escaping or is not ASCII", () => {
        const payloads: (string | Buffer | Record<string, unknown>)[] = [
            customer({ name: "Zoë Saldaña", note: "naïve ☕ 😀" }),
            // ASCII bytes whose \u escapes decode to non-ASCII strings.
            escapedJson(customer({ name: "Zo\u00eb", x: "\u2603 😀" })),
            Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(transaction()))]),
            weblog({ userAgent: 'quote " backslash \\ tab \t control \u0001', extra: { 'k"ey': "\u007f" } }),
            apiEvent({ payload: { text: "ünïcödé", deep: [{ ключ: "значение" }] } }),
            transaction({ eventId: 'ev"id\\1' }),
        ];
        const records: FirehoseTransformationEventRecord[] = payloads.map((payload, i) => ({
            recordId: [`id"${i}`, `ïd-${i}`, `tab\t${i}`, `${i}`, `😀${i}`, `\\${i}`][i],
            approximateArrivalTimestamp: [
                SAMPLE_ARRIVAL,
                -1,
                1.5,
                Date.UTC(10_000, 0, 1) + i,
                Number.MAX_SAFE_INTEGER,
                0,
            ][i],
            data: toBase64(payload),
        }));
        const event = eventOf(records);
        for (const processedAt of [PROCESSED_AT, 'odd "processed" time é']) {
            for (const hashing of [false, true]) {
                const result = processBatch(event, {
                    engine: hashing
                        ? engine({ hashIdentifier: createIdentifierHasher("unit-test-salt-0123456789") })
                        : engine(),
                    processedAt,
                    responseLimitBytes: Number.MAX_SAFE_INTEGER,
                });
                expect(result.failures).to.deep.equal([]);
                expect(result.responseBytes).to.equal(jsonBytes(result.response));
                result.response.records.forEach((out, i) => {
                    compactText(out.data);
                    const meta = decodeOk(out)._meta as Record<string, unknown>;
                    expect(meta.recordId).to.equal(records[i].recordId);
                    expect(meta.processedAt).to.equal(processedAt);
                    const arrival = records[i].approximateArrivalTimestamp;
                    const valid = Number.isSafeInteger(arrival) && arrival >= 0;
                    expect(meta.arrivedAt).to.equal(valid ? formatTimestamp(arrival) : null);
                    if (hashing) expect(meta.piiHashed).to.equal(true);
                });
            }
        }
    });

    it("fits as many records as an exactly measured budget allows, at every limit", () => {
        const event = firehoseEvent(
            Array.from({ length: 40 }, (_, i) => {
                if (i % 4 === 0) return customer({ name: `Zoë ${"é".repeat(i)}` });
                return i % 4 === 1 ? "not json" : weblog({ status: 200 + i });
            }),
        );
        const unlimited = run(event, { responseLimitBytes: Number.MAX_SAFE_INTEGER });
        const allFailed = jsonBytes({
            records: event.records.map((r) => ({ recordId: r.recordId, result: "ProcessingFailed", data: r.data })),
        });
        for (let limit = allFailed; limit <= unlimited.responseBytes + 10; limit += 97) {
            const result = run(event, { responseLimitBytes: limit });
            assertContract(event, result.response);
            expect(result.responseBytes).to.equal(jsonBytes(result.response)).and.to.be.at.most(limit);
            // Greedy in input order: a record is left out only if it would not have fitted.
            let total = allFailed;
            result.response.records.forEach((out, i) => {
                const reference = unlimited.response.records[i];
                const failed = { recordId: out.recordId, result: "ProcessingFailed", data: event.records[i].data };
                const grown = jsonBytes(reference) - jsonBytes(failed);
                if (out.result === "Ok") {
                    expect(out).to.deep.equal(reference);
                    total += grown;
                } else if (reference.result === "Ok") {
                    expect(total + grown).to.be.greaterThan(limit);
                }
            });
            expect(total).to.equal(result.responseBytes);
        }
    });
});

describe("preprocess: base64 of the batch's documents", () => {
    it("encodes every Ok document exactly, also those that straddle the pieces the batch is encoded in", () => {
        // Documents of assorted sizes (1 to ~40 KB, padding 0, 1 or 2) filling several 72 KiB pieces.
        const payloads = Array.from({ length: 60 }, (_, i) =>
            i % 3 === 0
                ? apiEvent({ payload: { blob: "x".repeat((i * 7919) % 40_000), n: i } })
                : weblog({ status: 200 + (i % 300), note: "é".repeat(i) }),
        );
        const result = run(firehoseEvent(payloads), { responseLimitBytes: Number.MAX_SAFE_INTEGER });
        const PIECE = 3 * 24_576;
        let offset = 0;
        let straddling = 0;
        for (const out of result.response.records) {
            expect(out.result).to.equal("Ok");
            const bytes = Buffer.from(out.data ?? "", "base64");
            expect(bytes.toString("base64")).to.equal(out.data);
            compactText(out.data);
            // Documents are laid out at multiples of 3 bytes, one after the other.
            const end = offset + Math.ceil(bytes.length / 3) * 3;
            if (Math.floor(offset / PIECE) !== Math.floor((end - 1) / PIECE)) straddling++;
            offset = end;
        }
        expect(offset).to.be.greaterThan(4 * PIECE);
        expect(straddling).to.be.greaterThan(3);
    });
});

describe("preprocess timestamps: cached formatting", () => {
    it("formats runs of nearby instants, across second, minute and day boundaries, like toISOString", () => {
        const starts = [Date.UTC(2024, 1, 28, 23, 59, 58, 990), Date.UTC(2099, 11, 31, 23, 59, 59, 0), 0];
        for (const start of starts) {
            for (let ms = start; ms < start + 2500; ms += 7) {
                expect(formatTimestamp(ms)).to.equal(new Date(ms).toISOString());
            }
        }
        // Alternating instants defeat the cache on every call.
        for (let i = 0; i < 1000; i++) {
            const ms = i % 2 === 0 ? Date.UTC(2024, 0, 1) + i : Date.UTC(2031, 5, 6) - i * 1001;
            expect(formatTimestamp(ms)).to.equal(new Date(ms).toISOString());
        }
    });
});
