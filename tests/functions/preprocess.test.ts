/**
 * Contract tests of the Firehose data-transformation handler
 * (functions/preprocess/index.ts) against the sample event shapes of the
 * AWS Lambda console ("Kinesis Firehose" generic sample and the variant
 * with a Kinesis data stream as source).
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { expect } from "chai";
import {
    SAMPLE_ARRIVAL,
    SAMPLE_RECORD_ID,
    apiEvent,
    assertContract,
    customer,
    decodeOk,
    testHandler,
    toBase64,
    transaction,
    weblog,
} from "./preprocess/helpers";

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** The Lambda console's Firehose test event, verbatim ("Hello World"). */
const CONSOLE_SAMPLE: FirehoseTransformationEvent = {
    invocationId: "invocationIdExample",
    deliveryStreamArn: "arn:aws:kinesis:EXAMPLE",
    region: "us-east-1",
    records: [
        {
            recordId: SAMPLE_RECORD_ID,
            approximateArrivalTimestamp: SAMPLE_ARRIVAL,
            data: "SGVsbG8gV29ybGQ=",
        },
    ],
};

/** Same shape, records carrying JSON the hub accepts. */
function jsonSample(): FirehoseTransformationEvent {
    const payloads = [customer(), transaction(), weblog(), apiEvent()];
    return {
        invocationId: "invocationIdExample",
        deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/cdp-ingest",
        region: "us-east-1",
        records: payloads.map((payload, i) => ({
            recordId: `${SAMPLE_RECORD_ID.slice(0, -1)}${i}`,
            approximateArrivalTimestamp: SAMPLE_ARRIVAL,
            data: toBase64(payload),
        })),
    };
}

/** Firehose reading from a Kinesis data stream adds per-record metadata. */
function kinesisSourceSample(): FirehoseTransformationEvent {
    return {
        invocationId: "invocationIdExample",
        deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/cdp-ingest",
        sourceKinesisStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/cdp-events",
        region: "us-east-1",
        records: [
            {
                recordId: SAMPLE_RECORD_ID,
                approximateArrivalTimestamp: SAMPLE_ARRIVAL,
                data: toBase64(transaction()),
                kinesisRecordMetadata: {
                    shardId: "shardId-000000000000",
                    partitionKey: "4d1ad2b9-24f8-4b9d-a088-76e9947c317a",
                    approximateArrivalTimestamp: SAMPLE_ARRIVAL,
                    sequenceNumber: "49546986683135544286507457936321625675700192471156785154",
                    subsequenceNumber: "",
                },
            },
        ],
    };
}

describe("preprocess handler: Firehose transformation contract", () => {
    let handler: Handler;
    const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;

    before(async () => {
        // The module builds its Powertools logger when first loaded.
        process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
        ({ handler } = await import("../../functions/preprocess"));
    });

    after(() => {
        if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
        else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
    });

    it("exports an async handler", () => {
        expect(handler).to.be.a("function");
    });

    it("returns the console sample ('Hello World', not JSON) as ProcessingFailed with its data unchanged", async () => {
        const response = await handler(CONSOLE_SAMPLE);
        expect(response).to.deep.equal({
            records: [{ recordId: SAMPLE_RECORD_ID, result: "ProcessingFailed", data: "SGVsbG8gV29ybGQ=" }],
        });
    });

    it("normalises one record of every type in the console sample shape", async () => {
        const event = jsonSample();
        const response = await handler(event);
        assertContract(event, response);
        expect(response.records.map((r) => r.result)).to.deep.equal(["Ok", "Ok", "Ok", "Ok"]);
        expect(response.records.map((r) => r.metadata?.partitionKeys)).to.deep.equal([
            { source: "crm", entity: "customer", event_date: "2024-03-01" },
            { source: "pos-eu", entity: "transaction", event_date: "2024-03-01" },
            { source: "cdn-edge", entity: "weblog", event_date: "2024-06-01" },
            { source: "billing-api", entity: "api_event", event_date: "2024-06-01" },
        ]);
        const [c, t, w, a] = response.records.map(decodeOk);
        expect(c).to.include({ email: "ada.lovelace@example.com", phone: "+442079460958", country: "GB" });
        expect(t).to.include({ amountMinor: 1230, currency: "EUR", timestamp: "2024-03-01T12:34:56.789Z" });
        expect(w).to.include({ method: "GET", status: 200, timestamp: "2024-06-01T00:00:00.123Z" });
        expect(a).to.include({ type: "invoice.paid", timestamp: "2024-06-01T08:00:00.000Z" });
        expect(c._meta).to.include({
            recordId: `${SAMPLE_RECORD_ID.slice(0, -1)}0`,
            arrivedAt: "2017-05-18T02:02:29.453Z",
        });
        expect(c._meta).to.have.property("schemaVersion", 1);
        expect(c._meta)
            .to.have.property("processedAt")
            .that.matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it("accepts the Kinesis-stream-source variant with kinesisRecordMetadata", async () => {
        const event = kinesisSourceSample();
        const response = await handler(event);
        assertContract(event, response);
        expect(response.records[0].result).to.equal("Ok");
    });

    it("mixes Ok and ProcessingFailed records in input order", async () => {
        const event = jsonSample();
        event.records.splice(1, 0, { ...CONSOLE_SAMPLE.records[0], recordId: "bad-1" });
        event.records.push({ recordId: "bad-2", approximateArrivalTimestamp: SAMPLE_ARRIVAL, data: "%%%" });
        const response = await handler(event);
        assertContract(event, response);
        expect(response.records.map((r) => r.result)).to.deep.equal([
            "Ok",
            "ProcessingFailed",
            "Ok",
            "Ok",
            "Ok",
            "ProcessingFailed",
        ]);
    });

    it("returns an empty response for an empty batch", async () => {
        expect(await handler({ ...CONSOLE_SAMPLE, records: [] })).to.deep.equal({ records: [] });
    });

    it("throws on an event that is not a Firehose transformation event", async () => {
        const notFirehose = { Records: [] } as unknown as FirehoseTransformationEvent;
        let error: unknown;
        try {
            await handler(notFirehose);
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(TypeError);
    });
});

describe("preprocess handler: logging", () => {
    it("logs one summary per batch and one capped line per failed record, without payloads", async () => {
        const { handler, logger } = testHandler({ maxFailureLogs: 2 });
        const secret = "s3cr3t-payload-marker";
        const event = jsonSample();
        for (let i = 0; i < 5; i++) {
            event.records.push({
                recordId: `bad-${i}`,
                approximateArrivalTimestamp: SAMPLE_ARRIVAL,
                data: toBase64(`{"entity":"customer","source":"crm","customerId":"${secret}", broken`),
            });
        }
        await handler(event);
        const warnings = logger.lines.filter((l) => l.level === "warn");
        expect(warnings).to.have.length(2);
        expect(warnings[0].attributes).to.include({ recordId: "bad-0", reason: "invalid-json" });
        const summaries = logger.lines.filter((l) => l.level === "info");
        expect(summaries).to.have.length(1);
        expect(summaries[0].attributes).to.include({
            invocationId: "invocationIdExample",
            records: 9,
            ok: 4,
            failed: 5,
            unloggedFailures: 3,
        });
        expect(summaries[0].attributes.failuresByReason).to.deep.equal({ "invalid-json": 5 });
        expect(JSON.stringify(logger.lines)).not.to.contain(secret);
    });
});
