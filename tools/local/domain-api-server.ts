/**
 * A local HTTP front for the domain API Lambda (functions/domain-api): each request becomes an API Gateway REST
 * proxy event, as an API built from openApiDocument (components/domain/openapi.ts) would send it, and the
 * handler's result becomes the response. Items live in a DynamoDB emulator (dynalite, DynamoDB Local, …) at
 * `endpoint`.
 *
 *   const api = await startDomainApiServer({ entities, tables, endpoint: "http://127.0.0.1:4567", createTables: true });
 *   await fetch(`${api.url}/customers`, { method: "POST", body: JSON.stringify({...}) });
 *   await api.close();
 *
 * Routing follows API Gateway: a path matching a resource template of the document gets that `resource` and its
 * URL-decoded `pathParameters`; any other path is sent as `/{proxy+}` (the handler answers 404). Like API Gateway,
 * bodies above 10 MiB are refused with 413 before reaching the function, and when `authorization` is set requests
 * must carry exactly that `Authorization` header (standing in for SigV4), else 403 as API Gateway's IAM check would.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
    CreateTableCommand,
    DescribeTableCommand,
    DynamoDBClient,
    ResourceInUseException,
    waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { type EntityDefinition, keyAttributes } from "../../model/entities";
import { entityPaths } from "../../model/openapi";
import { createHandler, type ApiLogger, type DomainApiHandler } from "../../functions/domain-api/handler";
import { createDynamoStore } from "../../functions/domain-api/store";
import { LOCAL_REGION, localClientConfig } from "./local-aws";

export { LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-aws";

/** API Gateway's payload limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface DomainApiServerOptions {
    /** Port to listen on (default 0 = any free port). */
    readonly port?: number;
    /** Interface to bind (default 127.0.0.1). */
    readonly host?: string;
    /** Domain name (default "local"); scopes pagination tokens. */
    readonly domain?: string;
    readonly entities: EntityDefinition[];
    /** Entity name → table name. */
    readonly tables: Record<string, string>;
    /** DynamoDB emulator endpoint, e.g. http://127.0.0.1:4567. */
    readonly endpoint: string;
    readonly region?: string;
    /** Create missing tables (key schema from the entities, on-demand) before listening. */
    readonly createTables?: boolean;
    /** Exact `Authorization` header required of every request (stand-in for API Gateway's SigV4 check). */
    readonly authorization?: string;
    /** Logger of the handler (default: silent). */
    readonly logger?: ApiLogger;
    readonly maxBodyBytes?: number;
}

export interface DomainApiServer {
    /** `http://host:port`, no trailing slash. */
    readonly url: string;
    close(): Promise<void>;
}

const SILENT: ApiLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A DynamoDB client for a local endpoint (HTTP/1.1 handler, dummy credentials). */
export function createLocalDynamoClient(endpoint: string, region: string = LOCAL_REGION): DynamoDBClient {
    return new DynamoDBClient(localClientConfig(endpoint, region));
}

/** Creates the table of each entity unless it exists (string keys, PAY_PER_REQUEST), and waits until active. */
export async function createEntityTables(
    client: DynamoDBClient,
    entities: readonly EntityDefinition[],
    tables: Readonly<Record<string, string>>,
): Promise<void> {
    for (const entity of entities) {
        const TableName = tables[entity.name];
        if (TableName === undefined) throw new Error(`tables has no table for entity "${entity.name}"`);
        const keys = keyAttributes(entity);
        try {
            await client.send(
                new CreateTableCommand({
                    TableName,
                    BillingMode: "PAY_PER_REQUEST",
                    AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: "S" })),
                    KeySchema: keys.map((AttributeName, i) => ({ AttributeName, KeyType: i === 0 ? "HASH" : "RANGE" })),
                }),
            );
        } catch (error) {
            if (!(error instanceof ResourceInUseException)) throw error;
        }
        await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName });
        await client.send(new DescribeTableCommand({ TableName }));
    }
}

interface Template {
    readonly resource: string;
    readonly segments: readonly string[];
}

function templates(entities: readonly EntityDefinition[]): Template[] {
    return entities.flatMap((entity) => {
        const { collection, item } = entityPaths(entity);
        return [collection, item].map((resource) => ({ resource, segments: resource.split("/").slice(1) }));
    });
}

/** The resource template and decoded path parameters of a raw (still URL-encoded) path, as API Gateway routes it. */
function matchResource(
    all: readonly Template[],
    rawPath: string,
): { resource: string; pathParameters: Record<string, string> | null } {
    const segments = rawPath.split("/").slice(1);
    for (const template of all) {
        if (template.segments.length !== segments.length) continue;
        const parameters: Record<string, string> = {};
        let matched = true;
        for (let i = 0; i < segments.length && matched; i++) {
            const expected = template.segments[i];
            if (expected.startsWith("{")) {
                try {
                    parameters[expected.slice(1, -1)] = decodeURIComponent(segments[i]);
                } catch {
                    matched = false;
                }
            } else {
                matched = expected === segments[i];
            }
        }
        if (matched)
            return {
                resource: template.resource,
                pathParameters: Object.keys(parameters).length > 0 ? parameters : null,
            };
    }
    return { resource: "/{proxy+}", pathParameters: { proxy: rawPath.slice(1) } };
}

function decodePath(rawPath: string): string {
    try {
        return decodeURIComponent(rawPath);
    } catch {
        return rawPath;
    }
}

/** The API Gateway REST proxy event of an HTTP request. */
export function toProxyEvent(request: IncomingMessage, body: Buffer, all: readonly Template[]): APIGatewayProxyEvent {
    const url = new URL(request.url ?? "/", "http://localhost");
    const rawPath = url.pathname;
    const { resource, pathParameters } = matchResource(all, rawPath);
    // Maps, then Object.fromEntries: names such as `__proto__` become own properties, as in the JSON event API
    // Gateway sends to Lambda (plain-object assignment would hit the prototype instead).
    const grouped = (pairs: Iterable<readonly [string, string]>) => {
        const last = new Map<string, string>();
        const every = new Map<string, string[]>();
        for (const [name, value] of pairs) {
            last.set(name, value);
            every.set(name, [...(every.get(name) ?? []), value]);
        }
        return { single: Object.fromEntries(last), multi: Object.fromEntries(every) };
    };
    const headerPairs: Array<readonly [string, string]> = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2)
        headerPairs.push([request.rawHeaders[i], request.rawHeaders[i + 1]]);
    const { single: headers, multi: multiValueHeaders } = grouped(headerPairs);
    const { single: query, multi: multiQuery } = grouped(url.searchParams);
    const hasQuery = Object.keys(query).length > 0;
    const utf8 = (() => {
        try {
            return new TextDecoder("utf-8", { fatal: true }).decode(body);
        } catch {
            return undefined;
        }
    })();
    const method = request.method ?? "GET";
    const path = decodePath(rawPath);
    return {
        resource,
        path,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: hasQuery ? query : null,
        multiValueQueryStringParameters: hasQuery ? multiQuery : null,
        pathParameters,
        stageVariables: null,
        body: body.length === 0 ? null : (utf8 ?? body.toString("base64")),
        isBase64Encoded: body.length > 0 && utf8 === undefined,
        requestContext: {
            accountId: "000000000000",
            apiId: "local",
            authorizer: null,
            protocol: `HTTP/${request.httpVersion}`,
            httpMethod: method,
            identity: {
                accessKey: null,
                accountId: null,
                apiKey: null,
                apiKeyId: null,
                caller: null,
                clientCert: null,
                cognitoAuthenticationProvider: null,
                cognitoAuthenticationType: null,
                cognitoIdentityId: null,
                cognitoIdentityPoolId: null,
                principalOrgId: null,
                sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
                user: null,
                userAgent: request.headers["user-agent"] ?? null,
                userArn: null,
            },
            path: `/local${path}`,
            stage: "local",
            requestId: randomUUID(),
            requestTimeEpoch: Date.now(),
            resourceId: "local",
            resourcePath: resource,
        },
    };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
    const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "", "utf8");
    response.writeHead(result.statusCode, headers);
    response.end(result.statusCode === 204 || result.statusCode === 304 ? undefined : body);
}

function gatewayError(statusCode: number, message: string): APIGatewayProxyResult {
    return { statusCode, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message }) };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > MAX_REQUEST_BYTES) return undefined;
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
}

/** Starts the adapter; resolves once it listens. */
export async function startDomainApiServer(options: DomainApiServerOptions): Promise<DomainApiServer> {
    const region = options.region ?? LOCAL_REGION;
    if (options.createTables) {
        const client = createLocalDynamoClient(options.endpoint, region);
        try {
            await createEntityTables(client, options.entities, options.tables);
        } finally {
            client.destroy();
        }
    }
    const store = createDynamoStore(localClientConfig(options.endpoint, region));
    const handler: DomainApiHandler = createHandler({
        config: { domain: options.domain ?? "local", entities: options.entities, tables: options.tables },
        store,
        logger: options.logger ?? SILENT,
        ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    });
    const all = templates(options.entities);

    // Long URLs (query strings) reach the function, which answers 400 for over-long parameters.
    const server = createServer({ maxHeaderSize: 1024 * 1024 }, (request, response) => {
        void (async () => {
            let result: APIGatewayProxyResult;
            try {
                const body = await readBody(request);
                const authorization = request.headers.authorization;
                if (body === undefined) result = gatewayError(413, "Request Too Long");
                else if (options.authorization !== undefined && authorization === undefined)
                    result = gatewayError(403, "Missing Authentication Token");
                else if (options.authorization !== undefined && authorization !== options.authorization) {
                    result = gatewayError(
                        403,
                        "The request signature we calculated does not match the signature you provided.",
                    );
                } else result = await handler(toProxyEvent(request, body, all));
            } catch (error) {
                result = gatewayError(502, `Internal server error: ${(error as Error).message}`);
            }
            if (!response.headersSent) send(response, result);
        })();
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    let closed: Promise<void> | undefined;
    return {
        url: `http://${host}:${address.port}`,
        close: () =>
            (closed ??= new Promise<void>((resolve, reject) => {
                server.close((error) => {
                    store.destroy();
                    if (error) reject(error);
                    else resolve();
                });
                server.closeAllConnections();
            })),
    };
}
