/**
 * The idempotency table: one item per change id, claimed with a conditional
 * write before publishing and marked COMPLETED after both targets accepted
 * the change. See README.md, "Exactly once".
 *
 * Item: {id (S, partition key), status IN_PROGRESS|COMPLETED, claimToken,
 * leaseExpiresAt (epoch ms), expiresAt (TTL, epoch s), claimedAt,
 * completedAt, attempts, sequenceNumber, eventId, kinesisSequenceNumber?,
 * eventBridgeEventId?}. The last two record which targets already hold the
 * change, so a retry only publishes to the ones that are missing.
 */
import { randomUUID } from "node:crypto";
import {
    ConditionalCheckFailedException,
    DeleteItemCommand,
    GetItemCommand,
    UpdateItemCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";

export const STATUS_IN_PROGRESS = "IN_PROGRESS";
export const STATUS_COMPLETED = "COMPLETED";

/** What a target returned for a change already published to it. */
export interface PublishedTargets {
    readonly kinesisSequenceNumber?: string;
    readonly eventBridgeEventId?: string;
}

export type ClaimResult =
    /** This invocation owns the change until `leaseExpiresAt`. */
    | { readonly kind: "claimed"; readonly token: string; readonly done: PublishedTargets }
    /** Published before: skip it. */
    | { readonly kind: "completed" }
    /** Another invocation holds a live claim. */
    | { readonly kind: "busy"; readonly leaseExpiresAt: number };

export interface ClaimRequest {
    readonly id: string;
    readonly sequenceNumber: string;
    readonly eventId: string;
    readonly nowMs: number;
    readonly leaseExpiresAt: number;
}

export interface IdempotencyStore {
    claim(request: ClaimRequest): Promise<ClaimResult>;
    /** Marks the change COMPLETED; false if the claim had been lost to another invocation. */
    complete(id: string, token: string, done: PublishedTargets, nowMs: number): Promise<boolean>;
    /**
     * Gives a claim up after a failed publish: deletes the item when no target
     * holds the change, else keeps it (with what was published) with an
     * expired lease so the retry can retake it at once.
     */
    release(id: string, token: string, done: PublishedTargets): Promise<void>;
}

export interface DynamoIdempotencyOptions {
    readonly tableName: string;
    readonly ttlSeconds: number;
}

const NAMES = {
    "#id": "id",
    "#status": "status",
    "#token": "claimToken",
    "#lease": "leaseExpiresAt",
} as const;

const str = (value: string): AttributeValue => ({ S: value });
const num = (value: number): AttributeValue => ({ N: String(value) });

function doneFrom(item: Record<string, AttributeValue> | undefined): PublishedTargets {
    return {
        ...(item?.kinesisSequenceNumber?.S === undefined
            ? {}
            : { kinesisSequenceNumber: item.kinesisSequenceNumber.S }),
        ...(item?.eventBridgeEventId?.S === undefined ? {} : { eventBridgeEventId: item.eventBridgeEventId.S }),
    };
}

/** `SET a = :a, …` parts and values for the targets already published. */
function doneUpdates(done: PublishedTargets): { sets: string[]; values: Record<string, AttributeValue> } {
    const sets: string[] = [];
    const values: Record<string, AttributeValue> = {};
    if (done.kinesisSequenceNumber !== undefined) {
        sets.push("kinesisSequenceNumber = :kinesisSequenceNumber");
        values[":kinesisSequenceNumber"] = str(done.kinesisSequenceNumber);
    }
    if (done.eventBridgeEventId !== undefined) {
        sets.push("eventBridgeEventId = :eventBridgeEventId");
        values[":eventBridgeEventId"] = str(done.eventBridgeEventId);
    }
    return { sets, values };
}

const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === "ConditionalCheckFailedException");

export function createDynamoIdempotencyStore(
    client: Pick<DynamoDBClient, "send">,
    options: DynamoIdempotencyOptions,
): IdempotencyStore {
    const TableName = options.tableName;

    async function currentItem(
        id: string,
        error: ConditionalCheckFailedException,
    ): Promise<Record<string, AttributeValue> | undefined> {
        if (error.Item !== undefined) return error.Item;
        const { Item } = await client.send(
            new GetItemCommand({ TableName, Key: { id: str(id) }, ConsistentRead: true }),
        );
        return Item;
    }

    return {
        async claim(request) {
            // Retried only if the item disappears between the failed condition and the read.
            for (let attempt = 1; ; attempt++) {
                const token = randomUUID();
                try {
                    const { Attributes } = await client.send(
                        new UpdateItemCommand({
                            TableName,
                            Key: { id: str(request.id) },
                            UpdateExpression:
                                "SET #status = :inProgress, #token = :token, #lease = :lease, expiresAt = :expiresAt, " +
                                "claimedAt = :now, sequenceNumber = :sequenceNumber, eventId = :eventId, " +
                                "attempts = if_not_exists(attempts, :zero) + :one",
                            ConditionExpression:
                                "attribute_not_exists(#id) OR (#status = :inProgress AND #lease < :now)",
                            ExpressionAttributeNames: NAMES,
                            ExpressionAttributeValues: {
                                ":inProgress": str(STATUS_IN_PROGRESS),
                                ":token": str(token),
                                ":lease": num(request.leaseExpiresAt),
                                ":expiresAt": num(Math.floor(request.nowMs / 1000) + options.ttlSeconds),
                                ":now": num(request.nowMs),
                                ":sequenceNumber": str(request.sequenceNumber),
                                ":eventId": str(request.eventId),
                                ":zero": num(0),
                                ":one": num(1),
                            },
                            ReturnValues: "ALL_NEW",
                            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
                        }),
                    );
                    return { kind: "claimed", token, done: doneFrom(Attributes) };
                } catch (error) {
                    if (!isConditionFailure(error)) throw error;
                    const item = await currentItem(request.id, error);
                    if (item === undefined) {
                        if (attempt < 3) continue;
                        throw new Error("idempotency item keeps changing under the claim");
                    }
                    if (item.status?.S === STATUS_COMPLETED) return { kind: "completed" };
                    return { kind: "busy", leaseExpiresAt: Number(item.leaseExpiresAt?.N ?? Number.NaN) };
                }
            }
        },

        async complete(id, token, done, nowMs) {
            const { sets, values } = doneUpdates(done);
            try {
                await client.send(
                    new UpdateItemCommand({
                        TableName,
                        Key: { id: str(id) },
                        UpdateExpression: `SET #status = :completed, completedAt = :now${sets.map((s) => `, ${s}`).join("")} REMOVE #token, #lease`,
                        ConditionExpression: "#token = :token",
                        ExpressionAttributeNames: {
                            "#status": NAMES["#status"],
                            "#token": NAMES["#token"],
                            "#lease": NAMES["#lease"],
                        },
                        ExpressionAttributeValues: {
                            ":completed": str(STATUS_COMPLETED),
                            ":now": num(nowMs),
                            ":token": str(token),
                            ...values,
                        },
                    }),
                );
                return true;
            } catch (error) {
                if (isConditionFailure(error)) return false;
                throw error;
            }
        },

        async release(id, token, done) {
            const { sets, values } = doneUpdates(done);
            try {
                if (sets.length === 0) {
                    await client.send(
                        new DeleteItemCommand({
                            TableName,
                            Key: { id: str(id) },
                            ConditionExpression: "#token = :token",
                            ExpressionAttributeNames: { "#token": NAMES["#token"] },
                            ExpressionAttributeValues: { ":token": str(token) },
                        }),
                    );
                } else {
                    await client.send(
                        new UpdateItemCommand({
                            TableName,
                            Key: { id: str(id) },
                            UpdateExpression: `SET #lease = :expired, ${sets.join(", ")} REMOVE #token`,
                            ConditionExpression: "#token = :token",
                            ExpressionAttributeNames: { "#token": NAMES["#token"], "#lease": NAMES["#lease"] },
                            ExpressionAttributeValues: { ":expired": num(0), ":token": str(token), ...values },
                        }),
                    );
                }
            } catch (error) {
                // Someone retook the claim meanwhile: it is theirs to settle now.
                if (!isConditionFailure(error)) throw error;
            }
        },
    };
}
