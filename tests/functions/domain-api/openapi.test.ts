/**
 * The published contract of a domain API (model/openapi.ts): draft-04 body schemas and an OpenAPI
 * 3.0.3 document that a real validator (@apidevtools/swagger-parser) accepts.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { expect } from "chai";
import { entityJsonSchema, entityPaths, openApiDocument } from "../../../model/openapi";
import { CUSTOMER, ENTITIES, ORDER } from "./helpers";

type Json = Record<string, any>;

describe("domain API contract (model/openapi.ts)", () => {
    describe("entityJsonSchema", () => {
        it("create: all attributes, required ones (and keys) required, nothing else", () => {
            const schema = entityJsonSchema(CUSTOMER, "create") as Json;
            expect(schema.$schema).to.equal("http://json-schema.org/draft-04/schema#");
            expect(schema.type).to.equal("object");
            expect(schema.additionalProperties).to.equal(false);
            expect(Object.keys(schema.properties)).to.deep.equal([
                "customerId",
                "email",
                "name",
                "segment",
                "lifetimeValue",
            ]);
            expect(schema.required).to.deep.equal(["customerId", "email", "name"]);
            expect(schema.properties.customerId).to.deep.equal({ type: "string", minLength: 1, maxLength: 256 });
            expect(schema.properties.email).to.deep.equal({ type: "string", format: "email", maxLength: 254 });
            expect(schema.properties.name).to.deep.equal({ type: "string", maxLength: 200 });
            expect(schema.properties.segment).to.deep.equal({
                type: "string",
                maxLength: 1024,
                enum: ["retail", "business", "vip"],
            });
            expect(schema.properties.lifetimeValue).to.include({
                type: "number",
                minimum: 0,
                maximum: Number.MAX_SAFE_INTEGER,
            });
        });

        it("update: adds a required integer version ≥ 1 and no longer requires keys", () => {
            const schema = entityJsonSchema(ORDER, "update") as Json;
            expect(schema.properties.version).to.include({ type: "integer", minimum: 1 });
            expect(schema.required).to.deep.equal(["amountMinor", "currency", "placedAt", "version"]);
            expect(schema.properties).to.include.keys("customerId", "orderId");
            expect(schema.additionalProperties).to.equal(false);
            expect(schema.properties.placedAt).to.include({ type: "string", format: "date-time" });
            expect(schema.properties.amountMinor).to.include({ type: "integer", minimum: 0 });
            expect(schema.properties.currency.enum).to.deep.equal(["EUR", "USD", "GBP"]);
        });

        it("maps every attribute type", () => {
            const schema = entityJsonSchema(
                {
                    name: "all-types",
                    partitionKey: "id",
                    attributes: {
                        id: { type: "string", maxLength: 1000 },
                        s: { type: "string", maxLength: 10 },
                        i: { type: "integer", minimum: 1, maximum: 9 },
                        n: { type: "number" },
                        b: { type: "boolean" },
                        t: { type: "timestamp" },
                        e: { type: "email" },
                        o: { type: "object" },
                        a: { type: "array" },
                    },
                },
                "create",
            ) as Json;
            expect(schema.title).to.equal("AllTypesCreate");
            expect(schema.properties.id.maxLength).to.equal(256);
            expect(schema.properties.s.maxLength).to.equal(10);
            expect(schema.properties.i).to.include({ type: "integer", minimum: 1, maximum: 9 });
            expect(schema.properties.n).to.include({ type: "number", minimum: -Number.MAX_SAFE_INTEGER });
            expect(schema.properties.b.type).to.equal("boolean");
            expect(schema.properties.t.format).to.equal("date-time");
            expect(schema.properties.e.format).to.equal("email");
            expect(schema.properties.o.type).to.equal("object");
            expect(schema.properties.a.type).to.equal("array");
            expect(schema.required).to.deep.equal(["id"]);
        });
    });

    describe("openApiDocument", () => {
        const doc = openApiDocument("sales", ENTITIES, {
            title: "Sales",
            version: "2.1.0",
            serverUrl: "https://api.example.com/prod",
        }) as Json;

        it("is a valid OpenAPI 3.0.3 document (swagger-parser)", async () => {
            const validated = (await SwaggerParser.validate(JSON.parse(JSON.stringify(doc)))) as Json;
            expect(validated.openapi).to.equal("3.0.3");
            const withIntegration = openApiDocument("sales", ENTITIES, {
                integrationUri:
                    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:api/invocations",
            });
            await SwaggerParser.validate(JSON.parse(JSON.stringify(withIntegration)));
        });

        it("describes the collection and item paths of each entity", () => {
            expect(entityPaths(CUSTOMER)).to.deep.equal({ collection: "/customers", item: "/customers/{customerId}" });
            expect(entityPaths(ORDER)).to.deep.equal({ collection: "/orders", item: "/orders/{customerId}/{orderId}" });
            expect(Object.keys(doc.paths)).to.deep.equal([
                "/customers",
                "/customers/{customerId}",
                "/orders",
                "/orders/{customerId}/{orderId}",
            ]);
            expect(Object.keys(doc.paths["/customers"])).to.deep.equal(["post", "get"]);
            expect(Object.keys(doc.paths["/orders/{customerId}/{orderId}"])).to.deep.equal([
                "parameters",
                "get",
                "put",
                "delete",
            ]);
            expect(doc.info).to.include({ title: "Sales", version: "2.1.0" });
            expect(doc.servers).to.deep.equal([{ url: "https://api.example.com/prod" }]);
        });

        it("queries a sort-key entity by partition key and lists the others", () => {
            const query = doc.paths["/orders"].get;
            expect(query.operationId).to.equal("queryOrders");
            expect(query.parameters.map((p: Json) => [p.name, p.in, p.required])).to.deep.equal([
                ["customerId", "query", true],
                ["limit", "query", false],
                ["nextToken", "query", false],
            ]);
            expect(query.parameters[1].schema).to.include({ minimum: 1, maximum: 100 });
            const list = doc.paths["/customers"].get;
            expect(list.operationId).to.equal("listCustomers");
            expect(list.parameters.map((p: Json) => p.name)).to.deep.equal(["limit", "nextToken"]);
            expect(doc.components.schemas.OrderPage.required).to.deep.equal(["items"]);
            expect(doc.components.schemas.OrderPage.properties.items.items).to.deep.equal({
                $ref: "#/components/schemas/Order",
            });
        });

        it("documents the statuses of each operation", () => {
            const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
            expect(statuses("/customers", "post")).to.deep.equal(["201", "400", "403", "409"]);
            expect(statuses("/customers", "get")).to.deep.equal(["200", "400", "403"]);
            expect(statuses("/customers/{customerId}", "get")).to.deep.equal(["200", "400", "403", "404"]);
            expect(statuses("/customers/{customerId}", "put")).to.deep.equal(["200", "400", "403", "404", "409"]);
            expect(statuses("/customers/{customerId}", "delete")).to.deep.equal(["204", "400", "403", "404", "409"]);
            const del = doc.paths["/customers/{customerId}"].delete;
            expect(del.parameters[0]).to.include({ name: "version", in: "query", required: false });
            expect(
                doc.paths["/customers/{customerId}"].put.requestBody.content["application/json"].schema,
            ).to.deep.equal({
                $ref: "#/components/schemas/CustomerUpdate",
            });
            expect(doc.components.schemas.Error.properties.error.required).to.deep.equal(["code", "message"]);
            expect(doc.components.schemas.Error.properties.error.properties).to.have.keys("code", "message", "field");
            expect(doc.components.schemas.Customer.required).to.deep.equal([
                "customerId",
                "version",
                "createdAt",
                "updatedAt",
            ]);
            for (const name of Object.keys(doc.components.schemas))
                expect(doc.components.schemas[name]).to.not.have.property("$schema");
        });

        it("requires SigV4 (API Gateway IAM authorisation) globally", () => {
            expect(doc.security).to.deep.equal([{ sigv4: [] }]);
            expect(doc.components.securitySchemes.sigv4).to.include({
                type: "apiKey",
                name: "Authorization",
                in: "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            });
        });

        it("adds the Lambda proxy integration to every operation when given its URI", () => {
            const uri = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/fn/invocations";
            const withIntegration = openApiDocument("sales", ENTITIES, { integrationUri: uri }) as Json;
            for (const item of Object.values(withIntegration.paths) as Json[]) {
                for (const [method, operation] of Object.entries(item)) {
                    if (method === "parameters") continue;
                    expect(operation["x-amazon-apigateway-integration"]).to.deep.equal({
                        type: "aws_proxy",
                        httpMethod: "POST",
                        uri,
                        passthroughBehavior: "when_no_match",
                    });
                }
            }
            expect(doc.paths["/customers"].post).to.not.have.property("x-amazon-apigateway-integration");
        });
    });
});
