/**
 * Cold-start configuration of the domain API (functions/domain-api/config.ts): every mistake names its variable.
 */
import { expect } from "chai";
import { loadConfig } from "../../../functions/domain-api/config";
import { ENTITIES, tablesFor } from "./helpers";

const VALID = {
    DOMAIN: "sales",
    ENTITIES: JSON.stringify(ENTITIES),
    TABLES: JSON.stringify(tablesFor("sales")),
    AWS_REGION: "eu-west-1",
};

function failure(env: Record<string, string | undefined>): string {
    try {
        loadConfig(env);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("expected loadConfig to throw");
}

describe("domain-api configuration", () => {
    it("reads DOMAIN, ENTITIES, TABLES, DAX_ENDPOINT and AWS_REGION", () => {
        const config = loadConfig({
            ...VALID,
            DAX_ENDPOINT: "daxs://my-cluster.abc123.dax-clusters.eu-west-1.amazonaws.com",
        });
        expect(config.domain).to.equal("sales");
        expect(config.entities.map((e) => e.name)).to.deep.equal(["customer", "order"]);
        expect(config.tables).to.deep.equal(tablesFor("sales"));
        expect(config.daxEndpoint).to.equal("daxs://my-cluster.abc123.dax-clusters.eu-west-1.amazonaws.com");
        expect(config.region).to.equal("eu-west-1");
        expect(loadConfig({ ...VALID, DAX_ENDPOINT: "" })).to.not.have.property("daxEndpoint");
    });

    it("names DOMAIN when it is missing or malformed", () => {
        expect(failure({ ...VALID, DOMAIN: undefined })).to.match(/^DOMAIN is required/);
        expect(failure({ ...VALID, DOMAIN: "sales domain" })).to.match(/^DOMAIN must be/);
    });

    it("names ENTITIES when it is missing, not JSON or not valid definitions", () => {
        expect(failure({ ...VALID, ENTITIES: undefined })).to.match(/^ENTITIES is required/);
        expect(failure({ ...VALID, ENTITIES: "[{" })).to.match(/^ENTITIES is not valid JSON/);
        expect(failure({ ...VALID, ENTITIES: "{}" })).to.match(/^ENTITIES must be a non-empty JSON array/);
        const broken = [
            { name: "Customer", partitionKey: "id", attributes: { id: { type: "string" } } },
            {
                name: "order",
                partitionKey: "missing",
                attributes: { amount: { type: "money" }, version: { type: "integer" } },
            },
            { name: "line", partitionKey: "n", attributes: { n: { type: "integer" } } },
        ];
        const message = failure({ ...VALID, ENTITIES: JSON.stringify(broken) });
        expect(message).to.match(/^ENTITIES is invalid/);
        expect(message).to.contain("ENTITIES[0].name");
        expect(message).to.contain("ENTITIES[1].attributes.amount.type");
        expect(message).to.contain('ENTITIES[1].attributes.version: got "version"; expected a name other than');
        expect(message).to.contain("ENTITIES[1].partitionKey");
        expect(message).to.contain(
            'ENTITIES[2].attributes.n.type: got "integer"; expected "string": partitionKey attributes are strings',
        );
        expect(failure({ ...VALID, ENTITIES: JSON.stringify([ENTITIES[0], ENTITIES[0]]) })).to.contain(
            "ENTITIES[1].name",
        );
    });

    it("names TABLES when an entity has no table, a name is invalid or an entry names no entity", () => {
        expect(failure({ ...VALID, TABLES: undefined })).to.match(/^TABLES is required/);
        expect(failure({ ...VALID, TABLES: "[]" })).to.match(/^TABLES must be a JSON object/);
        expect(failure({ ...VALID, TABLES: JSON.stringify({ customer: "sales-customers" }) })).to.contain(
            'TABLES has no table for entity "order"',
        );
        expect(failure({ ...VALID, TABLES: JSON.stringify({ ...tablesFor("sales"), order: "ab" }) })).to.contain(
            'TABLES["order"]',
        );
        expect(
            failure({ ...VALID, TABLES: JSON.stringify({ ...tablesFor("sales"), invoice: "sales-invoices" }) }),
        ).to.contain('TABLES["invoice"] names no entity');
    });

    it("names DAX_ENDPOINT when it is not a DAX cluster endpoint", () => {
        expect(failure({ ...VALID, DAX_ENDPOINT: "https://dynamodb.eu-west-1.amazonaws.com" })).to.match(
            /^DAX_ENDPOINT must be/,
        );
    });
});
