/**
 * The change envelope: one DynamoDB stream record → the stable, documented
 * event published to the hub (README.md, "Envelope"), plus the two wire
 * forms: the Kinesis record (an `api_event` the hub's preprocess Lambda
 * accepts, wrapping the envelope) and the EventBridge PutEvents entry.
 */
import { createHash } from "node:crypto";
import type { DynamoDBRecord } from "aws-lambda";
import { MalformedRecordError, unmarshallMap, unmarshallValue, type JsonObject } from "./attributes";
import type { TableEntity } from "../../model/env/change-publisher";
import { DYNAMODB_STREAM_ARN, domainEventSource } from "../../model/names";

export type ChangeType = "INSERT" | "MODIFY" | "REMOVE";
export type KeyValue = string | number;

export const SPEC_VERSION = "1.0";

const TYPE_SUFFIX: Readonly<Record<ChangeType, string>> = {
    INSERT: "created",
    MODIFY: "updated",
    REMOVE: "deleted",
};

/** Fields dropped, in this order, when an envelope exceeds a target's size limit. */
export type TruncatedField = "previous" | "data";

export interface ChangeEnvelope {
    readonly specversion: typeof SPEC_VERSION;
    /** Stable across redeliveries of the same stream record (see changeId). */
    readonly id: string;
    /** `cdp.domain.<domain>`. */
    readonly source: string;
    /** `<entity>.<created|updated|deleted>`. */
    readonly type: string;
    readonly domain: string;
    readonly entity: string;
    readonly key: { readonly pk: KeyValue; readonly sk?: KeyValue };
    readonly changeType: ChangeType;
    /** The item's `version` attribute (NewImage, or OldImage for REMOVE). */
    readonly version: number;
    /** ApproximateCreationDateTime as ISO-8601 UTC. */
    readonly time: string;
    /** NewImage; null for REMOVE (or when truncated). */
    readonly data: JsonObject | null;
    /** OldImage, for MODIFY and REMOVE. */
    readonly previous?: JsonObject;
    /** Present only when a size limit forced fields out. */
    readonly truncated?: readonly TruncatedField[];
}

/** A stream record turned into what the publishers need. */
export interface Change {
    /** dynamodb.SequenceNumber: the batchItemFailures itemIdentifier. */
    readonly sequenceNumber: string;
    readonly eventId: string;
    readonly envelope: ChangeEnvelope;
    /** Kinesis partition key, `<entity>#<pk>`: all changes of an item on one shard, in order. */
    readonly partitionKey: string;
}

export interface EnvelopeContext {
    readonly domain: string;
    readonly tables: ReadonlyMap<string, TableEntity>;
}

/** Kinesis partition keys are 1-256 Unicode characters. */
const MAX_PARTITION_KEY_LENGTH = 256;

/** `cdp.domain.<domain>` (one definition, shared with the bus and publisher policies). */
export const eventSource = domainEventSource;

/** The preprocess `source` ([a-z0-9][a-z0-9_-]{0,63}): the envelope source with "." → "-". */
export const preprocessSource = (domain: string): string => `cdp-domain-${domain}`;

/** `customer` → `Customer Changed`, `order_item` / `order-item` / `orderItem` → `OrderItem Changed`. */
export function detailTypeFor(entity: string): string {
    const pascal = entity
        .split(/[_-]+/)
        .filter((part) => part !== "")
        .map((part) => part[0].toUpperCase() + part.slice(1))
        .join("");
    return `${pascal} Changed`;
}

/** The table name in a stream record's eventSourceARN (`…:table/<name>/stream/<label>`). */
export function tableNameOf(eventSourceArn: string | undefined): string | undefined {
    return eventSourceArn === undefined ? undefined : DYNAMODB_STREAM_ARN.exec(eventSourceArn)?.groups?.table;
}

/**
 * The envelope id: hex SHA-256 of the JSON array `["cdp.change/v1",
 * <eventSourceARN>, <eventID>, <SequenceNumber>]`. A redelivered record has
 * all three unchanged, so retries produce the same id; two records never
 * share one (JSON keeps the parts apart whatever they contain).
 */
export function changeId(streamArn: string, eventId: string, sequenceNumber: string): string {
    return createHash("sha256")
        .update(JSON.stringify(["cdp.change/v1", streamArn, eventId, sequenceNumber]))
        .digest("hex");
}

function keyValue(
    table: string,
    image: Record<string, unknown> | undefined,
    attribute: string,
    role: string,
): KeyValue {
    const raw = image?.[attribute];
    if (raw === undefined) {
        throw new MalformedRecordError(
            "missing-key",
            `Keys of table ${table} lack the ${role} attribute "${attribute}"`,
        );
    }
    const value = unmarshallValue(raw as never);
    if (typeof value !== "string" && typeof value !== "number") {
        throw new MalformedRecordError(
            "invalid-key",
            `${role} attribute "${attribute}" is not a string, number or binary`,
        );
    }
    return value;
}

function kinesisPartitionKey(entity: string, pk: KeyValue): string {
    const key = `${entity}#${pk}`;
    if ([...key].length <= MAX_PARTITION_KEY_LENGTH) return key;
    // Still deterministic per item, so its changes keep landing on one shard in order.
    return `${entity}#sha256:${createHash("sha256").update(String(pk)).digest("hex")}`;
}

/**
 * Builds the change of one stream record. Throws MalformedRecordError for a
 * record that can never be published (unknown table, no images, no numeric
 * `version`, …): the handler reports it as failed so the event source
 * mapping's retries and on-failure destination take over.
 */
export function buildChange(record: DynamoDBRecord, context: EnvelopeContext): Change {
    const stream = record.dynamodb;
    const sequenceNumber = stream?.SequenceNumber;
    if (stream === undefined || typeof sequenceNumber !== "string" || sequenceNumber === "") {
        throw new MalformedRecordError("not-a-stream-record", "record has no dynamodb.SequenceNumber");
    }
    const changeType = record.eventName;
    if (changeType !== "INSERT" && changeType !== "MODIFY" && changeType !== "REMOVE") {
        throw new MalformedRecordError("unsupported-event", `eventName must be INSERT, MODIFY or REMOVE`);
    }
    const eventId = record.eventID;
    if (typeof eventId !== "string" || eventId === "")
        throw new MalformedRecordError("not-a-stream-record", "record has no eventID");
    const table = tableNameOf(record.eventSourceARN);
    if (table === undefined) {
        throw new MalformedRecordError("not-a-stream-record", "eventSourceARN is not a DynamoDB stream ARN");
    }
    const mapping = context.tables.get(table);
    if (mapping === undefined)
        throw new MalformedRecordError("unknown-table", `table ${table} is not in TABLE_ENTITIES`);

    const keys = stream.Keys as Record<string, unknown> | undefined;
    const pk = keyValue(table, keys, mapping.partitionKey, "partition key");
    const sk = mapping.sortKey === undefined ? undefined : keyValue(table, keys, mapping.sortKey, "sort key");

    const needsNew = changeType !== "REMOVE";
    const needsOld = changeType !== "INSERT";
    if ((needsNew && stream.NewImage === undefined) || (needsOld && stream.OldImage === undefined)) {
        throw new MalformedRecordError(
            "missing-image",
            `${changeType} record without ${needsNew && stream.NewImage === undefined ? "NewImage" : "OldImage"}: the stream view type must be NEW_AND_OLD_IMAGES`,
        );
    }
    const data = needsNew ? unmarshallMap(stream.NewImage as never) : null;
    const previous = needsOld ? unmarshallMap(stream.OldImage as never) : undefined;
    const version = (data ?? previous)?.version;
    if (typeof version !== "number") {
        throw new MalformedRecordError("missing-version", `the item has no numeric "version" attribute`);
    }

    const seconds = stream.ApproximateCreationDateTime;
    const millis = typeof seconds === "number" ? Math.round(seconds * 1000) : Number.NaN;
    if (!Number.isFinite(millis) || millis < 0 || millis > 8_640_000_000_000_000) {
        throw new MalformedRecordError("missing-time", "record has no valid dynamodb.ApproximateCreationDateTime");
    }

    const envelope: ChangeEnvelope = {
        specversion: SPEC_VERSION,
        id: changeId(record.eventSourceARN!, eventId, sequenceNumber),
        source: eventSource(context.domain),
        type: `${mapping.entity}.${TYPE_SUFFIX[changeType]}`,
        domain: context.domain,
        entity: mapping.entity,
        key: sk === undefined ? { pk } : { pk, sk },
        changeType,
        version,
        time: new Date(millis).toISOString(),
        data,
        ...(previous === undefined ? {} : { previous }),
    };
    return { sequenceNumber, eventId, envelope, partitionKey: kinesisPartitionKey(mapping.entity, pk) };
}

/**
 * The envelope's wire form (`wrap`) within `maxBytes` of UTF-8: the whole
 * envelope when it fits, else without `previous`, else without `data` too,
 * listing what went in `truncated`. Undefined if even that does not fit.
 */
export function fitEnvelope(
    envelope: ChangeEnvelope,
    maxBytes: number,
    wrap: (envelope: ChangeEnvelope) => string,
): { readonly envelope: ChangeEnvelope; readonly json: string } | undefined {
    const candidates: ChangeEnvelope[] = [envelope];
    if (envelope.previous !== undefined) {
        const { previous: _previous, ...rest } = envelope;
        candidates.push({ ...rest, truncated: ["previous"] });
    }
    if (envelope.data !== null) {
        const { previous: _previous, ...rest } = envelope;
        candidates.push({
            ...rest,
            data: null,
            truncated: envelope.previous === undefined ? ["data"] : ["previous", "data"],
        });
    }
    for (const candidate of candidates) {
        const json = wrap(candidate);
        if (Buffer.byteLength(json, "utf8") <= maxBytes) return { envelope: candidate, json };
    }
    return undefined;
}

/**
 * The Kinesis record: an `api_event` for the hub's preprocess Lambda
 * (functions/preprocess/schemas.ts) wrapping the envelope as its payload,
 * newline-terminated.
 */
export function kinesisRecordJson(envelope: ChangeEnvelope): string {
    return `${JSON.stringify({
        eventId: envelope.id,
        entity: "api_event",
        source: preprocessSource(envelope.domain),
        type: envelope.type,
        timestamp: envelope.time,
        payload: envelope,
    })}\n`;
}
