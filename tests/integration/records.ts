/**
 * Producer records for the local ingestion tests: valid records of the four
 * types (functions/preprocess/schemas.ts) with the partition values the
 * preprocess handler must derive, and invalid records it must reject.
 */
import type { LocalRecord } from "../../tools/local/ingest";

export interface ValidCase {
    readonly valid: true;
    readonly record: LocalRecord;
    readonly source: string;
    readonly entity: "customer" | "transaction" | "weblog" | "api_event";
    /** UTC date of the event time. */
    readonly eventDate: string;
    /** A field of the output that identifies the record. */
    readonly idField: string;
    readonly idValue: string;
}

export interface InvalidCase {
    readonly valid: false;
    readonly record: LocalRecord;
    readonly why: string;
}

export type Case = ValidCase | InvalidCase;

const customers = (): ValidCase[] => [
    ...["C-1", "C-2", "C-3", "C-4"].map(
        (id, i): ValidCase => ({
            valid: true,
            record: {
                entity: "customer",
                source: i % 2 === 0 ? "crm" : "shop",
                customerId: id,
                email: `User.${i}@Example.com`,
                name: ` Customer   ${i} `,
                phone: "+44 (20) 7946-0958",
                country: "gb",
                status: "Active",
                marketingOptIn: i % 2 === 0,
                createdAt: "2024-05-01T09:00:00Z",
            },
            source: i % 2 === 0 ? "crm" : "shop",
            entity: "customer",
            eventDate: "2024-05-01",
            idField: "customerId",
            idValue: id,
        }),
    ),
    // Successive updates of one customer: same partition key, so one shard, in order.
    ...[1, 2, 3].map(
        (n): ValidCase => ({
            valid: true,
            record: {
                entity: "customer",
                source: "crm",
                customerId: "C-1",
                status: `tier-${n}`,
                createdAt: "2024-05-01T09:00:00Z",
                // +02:00 offset: 2024-05-03T01:00+02:00 is still 2024-05-02 in UTC.
                updatedAt: `2024-05-0${n + 1}T01:00:00+02:00`,
            },
            source: "crm",
            entity: "customer",
            eventDate: `2024-05-0${n}`,
            idField: "status",
            idValue: `tier-${n}`,
        }),
    ),
];

const transactions = (): ValidCase[] =>
    Array.from({ length: 8 }, (_, i): ValidCase => {
        const id = `T-${100 + i}`;
        return {
            valid: true,
            record: {
                entity: "transaction",
                source: "payments",
                transactionId: id,
                customerId: `C-${(i % 4) + 1}`,
                amount: i % 2 === 0 ? `${i}.29` : i * 100,
                currency: i % 4 === 1 ? "JPY" : "eur",
                timestamp: i < 4 ? `2024-05-01T1${i}:00:00Z` : 1714608000 + i * 3600, // 2024-05-02T00:00Z + i h
                merchant: "Corner  Shop",
                paymentMethod: "Card",
            },
            source: "payments",
            entity: "transaction",
            eventDate: i < 4 ? "2024-05-01" : "2024-05-02",
            idField: "transactionId",
            idValue: id,
        };
    });

const weblogs = (): ValidCase[] =>
    Array.from({ length: 6 }, (_, i): ValidCase => {
        const url = `/products/${i}`;
        return {
            valid: true,
            record: {
                entity: "weblog",
                source: "web",
                sessionId: `S-${i % 2}`,
                timestamp: `2024-05-03 0${i}:15:00.5+00:00`,
                method: i % 2 === 0 ? "get" : "POST",
                url,
                status: 200 + i,
                ip: "2001:DB8::1",
                userAgent: "Mozilla/5.0",
                bytes: 1000 + i,
                durationMs: 12.5,
            },
            source: "web",
            entity: "weblog",
            eventDate: "2024-05-03",
            idField: "url",
            idValue: url,
        };
    });

const apiEvents = (): ValidCase[] =>
    Array.from({ length: 4 }, (_, i): ValidCase => {
        const type = `order.step${i}`;
        return {
            valid: true,
            record: {
                entity: "api_event",
                source: "partner-api",
                type,
                timestamp: `2024-04-30T23:5${i}:00Z`,
                payload: { orderId: `O-${i}`, items: [{ sku: "A1", qty: i + 1 }] },
                ...(i % 2 === 0 ? { eventId: `evt-${i}` } : {}),
            },
            source: "partner-api",
            entity: "api_event",
            eventDate: "2024-04-30",
            idField: "type",
            idValue: type,
        };
    });

const invalid = (): InvalidCase[] => [
    { valid: false, record: "this is not JSON", why: "invalid-json" },
    { valid: false, record: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]), why: "invalid-utf8" },
    { valid: false, record: "[1,2,3]", why: "not-an-object" },
    { valid: false, record: '{"a":1}{"b":2}', why: "two documents" },
    { valid: false, record: { entity: "invoice", source: "billing", invoiceId: "I-1" }, why: "unknown-entity" },
    {
        valid: false,
        record: {
            entity: "transaction",
            source: "payments",
            transactionId: "T-bad",
            currency: "EUR",
            timestamp: "2024-05-01T00:00:00Z",
        },
        why: "missing amount",
    },
    {
        valid: false,
        record: {
            entity: "transaction",
            source: "payments",
            transactionId: "T-bad2",
            amount: "1.234",
            currency: "USD",
            timestamp: "2024-05-01T00:00:00Z",
        },
        why: "too many decimals",
    },
    {
        valid: false,
        record: { entity: "customer", source: "Bad Source!", customerId: "C-9", createdAt: "2024-05-01T00:00:00Z" },
        why: "invalid-source",
    },
    {
        valid: false,
        record: {
            entity: "weblog",
            source: "web",
            sessionId: "S-9",
            timestamp: "2024-05-01T10:00:00",
            method: "GET",
            url: "/x",
            status: 200,
        },
        why: "naive timestamp",
    },
    {
        valid: false,
        record: '{"entity":"customer","source":"crm","customerId":"C-7","createdAt":"2024-05-01T00:00:00Z","__proto__":{"x":1}}',
        why: "forbidden-key",
    },
];

/** Valid and invalid records interleaved (deterministically). */
export function mixedCases(): Case[] {
    const valid: Case[] = [...customers(), ...transactions(), ...weblogs(), ...apiEvents()];
    const bad = invalid();
    const out: Case[] = [];
    const every = Math.floor(valid.length / bad.length);
    valid.forEach((c, i) => {
        out.push(c);
        if (i % every === every - 1 && bad.length > 0) out.push(bad.shift()!);
    });
    out.push(...bad);
    return out;
}
