/**
 * The publishing API of a business domain, as data: JSON Schemas (draft-04, what API Gateway models accept) for the
 * bodies of an entity's create and update requests, and the OpenAPI 3.0.3 document of the whole domain API that
 * functions/domain-api implements.
 *
 * Pure (no Pulumi, no AWS SDK): the domain-api Lambda bundles this module to validate requests against the very
 * schemas the document publishes.
 *
 * Resources, for an entity `customer` (partition key `customerId`) and `order` (partition key `customerId`, sort
 * key `orderId`):
 *
 *   POST   /customers                          create (201, item with version 1; 409 if it exists)
 *   GET    /customers?limit=&nextToken=        list (scan) → {items, nextToken?}
 *   GET    /orders?customerId=&limit=&nextToken=  query one partition → {items, nextToken?}
 *   GET    /customers/{customerId}             read (200/404)
 *   PUT    /customers/{customerId}             replace; body carries `version` (200 with version+1; 404; 409)
 *   DELETE /customers/{customerId}?version=    delete, conditional when `version` is given (204; 404; 409)
 *   (…/orders/{customerId}/{orderId} likewise)
 */
import { type AttributeSpec, type EntityDefinition, keyAttributes, MANAGED_ATTRIBUTES } from "./entities";

/** Default maxLength of string attributes. */
export const DEFAULT_STRING_MAX_LENGTH = 1024;
/** Default (and largest) maxLength of key attributes: 256 characters stay within DynamoDB's key size limits. */
export const KEY_MAX_LENGTH = 256;
/** Default maxLength of email attributes (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;
/** maxLength of timestamp attributes (RFC 3339 date-time). */
export const TIMESTAMP_MAX_LENGTH = 64;
/**
 * Numbers are bounded to JavaScript's safe integer range so that every accepted value round-trips exactly through
 * JSON, DynamoDB and back.
 */
export const NUMBER_LIMIT = Number.MAX_SAFE_INTEGER;
/** DynamoDB rejects non-zero numbers of a smaller magnitude ("number underflow"). */
export const NUMBER_MIN_MAGNITUDE = 1e-130;
/** Page size of list and query operations. */
export const PAGE_LIMIT = { minimum: 1, maximum: 100, default: 25 } as const;
/** Longest nextToken accepted. */
export const NEXT_TOKEN_MAX_LENGTH = 2048;

export const JSON_SCHEMA_DRAFT_04 = "http://json-schema.org/draft-04/schema#";

export type BodyMode = "create" | "update";

export interface OpenApiOptions {
    /** info.title; default "<domain> domain API". */
    title?: string;
    /** info.version; default "1.0.0". */
    version?: string;
    /** servers[0].url; omitted by default. */
    serverUrl?: string;
    /**
     * Lambda invoke URI (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`): when set,
     * every operation gets an `x-amazon-apigateway-integration` of type `aws_proxy`, so the document can be imported
     * into an API Gateway REST API as is.
     */
    integrationUri?: string;
}

type Schema = Record<string, unknown>;

/** The key attributes of an entity (partition, then sort); mirrors keyAttributes of ./entities. */
/** `customer` → `Customer`, `payment-method` → `PaymentMethod` (schema and operation names). */
export function pascalName(entity: EntityDefinition): string {
    return entity.name
        .split("-")
        .filter((part) => part !== "")
        .map((part) => part[0].toUpperCase() + part.slice(1))
        .join("");
}

export interface EntityPaths {
    /** `/customers`. */
    collection: string;
    /** `/customers/{customerId}` or `/orders/{customerId}/{orderId}`. */
    item: string;
}

/** The two resource paths of an entity: plural collection path and item path with one segment per key. */
export function entityPaths(entity: EntityDefinition): EntityPaths {
    const collection = `/${entity.name}s`;
    return {
        collection,
        item: `${collection}/${keyAttributes(entity)
            .map((k) => `{${k}}`)
            .join("/")}`,
    };
}

/** Schema of one key attribute (a non-empty string). */
export function keySchema(spec: AttributeSpec | undefined): Schema {
    const maxLength = Math.min(spec?.maxLength ?? KEY_MAX_LENGTH, KEY_MAX_LENGTH);
    return {
        type: "string",
        minLength: 1,
        maxLength,
        ...(spec?.enum ? { enum: [...spec.enum] } : {}),
        ...(spec?.description ? { description: spec.description } : {}),
    };
}

function bounds(spec: AttributeSpec): { minimum: number; maximum: number } {
    return {
        minimum: Math.max(spec.minimum ?? -NUMBER_LIMIT, -NUMBER_LIMIT),
        maximum: Math.min(spec.maximum ?? NUMBER_LIMIT, NUMBER_LIMIT),
    };
}

/** Schema of one (non-key) attribute. */
export function attributeSchema(spec: AttributeSpec): Schema {
    const description = spec.description ? { description: spec.description } : {};
    switch (spec.type) {
        case "string":
            return {
                type: "string",
                maxLength: spec.maxLength ?? DEFAULT_STRING_MAX_LENGTH,
                ...(spec.enum ? { enum: [...spec.enum] } : {}),
                ...description,
            };
        case "email":
            return { type: "string", format: "email", maxLength: spec.maxLength ?? EMAIL_MAX_LENGTH, ...description };
        case "timestamp":
            return { type: "string", format: "date-time", maxLength: TIMESTAMP_MAX_LENGTH, ...description };
        case "integer":
            return { type: "integer", ...bounds(spec), ...description };
        case "number":
            return {
                type: "number",
                ...bounds(spec),
                // Zero, or a magnitude DynamoDB can store.
                anyOf: [{ enum: [0] }, { minimum: NUMBER_MIN_MAGNITUDE }, { maximum: -NUMBER_MIN_MAGNITUDE }],
                ...description,
            };
        case "boolean":
            return { type: "boolean", ...description };
        case "object":
            return {
                type: "object",
                description:
                    spec.description ??
                    "Free-form JSON object: nested at most 16 levels; numbers 0 or of a magnitude from 1e-130 to 2^53-1.",
            };
        case "array":
            return {
                type: "array",
                description:
                    spec.description ??
                    "Free-form JSON array: nested at most 16 levels; numbers 0 or of a magnitude from 1e-130 to 2^53-1.",
            };
    }
}

function propertySchema(entity: EntityDefinition, name: string): Schema {
    return keyAttributes(entity).includes(name)
        ? keySchema(entity.attributes[name])
        : attributeSchema(entity.attributes[name]);
}

/** The `version` property of update bodies and items. */
export function versionSchema(description: string, maximum: number = NUMBER_LIMIT): Schema {
    return { type: "integer", minimum: 1, maximum, description };
}

function bodySchema(entity: EntityDefinition, mode: BodyMode): Schema {
    const keys = keyAttributes(entity);
    const properties: Record<string, Schema> = {};
    for (const name of Object.keys(entity.attributes)) properties[name] = propertySchema(entity, name);
    const required = Object.keys(entity.attributes).filter((name) =>
        keys.includes(name) ? mode === "create" : entity.attributes[name].required === true,
    );
    if (mode === "update") {
        // One below the limit: the update stores version + 1.
        properties.version = versionSchema(
            "The version the change is based on (optimistic concurrency): the item's current version.",
            NUMBER_LIMIT - 1,
        );
        required.push("version");
    }
    return {
        type: "object",
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
    };
}

/**
 * The JSON Schema (draft-04) of a create or update request body.
 *
 * create: every attribute, key attributes and `required` attributes required, nothing else allowed.
 * update: the same plus `version` (integer ≥ 1, required: optimistic concurrency); key attributes may be given but are
 * not required (they come from the path, and must match it).
 */
export function entityJsonSchema(entity: EntityDefinition, mode: BodyMode): Record<string, unknown> {
    return {
        $schema: JSON_SCHEMA_DRAFT_04,
        title: `${pascalName(entity)}${mode === "create" ? "Create" : "Update"}`,
        ...bodySchema(entity, mode),
    };
}

/** The JSON Schema (draft-04) of an item as the API returns it: attributes plus the managed ones. */
export function entityItemSchema(entity: EntityDefinition): Record<string, unknown> {
    const properties: Record<string, Schema> = {};
    for (const name of Object.keys(entity.attributes)) properties[name] = propertySchema(entity, name);
    properties.version = versionSchema("Version of the item: 1 when created, incremented by every update.");
    properties.createdAt = { type: "string", format: "date-time", description: "When the item was created (UTC)." };
    properties.updatedAt = {
        type: "string",
        format: "date-time",
        description: "When the item was last written (UTC).",
    };
    return {
        $schema: JSON_SCHEMA_DRAFT_04,
        title: pascalName(entity),
        type: "object",
        properties,
        required: [...keyAttributes(entity), ...MANAGED_ATTRIBUTES],
        additionalProperties: false,
    };
}

/** Schema of the error body every 4xx/5xx of the function carries. */
export const ERROR_SCHEMA: Readonly<Schema> = {
    type: "object",
    properties: {
        error: {
            type: "object",
            properties: {
                code: {
                    type: "string",
                    description:
                        "Machine-readable code: ValidationError, NotFound, AlreadyExists, VersionConflict, ...",
                },
                message: { type: "string" },
                field: { type: "string", description: "The body attribute, path or query parameter at fault." },
            },
            required: ["code", "message"],
            additionalProperties: false,
        },
    },
    required: ["error"],
    additionalProperties: false,
};

/** Without `$schema` (not allowed in an OpenAPI 3.0 Schema Object). */
function component(schema: Record<string, unknown>): Schema {
    const { $schema: _drop, ...rest } = schema;
    void _drop;
    return rest;
}

/**
 * The update body in the document: key attributes are marked readOnly (OpenAPI: "SHOULD NOT be sent" in requests),
 * as they come from the path; the function still accepts them when they match it.
 */
function updateComponent(entity: EntityDefinition): Schema {
    const schema = component(entityJsonSchema(entity, "update"));
    const properties = { ...(schema.properties as Record<string, Schema>) };
    for (const key of keyAttributes(entity)) {
        properties[key] = {
            ...properties[key],
            readOnly: true,
            description: "Comes from the path; may be repeated here (e.g. an item read back) but must then match it.",
        };
    }
    return { ...schema, properties };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ "application/json": { schema } });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const COMMON_RESPONSES = {
    "400": errorResponse("Invalid request: the field at fault is named in error.field."),
    "403": {
        description: "Rejected by API Gateway: missing or invalid SigV4 signature, or not allowed by IAM.",
        content: json(ref("GatewayError")),
    },
};

/**
 * The OpenAPI 3.0.3 document of a domain's publishing API (see the module comment for its resources).
 * All operations require SigV4 (IAM) authorisation through API Gateway.
 */
export function openApiDocument(
    domain: string,
    entities: EntityDefinition[],
    opts: OpenApiOptions = {},
): Record<string, unknown> {
    const schemas: Record<string, Schema> = {
        Error: { ...ERROR_SCHEMA },
        GatewayError: {
            type: "object",
            description: "API Gateway's own rejection (authorisation).",
            properties: { message: { type: "string" } },
        },
    };
    const paths: Record<string, Record<string, unknown>> = {};
    const integration = opts.integrationUri
        ? {
              "x-amazon-apigateway-integration": {
                  type: "aws_proxy",
                  httpMethod: "POST",
                  uri: opts.integrationUri,
                  passthroughBehavior: "when_no_match",
              },
          }
        : {};
    const limit = {
        name: "limit",
        in: "query",
        required: false,
        description: `Page size (default ${PAGE_LIMIT.default}).`,
        schema: {
            type: "integer",
            minimum: PAGE_LIMIT.minimum,
            maximum: PAGE_LIMIT.maximum,
            default: PAGE_LIMIT.default,
        },
    };
    const nextToken = {
        name: "nextToken",
        in: "query",
        required: false,
        description: "Opaque token from the previous page's `nextToken`, valid only for the same query.",
        schema: { type: "string", minLength: 1, maxLength: NEXT_TOKEN_MAX_LENGTH },
    };

    for (const entity of entities) {
        const name = pascalName(entity);
        const keys = keyAttributes(entity);
        const { collection, item } = entityPaths(entity);
        schemas[name] = component(entityItemSchema(entity));
        schemas[`${name}Create`] = component(entityJsonSchema(entity, "create"));
        schemas[`${name}Update`] = updateComponent(entity);
        schemas[`${name}Page`] = {
            type: "object",
            properties: {
                items: { type: "array", items: ref(name) },
                nextToken: {
                    type: "string",
                    description: "Present when more items may follow: pass it back as `nextToken`.",
                },
            },
            required: ["items"],
            additionalProperties: false,
        };
        const keyParameters = keys.map((key) => ({
            name: key,
            in: "path",
            required: true,
            schema: keySchema(entity.attributes[key]),
        }));
        const itemLinks = (source: string) =>
            Object.fromEntries(
                (["get", "update", "delete"] as const).map((verb) => [
                    `${verb}${name}`,
                    {
                        operationId: `${verb}${name}`,
                        parameters: Object.fromEntries(keys.map((key) => [key, `$response.body#/${key}`])),
                        description: `${verb} the ${entity.name} ${source}`,
                    },
                ]),
            );
        const tags = [entity.name];

        const listOperation = entity.sortKey
            ? {
                  operationId: `query${name}s`,
                  summary: `The ${entity.name}s of one ${entity.partitionKey}, in ${entity.sortKey} order, a page at a time.`,
                  parameters: [
                      {
                          name: entity.partitionKey,
                          in: "query",
                          required: true,
                          description: "Partition key of the items to return.",
                          schema: keySchema(entity.attributes[entity.partitionKey]),
                      },
                      limit,
                      nextToken,
                  ],
              }
            : {
                  operationId: `list${name}s`,
                  summary: `All ${entity.name}s (unordered), a page at a time.`,
                  parameters: [limit, nextToken],
              };

        paths[collection] = {
            post: {
                operationId: `create${name}`,
                summary: `Create a ${entity.name}.`,
                tags,
                requestBody: { required: true, content: json(ref(`${name}Create`)) },
                responses: {
                    "201": {
                        description: "Created, with version 1.",
                        headers: {
                            Location: {
                                description: "Path of the new item, relative to the collection's parent.",
                                schema: { type: "string" },
                            },
                        },
                        content: json(ref(name)),
                        links: itemLinks("just created"),
                    },
                    ...COMMON_RESPONSES,
                    "409": errorResponse(`A ${entity.name} with this key already exists.`),
                },
                ...integration,
            },
            get: {
                ...listOperation,
                tags,
                responses: {
                    "200": { description: "One page of items.", content: json(ref(`${name}Page`)) },
                    ...COMMON_RESPONSES,
                },
                ...integration,
            },
        };
        paths[item] = {
            parameters: keyParameters,
            get: {
                operationId: `get${name}`,
                summary: `Read a ${entity.name}.`,
                tags,
                responses: {
                    "200": { description: "The item.", content: json(ref(name)) },
                    ...COMMON_RESPONSES,
                    "404": errorResponse("No such item."),
                },
                ...integration,
            },
            put: {
                operationId: `update${name}`,
                summary: `Replace a ${entity.name}'s attributes, if its version is still \`version\`.`,
                description:
                    "Attributes left out of the body are removed. Key attributes may be repeated in the body but must match the path.",
                tags,
                requestBody: { required: true, content: json(ref(`${name}Update`)) },
                responses: {
                    "200": { description: "Updated; version incremented.", content: json(ref(name)) },
                    ...COMMON_RESPONSES,
                    "404": errorResponse("No such item."),
                    "409": errorResponse("Version conflict: the item changed since `version`."),
                },
                ...integration,
            },
            delete: {
                operationId: `delete${name}`,
                summary: `Delete a ${entity.name}; only if its version is still \`version\` when that is given.`,
                tags,
                parameters: [
                    {
                        name: "version",
                        in: "query",
                        required: false,
                        description: "Delete only if the item's current version is this one.",
                        schema: versionSchema("Expected current version."),
                    },
                ],
                responses: {
                    "204": { description: "Deleted." },
                    ...COMMON_RESPONSES,
                    "404": errorResponse("No such item."),
                    "409": errorResponse("Version conflict: the item's version is not `version`."),
                },
                ...integration,
            },
        };
    }

    return {
        openapi: "3.0.3",
        info: {
            title: opts.title ?? `${domain} domain API`,
            version: opts.version ?? "1.0.0",
            description: `Publishing API of the ${domain} domain: create, read, update (optimistic concurrency) and delete its entities.`,
        },
        ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
        tags: entities.map((e) => ({ name: e.name })),
        security: [{ sigv4: [] }],
        paths,
        components: {
            schemas,
            securitySchemes: {
                sigv4: {
                    type: "apiKey",
                    name: "Authorization",
                    in: "header",
                    description: "AWS Signature Version 4 (IAM authorisation of API Gateway).",
                    "x-amazon-apigateway-authtype": "awsSigv4",
                },
            },
        },
    };
}
