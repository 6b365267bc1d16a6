/**
 * Environment configuration of the change publisher: defaults, parsed ARNs
 * and an error naming the variable for everything missing or invalid.
 */
import { expect } from "chai";
import { loadConfig } from "../../../functions/change-publisher/config";
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS } from "../../../model/env/change-publisher";
import { ENV } from "./helpers";

const load = (overrides: Record<string, string | undefined>) => () => loadConfig({ ...ENV, ...overrides });

describe("change-publisher config", () => {
    it("parses a valid environment", () => {
        const config = loadConfig({ ...ENV });
        expect(config).to.deep.include({
            domain: "sales",
            streamArn: ENV.STREAM_ARN,
            streamRegion: "eu-west-1",
            eventBusArn: ENV.EVENT_BUS_ARN,
            eventBusRegion: "eu-west-1",
            idempotencyTable: "sales-change-publisher-idempotency",
            idempotencyTtlSeconds: DEFAULT_IDEMPOTENCY_TTL_SECONDS,
            leaseSeconds: 300,
        });
        expect(DEFAULT_IDEMPOTENCY_TTL_SECONDS).to.equal(604_800);
        expect(Object.fromEntries(config.tables)).to.deep.equal({
            "sales-customers": { entity: "customer", partitionKey: "customerId" },
            "sales-order-lines": { entity: "order_line", partitionKey: "orderId", sortKey: "lineNo" },
        });
        expect(loadConfig({ ...ENV, IDEMPOTENCY_TTL_SECONDS: "86400", IDEMPOTENCY_LEASE_SECONDS: "900" })).to.include({
            idempotencyTtlSeconds: 86_400,
            leaseSeconds: 900,
        });
        const nullSortKey = JSON.stringify({ orders: { entity: "payment-method", partitionKey: "id", sortKey: null } });
        expect(Object.fromEntries(loadConfig({ ...ENV, TABLE_ENTITIES: nullSortKey }).tables)).to.deep.equal({
            orders: { entity: "payment-method", partitionKey: "id" },
        });
        expect(
            loadConfig({ ...ENV, IDEMPOTENCY_TABLE: "arn:aws:dynamodb:eu-west-1:111122223333:table/idem" })
                .idempotencyTable,
        ).to.equal("arn:aws:dynamodb:eu-west-1:111122223333:table/idem");
    });

    it("names every missing variable", () => {
        for (const name of ["DOMAIN", "STREAM_ARN", "EVENT_BUS_ARN", "IDEMPOTENCY_TABLE", "TABLE_ENTITIES"]) {
            expect(load({ [name]: undefined }), name).to.throw(`${name} is required but not set`);
            expect(load({ [name]: "  " }), name).to.throw(`${name} is required but not set`);
        }
    });

    it("rejects invalid values, naming the variable", () => {
        expect(load({ DOMAIN: "Sales" })).to.throw(/^DOMAIN must be/);
        expect(load({ DOMAIN: "a.b" })).to.throw(/^DOMAIN must be/);
        expect(load({ DOMAIN: "x".repeat(54) })).to.throw(/^DOMAIN must be/);
        expect(load({ STREAM_ARN: "cdp-hub-events" })).to.throw(/^STREAM_ARN must be a Kinesis stream ARN/);
        expect(load({ STREAM_ARN: "arn:aws:kinesis:eu-west-1:1:stream/x" })).to.throw(/^STREAM_ARN must be/);
        expect(load({ EVENT_BUS_ARN: "cdp-hub" })).to.throw(/^EVENT_BUS_ARN must be an event bus ARN .*not a bus name/);
        expect(load({ IDEMPOTENCY_TABLE: "ab" })).to.throw(/^IDEMPOTENCY_TABLE must be/);
        expect(load({ IDEMPOTENCY_TTL_SECONDS: "3600" })).to.throw(
            /^IDEMPOTENCY_TTL_SECONDS must be an integer number of seconds ≥ 86400/,
        );
        expect(load({ IDEMPOTENCY_TTL_SECONDS: "7d" })).to.throw(/^IDEMPOTENCY_TTL_SECONDS must be/);
        expect(load({ IDEMPOTENCY_LEASE_SECONDS: "0" })).to.throw(/^IDEMPOTENCY_LEASE_SECONDS must be/);
    });

    it("validates TABLE_ENTITIES entry by entry", () => {
        const tables = (value: unknown) => load({ TABLE_ENTITIES: JSON.stringify(value) });
        expect(load({ TABLE_ENTITIES: "{" })).to.throw(/^TABLE_ENTITIES must be a JSON object .* it is not valid JSON/);
        expect(tables([])).to.throw(/^TABLE_ENTITIES must be a JSON object/);
        expect(tables({})).to.throw("TABLE_ENTITIES must configure at least one table");
        expect(tables({ ab: { entity: "x", partitionKey: "id" } })).to.throw(
            /^TABLE_ENTITIES key "ab" is not a DynamoDB table name/,
        );
        expect(tables({ orders: "order" })).to.throw(/^TABLE_ENTITIES\["orders"\] must be an object/);
        expect(tables({ orders: { entity: "order.line", partitionKey: "id" } })).to.throw(
            /^TABLE_ENTITIES\["orders"\]\.entity must be/,
        );
        expect(tables({ orders: { entity: "order" } })).to.throw(/^TABLE_ENTITIES\["orders"\]\.partitionKey must be/);
        expect(tables({ orders: { entity: "order", partitionKey: "id", sortKey: 1 } })).to.throw(
            /^TABLE_ENTITIES\["orders"\]\.sortKey must be/,
        );
        expect(tables({ orders: { entity: "order", partitionKey: "id", sk: "x" } })).to.throw(/unknown field\(s\): sk/);
    });
});
