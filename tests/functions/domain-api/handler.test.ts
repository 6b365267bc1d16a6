/**
 * The domain API handler against a real DynamoDB emulator (dynalite, in-process): CRUD with optimistic
 * concurrency, pagination, and clean 4xx answers (never a 500) for bad input.
 */
import { expect } from "chai";
import type { EntityDefinition } from "../../../model/entities";
import { createHandler, type DomainApiHandler } from "../../../functions/domain-api/handler";
import { createDynamoStore, type DocumentStore } from "../../../functions/domain-api/store";
import {
    LOCAL_CREDENTIALS,
    LOCAL_REGION,
    createEntityTables,
    createLocalDynamoClient,
} from "../../../tools/local/domain-api-server";
import {
    DOMAIN,
    ENTITIES,
    customer,
    order,
    parse,
    proxyEvent,
    recordingLogger,
    startDynalite,
    tablesFor,
    type Dynalite,
    type EventOptions,
    type ParsedResult,
    type RecordingLogger,
} from "./helpers";

/** An entity with the free-form and remaining types, for the type tests. */
const PROFILE: EntityDefinition = {
    name: "profile",
    partitionKey: "profileId",
    attributes: {
        profileId: { type: "string", required: true, maxLength: 8 },
        active: { type: "boolean" },
        score: { type: "integer", minimum: -5, maximum: 5 },
        preferences: { type: "object" },
        tags: { type: "array" },
    },
};

describe("domain-api handler (dynalite)", function () {
    this.timeout(60_000);
    let dynalite: Dynalite;
    let store: DocumentStore & { destroy(): void };
    let handler: DomainApiHandler;
    let logger: RecordingLogger;
    let clock = Date.parse("2024-06-01T12:00:00.000Z");
    const tables = { ...tablesFor("handler"), profile: "handler-profiles" };
    const entities = [...ENTITIES, PROFILE];

    async function call(method: string, path: string, options: EventOptions = {}): Promise<ParsedResult> {
        return parse(await handler(proxyEvent(method, path, options)));
    }

    function expect400(result: ParsedResult, field: string | undefined, code = "ValidationError"): void {
        expect(result.status, JSON.stringify(result.body)).to.equal(400);
        expect(result.body.error.code).to.equal(code);
        expect(result.body.error.message).to.be.a("string").and.not.equal("");
        if (field === undefined) expect(result.body.error).to.not.have.property("field");
        else expect(result.body.error.field).to.equal(field);
    }

    before(async () => {
        dynalite = await startDynalite();
        const client = createLocalDynamoClient(dynalite.endpoint);
        await createEntityTables(client, entities, tables);
        client.destroy();
        store = createDynamoStore({
            endpoint: dynalite.endpoint,
            region: LOCAL_REGION,
            credentials: LOCAL_CREDENTIALS,
        });
        logger = recordingLogger();
        handler = createHandler({
            config: { domain: DOMAIN, entities, tables },
            store,
            logger,
            now: () => clock,
            maxBodyBytes: 16 * 1024,
        });
    });

    after(async () => {
        store?.destroy();
        await dynalite?.stop();
    });

    describe("create and read", () => {
        it("creates with version 1 and managed timestamps, then reads it back", async () => {
            const created = await call("POST", "/customers", {
                body: customer("c-1", { segment: "vip", lifetimeValue: 12.5 }),
            });
            expect(created.status, JSON.stringify(created.body)).to.equal(201);
            expect(created.headers.Location).to.equal("customers/c-1");
            expect(created.body).to.deep.equal({
                ...customer("c-1", { segment: "vip", lifetimeValue: 12.5 }),
                version: 1,
                createdAt: "2024-06-01T12:00:00.000Z",
                updatedAt: "2024-06-01T12:00:00.000Z",
            });
            const read = await call("GET", "/customers/c-1");
            expect(read.status).to.equal(200);
            expect(read.body).to.deep.equal(created.body);
        });

        it("answers 409 AlreadyExists when the key exists, leaving the item alone", async () => {
            await call("POST", "/customers", { body: customer("c-dup") });
            const again = await call("POST", "/customers", { body: customer("c-dup", { name: "Other" }) });
            expect(again.status).to.equal(409);
            expect(again.body.error.code).to.equal("AlreadyExists");
            expect((await call("GET", "/customers/c-dup")).body.name).to.equal("Customer c-dup");
        });

        it("stores an item with a sort key and reads it by both keys", async () => {
            const created = await call("POST", "/orders", { body: order("c-1", "o-1") });
            expect(created.status, JSON.stringify(created.body)).to.equal(201);
            expect(created.headers.Location).to.equal("orders/c-1/o-1");
            const read = await call("GET", "/orders/c-1/o-1");
            expect(read.status).to.equal(200);
            expect(read.body).to.include(order("c-1", "o-1"));
            expect((await call("GET", "/orders/c-1/o-404")).status).to.equal(404);
        });

        it("routes by API Gateway resource template with decoded path parameters (keys may hold '/')", async () => {
            const created = await call("POST", "/customers", { body: customer("a/b c", { email: "ab@example.com" }) });
            expect(created.status).to.equal(201);
            expect(created.headers.Location).to.equal("customers/a%2Fb%20c");
            const byTemplate = await call("GET", "/customers/a/b c", {
                resource: "/customers/{customerId}",
                pathParameters: { customerId: "a/b c" },
            });
            expect(byTemplate.status).to.equal(200);
            expect(byTemplate.body.customerId).to.equal("a/b c");
            const byPath = await call("GET", "/customers/a%2Fb%20c");
            expect(byPath.body).to.deep.equal(byTemplate.body);
        });

        it("counts key length in code points and accepts a base64-encoded body", async () => {
            const id = "😀".repeat(256);
            const created = await call("POST", "/customers", {
                rawBody: Buffer.from(
                    JSON.stringify(customer(id, { email: "emoji@example.com", name: "Emoji" })),
                ).toString("base64"),
                isBase64Encoded: true,
            });
            expect(created.status, JSON.stringify(created.body)).to.equal(201);
            expect((await call("GET", `/customers/${encodeURIComponent(id)}`)).status).to.equal(200);
            expect400(
                await call("POST", "/customers", {
                    body: customer(`${id}x`, { email: "emoji@example.com", name: "Emoji" }),
                }),
                "customerId",
            );
        });

        it("round-trips booleans, bounded integers, nested objects and arrays", async () => {
            const body = {
                profileId: "p-1",
                active: false,
                score: -5,
                preferences: { a: [1, "x", null, { b: true }], "": 0 },
                tags: ["x", 2.5],
            };
            const created = await call("POST", "/profiles", { body });
            expect(created.status, JSON.stringify(created.body)).to.equal(201);
            expect((await call("GET", "/profiles/p-1")).body).to.include.keys("preferences", "tags");
            expect((await call("GET", "/profiles/p-1")).body.preferences).to.deep.equal(body.preferences);
        });
    });

    describe("update (optimistic concurrency)", () => {
        it("replaces attributes, increments the version, keeps createdAt and removes omitted optional attributes", async () => {
            await call("POST", "/customers", { body: customer("c-up", { segment: "retail" }) });
            clock += 60_000;
            const updated = await call("PUT", "/customers/c-up", {
                body: { email: "new@example.com", name: "New", version: 1 },
            });
            expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
            expect(updated.body).to.deep.equal({
                customerId: "c-up",
                email: "new@example.com",
                name: "New",
                version: 2,
                createdAt: "2024-06-01T12:00:00.000Z",
                updatedAt: new Date(clock).toISOString(),
            });
            expect((await call("GET", "/customers/c-up")).body).to.deep.equal(updated.body);
        });

        it("answers 409 VersionConflict for a stale version and 404 for a missing item", async () => {
            await call("POST", "/customers", { body: customer("c-conflict") });
            expect(
                (await call("PUT", "/customers/c-conflict", { body: { ...customer("c-conflict"), version: 1 } }))
                    .status,
            ).to.equal(200);
            const stale = await call("PUT", "/customers/c-conflict", {
                body: { ...customer("c-conflict"), name: "Lost update", version: 1 },
            });
            expect(stale.status).to.equal(409);
            expect(stale.body.error).to.include({ code: "VersionConflict", field: "version" });
            expect(stale.body.error.message).to.contain("version 2");
            expect((await call("GET", "/customers/c-conflict")).body.name).to.equal("Customer c-conflict");
            const missing = await call("PUT", "/customers/c-nobody", { body: { ...customer("c-nobody"), version: 1 } });
            expect(missing.status).to.equal(404);
            expect(missing.body.error.code).to.equal("NotFound");
        });

        it("accepts keys in the body only when they match the path", async () => {
            await call("POST", "/orders", { body: order("c-9", "o-9") });
            const ok = await call("PUT", "/orders/c-9/o-9", {
                body: { ...order("c-9", "o-9", { amountMinor: 99 }), version: 1 },
            });
            expect(ok.status).to.equal(200);
            expect(ok.body).to.include({ amountMinor: 99, version: 2 });
            expect400(
                await call("PUT", "/orders/c-9/o-9", { body: { ...order("c-9", "o-other"), version: 2 } }),
                "orderId",
            );
            expect400(
                await call("PUT", "/orders/c-9/o-9", {
                    body: { amountMinor: 1, currency: "EUR", placedAt: "2024-01-01T00:00:00Z" },
                }),
                "version",
            );
            expect400(
                await call("PUT", "/orders/c-9/o-9", { body: { ...order("c-9", "o-9"), version: 0 } }),
                "version",
            );
            expect400(
                await call("PUT", "/orders/c-9/o-9", {
                    body: { ...order("c-9", "o-9"), version: 2, createdAt: "2024-01-01T00:00:00Z" },
                }),
                "createdAt",
            );
        });
    });

    describe("delete", () => {
        it("deletes unconditionally (204), then answers 404", async () => {
            await call("POST", "/customers", { body: customer("c-del") });
            const deleted = await call("DELETE", "/customers/c-del");
            expect(deleted.status).to.equal(204);
            expect(deleted.body).to.equal(undefined);
            expect((await call("GET", "/customers/c-del")).status).to.equal(404);
            expect((await call("DELETE", "/customers/c-del")).status).to.equal(404);
        });

        it("deletes conditionally on ?version= (409 on mismatch, 404 when missing)", async () => {
            await call("POST", "/orders", { body: order("c-del", "o-1") });
            const mismatch = await call("DELETE", "/orders/c-del/o-1", { query: { version: "2" } });
            expect(mismatch.status).to.equal(409);
            expect(mismatch.body.error.code).to.equal("VersionConflict");
            expect((await call("GET", "/orders/c-del/o-1")).status).to.equal(200);
            expect((await call("DELETE", "/orders/c-del/o-1", { query: { version: "1" } })).status).to.equal(204);
            expect((await call("DELETE", "/orders/c-del/o-1", { query: { version: "1" } })).status).to.equal(404);
            expect400(await call("DELETE", "/orders/c-del/o-1", { query: { version: "abc" } }), "version");
            expect400(await call("DELETE", "/orders/c-del/o-1", { query: { version: "1.0" } }), "version");
        });
    });

    describe("pagination", () => {
        before(async () => {
            for (let i = 0; i < 7; i++)
                await call("POST", "/orders", {
                    body: order("c-page", `o-${String(i).padStart(2, "0")}`, { amountMinor: i }),
                });
            await call("POST", "/orders", { body: order("c-other", "o-00") });
        });

        async function queryAll(limit: string): Promise<{ pages: number; ids: string[]; tokens: string[] }> {
            const ids: string[] = [];
            const tokens: string[] = [];
            let pages = 0;
            let nextToken: string | undefined;
            do {
                const page = await call("GET", "/orders", {
                    query: { customerId: "c-page", limit, ...(nextToken ? { nextToken } : {}) },
                });
                expect(page.status, JSON.stringify(page.body)).to.equal(200);
                expect(page.body.items.length).to.be.at.most(Number(limit));
                ids.push(
                    ...page.body.items.map((item: { customerId: string; orderId: string }) => {
                        expect(item.customerId).to.equal("c-page");
                        return item.orderId;
                    }),
                );
                nextToken = page.body.nextToken;
                if (nextToken) tokens.push(nextToken);
                pages++;
            } while (nextToken);
            return { pages, ids, tokens };
        }

        it("queries one partition across pages in sort-key order with an opaque base64url nextToken", async () => {
            const { pages, ids, tokens } = await queryAll("3");
            expect(ids).to.deep.equal(["o-00", "o-01", "o-02", "o-03", "o-04", "o-05", "o-06"]);
            expect(pages).to.be.within(3, 4);
            for (const token of tokens) expect(token).to.match(/^[A-Za-z0-9_-]+$/);
        });

        it("uses the default page size when limit is left out", async () => {
            const page = await call("GET", "/orders", { query: { customerId: "c-page" } });
            expect(page.body.items).to.have.length(7);
            expect(page.body).to.not.have.property("nextToken");
        });

        it("lists an entity without a sort key by scan, across pages", async () => {
            const seen = new Set<string>();
            let nextToken: string | undefined;
            let pages = 0;
            do {
                const page = await call("GET", "/customers", {
                    query: { limit: "2", ...(nextToken ? { nextToken } : {}) },
                });
                expect(page.status).to.equal(200);
                for (const item of page.body.items) seen.add(item.customerId);
                nextToken = page.body.nextToken;
                pages++;
            } while (nextToken && pages < 100);
            expect(pages).to.be.greaterThan(1);
            expect(seen.has("c-1") && seen.has("c-dup") && seen.has("c-up")).to.equal(true);
            expect400(await call("GET", "/customers", { query: { customerId: "c-1" } }), "customerId");
        });

        it("rejects a tampered, foreign or malformed nextToken with 400 naming nextToken", async () => {
            const first = await call("GET", "/orders", { query: { customerId: "c-page", limit: "2" } });
            const token: string = first.body.nextToken;
            expect(token).to.be.a("string");
            const bytes = Buffer.from(token, "base64url");
            for (let i = 0; i < bytes.length; i += 7) {
                const tampered = Buffer.from(bytes);
                tampered[i] ^= 0x01;
                expect400(
                    await call("GET", "/orders", {
                        query: { customerId: "c-page", nextToken: tampered.toString("base64url") },
                    }),
                    "nextToken",
                );
            }
            // Forged payload with a recomputed-looking but wrong checksum.
            const json = bytes.subarray(16).toString("utf8").replace("o-01", "o-05");
            const forged = Buffer.concat([bytes.subarray(0, 16), Buffer.from(json)]).toString("base64url");
            expect400(
                await call("GET", "/orders", { query: { customerId: "c-page", nextToken: forged } }),
                "nextToken",
            );
            // Valid token, other partition or entity.
            expect400(
                await call("GET", "/orders", { query: { customerId: "c-other", nextToken: token } }),
                "nextToken",
            );
            expect400(await call("GET", "/customers", { query: { nextToken: token } }), "nextToken");
            for (const garbage of ["", "not base64!", "AAAA", "=", `${token}A`, "x".repeat(3000)]) {
                expect400(
                    await call("GET", "/orders", { query: { customerId: "c-page", nextToken: garbage } }),
                    "nextToken",
                );
            }
            // The untampered token still works.
            expect(
                (await call("GET", "/orders", { query: { customerId: "c-page", nextToken: token, limit: "2" } }))
                    .status,
            ).to.equal(200);
        });

        it("validates query parameters", async () => {
            expect400(await call("GET", "/orders"), "customerId");
            expect400(await call("GET", "/orders", { query: { customerId: "" } }), "customerId");
            for (const limit of ["0", "101", "abc", "1.5", "05", "", "-1"]) {
                expect400(await call("GET", "/orders", { query: { customerId: "c-page", limit } }), "limit");
            }
            expect400(await call("GET", "/orders", { query: { customerId: "c-page", limit: ["2", "3"] } }), "limit");
            expect400(await call("GET", "/orders", { query: { customerId: "c-page", sort: "desc" } }), "sort");
            expect400(await call("GET", "/customers/c-1", { query: { fields: "name" } }), "fields");
        });
    });

    describe("bad input gives 400 naming the field, never 500", () => {
        const cases: [string, Record<string, unknown>, string][] = [
            ["unknown field", { ...customer("c-x"), nickname: "x" }, "nickname"],
            ["managed attribute version", { ...customer("c-x"), version: 3 }, "version"],
            ["managed attribute updatedAt", { ...customer("c-x"), updatedAt: "2024-01-01T00:00:00Z" }, "updatedAt"],
            ["missing required attribute", { customerId: "c-x", email: "x@example.com" }, "name"],
            ["missing key", { email: "x@example.com", name: "x" }, "customerId"],
            ["empty key", customer(""), "customerId"],
            ["key of the wrong type", { ...customer("c-x"), customerId: 7 }, "customerId"],
            ["invalid email", customer("c-x", { email: "not an email" }), "email"],
            ["string too long", customer("c-x", { name: "n".repeat(201) }), "name"],
            ["value outside the enum", customer("c-x", { segment: "gold" }), "segment"],
            ["number below minimum", customer("c-x", { lifetimeValue: -1 }), "lifetimeValue"],
            ["number DynamoDB cannot store", customer("c-x", { lifetimeValue: 1e-200 }), "lifetimeValue"],
            ["number out of the safe range", customer("c-x", { lifetimeValue: 1e300 }), "lifetimeValue"],
            ["number as a string", customer("c-x", { lifetimeValue: "12" }), "lifetimeValue"],
            ["null attribute", customer("c-x", { segment: null }), "segment"],
        ];
        for (const [what, body, field] of cases) {
            it(`${what} → ${field}`, async () => expect400(await call("POST", "/customers", { body }), field));
        }

        it("checks integers, timestamps, booleans, objects and arrays", async () => {
            expect400(
                await call("POST", "/orders", { body: order("c-x", "o-x", { amountMinor: 12.5 }) }),
                "amountMinor",
            );
            expect400(
                await call("POST", "/orders", { body: order("c-x", "o-x", { amountMinor: "12" }) }),
                "amountMinor",
            );
            expect400(await call("POST", "/orders", { body: order("c-x", "o-x", { amountMinor: -1 }) }), "amountMinor");
            expect400(
                await call("POST", "/orders", { body: order("c-x", "o-x", { amountMinor: 2 ** 53 }) }),
                "amountMinor",
            );
            const literal = JSON.stringify(order("c-x", "o-x")).replace('"amountMinor":1250', '"amountMinor":1250.0');
            expect400(await call("POST", "/orders", { rawBody: literal }), "amountMinor");
            for (const placedAt of [
                "2024-02-30T00:00:00Z",
                "2024-05-01",
                "yesterday",
                "2024-05-01T25:00:00Z",
                "2024-05-01T10:00:00",
            ]) {
                expect400(await call("POST", "/orders", { body: order("c-x", "o-x", { placedAt }) }), "placedAt");
            }
            expect(
                (
                    await call("POST", "/orders", {
                        body: order("c-x", "o-ok", { placedAt: "2024-02-29T23:59:59.123+05:30" }),
                    })
                ).status,
            ).to.equal(201);
            expect400(await call("POST", "/profiles", { body: { profileId: "p-x", active: "yes" } }), "active");
            expect400(await call("POST", "/profiles", { body: { profileId: "p-x", score: 6 } }), "score");
            expect400(await call("POST", "/profiles", { body: { profileId: "p-x", preferences: [] } }), "preferences");
            expect400(await call("POST", "/profiles", { body: { profileId: "p-x", tags: {} } }), "tags");
            let deep: unknown = 1;
            for (let i = 0; i < 20; i++) deep = { d: deep };
            expect400(
                await call("POST", "/profiles", { body: { profileId: "p-x", preferences: deep } }),
                "preferences",
            );
            expect400(await call("POST", "/profiles", { body: { profileId: "p-too-long" } }), "profileId");
        });

        it("refuses numbers DynamoDB cannot store inside free-form values", async () => {
            expect400(await call("POST", "/profiles", { body: { profileId: "p-x", tags: [1e300] } }), "tags");
            expect400(
                await call("POST", "/profiles", { body: { profileId: "p-x", preferences: { a: [5e-324] } } }),
                "preferences",
            );
            expect400(
                await call("POST", "/profiles", { body: { profileId: "p-x", preferences: { a: -(2 ** 60) } } }),
                "preferences",
            );
        });

        it("maps items DynamoDB refuses (over 400 KB) to 400", async () => {
            const big = createHandler({
                config: { domain: DOMAIN, entities, tables },
                store,
                logger: recordingLogger(),
                maxBodyBytes: 1024 * 1024,
            });
            const tags = Array.from({ length: 500 }, () => "t".repeat(1000));
            expect400(
                parse(await big(proxyEvent("POST", "/profiles", { body: { profileId: "p-big", tags } }))),
                undefined,
            );
        });

        it("rejects malformed, non-object, empty, oversized and non-JSON bodies", async () => {
            expect400(await call("POST", "/customers", { rawBody: "{not json" }), undefined, "InvalidJson");
            expect400(await call("POST", "/customers", { rawBody: '{"customerId": "a",}' }), undefined, "InvalidJson");
            expect400(await call("POST", "/customers", { rawBody: "[]" }), undefined);
            expect400(await call("POST", "/customers", { rawBody: "null" }), undefined);
            expect400(await call("POST", "/customers", { rawBody: '"text"' }), undefined);
            expect400(await call("POST", "/customers"), undefined);
            expect400(
                await call("POST", "/customers", { body: customer("c-x", { name: "x".repeat(20_000) }) }),
                undefined,
                "PayloadTooLarge",
            );
            expect400(
                await call("POST", "/customers", {
                    rawBody: Buffer.from([0xff, 0xfe]).toString("base64"),
                    isBase64Encoded: true,
                }),
                undefined,
                "InvalidJson",
            );
            expect400(
                await call("POST", "/customers", { body: customer("c-x"), headers: { "content-type": "text/plain" } }),
                undefined,
                "UnsupportedMediaType",
            );
            expect400(
                await call("POST", "/customers", {
                    body: customer("c-x"),
                    headers: { "Content-Type": "application/json; charset=latin1" },
                }),
                undefined,
                "UnsupportedMediaType",
            );
            const ok = await call("POST", "/customers", {
                body: customer("c-ct"),
                headers: { "Content-Type": "application/merge-patch+json; charset=UTF-8" },
            });
            expect(ok.status).to.equal(201);
            expect400(
                await call("POST", "/customers", { rawBody: '{"customerId":"\\ud800","email":"a@b.c","name":"x"}' }),
                "customerId",
            );
        });

        it("validates path parameters", async () => {
            expect400(await call("GET", "/customers/"), "customerId");
            expect400(await call("GET", `/customers/${"k".repeat(257)}`), "customerId");
            expect400(await call("GET", "/customers/%E0%A4%A"), "customerId");
            expect400(await call("PUT", "/orders/c-1/", { body: { ...order("c-1", "o-1"), version: 1 } }), "orderId");
        });
    });

    describe("routing", () => {
        it("answers 404 for unknown paths", async () => {
            for (const path of [
                "/",
                "/nope",
                "/customer",
                "/customers/a/b",
                "/orders/c-1",
                "/orders/c-1/o-1/x",
                "customers",
            ]) {
                const result = await call("GET", path);
                expect(result.status, path).to.equal(404);
                expect(result.body.error.code).to.equal("NotFound");
            }
        });

        it("answers 405 with Allow for methods a resource does not support", async () => {
            const patch = await call("PATCH", "/customers/c-1", { body: {} });
            expect(patch.status).to.equal(405);
            expect(patch.headers.Allow).to.equal("GET, PUT, DELETE");
            expect(patch.body.error.code).to.equal("MethodNotAllowed");
            const del = await call("DELETE", "/customers");
            expect(del.status).to.equal(405);
            expect(del.headers.Allow).to.equal("GET, POST");
            expect((await call("OPTIONS", "/orders")).status).to.equal(405);
            expect((await call("POST", "/orders/c-1/o-1", { body: order("c-1", "o-1") })).status).to.equal(405);
        });
    });

    describe("failures of the store", () => {
        const failing = (error: Error): DocumentStore => {
            const fail = () => Promise.reject(error);
            return { get: fail, put: fail, update: fail, delete: fail, query: fail, scan: fail };
        };

        it("answers 500 InternalError (logged, details withheld) on unexpected errors", async () => {
            const log = recordingLogger();
            const broken = createHandler({
                config: { domain: DOMAIN, entities, tables },
                store: failing(new Error("socket hang up")),
                logger: log,
            });
            const result = parse(await broken(proxyEvent("GET", "/customers/c-1")));
            expect(result.status).to.equal(500);
            expect(result.body.error).to.deep.equal({ code: "InternalError", message: "internal error" });
            expect(log.lines.some((line) => line.level === "error")).to.equal(true);
        });

        it("answers 503 with Retry-After when DynamoDB throttles", async () => {
            const throttled = Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" });
            const busy = createHandler({
                config: { domain: DOMAIN, entities, tables },
                store: failing(throttled),
                logger: recordingLogger(),
            });
            const result = parse(await busy(proxyEvent("GET", "/customers/c-1")));
            expect(result.status).to.equal(503);
            expect(result.headers["Retry-After"]).to.equal("1");
        });
    });

    describe("logging", () => {
        it("logs one line per request without item contents", () => {
            const requests = logger.lines.filter((line) => line.message === "request");
            expect(requests.length).to.be.greaterThan(20);
            expect(requests[0].attributes).to.have.keys("method", "resource", "status", "durationMs");
            expect(JSON.stringify(logger.lines)).to.not.contain("@example.com");
        });
    });
});
