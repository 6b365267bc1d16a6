/**
 * HTTP plumbing of the API Gateway REST proxy integration: responses, errors, headers and routing of a request
 * to an entity resource.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { type EntityDefinition, keyAttributes } from "../../model/entities";
import { entityPaths } from "../../model/openapi";

export type ErrorCode =
    | "ValidationError"
    | "InvalidJson"
    | "UnsupportedMediaType"
    | "PayloadTooLarge"
    | "NotFound"
    | "MethodNotAllowed"
    | "AlreadyExists"
    | "VersionConflict"
    | "ServiceUnavailable"
    | "InternalError";

/** An error answered as `{error: {code, message, field?}}` with its status. */
export class HttpError extends Error {
    constructor(
        readonly statusCode: number,
        readonly code: ErrorCode,
        message: string,
        readonly field?: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
        this.name = "HttpError";
    }
}

export const badRequest = (message: string, field?: string, code: ErrorCode = "ValidationError") =>
    new HttpError(400, code, message, field);

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function jsonResponse(
    statusCode: number,
    body: unknown,
    headers: Record<string, string> = {},
): APIGatewayProxyResult {
    return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function emptyResponse(statusCode: number): APIGatewayProxyResult {
    return { statusCode, headers: { "Cache-Control": "no-store" }, body: "" };
}

export function errorResponse(error: HttpError): APIGatewayProxyResult {
    return jsonResponse(
        error.statusCode,
        {
            error: {
                code: error.code,
                message: error.message,
                ...(error.field !== undefined ? { field: error.field } : {}),
            },
        },
        error.headers,
    );
}

/** A header value, whatever the case of its name. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(event.headers ?? {})) {
        if (key.toLowerCase() === wanted && value !== undefined) return value;
    }
    for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
        if (key.toLowerCase() === wanted && values !== undefined && values.length > 0) return values[values.length - 1];
    }
    return undefined;
}

/** Query parameters, each given at most once (else 400). */
export function queryParameters(event: APIGatewayProxyEvent): Record<string, string> {
    const result: Record<string, string> = {};
    const multi = event.multiValueQueryStringParameters ?? {};
    for (const [name, values] of Object.entries(multi)) {
        if (values === undefined) continue;
        if (values.length > 1) throw badRequest(`query parameter ${name} must be given at most once`, name);
        if (values.length === 1) result[name] = values[0];
    }
    for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
        if (value !== undefined && !(name in result)) result[name] = value;
    }
    return result;
}

export type ResourceKind = "collection" | "item";

export interface Route {
    readonly entity: EntityDefinition;
    readonly kind: ResourceKind;
    /** Key attribute → raw path value (item routes). */
    readonly keys: Record<string, string>;
}

export const ALLOWED_METHODS: Record<ResourceKind, readonly string[]> = {
    collection: ["GET", "POST"],
    item: ["GET", "PUT", "DELETE"],
};

interface Template {
    readonly entity: EntityDefinition;
    readonly kind: ResourceKind;
    readonly path: string;
    readonly segments: readonly string[];
}

/** Matches requests to entity resources, by API Gateway resource template or by path. */
export class Router {
    private readonly byResource = new Map<string, Template>();
    private readonly templates: Template[] = [];

    constructor(entities: readonly EntityDefinition[]) {
        for (const entity of entities) {
            const paths = entityPaths(entity);
            for (const [kind, path] of [
                ["collection", paths.collection],
                ["item", paths.item],
            ] as const) {
                const template: Template = { entity, kind, path, segments: path.split("/").slice(1) };
                this.byResource.set(path, template);
                this.templates.push(template);
            }
        }
    }

    /**
     * The resource of a request. An event from an API Gateway API built from the OpenAPI document names its resource
     * template (`/customers/{customerId}`) and carries decoded path parameters; otherwise (`/{proxy+}`, local
     * adapters) the path is split on `/` and each segment URL-decoded.
     */
    route(event: APIGatewayProxyEvent): Route | undefined {
        const known = event.resource ? this.byResource.get(event.resource) : undefined;
        if (known) {
            const keys: Record<string, string> = {};
            if (known.kind === "item") {
                for (const key of keyAttributes(known.entity)) {
                    const value = event.pathParameters?.[key];
                    if (value === undefined) return undefined;
                    keys[key] = value;
                }
            }
            return { entity: known.entity, kind: known.kind, keys };
        }
        const segments = (event.path ?? "").split("/");
        if (segments[0] !== "") return undefined;
        segments.shift();
        for (const template of this.templates) {
            if (template.segments.length !== segments.length || template.segments[0] !== segments[0]) continue;
            const keys: Record<string, string> = {};
            template.segments.forEach((segment, i) => {
                if (i === 0) return;
                const name = segment.slice(1, -1);
                try {
                    keys[name] = decodeURIComponent(segments[i]);
                } catch {
                    throw badRequest(`path parameter ${name} is not correctly URL-encoded`, name);
                }
            });
            return { entity: template.entity, kind: template.kind, keys };
        }
        return undefined;
    }
}
