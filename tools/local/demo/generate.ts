/**
 * Synthetic producer traffic for `npm run demo`: what the hub's producers put on its Kinesis stream, not what the
 * raw zone holds (jobs/glue/cdp_jobs/datagen.py generates that side for the benchmark).
 *
 * Two kinds of producer, as in the platform:
 *  - each configured domain's change publisher (functions/change-publisher): every change of an entity of the stack's
 *    `cdp:domains` as an `api_event` wrapping the change envelope (`kinesisRecordJson`), item attributes generated
 *    from the entity's configured attributes plus the domain API's managed `version`, `createdAt`, `updatedAt`;
 *  - direct producers of the hub's own record types (functions/preprocess/schemas.ts): web events (`weblog`) and
 *    card transactions (`transaction`) and CRM customers (`customer`), data products of the hub's own domain
 *    (`HUB_DOMAIN`, contracts/hub/).
 *
 * A configurable share of records is bad: some the preprocessing Lambda rejects (Firehose's processing-failed
 * output), some it accepts but the data contract rejects (the raw job's quarantine); and a share of changes is
 * replayed (same envelope id), some of them late (after the first job run). Every record carries the fate it is
 * meant to have (`intent`), and its business key, so the demo can account for each one. Seeded: the same seed and
 * options give the same records.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { kinesisRecordJson, type ChangeEnvelope, type ChangeType } from "../../../functions/change-publisher/envelope";
import { HUB_DOMAIN } from "../../../model/hub-products";
import { prng } from "../../prng";

/** An attribute of a domain entity as the stack file configures it (`cdp:domains[].entities[].attributes`). */
export interface AttributeConfig {
    readonly type: string;
    readonly required?: boolean;
    readonly enum?: readonly (string | number)[];
    readonly minimum?: number;
    readonly maximum?: number;
    readonly maxLength?: number;
    readonly pii?: boolean;
}

export interface EntityConfig {
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey?: string;
    readonly attributes: Readonly<Record<string, AttributeConfig>>;
}

export interface DomainConfig {
    readonly name: string;
    readonly entities: readonly EntityConfig[];
}

/** Reads the domains of `Pulumi.<stack>.yaml` (only what the generator needs). */
export async function readStackDomains(root: string, stack: string): Promise<DomainConfig[]> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    let text: string;
    try {
        text = await fs.readFile(file, "utf8");
    } catch {
        throw new Error(`--stack ${stack}: no Pulumi.${stack}.yaml in the repository root`);
    }
    const config = (parseYaml(text) as { config?: Record<string, unknown> } | null)?.config ?? {};
    const domains = config["cdp:domains"];
    if (!Array.isArray(domains) || domains.length === 0) {
        throw new Error(
            `Pulumi.${stack}.yaml: cdp:domains is missing or empty; the demo generates the domains' changes`,
        );
    }
    return domains.map((d: DomainConfig, i: number) => {
        if (typeof d?.name !== "string" || !Array.isArray(d.entities)) {
            throw new Error(`Pulumi.${stack}.yaml: cdp:domains[${i}] needs a name and entities`);
        }
        return d;
    });
}

/** What a record is meant to become. */
export type Intent =
    /** Passes the Lambda and its contract: processed (and curated where a curated dataset reads it). */
    | "valid"
    /** Rejected by the preprocessing Lambda: Firehose's processing-failed error output. */
    | "lambda-reject"
    /** Accepted by the Lambda, rejected by the data contract: quarantined as a schema violation. */
    | "contract-reject"
    /** A replay of a change already sent in the same delivery run: quarantined as a duplicate. */
    | "duplicate"
    /** A replay sent after the first job run: quarantined as already processed. */
    | "late-duplicate"
    /** A record of a type no data contract covers (its owner and dataset): quarantined as no-contract. */
    | "no-contract";

export interface GeneratedRecord {
    /** The bytes the producer sends. */
    readonly data: string;
    /** The Kinesis partition key the producer uses. */
    readonly partitionKey: string;
    /** Dataset (the contract's `dataset`, or the hub record type). */
    readonly entity: string;
    readonly domain?: string;
    /** The business key (customerId, orderId, …); absent for records without one. */
    readonly key?: string;
    /** The event id the producer sends (change envelopes); the hub computes one for the others. */
    readonly eventId?: string;
    readonly changeType?: ChangeType;
    readonly intent: Intent;
    /** For bad records: what is wrong, in words. */
    readonly defect?: string;
    /** 1 = first delivery run, 2 = the late delivery after the first job run. */
    readonly wave: 1 | 2;
}

export interface GenerateOptions {
    readonly records: number;
    readonly seed: number;
    readonly domains: readonly DomainConfig[];
    /** Share of bad records (half rejected by the Lambda, half by the contracts). @default 0.04 */
    readonly badShare?: number;
    /** Share of replayed changes (a quarter of them late). @default 0.03 */
    readonly duplicateShare?: number;
    /** Share of direct hub records (web events, card transactions). @default 0.25 */
    readonly directShare?: number;
    /** Last day of the generated period (UTC, yyyy-MM-dd). @default 2026-11-30 */
    readonly asOf?: string;
    /** Days the events span, ending with `asOf` (each day is a raw and processed partition). @default 30 */
    readonly days?: number;
}

const FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena"];
const LAST = ["Silva", "Müller", "Okafor", "Nakamura", "Dubois", "Kowalski", "García", "Smith", "Rossi", "Jensen"];
const PAGES = ["/", "/products", "/products/42", "/cart", "/checkout", "/account", "/help", "/search?q=shoes"];
const MERCHANTS = ["Corner Café", "Metro Books", "Nordic Outdoor", "City Pharmacy", "Blue Fuel"];
const DAY = 86_400_000;

/** A demo item's key value: `<prefix>-<number>` padded, e.g. `cus-000042`. */
const idOf = (prefix: string, n: number) => `${prefix}-${String(n).padStart(6, "0")}`;

/** The attribute identifying an item: the sort key when there is one (orders of a customer), else the partition key. */
export const ownKey = (entity: EntityConfig): string => entity.sortKey ?? entity.partitionKey;

export interface GeneratedData {
    readonly records: GeneratedRecord[];
    readonly asOf: string;
    readonly start: string;
}

/** Generates the producer records: wave 1 first, then wave 2 (late records), each in send order. */
export function generateRecords(options: GenerateOptions): GeneratedData {
    const rnd = prng(options.seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const chance = (p: number) => rnd() < p;
    const total = options.records;
    if (!Number.isSafeInteger(total) || total < 10) throw new Error(`--records must be an integer ≥ 10, got ${total}`);
    const badShare = options.badShare ?? 0.04;
    const dupShare = options.duplicateShare ?? 0.03;
    const directShare = options.directShare ?? 0.25;
    const asOf = options.asOf ?? "2026-11-30";
    const end = Date.parse(`${asOf}T23:59:59.999Z`);
    if (!Number.isFinite(end)) throw new Error(`asOf must be yyyy-MM-dd, got ${asOf}`);
    const days = options.days ?? 30;
    if (!Number.isSafeInteger(days) || days < 2) throw new Error(`days must be an integer ≥ 2, got ${days}`);
    const start = end + 1 - days * DAY;
    const timeIn = (from: number, to: number) => Math.floor(from + rnd() * (to - from));

    const entities = options.domains.flatMap((d) => d.entities.map((e) => ({ domain: d.name, entity: e })));
    if (entities.length === 0) throw new Error("the stack's domains have no entities");
    const customerEntity = entities.find((e) => e.entity.name === "customer");
    const counters = new Map<string, number>();
    const nextId = (prefix: string) => {
        const n = (counters.get(prefix) ?? 0) + 1;
        counters.set(prefix, n);
        return idOf(prefix, n);
    };
    const customerIds: string[] = [];
    const customerOf = () => (customerIds.length > 0 ? pick(customerIds) : idOf("cus", 1 + Math.floor(rnd() * 100)));

    /** A value for one configured attribute. */
    const valueFor = (name: string, attr: AttributeConfig, ctx: { person: string; time: number }): unknown => {
        if (attr.enum && attr.enum.length > 0) {
            if (name === "status" && attr.enum.includes("settled")) return chance(0.6) ? "pending" : "settled";
            return pick(attr.enum);
        }
        switch (attr.type) {
            case "email":
                return `${ctx.person
                    .toLowerCase()
                    .normalize("NFD")
                    .replace(/[^a-z]+/g, ".")}${Math.floor(rnd() * 1000)}@example.com`;
            case "timestamp":
                return new Date(ctx.time - Math.floor(rnd() * 3_600_000)).toISOString();
            case "integer": {
                const lo = attr.minimum ?? 0;
                const hi = attr.maximum ?? (/amount/i.test(name) ? 250_000 : 1000);
                // Amounts skewed towards small values, like real baskets.
                return lo + Math.floor(rnd() ** 3 * (hi - lo));
            }
            case "number": {
                const lo = attr.minimum ?? 0;
                return Math.round((lo + rnd() * 50_000) * 100) / 100;
            }
            case "boolean":
                return chance(0.5);
            default: {
                if (name === "name") return ctx.person;
                if (name === "customerId") return customerOf();
                const text = `${name}-${Math.floor(rnd() * 100_000)}`;
                return attr.maxLength ? text.slice(0, attr.maxLength) : text;
            }
        }
    };

    let sequence = 0;
    const envelopeRecord = (
        domain: string,
        entity: EntityConfig,
        changeType: ChangeType,
        item: Record<string, unknown>,
        previous: Record<string, unknown> | undefined,
        time: number,
        intent: Intent,
        defect?: string,
    ): GeneratedRecord => {
        sequence++;
        const pk = item[entity.partitionKey] ?? previous?.[entity.partitionKey] ?? `missing-${sequence}`;
        // As the change publisher computes it: stable per stream record (functions/change-publisher/envelope.ts).
        const id = createHash("sha256")
            .update(JSON.stringify(["cdp.change/v1", `demo:${domain}/${entity.name}`, options.seed, sequence]))
            .digest("hex");
        const version = (item.version ?? previous?.version) as number;
        const envelope: ChangeEnvelope = {
            specversion: "1.0",
            id,
            source: `cdp.domain.${domain}`,
            type: `${entity.name}.${changeType === "INSERT" ? "created" : changeType === "MODIFY" ? "updated" : "deleted"}`,
            domain,
            entity: entity.name,
            key: entity.sortKey ? { pk: String(pk), sk: String(item[entity.sortKey] ?? "") } : { pk: String(pk) },
            changeType,
            version,
            time: new Date(time).toISOString(),
            data: changeType === "REMOVE" ? null : (item as never),
            ...(previous === undefined ? {} : { previous: previous as never }),
        };
        return {
            data: kinesisRecordJson(envelope).trimEnd(),
            partitionKey: `${entity.name}#${String(pk)}`,
            entity: entity.name,
            domain,
            key: String(item[ownKey(entity)] ?? previous?.[ownKey(entity)]),
            eventId: id,
            changeType,
            intent,
            defect,
            wave: 1,
        };
    };

    // Budget: direct hub records, domain changes (the rest), then bad ones and replays carved out of the total.
    const nBad = Math.round(total * badShare);
    const nDup = Math.round(total * dupShare);
    const nDirect = Math.round(total * directShare);
    const nChanges = total - nBad - nDup - nDirect;
    if (nChanges < entities.length) throw new Error(`--records ${total} is too small for the stack's entities`);

    // Domain changes: customers first (so orders can reference them), then the other entities, interleaved in time.
    const changes: { rec: GeneratedRecord; time: number }[] = [];
    const weights = entities.map((e) =>
        e.entity.name === "customer"
            ? 0.2
            : e.entity.name === "order"
              ? 0.45
              : e.entity.name === "payment"
                ? 0.35
                : 0.2,
    );
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const quota = entities.map((_, i) => Math.max(1, Math.floor((nChanges * weights[i]) / weightSum)));
    quota[0] += nChanges - quota.reduce((a, b) => a + b, 0);
    const order = customerEntity ? [customerEntity, ...entities.filter((e) => e !== customerEntity)] : entities;
    for (const e of order) {
        let left = quota[entities.indexOf(e)];
        const prefix = e.entity.name.slice(0, 3);
        const own = ownKey(e.entity);
        while (left > 0) {
            const person = `${pick(FIRST)} ${pick(LAST)}`;
            const created = timeIn(start, end - DAY);
            const item: Record<string, unknown> = {};
            for (const [name, attr] of Object.entries(e.entity.attributes)) {
                if (name === own) item[name] = nextId(prefix);
                else if (!attr.required && chance(0.1)) continue;
                else item[name] = valueFor(name, attr, { person, time: created });
            }
            if (e.entity.name === "customer") customerIds.push(String(item[own]));
            // A payment has a settlement time once settled.
            if (item.status !== undefined && item.status !== "settled") delete item.settledAt;
            const stamp = new Date(created).toISOString();
            let current = { ...item, version: 1, createdAt: stamp, updatedAt: stamp };
            changes.push({
                rec: envelopeRecord(e.domain, e.entity, "INSERT", current, undefined, created, "valid"),
                time: created,
            });
            left--;
            // Later versions: a payment settles (or fails), a customer changes segment, an order is amended; a few
            // customers are removed.
            let t = created;
            while (left > 0 && chance(e.entity.name === "payment" ? 0.5 : 0.2)) {
                t = timeIn(t + 60_000, Math.min(end, t + 5 * DAY));
                const previous = current;
                if (e.entity.name === "customer" && chance(0.05)) {
                    changes.push({
                        rec: envelopeRecord(e.domain, e.entity, "REMOVE", {}, previous, t, "valid"),
                        time: t,
                    });
                    left--;
                    break;
                }
                const next: Record<string, unknown> = {
                    ...previous,
                    version: previous.version + 1,
                    updatedAt: new Date(t).toISOString(),
                };
                const changed = Object.entries(e.entity.attributes).find(
                    ([n, a]) => n !== own && !/Id$/.test(n) && n !== "status" && (a.enum || a.type !== "string"),
                );
                if (e.entity.name === "payment" && "status" in next) {
                    next.status = chance(0.9) ? "settled" : "failed";
                    if ("settledAt" in e.entity.attributes && next.status === "settled")
                        next.settledAt = new Date(t).toISOString();
                } else if (changed) next[changed[0]] = valueFor(changed[0], changed[1], { person, time: t });
                current = next as typeof current;
                changes.push({
                    rec: envelopeRecord(e.domain, e.entity, "MODIFY", current, previous, t, "valid"),
                    time: t,
                });
                left--;
            }
        }
    }

    // Bad records: half the Lambda rejects, half only the contract does.
    const bad: { rec: GeneratedRecord; time: number }[] = [];
    const breakable = entities.filter((e) =>
        Object.entries(e.entity.attributes).some(
            ([name, a]) =>
                (a.type === "integer" && a.minimum === 0) ||
                a.enum ||
                a.type === "email" ||
                (a.required && name !== e.entity.partitionKey && name !== e.entity.sortKey && /Id$/.test(name)),
        ),
    );
    for (let i = 0; i < nBad; i++) {
        const t = timeIn(start, end);
        const base = pick(changes).rec;
        if (i % 2 === 0 || breakable.length === 0) {
            const kind = i % 10;
            const raw = base.data;
            const variants: [string, string][] = [
                [raw.slice(0, Math.max(10, Math.floor(raw.length / 2))), "truncated JSON"],
                [`[${raw}]`, "a JSON array, not an object"],
                [raw.replace('"entity":"api_event"', '"entity":"invoice"'), "unknown entity"],
                [raw.replace(/"timestamp":"[^"]*",/, ""), "api_event without timestamp"],
                [raw.replace('"payload":{', '"payload":{"__proto__":{"polluted":true},'), "forbidden key __proto__"],
            ];
            const [data, defect] = variants[Math.floor(kind / 2) % variants.length];
            bad.push({
                rec: {
                    data,
                    partitionKey: `bad#${i}`,
                    entity: base.entity,
                    domain: base.domain,
                    intent: "lambda-reject",
                    defect,
                    wave: 1,
                },
                time: t,
            });
        } else {
            // A change the hub accepts whose data breaks its contract: a negative amount, a currency outside the
            // enum, a missing id, a bad e-mail address (entities without such attributes are not picked).
            const e = pick(breakable);
            const person = `${pick(FIRST)} ${pick(LAST)}`;
            const item: Record<string, unknown> = {};
            for (const [name, attr] of Object.entries(e.entity.attributes))
                item[name] = valueFor(name, attr, { person, time: t });
            const prefix = e.entity.name.slice(0, 3);
            item[e.entity.sortKey ?? e.entity.partitionKey] = nextId(`${prefix}x`);
            const stamp = new Date(t).toISOString();
            Object.assign(item, { version: 1, createdAt: stamp, updatedAt: stamp });
            const defects: [string, () => void][] = [];
            for (const [name, attr] of Object.entries(e.entity.attributes)) {
                if (attr.type === "integer" && attr.minimum === 0)
                    defects.push([`${name} negative`, () => (item[name] = -100)]);
                if (attr.enum) defects.push([`${name} outside its enum`, () => (item[name] = "XXX")]);
                if (attr.type === "email")
                    defects.push([`${name} not an e-mail address`, () => (item[name] = "not-an-email")]);
                if (attr.required && name !== e.entity.partitionKey && name !== e.entity.sortKey && /Id$/.test(name))
                    defects.push([`${name} missing`, () => delete item[name]]);
            }
            const [defect, apply] = pick(defects);
            apply();
            const rec = envelopeRecord(e.domain, e.entity, "INSERT", item, undefined, t, "contract-reject", defect);
            bad.push({ rec: { ...rec, key: undefined }, time: t });
        }
    }

    // Direct hub records: web events (sessions of page views) and card transactions.
    const direct: { rec: GeneratedRecord; time: number }[] = [];
    while (direct.length < nDirect) {
        const t = timeIn(start, end);
        if (chance(0.8)) {
            const sessionId = nextId("ses");
            const who = chance(0.6) ? customerOf() : undefined;
            const views = Math.min(nDirect - direct.length, 1 + Math.floor(rnd() * 6));
            for (let v = 0; v < views; v++) {
                const rec = {
                    entity: "weblog",
                    source: "web-frontend",
                    sessionId,
                    timestamp: new Date(t + v * 20_000).toISOString(),
                    method: "GET",
                    url: pick(PAGES),
                    status: chance(0.95) ? 200 : 404,
                    userAgent: "Mozilla/5.0 (demo)",
                    ...(who ? { customerId: who } : {}),
                    bytes: 500 + Math.floor(rnd() * 50_000),
                    durationMs: Math.floor(rnd() * 900),
                };
                direct.push({
                    rec: {
                        data: JSON.stringify(rec),
                        partitionKey: sessionId,
                        entity: "weblog",
                        domain: HUB_DOMAIN,
                        key: sessionId,
                        intent: "valid",
                        wave: 1,
                    },
                    time: t,
                });
            }
        } else if (chance(0.3)) {
            // A customer a CRM sends straight to the hub: the hub's customer type (contracts/hub/customer.yaml), not
            // the sales domain's; `segment` is no hub customer field and stays in the raw record's `_extra`.
            const customerId = nextId("crm");
            const rec = {
                entity: "customer",
                source: "crm",
                customerId,
                email: `${customerId}@example.com`,
                name: `CRM Customer ${customerId}`,
                segment: pick(["retail", "business"]),
                createdAt: new Date(t).toISOString(),
            };
            direct.push({
                rec: {
                    data: JSON.stringify(rec),
                    partitionKey: customerId,
                    entity: "customer",
                    domain: HUB_DOMAIN,
                    key: customerId,
                    intent: "valid",
                    wave: 1,
                },
                time: t,
            });
        } else {
            const transactionId = nextId("txn");
            const rec = {
                entity: "transaction",
                source: "card-processor",
                transactionId,
                customerId: customerOf(),
                amount: (1 + rnd() * 300).toFixed(2),
                currency: pick(["EUR", "USD", "GBP"]),
                timestamp: new Date(t).toISOString(),
                merchant: pick(MERCHANTS),
                status: "approved",
                paymentMethod: "card",
            };
            direct.push({
                rec: {
                    data: JSON.stringify(rec),
                    partitionKey: transactionId,
                    entity: "transaction",
                    domain: HUB_DOMAIN,
                    key: transactionId,
                    intent: "valid",
                    wave: 1,
                },
                time: t,
            });
        }
    }

    // Send order: by event time, as producers would (bad records and direct records mixed in).
    const wave1 = [...changes, ...bad, ...direct].sort((a, b) => a.time - b.time).map((x) => x.rec);

    // Replays of valid changes: three quarters in the same delivery run, a quarter late (wave 2). Some late records
    // are not replays but changes that arrive days after their event time (a producer catching up).
    const valid = changes.map((c) => c.rec);
    const late: GeneratedRecord[] = [];
    const inRun: GeneratedRecord[] = [];
    for (let i = 0; i < nDup; i++) {
        const original = pick(valid);
        if (i % 4 === 3) late.push({ ...original, intent: "late-duplicate", wave: 2 });
        else inRun.push({ ...original, intent: "duplicate" });
    }
    // Replays are spread through the run (one may even arrive before its original: the copies are identical, and the
    // accounting counts the copies of each event id, not which one came first).
    const out: GeneratedRecord[] = [];
    for (const r of wave1) {
        out.push(r);
        if (inRun.length > 0 && chance(dupShare * 1.2)) out.push(inRun.pop()!);
    }
    out.push(...inRun);
    // The late wave: the last changes held back by a producer, then the replays.
    const held = Math.min(Math.floor(out.length * 0.02), 2000);
    const copies = new Map<string, number>();
    for (const r of out)
        if (r.key !== undefined) copies.set(`${r.entity}/${r.key}`, (copies.get(`${r.entity}/${r.key}`) ?? 0) + 1);
    const tail: GeneratedRecord[] = [];
    for (let i = 0; i < held; i++) {
        const k = Math.floor(rnd() * out.length);
        const r = out[k];
        // Only an item's single record can be held back (later versions or replays of it were sent already).
        if (r.intent !== "valid" || copies.get(`${r.entity}/${r.key}`) !== 1) continue;
        copies.set(`${r.entity}/${r.key}`, 0);
        out.splice(k, 1);
        tail.push({ ...r, wave: 2 });
    }
    return { records: [...out, ...tail, ...late], asOf, start: new Date(start).toISOString().slice(0, 10) };
}
