/**
 * Environment contract of the change publisher (functions/change-publisher), set by `ChangePublisher`
 * (components/domain/change-publisher.ts). A misconfigured publisher fails at cold start, naming the variable, instead
 * of publishing a domain's changes to the wrong place or under the wrong entity.
 */
import { defineEnv, domainName, fail, integer, isRecord, json, optional, required, text } from "./kit";
import {
    DYNAMODB_TABLE_ARN,
    DYNAMODB_TABLE_NAME,
    DYNAMODB_TABLE_NAME_RULE,
    EVENT_BUS_ARN,
    KINESIS_STREAM_ARN,
} from "../names";

/** How the changes of one DynamoDB table are published. */
export interface TableEntity {
    /** Entity name: `type` is `<entity>.<created|updated|deleted>`. */
    readonly entity: string;
    /** Name of the table's partition key attribute (→ `key.pk`). */
    readonly partitionKey: string;
    /** Name of the table's sort key attribute (→ `key.sk`), if the table has one. */
    readonly sortKey?: string;
}

export interface PublisherConfig {
    /** Business domain (DOMAIN): envelope `source` is `cdp.domain.<domain>`. */
    readonly domain: string;
    /** Hub Kinesis stream ARN (STREAM_ARN). */
    readonly streamArn: string;
    /** Region of the hub stream, parsed from STREAM_ARN. */
    readonly streamRegion: string;
    /** Hub EventBridge bus ARN (EVENT_BUS_ARN); PutEvents' EventBusName. */
    readonly eventBusArn: string;
    /** Region of the hub bus, parsed from EVENT_BUS_ARN. */
    readonly eventBusRegion: string;
    /** Idempotency table name or ARN (IDEMPOTENCY_TABLE). */
    readonly idempotencyTable: string;
    /** DynamoDB table name → entity (TABLE_ENTITIES). */
    readonly tables: ReadonlyMap<string, TableEntity>;
    /** Lifetime of an idempotency item (IDEMPOTENCY_TTL_SECONDS). */
    readonly idempotencyTtlSeconds: number;
    /** Claim lease when no Lambda context tells the deadline (IDEMPOTENCY_LEASE_SECONDS). */
    readonly leaseSeconds: number;
}

export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 60 * 60;
/** DynamoDB Streams keep records for 24 hours: an idempotency item must outlive every retry. */
export const MIN_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
export const DEFAULT_LEASE_SECONDS = 300;

/** Entity names end up in the event type, the DetailType and the Kinesis partition key. */
const ENTITY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const TABLES_SHAPE =
    'a JSON object mapping table names to {"entity", "partitionKey", "sortKey"?}, e.g. {"customers": {"entity": "customer", "partitionKey": "customerId"}}';

function tableEntities(parsed: unknown, name: string): ReadonlyMap<string, TableEntity> {
    if (!isRecord(parsed)) return fail(name, `${name} must be ${TABLES_SHAPE}`);
    const entries = Object.entries(parsed);
    if (entries.length === 0) fail(name, `${name} must configure at least one table`);
    const tables = new Map<string, TableEntity>();
    for (const [table, value] of entries) {
        if (!DYNAMODB_TABLE_NAME.test(table)) {
            fail(name, `${name} key "${table}" is not a DynamoDB table name (${DYNAMODB_TABLE_NAME_RULE})`);
        }
        if (!isRecord(value))
            fail(name, `${name}["${table}"] must be an object {"entity", "partitionKey", "sortKey"?}`);
        const { entity, partitionKey, sortKey, ...unknown } = value;
        const extra = Object.keys(unknown);
        if (extra.length > 0) fail(name, `${name}["${table}"] has unknown field(s): ${extra.join(", ")}`);
        if (typeof entity !== "string" || !ENTITY.test(entity)) {
            fail(
                name,
                `${name}["${table}"].entity must be 1-64 letters, digits, "_" or "-" starting with a letter, got ${JSON.stringify(entity)}`,
            );
        }
        for (const [field, attribute] of [
            ["partitionKey", partitionKey],
            ["sortKey", sortKey],
        ] as const) {
            if (field === "sortKey" && (attribute === undefined || attribute === null)) continue;
            if (typeof attribute !== "string" || attribute.length === 0 || attribute.length > 255) {
                fail(
                    name,
                    `${name}["${table}"].${field} must be an attribute name (1-255 characters), got ${JSON.stringify(attribute)}`,
                );
            }
        }
        tables.set(table, {
            entity,
            partitionKey: partitionKey as string,
            ...(sortKey === undefined || sortKey === null ? {} : { sortKey: sortKey as string }),
        });
    }
    return tables;
}

export const changePublisherEnv = defineEnv(
    "change-publisher",
    {
        DOMAIN: required(domainName, "business domain; the envelope source is `cdp.domain.<domain>`"),
        STREAM_ARN: required(
            text((value, name) =>
                KINESIS_STREAM_ARN.test(value)
                    ? value
                    : fail(
                          name,
                          `${name} must be a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>), got "${value}"`,
                      ),
            ),
            "the hub's Kinesis stream ARN; the client uses its region",
        ),
        EVENT_BUS_ARN: required(
            text((value, name) =>
                EVENT_BUS_ARN.test(value)
                    ? value
                    : fail(
                          name,
                          `${name} must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), not a bus name, got "${value}"`,
                      ),
            ),
            "the hub's EventBridge bus ARN (cross-account PutEvents needs the ARN); the client uses its region",
        ),
        IDEMPOTENCY_TABLE: required(
            text((value, name) =>
                DYNAMODB_TABLE_NAME.test(value) || DYNAMODB_TABLE_ARN.test(value)
                    ? value
                    : fail(name, `${name} must be a DynamoDB table name or table ARN, got "${value}"`),
            ),
            "idempotency table name or ARN: partition key `id` (S), TTL attribute `expiresAt`",
        ),
        TABLE_ENTITIES: required(
            json(
                tableEntities,
                (tables) => Object.fromEntries(tables),
                (name) => `${name} must be ${TABLES_SHAPE}; it is not valid JSON`,
            ),
            "table name → {entity, partitionKey, sortKey?}; the table comes from each record's `eventSourceARN`",
        ),
        IDEMPOTENCY_TTL_SECONDS: optional(
            integer({ min: MIN_IDEMPOTENCY_TTL_SECONDS, unit: "seconds" }),
            "lifetime of an idempotency item (≥ 1 day: DynamoDB Streams keep records 24 hours)",
            DEFAULT_IDEMPOTENCY_TTL_SECONDS,
        ),
        IDEMPOTENCY_LEASE_SECONDS: optional(
            integer({ min: 1, unit: "seconds" }),
            "claim lease without a Lambda context (tests, local runs)",
            DEFAULT_LEASE_SECONDS,
        ),
    },
    (env): PublisherConfig => ({
        domain: env.DOMAIN,
        streamArn: env.STREAM_ARN,
        streamRegion: KINESIS_STREAM_ARN.exec(env.STREAM_ARN)!.groups!.region,
        eventBusArn: env.EVENT_BUS_ARN,
        eventBusRegion: EVENT_BUS_ARN.exec(env.EVENT_BUS_ARN)!.groups!.region,
        idempotencyTable: env.IDEMPOTENCY_TABLE,
        tables: env.TABLE_ENTITIES,
        idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
        leaseSeconds: env.IDEMPOTENCY_LEASE_SECONDS,
    }),
);
