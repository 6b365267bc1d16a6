/**
 * The envelope without any emulator: attribute unmarshalling (lossless
 * numbers, sets, binary, hostile keys), the envelope per change type, the
 * stable id, partition keys, DetailType, size truncation and the records
 * that can never be published.
 */
import { expect } from "chai";
import type { DynamoDBRecord } from "aws-lambda";
import { MalformedRecordError, dynamoNumber, unmarshallMap } from "../../../functions/change-publisher/attributes";
import { loadConfig } from "../../../functions/change-publisher/config";
import {
    buildChange,
    changeId,
    detailTypeFor,
    fitEnvelope,
    kinesisRecordJson,
    tableNameOf,
    type ChangeEnvelope,
} from "../../../functions/change-publisher/envelope";
import { CUSTOMERS_TABLE, ENV, ORDER_LINES_TABLE, customerChange, streamArnOf, streamRecord } from "./helpers";

const config = loadConfig({ ...ENV });

function malformed(record: DynamoDBRecord): MalformedRecordError {
    try {
        buildChange(record, config);
    } catch (error) {
        expect(error).to.be.instanceOf(MalformedRecordError);
        return error as MalformedRecordError;
    }
    throw new Error("expected a MalformedRecordError");
}

describe("change-publisher envelope", () => {
    describe("attribute values", () => {
        it("writes numbers as JSON numbers only when the double is exact, else as their decimal text", () => {
            expect(dynamoNumber("1")).to.equal(1);
            expect(dynamoNumber("12.50")).to.equal(12.5);
            expect(dynamoNumber("-0.001")).to.equal(-0.001);
            expect(dynamoNumber("0")).to.equal(0);
            expect(dynamoNumber("1e2")).to.equal(100);
            expect(dynamoNumber("9007199254740992")).to.equal(9007199254740992);
            expect(dynamoNumber("0.30000000000000004")).to.equal(0.30000000000000004);
            expect(dynamoNumber("1E-130")).to.equal(1e-130);
            expect(dynamoNumber("9007199254740993")).to.equal("9007199254740993");
            expect(dynamoNumber("12345678901234567890123456789012345678")).to.equal(
                "12345678901234567890123456789012345678",
            );
            expect(dynamoNumber("3.14159265358979323846264338327950288")).to.equal(
                "3.14159265358979323846264338327950288",
            );
            expect(() => dynamoNumber("abc")).to.throw(MalformedRecordError);
            expect(() => dynamoNumber("")).to.throw(MalformedRecordError);
        });

        it("unmarshalls every attribute type", () => {
            expect(
                unmarshallMap({
                    s: { S: "text" },
                    n: { N: "42" },
                    b: { B: "AAEC" },
                    t: { BOOL: true },
                    z: { NULL: true },
                    ss: { SS: ["a", "b"] },
                    ns: { NS: ["1", "2.5", "123456789012345678901"] },
                    bs: { BS: ["AA==", "AQ=="] },
                    l: { L: [{ S: "x" }, { N: "1" }, { M: { y: { NULL: true } } }] },
                    m: { M: { inner: { L: [] } } },
                }),
            ).to.deep.equal({
                s: "text",
                n: 42,
                b: "AAEC",
                t: true,
                z: null,
                ss: ["a", "b"],
                ns: [1, 2.5, "123456789012345678901"],
                bs: ["AA==", "AQ=="],
                l: ["x", 1, { y: null }],
                m: { inner: [] },
            });
        });

        it("keeps an attribute named __proto__ as data, never as the prototype", () => {
            // JSON.parse makes "__proto__" an own key, as the Lambda runtime's event parsing does.
            const out = unmarshallMap(
                JSON.parse('{"__proto__": {"M": {"polluted": {"BOOL": true}}}, "constructor": {"S": "c"}}'),
            );
            expect(Object.keys(out)).to.deep.equal(["__proto__", "constructor"]);
            expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
            expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
            expect(JSON.parse(JSON.stringify(out))).to.deep.equal(
                JSON.parse('{"__proto__":{"polluted":true},"constructor":"c"}'),
            );
        });

        it("rejects malformed attribute values", () => {
            expect(() => unmarshallMap({ a: { S: "x", N: "1" } } as never)).to.throw(/exactly one type key/);
            expect(() => unmarshallMap({ a: { X: "x" } } as never)).to.throw(/unknown attribute type/);
            expect(() => unmarshallMap({ a: { N: 1 } } as never)).to.throw(/N is not a string/);
            expect(() => unmarshallMap({ a: { SS: [1] } } as never)).to.throw(/SS is not a list of strings/);
        });
    });

    describe("envelope", () => {
        it("builds INSERT, MODIFY and REMOVE envelopes", () => {
            const v1 = { customerId: "c-1", version: 1, name: "Ada" };
            const v2 = { ...v1, version: 2, name: "Ada L." };
            const insert = buildChange(customerChange.insert(v1, 1_717_236_000), config);
            expect(insert.envelope).to.deep.equal({
                specversion: "1.0",
                id: insert.envelope.id,
                source: "cdp.domain.sales",
                type: "customer.created",
                domain: "sales",
                entity: "customer",
                key: { pk: "c-1" },
                changeType: "INSERT",
                version: 1,
                time: "2024-06-01T10:00:00.000Z",
                data: v1,
            });
            expect(insert.partitionKey).to.equal("customer#c-1");
            expect(insert.envelope.id).to.match(/^[0-9a-f]{64}$/);

            const modify = buildChange(customerChange.modify(v1, v2, 1_717_236_000.25), config).envelope;
            expect(modify).to.deep.include({
                type: "customer.updated",
                changeType: "MODIFY",
                version: 2,
                data: v2,
                previous: v1,
            });
            expect(modify.time).to.equal("2024-06-01T10:00:00.250Z");

            const remove = buildChange(customerChange.remove(v2), config).envelope;
            expect(remove).to.deep.include({
                type: "customer.deleted",
                changeType: "REMOVE",
                version: 2,
                data: null,
                previous: v2,
            });
            expect(Object.keys(remove)).to.deep.equal([
                "specversion",
                "id",
                "source",
                "type",
                "domain",
                "entity",
                "key",
                "changeType",
                "version",
                "time",
                "data",
                "previous",
            ]);
        });

        it("reads partition and sort keys of any key type", () => {
            const line = streamRecord({
                table: ORDER_LINES_TABLE,
                eventName: "INSERT",
                keys: { orderId: "o-1", lineNo: 3 },
                newImage: { orderId: "o-1", lineNo: 3, version: 1 },
            });
            const change = buildChange(line, config);
            expect(change.envelope.key).to.deep.equal({ pk: "o-1", sk: 3 });
            expect(change.envelope.entity).to.equal("order_line");
            expect(change.partitionKey).to.equal("order_line#o-1");

            const binary = customerChange.insert({ customerId: "x", version: 1 });
            binary.dynamodb!.Keys = { customerId: { B: "AAEC" } };
            expect(buildChange(binary, config).envelope.key).to.deep.equal({ pk: "AAEC" });
        });

        it("derives a stable id from the stream ARN, eventID and sequence number", () => {
            const record = customerChange.insert({ customerId: "c-1", version: 1 });
            const again = structuredClone(record);
            expect(buildChange(again, config).envelope.id).to.equal(buildChange(record, config).envelope.id);
            expect(buildChange(record, config).envelope.id).to.equal(
                changeId(record.eventSourceARN!, record.eventID!, record.dynamodb!.SequenceNumber!),
            );
            const other = streamRecord({
                ...{ eventName: "INSERT" as const, keys: { customerId: "c-1" } },
                newImage: { customerId: "c-1", version: 1 },
            });
            expect(buildChange(other, config).envelope.id).to.not.equal(buildChange(record, config).envelope.id);
            expect(changeId("a", "b", "c")).to.not.equal(changeId("a", "b", "d"));
            expect(changeId("a", "b\nc", "d")).to.not.equal(changeId("a\nb", "c", "d"));
        });

        it("hashes partition keys that would exceed Kinesis' 256 characters", () => {
            const long = "k".repeat(300);
            const change = buildChange(customerChange.insert({ customerId: long, version: 1 }), config);
            expect(change.partitionKey).to.match(/^customer#sha256:[0-9a-f]{64}$/);
            expect(buildChange(customerChange.insert({ customerId: long, version: 2 }), config).partitionKey).to.equal(
                change.partitionKey,
            );
            expect(change.envelope.key.pk).to.equal(long);
        });

        it("names the DetailType after the entity", () => {
            expect(detailTypeFor("customer")).to.equal("Customer Changed");
            expect(detailTypeFor("order_line")).to.equal("OrderLine Changed");
            expect(detailTypeFor("order-line")).to.equal("OrderLine Changed");
            expect(detailTypeFor("orderLine")).to.equal("OrderLine Changed");
        });

        it("parses the table name from the stream ARN", () => {
            expect(tableNameOf(streamArnOf(CUSTOMERS_TABLE))).to.equal(CUSTOMERS_TABLE);
            expect(
                tableNameOf("arn:aws:dynamodb:eu-west-1:111122223333:table/a.b-c_d/stream/2024-01-01T00:00:00.000"),
            ).to.equal("a.b-c_d");
            expect(tableNameOf("arn:aws:kinesis:eu-west-1:111122223333:stream/x")).to.equal(undefined);
            expect(tableNameOf(undefined)).to.equal(undefined);
        });

        it("rejects records that can never be published, naming the reason", () => {
            expect(
                malformed(
                    streamRecord({
                        table: "other-table",
                        eventName: "INSERT",
                        keys: { a: "1" },
                        newImage: { a: "1", version: 1 },
                    }),
                ).reason,
            ).to.equal("unknown-table");
            expect(malformed(customerChange.insert({ customerId: "c" } as never)).reason).to.equal("missing-version");
            expect(malformed(customerChange.insert({ customerId: "c", version: "1" } as never)).reason).to.equal(
                "missing-version",
            );
            const noOld = customerChange.modify({ customerId: "c", version: 1 }, { customerId: "c", version: 2 });
            delete noOld.dynamodb!.OldImage;
            expect(malformed(noOld).message).to.match(
                /without OldImage: the stream view type must be NEW_AND_OLD_IMAGES/,
            );
            const keysOnly = customerChange.remove({ customerId: "c", version: 1 });
            delete keysOnly.dynamodb!.OldImage;
            expect(malformed(keysOnly).reason).to.equal("missing-image");
            const noKey = customerChange.insert({ customerId: "c", version: 1 });
            noKey.dynamodb!.Keys = { id: { S: "c" } };
            expect(malformed(noKey).reason).to.equal("missing-key");
            const noTime = customerChange.insert({ customerId: "c", version: 1 });
            delete noTime.dynamodb!.ApproximateCreationDateTime;
            expect(malformed(noTime).reason).to.equal("missing-time");
            const noName = customerChange.insert({ customerId: "c", version: 1 });
            delete noName.eventName;
            expect(malformed(noName).reason).to.equal("unsupported-event");
            const badArn = customerChange.insert({ customerId: "c", version: 1 });
            badArn.eventSourceARN = "arn:aws:sqs:eu-west-1:111122223333:queue";
            expect(malformed(badArn).reason).to.equal("not-a-stream-record");
        });
    });

    describe("wire forms and size limits", () => {
        const envelope = buildChange(
            customerChange.modify(
                { customerId: "c", version: 1, blob: "a".repeat(1000) },
                { customerId: "c", version: 2, blob: "b".repeat(1000) },
            ),
            config,
        ).envelope;
        const json = (e: ChangeEnvelope) => JSON.stringify(e);

        it("wraps the envelope in an api_event for the hub's preprocessing", () => {
            const text = kinesisRecordJson(envelope);
            expect(text.endsWith("\n")).to.equal(true);
            expect(JSON.parse(text)).to.deep.equal({
                eventId: envelope.id,
                entity: "api_event",
                source: "cdp-domain-sales",
                type: "customer.updated",
                timestamp: envelope.time,
                payload: JSON.parse(JSON.stringify(envelope)),
            });
        });

        it("drops previous, then data, when the envelope exceeds a limit, and says so", () => {
            const full = Buffer.byteLength(json(envelope));
            expect(fitEnvelope(envelope, full, json)?.envelope).to.equal(envelope);
            const withoutPrevious = fitEnvelope(envelope, full - 1, json)!.envelope;
            expect(withoutPrevious).to.not.have.property("previous");
            expect(withoutPrevious.truncated).to.deep.equal(["previous"]);
            expect(withoutPrevious.data).to.deep.equal(envelope.data);
            const bare = fitEnvelope(envelope, 900, json)!;
            expect(bare.envelope).to.deep.include({
                data: null,
                truncated: ["previous", "data"],
                version: 2,
                key: { pk: "c" },
            });
            expect(Buffer.byteLength(bare.json)).to.be.at.most(900);
            expect(fitEnvelope(envelope, 100, json)).to.equal(undefined);
        });
    });
});
