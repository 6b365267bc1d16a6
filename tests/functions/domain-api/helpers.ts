/**
 * Shared fixtures for the domain API tests: the sample entities (`customer`, `order`), an in-process dynalite
 * DynamoDB emulator, API Gateway proxy events and a recording logger.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { EntityDefinition } from "../../../model/entities";
import type { ApiLogger } from "../../../functions/domain-api/handler";
import { createEntityTables, createLocalDynamoClient } from "../../../tools/local/domain-api-server";

export { type Dynalite, startDynalite } from "../../helpers/dynalite";

export const DOMAIN = "sales";

export const CUSTOMER: EntityDefinition = {
    name: "customer",
    partitionKey: "customerId",
    attributes: {
        customerId: { type: "string", required: true },
        email: { type: "email", required: true, pii: true },
        name: { type: "string", required: true, pii: true, maxLength: 200 },
        segment: { type: "string", enum: ["retail", "business", "vip"] },
        lifetimeValue: { type: "number", minimum: 0 },
    },
};

export const ORDER: EntityDefinition = {
    name: "order",
    partitionKey: "customerId",
    sortKey: "orderId",
    attributes: {
        customerId: { type: "string", required: true },
        orderId: { type: "string", required: true },
        amountMinor: { type: "integer", required: true, minimum: 0 },
        currency: { type: "string", required: true, enum: ["EUR", "USD", "GBP"] },
        placedAt: { type: "timestamp", required: true },
    },
};

export const ENTITIES: EntityDefinition[] = [CUSTOMER, ORDER];

/** Table names per entity (dynalite, like DynamoDB, wants at least 3 characters). */
export function tablesFor(prefix: string): Record<string, string> {
    return { customer: `${prefix}-customers`, order: `${prefix}-orders` };
}

export async function createTables(endpoint: string, tables: Record<string, string>): Promise<void> {
    const client = createLocalDynamoClient(endpoint);
    try {
        await createEntityTables(client, ENTITIES, tables);
    } finally {
        client.destroy();
    }
}

export interface EventOptions {
    readonly body?: unknown;
    /** Raw body text (wins over `body`). */
    readonly rawBody?: string;
    readonly query?: Record<string, string | string[]>;
    readonly headers?: Record<string, string>;
    readonly resource?: string;
    readonly pathParameters?: Record<string, string>;
    readonly isBase64Encoded?: boolean;
}

/** An API Gateway REST proxy event for `method path` (path already URL-encoded, as on the wire). */
export function proxyEvent(method: string, path: string, options: EventOptions = {}): APIGatewayProxyEvent {
    const query = options.query ?? {};
    const multi = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
    const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1]]));
    const body = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
    const custom = options.headers ?? {};
    const typed = Object.keys(custom).some((name) => name.toLowerCase() === "content-type");
    const headers = { ...(body !== null && !typed ? { "Content-Type": "application/json" } : {}), ...custom };
    return {
        resource: options.resource ?? "/{proxy+}",
        path,
        httpMethod: method,
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        queryStringParameters: Object.keys(single).length > 0 ? single : null,
        multiValueQueryStringParameters: Object.keys(multi).length > 0 ? multi : null,
        pathParameters: options.pathParameters ?? null,
        stageVariables: null,
        body,
        isBase64Encoded: options.isBase64Encoded ?? false,
        requestContext: {} as APIGatewayProxyEvent["requestContext"],
    };
}

export interface ParsedResult {
    readonly status: number;
    readonly headers: Record<string, unknown>;
    readonly body: any;
}

export function parse(result: APIGatewayProxyResult): ParsedResult {
    return {
        status: result.statusCode,
        headers: result.headers ?? {},
        body: result.body === "" ? undefined : JSON.parse(result.body),
    };
}

export interface RecordingLogger extends ApiLogger {
    readonly lines: { level: string; message: string; attributes: Record<string, unknown> }[];
}

export function recordingLogger(): RecordingLogger {
    const lines: RecordingLogger["lines"] = [];
    const record = (level: string) => (message: string, attributes: Record<string, unknown>) => {
        lines.push({ level, message, attributes });
    };
    return { lines, info: record("info"), warn: record("warn"), error: record("error") };
}

export const customer = (id: string, extra: Record<string, unknown> = {}) => ({
    customerId: id,
    email: `${id}@example.com`,
    name: `Customer ${id}`,
    ...extra,
});

export const order = (customerId: string, orderId: string, extra: Record<string, unknown> = {}) => ({
    customerId,
    orderId,
    amountMinor: 1250,
    currency: "EUR",
    placedAt: "2024-05-01T10:00:00Z",
    ...extra,
});
