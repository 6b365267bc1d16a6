/**
 * Runtime configuration from environment variables, validated once at cold
 * start: a misconfigured publisher fails loudly (every error names the
 * variable) instead of publishing a domain's changes to the wrong place or
 * under the wrong entity.
 */

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

/**
 * Domain names end up in `cdp.domain.<domain>` (EventBridge source) and in
 * `cdp-domain-<domain>` (the preprocess `source`, ≤ 64 characters).
 */
const DOMAIN = /^[a-z0-9][a-z0-9_-]{0,52}$/;
/** Entity names end up in the event type, the DetailType and the Kinesis partition key. */
const ENTITY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** DynamoDB table names: 3-255 of [a-zA-Z0-9_.-]. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;

function required(env: NodeJS.ProcessEnv, name: string): string {
    const value = env[name]?.trim();
    if (value === undefined || value === "") throw new Error(`${name} is required but not set`);
    return value;
}

function parseSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
        throw new Error(`${name} must be an integer number of seconds ≥ ${min}, got "${raw}"`);
    }
    return value;
}

function parseTables(raw: string): Map<string, TableEntity> {
    const shape = `a JSON object mapping table names to {"entity", "partitionKey", "sortKey"?}, e.g. {"customers": {"entity": "customer", "partitionKey": "customerId"}}`;
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new Error(`TABLE_ENTITIES must be ${shape}; it is not valid JSON`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`TABLE_ENTITIES must be ${shape}`);
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.length === 0) throw new Error("TABLE_ENTITIES must configure at least one table");
    const tables = new Map<string, TableEntity>();
    for (const [table, value] of entries) {
        if (!TABLE_NAME.test(table)) {
            throw new Error(
                `TABLE_ENTITIES key "${table}" is not a DynamoDB table name (3-255 of letters, digits, "_", "-", ".")`,
            );
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            throw new Error(`TABLE_ENTITIES["${table}"] must be an object {"entity", "partitionKey", "sortKey"?}`);
        }
        const { entity, partitionKey, sortKey, ...unknown } = value as Record<string, unknown>;
        const extra = Object.keys(unknown);
        if (extra.length > 0) throw new Error(`TABLE_ENTITIES["${table}"] has unknown field(s): ${extra.join(", ")}`);
        if (typeof entity !== "string" || !ENTITY.test(entity)) {
            throw new Error(
                `TABLE_ENTITIES["${table}"].entity must be 1-64 letters, digits, "_" or "-" starting with a letter, got ${JSON.stringify(entity)}`,
            );
        }
        for (const [field, attribute] of [
            ["partitionKey", partitionKey],
            ["sortKey", sortKey],
        ] as const) {
            if (field === "sortKey" && (attribute === undefined || attribute === null)) continue;
            if (typeof attribute !== "string" || attribute.length === 0 || attribute.length > 255) {
                throw new Error(
                    `TABLE_ENTITIES["${table}"].${field} must be an attribute name (1-255 characters), got ${JSON.stringify(attribute)}`,
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PublisherConfig {
    const domain = required(env, "DOMAIN");
    if (!DOMAIN.test(domain)) {
        throw new Error(
            `DOMAIN must be 1-53 lower-case letters, digits, "_" or "-" (starting with a letter or digit), got "${domain}"`,
        );
    }
    const streamArn = required(env, "STREAM_ARN");
    const stream = STREAM_ARN.exec(streamArn);
    if (stream === null) {
        throw new Error(
            `STREAM_ARN must be a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>), got "${streamArn}"`,
        );
    }
    const eventBusArn = required(env, "EVENT_BUS_ARN");
    const bus = EVENT_BUS_ARN.exec(eventBusArn);
    if (bus === null) {
        throw new Error(
            `EVENT_BUS_ARN must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), not a bus name, got "${eventBusArn}"`,
        );
    }
    const idempotencyTable = required(env, "IDEMPOTENCY_TABLE");
    if (!TABLE_NAME.test(idempotencyTable) && !TABLE_ARN.test(idempotencyTable)) {
        throw new Error(`IDEMPOTENCY_TABLE must be a DynamoDB table name or table ARN, got "${idempotencyTable}"`);
    }
    return {
        domain,
        streamArn,
        streamRegion: stream[1],
        eventBusArn,
        eventBusRegion: bus[1],
        idempotencyTable,
        tables: parseTables(required(env, "TABLE_ENTITIES")),
        idempotencyTtlSeconds: parseSeconds(
            env,
            "IDEMPOTENCY_TTL_SECONDS",
            DEFAULT_IDEMPOTENCY_TTL_SECONDS,
            MIN_IDEMPOTENCY_TTL_SECONDS,
        ),
        leaseSeconds: parseSeconds(env, "IDEMPOTENCY_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, 1),
    };
}
