/**
 * fast-check generators for the preprocessing Lambda's property tests:
 * valid records in every accepted input form, records with exactly one
 * defect, and hostile payloads, each labelled with the expected outcome.
 */
import fc from "fast-check";
import type { FailureReason } from "../../../functions/preprocess/failures";
import { COUNTRY_CODES } from "../../../functions/preprocess/fields";
import { CURRENCY_EXPONENTS } from "../../../functions/preprocess/money";
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, formatTimestamp } from "../../../functions/preprocess/timestamp";

/** What a generated payload must produce. */
export interface Expected {
    readonly outcome: "Ok" | FailureReason;
    readonly entity?: string;
    readonly source?: string;
    /** Event time as epoch ms, for valid records. */
    readonly eventTimeMs?: number;
    /** Minor units, for valid transactions. */
    readonly amountMinor?: number;
}

export interface GeneratedPayload {
    /** The Firehose `data` field (normally base64, hostile cases may not be). */
    readonly data: string;
    readonly expected: Expected;
}

const lower = "abcdefghijklmnopqrstuvwxyz";
const alnum = `${lower}0123456789`;
const chars = (alphabet: string, minLength: number, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const randomCase = (s: string) =>
    fc
        .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
        .map((flags) => [...s].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join(""));

const padded = (arb: fc.Arbitrary<string>) =>
    fc.tuple(fc.constantFrom("", " ", "  ", "\t"), arb, fc.constantFrom("", " ", "\n")).map(([a, s, b]) => a + s + b);

const id = chars(`${alnum}-_:.`, 1, 24).filter((s) => /^[\x21-\x7e]/.test(s));
const source = chars(`${alnum}-_`, 1, 20).filter((s) => /^[a-z0-9]/.test(s));

const email = fc
    .tuple(
        chars(alnum, 1, 12),
        fc.option(chars(alnum, 1, 8), { nil: undefined }),
        chars(alnum, 1, 12),
        chars(lower, 2, 6),
    )
    .chain(([local, tag, domain, tld]) => randomCase(`${local}${tag ? `+${tag}` : ""}@${domain}.${tld}`));

const phone = fc
    .tuple(fc.integer({ min: 1, max: 9 }), chars("0123456789", 6, 14), fc.constantFrom("", " ", "-", "."))
    .map(([first, rest, sep]) => `+${first}${rest.slice(0, 3)}${sep}${rest.slice(3)}`);

/** A timestamp in any accepted input form, with the instant it denotes. */
export const timestamp = fc
    .tuple(
        fc.integer({ min: MIN_TIMESTAMP_MS + 86_400_000, max: MAX_TIMESTAMP_MS - 86_400_000 }),
        fc.constantFrom("iso", "offset", "seconds", "secondsText", "millis", "date"),
        fc.integer({ min: -14 * 4, max: 14 * 4 }),
    )
    .map(([ms, form, quarterHours]): { value: unknown; ms: number } => {
        switch (form) {
            case "iso":
                return { value: formatTimestamp(ms), ms };
            case "offset": {
                const offset = quarterHours * 15;
                const local = formatTimestamp(ms + offset * 60_000).slice(0, -1);
                const sign = offset < 0 ? "-" : "+";
                const abs = Math.abs(offset);
                const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
                return { value: local + zone, ms };
            }
            case "seconds":
                return { value: Math.floor(ms / 1000), ms: Math.floor(ms / 1000) * 1000 };
            case "secondsText":
                return { value: String(Math.floor(ms / 1000)), ms: Math.floor(ms / 1000) * 1000 };
            case "millis":
                return ms >= 1e11 ? { value: ms, ms } : { value: formatTimestamp(ms), ms };
            default: {
                const day = Math.floor(ms / 86_400_000) * 86_400_000;
                return { value: formatTimestamp(day).slice(0, 10), ms: day };
            }
        }
    });

const currencies = [...CURRENCY_EXPONENTS.keys()];

/** An amount in some accepted form, with its currency and exact minor units. */
const money = fc
    .tuple(fc.constantFrom(...currencies), fc.integer({ min: -1e12, max: 1e12 }), fc.nat(2), fc.boolean())
    .map(([currency, minor, extraZeros, asNumber]) => {
        const exponent = CURRENCY_EXPONENTS.get(currency) as number;
        const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
        const whole = digits.slice(0, digits.length - exponent);
        const fraction = digits.slice(digits.length - exponent) + "0".repeat(extraZeros);
        const text = `${minor < 0 ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
        const amount: unknown = asNumber && String(Number(text)) === text ? Number(text) : text;
        return { amount, currency, minor };
    });

/** Free-form JSON without forbidden keys (fc.jsonValue is ~20x slower). */
const FORBIDDEN = ["__proto__", "constructor", "prototype"];
const jsonKey = chars(`${alnum}_$ -`, 0, 12).filter((k) => !FORBIDDEN.includes(k));
const jsonLeaf = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: "grapheme", maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
);
const json1 = fc.oneof(
    jsonLeaf,
    fc.array(jsonLeaf, { maxLength: 3 }),
    fc.dictionary(jsonKey, jsonLeaf, { maxKeys: 3 }),
);
const json2 = fc.oneof(json1, fc.array(json1, { maxLength: 3 }), fc.dictionary(jsonKey, json1, { maxKeys: 4 }));

/** Unknown fields: keys not colliding with the schema's, any JSON values. */
const extras = (reserved: readonly string[]) =>
    fc.dictionary(
        chars(`${alnum}_`, 1, 12).filter((k) => !reserved.includes(k) && !FORBIDDEN.includes(k)),
        json1,
        { maxKeys: 4 },
    );

const ENVELOPE = ["entity", "source", "eventId", "type"];

interface ValidRecord {
    readonly record: Record<string, unknown>;
    readonly expected: Expected;
}

const customerRecord = fc
    .record({
        source,
        customerId: fc.oneof(id, fc.integer({ min: 0, max: 1e9 })),
        email: fc.option(padded(email), { nil: undefined }),
        name: fc.option(fc.string({ unit: "grapheme", maxLength: 20 }), { nil: undefined }),
        phone: fc.option(phone, { nil: undefined }),
        country: fc.option(fc.constantFrom(...COUNTRY_CODES).chain(randomCase), { nil: undefined }),
        marketingOptIn: fc.option(fc.boolean(), { nil: undefined }),
        createdAt: timestamp,
        updatedAt: fc.option(timestamp, { nil: undefined }),
        extra: extras([
            ...ENVELOPE,
            "customerId",
            "email",
            "name",
            "phone",
            "country",
            "status",
            "marketingOptIn",
            "createdAt",
            "updatedAt",
        ]),
    })
    .map(
        ({ createdAt, updatedAt, extra, ...rest }): ValidRecord => ({
            record: { entity: "customer", ...rest, createdAt: createdAt.value, updatedAt: updatedAt?.value, ...extra },
            expected: {
                outcome: "Ok",
                entity: "customer",
                source: rest.source,
                eventTimeMs: (updatedAt ?? createdAt).ms,
            },
        }),
    );

const transactionRecord = fc
    .record({
        source,
        transactionId: id,
        customerId: fc.option(id, { nil: undefined }),
        money,
        timestamp,
        merchant: fc.option(fc.string({ unit: "grapheme-ascii", maxLength: 30 }), { nil: undefined }),
        extra: extras([
            ...ENVELOPE,
            "transactionId",
            "customerId",
            "amount",
            "currency",
            "timestamp",
            "merchant",
            "status",
            "paymentMethod",
        ]),
    })
    .map(
        ({ money: m, timestamp: t, extra, ...rest }): ValidRecord => ({
            record: {
                entity: "transaction",
                ...rest,
                amount: m.amount,
                currency: m.currency.toLowerCase(),
                timestamp: t.value,
                ...extra,
            },
            expected: {
                outcome: "Ok",
                entity: "transaction",
                source: rest.source,
                eventTimeMs: t.ms,
                amountMinor: m.minor,
            },
        }),
    );

const weblogRecord = fc
    .record({
        source,
        sessionId: id,
        timestamp,
        method: fc.constantFrom("GET", "post", "Put", "DELETE", "head"),
        url: fc.oneof(
            fc.webUrl(),
            chars(`${alnum}/-_.`, 0, 30).map((p) => `/${p}`),
        ),
        status: fc.integer({ min: 100, max: 599 }),
        userAgent: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
        ip: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
        bytes: fc.option(fc.nat(), { nil: undefined }),
        extra: extras([
            ...ENVELOPE,
            "sessionId",
            "timestamp",
            "method",
            "url",
            "status",
            "referrer",
            "userAgent",
            "ip",
            "customerId",
            "bytes",
            "durationMs",
        ]),
    })
    .filter(({ url }) => !/\s/.test(url))
    .map(
        ({ timestamp: t, extra, ...rest }): ValidRecord => ({
            record: { entity: "weblog", ...rest, timestamp: t.value, ...extra },
            expected: { outcome: "Ok", entity: "weblog", source: rest.source, eventTimeMs: t.ms },
        }),
    );

const apiEventRecord = fc
    .record({
        source,
        type: chars(`${alnum}._:/-`, 1, 30).filter((s) => /^[a-z0-9]/.test(s)),
        timestamp,
        payload: json2.filter((v) => v !== null && (typeof v !== "string" || v.trim() !== "")),
        eventId: fc.option(id, { nil: undefined }),
    })
    .map(
        ({ timestamp: t, ...rest }): ValidRecord => ({
            record: { entity: "api_event", ...rest, timestamp: t.value },
            expected: { outcome: "Ok", entity: "api_event", source: rest.source, eventTimeMs: t.ms },
        }),
    );

export const validRecord: fc.Arbitrary<ValidRecord> = fc.oneof(
    customerRecord,
    transactionRecord,
    weblogRecord,
    apiEventRecord,
);

/** The same record with its keys in another order. */
export const shuffled = (record: Record<string, unknown>) =>
    fc
        .shuffledSubarray(Object.keys(record), { minLength: Object.keys(record).length })
        .map((keys) => Object.fromEntries(keys.map((k) => [k, record[k]])));

const utf8Base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

const valid: fc.Arbitrary<GeneratedPayload> = validRecord.chain(({ record, expected }) =>
    shuffled(record).map((r) => ({ data: utf8Base64(JSON.stringify(r)), expected })),
);

/** Valid JSON text of a record, then one defect. */
const defective: fc.Arbitrary<GeneratedPayload> = fc
    .tuple(
        validRecord,
        fc.constantFrom(
            "missing",
            "email",
            "naive-time",
            "entity",
            "source",
            "too-long",
            "decimals",
            "forbidden",
            "deep",
            "not-object",
        ),
        fc.constantFrom("__proto__", "constructor", "prototype"),
        fc.integer({ min: 33, max: 400 }),
    )
    .map(([{ record, expected }, defect, forbidden, depth]): GeneratedPayload => {
        const r: Record<string, unknown> = { ...record };
        const required: Record<string, string> = {
            customer: "customerId",
            transaction: "transactionId",
            weblog: "sessionId",
            api_event: "payload",
        };
        const fail = (outcome: FailureReason, text = JSON.stringify(r)): GeneratedPayload => ({
            data: utf8Base64(text),
            expected: { outcome },
        });
        switch (defect) {
            case "missing":
                delete r[required[expected.entity as string]];
                return fail("missing-field");
            case "email":
                return fail(
                    "invalid-field",
                    JSON.stringify({ ...r, entity: "customer", email: "not an email" }).replace(
                        /"entity":"customer"/,
                        '"entity":"customer","customerId":"c1","createdAt":0',
                    ),
                );
            case "naive-time":
                return fail(
                    "invalid-field",
                    JSON.stringify({
                        ...r,
                        entity: "transaction",
                        transactionId: "t1",
                        amount: "1",
                        currency: "EUR",
                        timestamp: "2024-01-01T00:00:00",
                    }),
                );
            case "entity":
                return fail("unknown-entity", JSON.stringify({ ...r, entity: "order" }));
            case "source":
                return fail("invalid-source", JSON.stringify({ ...r, source: "../etc" }));
            case "too-long":
                return fail(
                    "field-too-long",
                    JSON.stringify({
                        ...r,
                        entity: "weblog",
                        sessionId: "s",
                        method: "GET",
                        url: "/",
                        status: 200,
                        timestamp: 0,
                        userAgent: "u".repeat(1025 + depth),
                    }),
                );
            case "decimals":
                return fail(
                    "invalid-field",
                    JSON.stringify({
                        ...r,
                        entity: "transaction",
                        transactionId: "t1",
                        amount: "1.5",
                        currency: "JPY",
                        timestamp: 0,
                    }),
                );
            case "forbidden": {
                const nested = `{"x":[{"${forbidden}":{"polluted":true}}]}`;
                return fail(
                    "forbidden-key",
                    JSON.stringify(r).replace(/^\{/, `{"zz_extra":${depth % 2 === 0 ? nested : `{"${forbidden}":1}`},`),
                );
            }
            case "deep":
                return fail(
                    "too-deep",
                    JSON.stringify(r).replace(/^\{/, `{"zz_deep":${"[".repeat(depth)}${"]".repeat(depth)},`),
                );
            default:
                return fail("not-an-object", JSON.stringify([r]));
        }
    });

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Strings that are not standard padded base64 (some need JSON escaping). */
export const badBase64: fc.Arbitrary<GeneratedPayload> = fc
    .tuple(
        fc.string({ unit: fc.constantFrom(...BASE64_ALPHABET), minLength: 0, maxLength: 60 }),
        fc.constantFrom("-", "_", "!", " ", "\n", '"', "\\", "\u0001", "é", "😀", "=", "*"),
        fc.nat(60),
    )
    .map(([text, bad, at]) => {
        const i = Math.min(at, text.length);
        return { data: text.slice(0, i) + bad + text.slice(i), expected: { outcome: "invalid-base64" as const } };
    })
    .filter(({ data }) => !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(data));

/** Valid JSON bytes with an invalid UTF-8 sequence inside a string value. */
const badUtf8: fc.Arbitrary<GeneratedPayload> = fc
    .tuple(
        validRecord,
        fc.constantFrom(
            [0xff],
            [0xc0, 0xaf],
            [0xed, 0xb0, 0x80],
            [0xe2, 0x28, 0xa1],
            [0xf8, 0x88, 0x80, 0x80, 0x80],
            [0x80],
        ),
    )
    .map(([{ record }, bytes]) => {
        const json = Buffer.from(JSON.stringify({ ...record, zz_bad: "AB" }), "utf8");
        const at = json.lastIndexOf("AB");
        const data = Buffer.concat([json.subarray(0, at), Buffer.from(bytes), json.subarray(at + 2)]).toString(
            "base64",
        );
        return { data, expected: { outcome: "invalid-utf8" as const } };
    });

const notJson: fc.Arbitrary<GeneratedPayload> = fc
    .oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", "{", "Hello World", '{"a":1}{"b":2}', "{'a':1}"))
    .filter((text) => {
        try {
            JSON.parse(text);
            return false;
        } catch {
            return true;
        }
    })
    .map((text) => ({ data: utf8Base64(text), expected: { outcome: "invalid-json" as const } }));

/** A mix of valid, defective and hostile payloads (roughly half valid). */
export const payload: fc.Arbitrary<GeneratedPayload> = fc.oneof(
    { arbitrary: valid, weight: 10 },
    { arbitrary: defective, weight: 5 },
    { arbitrary: badBase64, weight: 2 },
    { arbitrary: badUtf8, weight: 2 },
    { arbitrary: notJson, weight: 1 },
);
