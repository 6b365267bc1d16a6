/**
 * The domain API: API Gateway REST proxy events → DynamoDB (or DAX) items, exactly as openApiDocument
 * (components/domain/openapi.ts) describes them. Free of module-level state: tests build handlers with their own
 * store (a local emulator) and logger.
 *
 * Writes use optimistic concurrency: create is conditional on the key not existing (409), update and conditional
 * delete on the item's `version` (409 on mismatch, 404 when there is no item). Managed attributes: `version`
 * (1, then +1 per update), `createdAt` and `updatedAt` (ISO 8601 UTC).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { type EntityDefinition, MANAGED_ATTRIBUTES, keyAttributes } from "../../model/entities";
import { PAGE_LIMIT, entityJsonSchema, keySchema, versionSchema } from "../../model/openapi";
import type { DomainApiConfig } from "../../model/env/domain-api";
import {
    ALLOWED_METHODS,
    HttpError,
    Router,
    badRequest,
    emptyResponse,
    errorResponse,
    header,
    jsonResponse,
    queryParameters,
    type Route,
} from "./http";
import { isConditionalCheckFailed, isUnavailable, isValidationException, type DocumentStore } from "./store";
import { decodeNextToken, encodeNextToken, type TokenScope } from "./token";
import { objectIssue, parseIntegerParameter, parseJson, valueIssue, type ParsedJson } from "./validate";

/** The subset of the Powertools Logger used here. */
export interface ApiLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
    addContext?(context: Context): void;
}

export interface HandlerDependencies {
    readonly config: Pick<DomainApiConfig, "domain" | "entities" | "tables">;
    readonly store: DocumentStore;
    readonly logger: ApiLogger;
    /** Clock (epoch milliseconds), for createdAt/updatedAt. */
    readonly now?: () => number;
    /** Largest request body accepted, in bytes (default 256 KiB, below DynamoDB's 400 KB item limit). */
    readonly maxBodyBytes?: number;
}

export type DomainApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

type Item = Record<string, unknown>;
type Schema = Record<string, unknown>;

/** What the handler precomputes per entity. */
interface EntityModel {
    readonly entity: EntityDefinition;
    readonly table: string;
    readonly keys: readonly string[];
    readonly createSchema: Schema;
    readonly updateSchema: Schema;
    readonly keySchemas: Readonly<Record<string, Schema>>;
    /** Attributes returned in responses: declared and managed. */
    readonly returned: readonly string[];
    /** Declared non-key attributes (SET or REMOVE on update). */
    readonly mutable: readonly string[];
}

const VERSION_SCHEMA = versionSchema("");
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

function model(entity: EntityDefinition, table: string): EntityModel {
    const keys = keyAttributes(entity);
    return {
        entity,
        table,
        keys,
        createSchema: entityJsonSchema(entity, "create"),
        updateSchema: entityJsonSchema(entity, "update"),
        keySchemas: Object.fromEntries(keys.map((key) => [key, keySchema(entity.attributes[key])])),
        returned: [...Object.keys(entity.attributes), ...MANAGED_ATTRIBUTES],
        mutable: Object.keys(entity.attributes).filter((name) => !keys.includes(name)),
    };
}

/** DynamoDB values as JSON: wrapped numbers and bigints → numbers, sets → arrays, binary → base64. */
function plain(value: unknown): unknown {
    if (typeof value === "bigint") return Number(value);
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map(plain);
    if (value instanceof Set) return [...value].map(plain);
    if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
    const wrapped = value as { value?: unknown; toBigInt?: unknown };
    if (typeof wrapped.value === "string" && typeof wrapped.toBigInt === "function") return Number(wrapped.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

function present(m: EntityModel, item: Item): Item {
    const out: Item = {};
    for (const name of m.returned) if (item[name] !== undefined) out[name] = plain(item[name]);
    return out;
}

function describeKey(m: EntityModel, key: Record<string, string>): string {
    return `${m.entity.name} ${m.keys.map((k) => `${k}=${JSON.stringify(key[k])}`).join(", ")}`;
}

/** Relative to the collection URL the request was sent to, so it resolves under any stage or base path. */
function location(m: EntityModel, key: Record<string, string>): string {
    return `${m.entity.name}s/${m.keys.map((k) => encodeURIComponent(key[k])).join("/")}`;
}

function allowOnly(params: Record<string, string>, allowed: readonly string[]): void {
    for (const name of Object.keys(params)) {
        if (!allowed.includes(name)) {
            throw badRequest(
                allowed.length > 0
                    ? `unknown query parameter ${JSON.stringify(name)} (allowed: ${allowed.join(", ")})`
                    : `unknown query parameter ${JSON.stringify(name)} (this operation takes none)`,
                name,
            );
        }
    }
}

function checkKeys(m: EntityModel, raw: Record<string, string>): Record<string, string> {
    for (const key of m.keys) {
        const issue = valueIssue(m.keySchemas[key], raw[key]);
        if (issue) throw badRequest(`path parameter ${key} ${issue}`, key);
    }
    return raw;
}

function readBody(event: APIGatewayProxyEvent, maxBytes: number): ParsedJson {
    const contentType = header(event, "content-type");
    if (contentType !== undefined) {
        const [mediaType, ...params] = contentType.split(";").map((part) => part.trim().toLowerCase());
        const charset = params
            .find((p) => p.startsWith("charset="))
            ?.slice("charset=".length)
            .replace(/"/g, "");
        if (!JSON_MEDIA_TYPE.test(mediaType) || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
            throw badRequest(
                `Content-Type must be application/json (UTF-8), got ${JSON.stringify(contentType.slice(0, 100))}`,
                undefined,
                "UnsupportedMediaType",
            );
        }
    }
    if (event.body === null || event.body === undefined || event.body === "")
        throw badRequest("a JSON request body is required");
    const bytes = event.isBase64Encoded ? Buffer.from(event.body, "base64") : undefined;
    const size = bytes ? bytes.length : Buffer.byteLength(event.body, "utf8");
    if (size > maxBytes)
        throw badRequest(
            `the request body is ${size} bytes, more than the ${maxBytes} allowed`,
            undefined,
            "PayloadTooLarge",
        );
    let text = event.body;
    if (bytes) {
        try {
            text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
            throw badRequest("the request body is not valid UTF-8", undefined, "InvalidJson");
        }
    }
    try {
        return parseJson(text);
    } catch (error) {
        throw badRequest(
            `the request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`,
            undefined,
            "InvalidJson",
        );
    }
}

function validateBody(schema: Schema, parsed: ParsedJson): Item {
    const issue = objectIssue(schema, parsed.value, parsed);
    if (issue) throw badRequest(issue.message, issue.field);
    return parsed.value as Item;
}

function pageLimit(raw: string | undefined): number {
    if (raw === undefined) return PAGE_LIMIT.default;
    const limit = parseIntegerParameter(raw);
    if (limit === undefined || limit < PAGE_LIMIT.minimum || limit > PAGE_LIMIT.maximum) {
        throw badRequest(`limit must be an integer from ${PAGE_LIMIT.minimum} to ${PAGE_LIMIT.maximum}`, "limit");
    }
    return limit;
}

function expectedVersion(raw: string | undefined, field: string): number | undefined {
    if (raw === undefined) return undefined;
    const version = parseIntegerParameter(raw);
    if (version === undefined || valueIssue(VERSION_SCHEMA, version) !== undefined) {
        throw badRequest(`${field} must be an integer of at least 1`, field);
    }
    return version;
}

export function createHandler(deps: HandlerDependencies): DomainApiHandler {
    const { config, store, logger } = deps;
    const now = deps.now ?? Date.now;
    const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const router = new Router(config.entities);
    const models = new Map(config.entities.map((entity) => [entity.name, model(entity, config.tables[entity.name])]));

    /** After a failed condition: 404 when the item is gone, else 409 naming its current version. */
    async function conflictOrMissing(
        m: EntityModel,
        key: Record<string, string>,
        expected: number,
    ): Promise<HttpError> {
        const current = await store.get({ TableName: m.table, Key: key, ConsistentRead: true });
        if (!current.Item) return new HttpError(404, "NotFound", `no ${describeKey(m, key)}`);
        const version = plain(current.Item.version);
        return new HttpError(
            409,
            "VersionConflict",
            `${describeKey(m, key)} is at version ${String(version)}, not ${expected}`,
            "version",
        );
    }

    /** DynamoDB refusing the data of a write is the request's fault. */
    async function write<T>(operation: () => Promise<T>): Promise<T> {
        try {
            return await operation();
        } catch (error) {
            if (isValidationException(error)) {
                throw badRequest(`the item was rejected by the database: ${(error as Error).message.slice(0, 300)}`);
            }
            throw error;
        }
    }

    async function create(m: EntityModel, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
        allowOnly(queryParameters(event), []);
        const body = validateBody(m.createSchema, readBody(event, maxBodyBytes));
        const timestamp = new Date(now()).toISOString();
        const item: Item = { ...body, version: 1, createdAt: timestamp, updatedAt: timestamp };
        const key = Object.fromEntries(m.keys.map((k) => [k, body[k] as string]));
        try {
            await write(() =>
                store.put({
                    TableName: m.table,
                    Item: item,
                    ConditionExpression: "attribute_not_exists(#pk)",
                    ExpressionAttributeNames: { "#pk": m.entity.partitionKey },
                }),
            );
        } catch (error) {
            if (isConditionalCheckFailed(error))
                throw new HttpError(409, "AlreadyExists", `${describeKey(m, key)} already exists`);
            throw error;
        }
        return jsonResponse(201, present(m, item), { Location: location(m, key) });
    }

    async function list(m: EntityModel, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
        const params = queryParameters(event);
        const pk = m.entity.partitionKey;
        allowOnly(params, m.entity.sortKey ? [pk, "limit", "nextToken"] : ["limit", "nextToken"]);
        const limit = pageLimit(params.limit);
        let partition: string | null = null;
        if (m.entity.sortKey) {
            if (params[pk] === undefined) throw badRequest(`query parameter ${pk} is required`, pk);
            const issue = valueIssue(m.keySchemas[pk], params[pk]);
            if (issue) throw badRequest(`query parameter ${pk} ${issue}`, pk);
            partition = params[pk];
        }
        const scope: TokenScope = { domain: config.domain, entity: m.entity.name, keys: m.keys, partition };
        let start: Record<string, string> | undefined;
        if (params.nextToken !== undefined) {
            start = decodeNextToken(scope, params.nextToken);
            if (!start) throw badRequest("nextToken is not a token returned by this query", "nextToken");
        }
        const page = m.entity.sortKey
            ? await store.query({
                  TableName: m.table,
                  KeyConditionExpression: "#pk = :pk",
                  ExpressionAttributeNames: { "#pk": pk },
                  ExpressionAttributeValues: { ":pk": partition },
                  Limit: limit,
                  ...(start ? { ExclusiveStartKey: start } : {}),
              })
            : await store.scan({ TableName: m.table, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) });
        const items = (page.Items ?? []).map((item) => present(m, item));
        const next = page.LastEvaluatedKey ? encodeNextToken(scope, plain(page.LastEvaluatedKey) as Item) : undefined;
        return jsonResponse(200, { items, ...(next !== undefined ? { nextToken: next } : {}) });
    }

    async function read(
        m: EntityModel,
        key: Record<string, string>,
        event: APIGatewayProxyEvent,
    ): Promise<APIGatewayProxyResult> {
        allowOnly(queryParameters(event), []);
        const result = await store.get({ TableName: m.table, Key: key });
        if (!result.Item) throw new HttpError(404, "NotFound", `no ${describeKey(m, key)}`);
        return jsonResponse(200, present(m, result.Item));
    }

    async function update(
        m: EntityModel,
        key: Record<string, string>,
        event: APIGatewayProxyEvent,
    ): Promise<APIGatewayProxyResult> {
        allowOnly(queryParameters(event), []);
        const body = validateBody(m.updateSchema, readBody(event, maxBodyBytes));
        for (const k of m.keys) {
            if (body[k] !== undefined && body[k] !== key[k])
                throw badRequest(`${k} must match the path (${JSON.stringify(key[k])}) or be left out`, k);
        }
        const expected = body.version as number;
        const names: Record<string, string> = {
            "#pk": m.entity.partitionKey,
            "#version": "version",
            "#updatedAt": "updatedAt",
        };
        const values: Record<string, unknown> = {
            ":expected": expected,
            ":next": expected + 1,
            ":now": new Date(now()).toISOString(),
        };
        const set = ["#version = :next", "#updatedAt = :now"];
        const remove: string[] = [];
        m.mutable.forEach((name, i) => {
            names[`#a${i}`] = name;
            if (body[name] !== undefined) {
                values[`:a${i}`] = body[name];
                set.push(`#a${i} = :a${i}`);
            } else {
                remove.push(`#a${i}`);
            }
        });
        try {
            const result = await write(() =>
                store.update({
                    TableName: m.table,
                    Key: key,
                    UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
                    ConditionExpression: "attribute_exists(#pk) AND #version = :expected",
                    ExpressionAttributeNames: names,
                    ExpressionAttributeValues: values,
                    ReturnValues: "ALL_NEW",
                }),
            );
            return jsonResponse(200, present(m, result.Attributes ?? {}));
        } catch (error) {
            if (isConditionalCheckFailed(error)) throw await conflictOrMissing(m, key, expected);
            throw error;
        }
    }

    async function remove(
        m: EntityModel,
        key: Record<string, string>,
        event: APIGatewayProxyEvent,
    ): Promise<APIGatewayProxyResult> {
        const params = queryParameters(event);
        allowOnly(params, ["version"]);
        const expected = expectedVersion(params.version, "version");
        try {
            await write(() =>
                store.delete({
                    TableName: m.table,
                    Key: key,
                    ConditionExpression:
                        expected === undefined
                            ? "attribute_exists(#pk)"
                            : "attribute_exists(#pk) AND #version = :expected",
                    ExpressionAttributeNames:
                        expected === undefined
                            ? { "#pk": m.entity.partitionKey }
                            : { "#pk": m.entity.partitionKey, "#version": "version" },
                    ...(expected === undefined ? {} : { ExpressionAttributeValues: { ":expected": expected } }),
                }),
            );
        } catch (error) {
            if (!isConditionalCheckFailed(error)) throw error;
            if (expected === undefined) throw new HttpError(404, "NotFound", `no ${describeKey(m, key)}`);
            throw await conflictOrMissing(m, key, expected);
        }
        return emptyResponse(204);
    }

    async function dispatch(event: APIGatewayProxyEvent, route: Route): Promise<APIGatewayProxyResult> {
        const method = (event.httpMethod ?? "").toUpperCase();
        const allowed = ALLOWED_METHODS[route.kind];
        if (!allowed.includes(method)) {
            throw new HttpError(
                405,
                "MethodNotAllowed",
                `${method || "(none)"} is not allowed here (allowed: ${allowed.join(", ")})`,
                undefined,
                {
                    Allow: allowed.join(", "),
                },
            );
        }
        const m = models.get(route.entity.name)!;
        if (route.kind === "collection") return method === "POST" ? create(m, event) : list(m, event);
        const key = checkKeys(m, route.keys);
        if (method === "GET") return read(m, key, event);
        if (method === "PUT") return update(m, key, event);
        return remove(m, key, event);
    }

    return async (event, context) => {
        if (context !== undefined) logger.addContext?.(context);
        const started = performance.now();
        let route: Route | undefined;
        let response: APIGatewayProxyResult;
        try {
            route = router.route(event);
            if (!route) throw new HttpError(404, "NotFound", "no such resource");
            response = await dispatch(event, route);
        } catch (error) {
            if (error instanceof HttpError) {
                response = errorResponse(error);
            } else if (isUnavailable(error)) {
                const { name, code } = error as { name?: string; code?: string };
                logger.warn("store unavailable", { error: code ?? name });
                response = errorResponse(
                    new HttpError(503, "ServiceUnavailable", "the service is busy, retry later", undefined, {
                        "Retry-After": "1",
                    }),
                );
            } else {
                logger.error("request failed", {
                    error:
                        error instanceof Error
                            ? { name: error.name, message: error.message, stack: error.stack }
                            : String(error),
                });
                response = errorResponse(new HttpError(500, "InternalError", "internal error"));
            }
        }
        logger.info("request", {
            method: event.httpMethod,
            resource: route ? `${route.entity.name}:${route.kind}` : undefined,
            status: response.statusCode,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
        });
        return response;
    };
}
