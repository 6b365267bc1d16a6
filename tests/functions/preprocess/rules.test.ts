/**
 * Unit tests, one block per normalisation rule of the preprocessing Lambda.
 */
import { createHmac } from "node:crypto";
import { expect } from "chai";
import { loadConfig } from "../../../functions/preprocess/config";
import { COUNTRY_CODES } from "../../../functions/preprocess/fields";
import { CURRENCY_EXPONENTS, toMinorUnits } from "../../../functions/preprocess/money";
import { createIdentifierHasher } from "../../../functions/preprocess/privacy";
import { SCHEMAS } from "../../../functions/preprocess/schemas";
import {
    dateOf,
    formatTimestamp,
    parseTimestamp,
    MAX_TIMESTAMP_MS,
    MIN_TIMESTAMP_MS,
} from "../../../functions/preprocess/timestamp";
import {
    apiEvent,
    customer,
    engine,
    failure,
    firehoseEvent,
    ok,
    run,
    transaction,
    weblog,
    decodeOk,
    recordId,
} from "./helpers";

describe("preprocess rules: timestamps", () => {
    const instant = Date.UTC(2024, 2, 1, 12, 34, 56, 789);

    it("accepts ISO-8601 with Z or any offset, in every separator and precision", () => {
        const same = [
            "2024-03-01T12:34:56.789Z",
            "2024-03-01t12:34:56.789z",
            "2024-03-01 12:34:56.789Z",
            "2024-03-01T13:34:56.789+01:00",
            "2024-03-01T13:34:56.789+0100",
            "2024-03-01T13:34:56.789+01",
            "2024-03-01T07:04:56.789-05:30",
            "2024-03-01T12:34:56.789123Z",
            "2024-03-01T12:34:56.789999999Z",
            "2024-03-01T12:34:56,789Z",
            " 2024-03-01T12:34:56.789Z ",
        ];
        for (const text of same) expect(parseTimestamp(text), text).to.equal(instant);
        expect(parseTimestamp("2024-03-01T12:34:56Z")).to.equal(instant - 789);
        expect(parseTimestamp("2024-03-01T12:34:56.7Z")).to.equal(instant - 89);
        expect(parseTimestamp("2024-03-01T12:34:56.78Z")).to.equal(instant - 9);
        expect(parseTimestamp("2024-03-01")).to.equal(Date.UTC(2024, 2, 1));
        expect(parseTimestamp("2024-02-29T00:00:00Z")).to.equal(Date.UTC(2024, 1, 29));
    });

    it("accepts epoch seconds and milliseconds as numbers or digit strings", () => {
        expect(parseTimestamp(1709296496)).to.equal(instant - 789);
        expect(parseTimestamp(1709296496.789)).to.equal(instant);
        expect(parseTimestamp(1709296496789)).to.equal(instant);
        expect(parseTimestamp("1709296496")).to.equal(instant - 789);
        expect(parseTimestamp("1709296496.789")).to.equal(instant);
        expect(parseTimestamp("1709296496789")).to.equal(instant);
        expect(parseTimestamp(0)).to.equal(0);
    });

    it("rejects naive, impossible, out-of-range and ambiguous values", () => {
        const bad: unknown[] = [
            "2024-03-01T12:34:56",
            "2024-03-01T12:34:56.789",
            "2023-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T12:60:00Z",
            "2024-03-01T12:00:60Z",
            "2024-03-01T12:00:00+19:00",
            "2024-03-01T12:00:00.Z",
            "2024-03-01T12:00:00.1234567890Z",
            "1969-12-31T23:59:59Z",
            "2100-01-01T00:00:00Z",
            "0070-01-01T00:00:00Z",
            "24-03-01T00:00:00Z",
            "March 1, 2024",
            "",
            -1,
            4102444800,
            1709296496789000,
            Number.NaN,
            Number.POSITIVE_INFINITY,
            "1e9",
            "0x10",
            null,
            true,
            {},
        ];
        for (const value of bad) expect(parseTimestamp(value), JSON.stringify(value)).to.be.NaN;
    });

    it("formats exactly like Date#toISOString", () => {
        for (let i = 0; i < 20_000; i++) {
            const ms = MIN_TIMESTAMP_MS + Math.floor(Math.random() * (MAX_TIMESTAMP_MS - MIN_TIMESTAMP_MS));
            expect(formatTimestamp(ms)).to.equal(new Date(ms).toISOString());
        }
        expect(formatTimestamp(MIN_TIMESTAMP_MS)).to.equal("1970-01-01T00:00:00.000Z");
        expect(formatTimestamp(MAX_TIMESTAMP_MS - 1)).to.equal("2099-12-31T23:59:59.999Z");
    });

    it("takes the event_date of a timestamp as its first ten characters (cached by day)", () => {
        for (let i = 0; i < 20_000; i++) {
            const ms = MIN_TIMESTAMP_MS + Math.floor(Math.random() * (MAX_TIMESTAMP_MS - MIN_TIMESTAMP_MS));
            const text = formatTimestamp(ms);
            expect(dateOf(text)).to.equal(text.slice(0, 10));
        }
        // Days that share a cache slot, alternately.
        for (const text of ["2024-06-01T00:00:00.000Z", "2024-09-21T00:00:00.000Z", "2024-06-01T23:59:59.999Z"]) {
            expect(dateOf(text)).to.equal(text.slice(0, 10));
        }
        for (const text of ["", "2024-06-0", "2024/06/01T00:00:00.000Z", "x"])
            expect(dateOf(text)).to.equal(text.slice(0, 10));
    });

    it("writes UTC output and the event_date partition from the event time", () => {
        const event = firehoseEvent([transaction({ timestamp: "2024-03-01T23:30:00-02:00" })]);
        const record = run(event).response.records[0];
        expect(decodeOk(record).timestamp).to.equal("2024-03-02T01:30:00.000Z");
        expect(record.metadata?.partitionKeys.event_date).to.equal("2024-03-02");
    });

    it("uses updatedAt, else createdAt, as a customer's event time", () => {
        const updated = run(firehoseEvent([customer({ updatedAt: 1717200000 })])).response.records[0];
        expect(updated.metadata?.partitionKeys.event_date).to.equal("2024-06-01");
        const created = run(firehoseEvent([customer()])).response.records[0];
        expect(created.metadata?.partitionKeys.event_date).to.equal("2024-03-01");
    });
});

describe("preprocess rules: money", () => {
    it("knows ISO 4217 exponents", () => {
        expect(CURRENCY_EXPONENTS.get("JPY")).to.equal(0);
        expect(CURRENCY_EXPONENTS.get("KRW")).to.equal(0);
        expect(CURRENCY_EXPONENTS.get("USD")).to.equal(2);
        expect(CURRENCY_EXPONENTS.get("EUR")).to.equal(2);
        expect(CURRENCY_EXPONENTS.get("GBP")).to.equal(2);
        expect(CURRENCY_EXPONENTS.get("KWD")).to.equal(3);
        expect(CURRENCY_EXPONENTS.get("BHD")).to.equal(3);
        expect(CURRENCY_EXPONENTS.get("CLF")).to.equal(4);
        expect(CURRENCY_EXPONENTS.has("XAU")).to.equal(false);
        expect(CURRENCY_EXPONENTS.size).to.be.greaterThan(150);
    });

    it("converts decimal strings and numbers exactly to minor units", () => {
        expect(toMinorUnits("12.30", 2)).to.equal(1230);
        expect(toMinorUnits(12.3, 2)).to.equal(1230);
        expect(toMinorUnits("12.300", 2)).to.equal(1230);
        expect(toMinorUnits("0.29", 2)).to.equal(29); // 0.29 * 100 === 28.999999999999996
        expect(toMinorUnits(0.29, 2)).to.equal(29);
        expect(toMinorUnits(1.15, 2)).to.equal(115); // 1.15 * 100 === 114.99999999999999
        expect(toMinorUnits("-0.01", 2)).to.equal(-1);
        expect(toMinorUnits("+5", 2)).to.equal(500);
        expect(toMinorUnits("-0", 2)).to.equal(0);
        expect(toMinorUnits(" 7 ", 2)).to.equal(700);
        expect(toMinorUnits("1500", 0)).to.equal(1500);
        expect(toMinorUnits("1.234", 3)).to.equal(1234);
        expect(toMinorUnits("0.0001", 4)).to.equal(1);
        expect(toMinorUnits("90071992547409.91", 2)).to.equal(Number.MAX_SAFE_INTEGER);
    });

    it("rejects too many decimals, non-decimals and unsafe magnitudes", () => {
        expect(toMinorUnits("1500.5", 0)).to.equal("too-many-decimals");
        expect(toMinorUnits("1.2345", 3)).to.equal("too-many-decimals");
        expect(toMinorUnits("1.005", 2)).to.equal("too-many-decimals");
        expect(toMinorUnits(0.1 + 0.2, 2)).to.equal("too-many-decimals");
        for (const bad of ["NaN", "Infinity", "-Infinity", "1e3", "1,000.00", "12.", ".5", "", "--1", "0x10", "１２"]) {
            expect(toMinorUnits(bad, 2), bad).to.equal("not-a-decimal");
        }
        expect(toMinorUnits(Number.NaN, 2)).to.equal("not-a-decimal");
        expect(toMinorUnits(Number.POSITIVE_INFINITY, 2)).to.equal("not-a-decimal");
        expect(toMinorUnits(1e21, 2)).to.equal("not-a-decimal");
        expect(toMinorUnits(null, 2)).to.equal("not-a-decimal");
        expect(toMinorUnits("90071992547409.92", 2)).to.equal("out-of-range");
        expect(toMinorUnits("9".repeat(41), 2)).to.equal("out-of-range");
    });

    it("outputs amountMinor with an upper-case currency, e.g. JPY and KWD", () => {
        expect(ok(transaction({ amount: "1500", currency: "jpy" }))).to.include({ amountMinor: 1500, currency: "JPY" });
        expect(ok(transaction({ amount: 1.234, currency: "KWD" }))).to.include({ amountMinor: 1234, currency: "KWD" });
        expect(ok(transaction({ amount: "-19.99", currency: "usd" }))).to.include({
            amountMinor: -1999,
            currency: "USD",
        });
        expect(ok(transaction())).not.to.have.property("amount");
    });

    it("fails records with bad amounts or currencies, naming the field", () => {
        expect(failure(transaction({ amount: "1500.5", currency: "JPY" }))).to.deep.equal({
            reason: "invalid-field",
            field: "amount",
        });
        expect(failure(transaction({ amount: "1e3" }))).to.include({ reason: "invalid-field", field: "amount" });
        expect(failure(transaction({ currency: "XYZ" }))).to.include({ reason: "invalid-field", field: "currency" });
        expect(failure(transaction({ currency: "XAU" }))).to.include({ reason: "invalid-field", field: "currency" });
        expect(failure(transaction({ currency: undefined }))).to.include({
            reason: "missing-field",
            field: "currency",
        });
        expect(failure(transaction({ amount: null }))).to.include({ reason: "missing-field", field: "amount" });
    });
});

describe("preprocess rules: strings and identifiers", () => {
    it("trims and lower-cases emails and validates them", () => {
        expect(ok(customer({ email: "  Grace.HOPPER+cdp@Navy.MIL " })).email).to.equal("grace.hopper+cdp@navy.mil");
        for (const bad of [
            "no-at-sign",
            "a@b",
            "a..b@example.com",
            ".a@example.com",
            "a b@example.com",
            "ä@example.com",
        ]) {
            expect(failure(customer({ email: bad })), bad).to.deep.equal({ reason: "invalid-field", field: "email" });
        }
        expect(failure(customer({ email: `${"a".repeat(65)}@example.com` })).reason).to.equal("invalid-field");
        expect(failure(customer({ email: `a@${"b".repeat(250)}.com` })).reason).to.equal("field-too-long");
    });

    it("normalises phones to E.164", () => {
        expect(ok(customer({ phone: "0044 (20) 7946-0958" })).phone).to.equal("+442079460958");
        expect(ok(customer({ phone: "+1 415.555.2671" })).phone).to.equal("+14155552671");
        expect(failure(customer({ phone: "020 7946 0958" }))).to.deep.equal({
            reason: "invalid-field",
            field: "phone",
        });
    });

    it("upper-cases ISO 3166-1 alpha-2 countries", () => {
        expect(ok(customer({ country: " de " })).country).to.equal("DE");
        expect(failure(customer({ country: "XX" }))).to.deep.equal({ reason: "invalid-field", field: "country" });
        expect(failure(customer({ country: "DEU" }))).to.deep.equal({ reason: "field-too-long", field: "country" });
        expect(COUNTRY_CODES.size).to.equal(249);
        const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
        for (const code of COUNTRY_CODES) expect(names.of(code), code).to.be.a("string");
    });

    it("collapses whitespace and applies NFC to free text", () => {
        const decomposed = "Zoe\u0308  \t Saldan\u0303a";
        expect(ok(customer({ name: ` ${decomposed} ` })).name).to.equal("Zo\u00eb Salda\u00f1a");
        expect(ok(customer({ name: "Ada\u00a0\u00a0Lovelace" })).name).to.equal("Ada Lovelace");
    });

    it("caps string lengths per schema", () => {
        expect(ok(customer({ name: "x".repeat(256) })).name).to.have.length(256);
        expect(failure(customer({ name: "x".repeat(257) }))).to.deep.equal({ reason: "field-too-long", field: "name" });
        expect(failure(weblog({ userAgent: "x".repeat(1025) }))).to.deep.equal({
            reason: "field-too-long",
            field: "userAgent",
        });
    });

    it("rejects unpaired surrogates instead of writing them", () => {
        expect(
            failure('{"entity":"customer","source":"crm","customerId":"C-1","createdAt":0,"name":"\\ud800x"}'),
        ).to.deep.equal({
            reason: "invalid-field",
            field: "name",
        });
    });

    it("keeps numeric ids as decimal text and rejects control characters in ids", () => {
        expect(ok(customer({ customerId: 1234567 })).customerId).to.equal("1234567");
        expect(failure(customer({ customerId: "C-1\u0000" }))).to.deep.equal({
            reason: "invalid-field",
            field: "customerId",
        });
        expect(failure(customer({ customerId: 1.5 }))).to.deep.equal({ reason: "invalid-field", field: "customerId" });
    });

    it("validates web log fields", () => {
        const out = ok(weblog({ method: "post", status: "404", ip: " 2001:DB8::1 ", durationMs: "12.5", bytes: 0 }));
        expect(out).to.include({ method: "POST", status: 404, ip: "2001:db8::1", durationMs: 12.5, bytes: 0 });
        expect(ok(weblog({ url: "/cart?x=1" })).url).to.equal("/cart?x=1");
        expect(failure(weblog({ method: "FETCH" }))).to.deep.equal({ reason: "invalid-field", field: "method" });
        expect(failure(weblog({ status: 99 }))).to.deep.equal({ reason: "invalid-field", field: "status" });
        expect(failure(weblog({ status: 200.5 }))).to.deep.equal({ reason: "invalid-field", field: "status" });
        expect(failure(weblog({ ip: "999.1.1.1" }))).to.deep.equal({ reason: "invalid-field", field: "ip" });
        expect(failure(weblog({ url: "javascript:alert(1)" }))).to.deep.equal({
            reason: "invalid-field",
            field: "url",
        });
        expect(failure(weblog({ url: "/a b" }))).to.deep.equal({ reason: "invalid-field", field: "url" });
    });

    it("reads booleans and treats null or blank optional fields as absent", () => {
        expect(ok(customer({ marketingOptIn: "TRUE" })).marketingOptIn).to.equal(true);
        expect(ok(customer({ marketingOptIn: false })).marketingOptIn).to.equal(false);
        expect(failure(customer({ marketingOptIn: "yes" })).field).to.equal("marketingOptIn");
        const out = ok(customer({ phone: null, name: "   ", email: "" }));
        expect(out).not.to.have.any.keys("phone", "name", "email");
        expect(failure(customer({ customerId: "  " }))).to.deep.equal({ reason: "missing-field", field: "customerId" });
    });
});

describe("preprocess rules: record type, source and envelope", () => {
    it("reads the record type from entity, else from type", () => {
        expect(ok({ ...transaction(), entity: undefined, type: "transaction" }).entity).to.equal("transaction");
        expect(ok(transaction({ entity: " Transaction " })).entity).to.equal("transaction");
        expect(ok(apiEvent()).type).to.equal("invoice.paid");
        expect(failure(apiEvent({ entity: undefined }))).to.deep.equal({ reason: "unknown-entity", field: "entity" });
        expect(failure(transaction({ entity: "invoice" }))).to.deep.equal({
            reason: "unknown-entity",
            field: "entity",
        });
        expect(failure(transaction({ entity: "constructor" })).reason).to.equal("unknown-entity");
        expect(failure(transaction({ entity: "toString" })).reason).to.equal("unknown-entity");
    });

    it("lower-cases the source and keeps it safe as an S3 prefix", () => {
        expect(ok(transaction({ source: " POS-EU " })).source).to.equal("pos-eu");
        for (const bad of ["", "a/b", "../x", "a.b", "x".repeat(65), "é", 42]) {
            expect(failure(transaction({ source: bad })), String(bad)).to.deep.equal({
                reason: "invalid-source",
                field: "source",
            });
        }
    });

    it("requires the schema's required fields", () => {
        expect(failure(weblog({ sessionId: undefined }))).to.deep.equal({
            reason: "missing-field",
            field: "sessionId",
        });
        expect(failure(apiEvent({ payload: null }))).to.deep.equal({ reason: "missing-field", field: "payload" });
        expect(failure(customer({ createdAt: undefined }))).to.deep.equal({
            reason: "missing-field",
            field: "createdAt",
        });
    });

    it("declares every schema consistently", () => {
        expect(Object.keys(SCHEMAS)).to.deep.equal(["customer", "transaction", "weblog", "api_event"]);
        expect(() => engine()).not.to.throw();
    });

    it("keeps unknown fields under _extra, nested values included", () => {
        const out = ok(customer({ loyaltyTier: "gold", address: { city: "London", lines: ["1 High St"] }, _meta: 1 }));
        expect(out._extra).to.deep.equal({
            loyaltyTier: "gold",
            address: { city: "London", lines: ["1 High St"] },
            _meta: 1,
        });
        expect(out).not.to.have.property("loyaltyTier");
        expect(ok(customer())).not.to.have.property("_extra");
        const typed = ok(transaction({ type: "sale" }));
        expect(typed._extra).to.deep.equal({ type: "sale" });
    });

    it("writes _meta with recordId, arrival, processing time and schema version", () => {
        const out = ok(customer());
        expect(out._meta).to.deep.equal({
            recordId: recordId(0),
            arrivedAt: "2017-05-18T02:02:29.453Z",
            processedAt: "2024-06-01T00:00:00.000Z",
            schemaVersion: 1,
        });
    });
});

describe("preprocess rules: event id", () => {
    const eventId = (payload: Record<string, unknown>): unknown => ok(payload).eventId;

    it("is a SHA-256 hex digest, stable across retries", () => {
        const id = eventId(transaction());
        expect(id).to.match(/^[0-9a-f]{64}$/);
        expect(eventId(transaction())).to.equal(id);
    });

    it("does not depend on key order, formatting or non-key fields", () => {
        const base = transaction();
        const reordered = Object.fromEntries(Object.entries(base).reverse());
        expect(eventId(reordered)).to.equal(eventId(base));
        expect(eventId(transaction({ timestamp: 1709296496.789 }))).to.equal(eventId(base));
        expect(eventId(transaction({ timestamp: "2024-03-01T13:34:56.789+01:00", source: "POS-EU" }))).to.equal(
            eventId(base),
        );
        expect(eventId(transaction({ merchant: "Other", amount: "99.00" }))).to.equal(eventId(base));
    });

    it("changes with type, source, natural key or time", () => {
        const base = eventId(transaction());
        expect(eventId(transaction({ transactionId: "T-43" }))).not.to.equal(base);
        expect(eventId(transaction({ source: "pos-us" }))).not.to.equal(base);
        expect(eventId(transaction({ timestamp: "2024-03-01T12:34:56.790Z" }))).not.to.equal(base);
        expect(eventId(weblog())).not.to.equal(eventId(weblog({ status: 500 })));
    });

    it("hashes api_event payloads independently of key order at every level", () => {
        const payload = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: "s" } };
        const reordered = { a: { x: "s", y: [1, { p: 1, q: 2 }] }, b: 1 };
        expect(eventId(apiEvent({ payload }))).to.equal(eventId(apiEvent({ payload: reordered })));
        expect(eventId(apiEvent({ payload: { ...payload, b: 2 } }))).not.to.equal(eventId(apiEvent({ payload })));
        expect(eventId(apiEvent({ payload: { a: [1, 2] } }))).not.to.equal(
            eventId(apiEvent({ payload: { a: [2, 1] } })),
        );
    });

    it("uses a provided eventId as-is and validates it", () => {
        expect(eventId(transaction({ eventId: " evt_123 " }))).to.equal("evt_123");
        expect(eventId(transaction({ eventId: 42 }))).to.equal("42");
        expect(failure(transaction({ eventId: "has space" }))).to.deep.equal({
            reason: "invalid-event-id",
            field: "eventId",
        });
        expect(failure(transaction({ eventId: "x".repeat(129) })).reason).to.equal("invalid-event-id");
    });
});

describe("preprocess rules: identifier hashing", () => {
    const salt = "unit-test-salt-0123456789";
    const hashed = engine({ hashIdentifier: createIdentifierHasher(salt) });
    const hmac = (value: string): string => createHmac("sha256", salt).update(value).digest("hex");

    it("is off by default: identifiers are kept, normalised", () => {
        const out = ok(weblog());
        expect(out.ip).to.equal("203.0.113.7");
        expect(out._meta).not.to.have.property("piiHashed");
    });

    it("replaces email, phone, name and ip by HMAC-SHA256 of their normalised value", () => {
        const c = ok(customer({ email: " ADA.Lovelace@example.com" }), { engine: hashed });
        expect(c.email).to.equal(hmac("ada.lovelace@example.com"));
        expect(c.phone).to.equal(hmac("+442079460958"));
        expect(c.name).to.equal(hmac("Ada Lovelace"));
        expect(c.customerId).to.equal("C-1001");
        expect(c.country).to.equal("GB");
        expect(c._meta).to.have.property("piiHashed", true);
        expect(ok(weblog(), { engine: hashed }).ip).to.equal(hmac("203.0.113.7"));
    });

    it("keeps event ids independent of hashing", () => {
        expect(ok(customer(), { engine: hashed }).eventId).to.equal(ok(customer()).eventId);
    });

    it("is configured by HASH_IDENTIFIERS and HASH_SALT, failing fast when misconfigured", () => {
        expect(loadConfig({})).to.deep.equal({ hashIdentifiers: false, hashSalt: undefined, maxFailureLogs: 20 });
        expect(loadConfig({ HASH_IDENTIFIERS: "true", HASH_SALT: salt, MAX_FAILURE_LOGS: "5" })).to.deep.equal({
            hashIdentifiers: true,
            hashSalt: salt,
            maxFailureLogs: 5,
        });
        expect(loadConfig({ HASH_IDENTIFIERS: "false", HASH_SALT: salt }).hashSalt).to.equal(undefined);
        expect(() => loadConfig({ HASH_IDENTIFIERS: "true" })).to.throw(/HASH_SALT/);
        expect(() => loadConfig({ HASH_IDENTIFIERS: "true", HASH_SALT: "short" })).to.throw(/HASH_SALT/);
        expect(() => loadConfig({ HASH_IDENTIFIERS: "maybe" })).to.throw(/HASH_IDENTIFIERS/);
        expect(() => loadConfig({ MAX_FAILURE_LOGS: "-1" })).to.throw(/MAX_FAILURE_LOGS/);
    });
});

describe("preprocess rules: hostile input", () => {
    const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    afterEach(() => {
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(protoBefore);
        expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });

    it("rejects invalid base64 of every kind", () => {
        const valid = Buffer.from(JSON.stringify(customer())).toString("base64");
        const variants = [
            "!!!!",
            `${valid.slice(0, -4)}*${valid.slice(-3)}`,
            `-${valid.slice(1)}`, // base64url alphabet
            `_${valid.slice(1)}`,
            valid.slice(0, -1),
            `${valid} `,
            `${valid}\n`,
            "QQ==QUJD",
            "Q===",
            "é",
        ];
        for (const data of variants) {
            const result = run({
                ...firehoseEvent([]),
                records: [{ recordId: "r", approximateArrivalTimestamp: 0, data }],
            });
            expect(
                result.failures.map((f) => f.failure.reason),
                JSON.stringify(data),
            ).to.deep.equal(["invalid-base64"]);
            expect(result.response.records[0].data).to.equal(data);
        }
    });

    it("rejects invalid UTF-8 instead of replacing characters", () => {
        const json = Buffer.from(JSON.stringify(customer({ name: "AB" })));
        const at = json.indexOf("AB");
        const variants = [
            [0xff],
            [0xc0, 0x80], // overlong NUL
            [0xed, 0xa0, 0x80], // encoded surrogate
            [0xe2, 0x82], // truncated sequence
            [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
        ];
        for (const bytes of variants) {
            const payload = Buffer.concat([json.subarray(0, at), Buffer.from(bytes), json.subarray(at + 2)]);
            expect(failure(payload).reason, JSON.stringify(bytes)).to.equal("invalid-utf8");
        }
        const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]);
        expect(ok(bom).name).to.equal("AB");
    });

    it("rejects what is not exactly one JSON object", () => {
        for (const text of ["", "null", "[]", "42", '"x"', "{", '{"a":1}{"b":2}', "{'a':1}", '{"a":NaN}']) {
            expect(failure(text).reason, text).to.be.oneOf(["invalid-json", "not-an-object"]);
        }
        expect(ok(`${JSON.stringify(customer())}\n`).entity).to.equal("customer");
    });

    it("rejects prototype-pollution keys at any depth, without polluting", () => {
        const payloads = [
            '{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"__proto__":{"polluted":1}}',
            '{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"constructor":{"prototype":{"polluted":1}}}',
            '{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"x":{"y":[{"__proto__":{"polluted":1}}]}}',
            '{"entity":"api_event","source":"a","type":"t","timestamp":0,"payload":{"a":{"prototype":{"polluted":1}}}}',
        ];
        for (const text of payloads) expect(failure(text).reason, text).to.equal("forbidden-key");
    });

    it("bounds nesting depth, even for extremely deep input", () => {
        const nested = (depth: number): unknown => {
            let value: unknown = 1;
            for (let i = 0; i < depth; i++) value = { a: value };
            return value;
        };
        // The record is depth 1, so a field can hold 31 nested levels.
        expect(ok(customer({ x: nested(31) }))._extra).to.have.property("x");
        expect(failure(customer({ x: nested(32) }))).to.deep.equal({ reason: "too-deep", field: "x" });
        expect(ok(apiEvent({ payload: nested(31) })).payload).to.deep.equal(nested(31));
        expect(failure(apiEvent({ payload: nested(32) }))).to.deep.equal({ reason: "too-deep", field: "payload" });
        const deep = `{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
        expect(failure(deep)).to.deep.equal({ reason: "too-deep", field: "x" });
    });

    it("refuses numbers JSON.parse cannot represent instead of writing null", () => {
        const text = (value: string) =>
            `{"entity":"api_event","source":"a","type":"t","timestamp":0,"payload":{"n":[${value}]}}`;
        expect(failure(text("1e400"))).to.deep.equal({ reason: "invalid-field", field: "payload" });
        expect(failure(text("-1e400"))).to.deep.equal({ reason: "invalid-field", field: "payload" });
        expect(failure(`{"entity":"customer","source":"crm","customerId":"1","createdAt":0,"x":1e999}`)).to.deep.equal({
            reason: "invalid-field",
            field: "x",
        });
        expect(ok(text("1e300")).payload).to.deep.equal({ n: [1e300] });
    });

    it("rejects records over Firehose's 1,000 KiB record size", () => {
        const big = customer({ blob: "x".repeat(1_024_000) });
        expect(failure(big).reason).to.equal("record-too-large");
        expect(ok(customer({ blob: "x".repeat(1_000_000) })).entity).to.equal("customer");
    });
});
