/**
 * Environment contract of a domain's publishing API (functions/domain-api), set by `PublishingApi`
 * (components/domain/publishing-api.ts). A misconfigured function fails at cold start, naming the variable, instead of
 * answering requests against the wrong tables. ENTITIES is checked by the same `entityIssues` that validates the stack
 * config.
 */
import { type EntityDefinition, entityIssues } from "../entities";
import { formatIssue } from "../issues";
import { DAX_ENDPOINT, DYNAMODB_TABLE_NAME, DYNAMODB_TABLE_NAME_RULE } from "../names";
import { defineEnv, domainName, fail, fromLambda, isRecord, json, optional, required, text } from "./kit";

export interface DomainApiConfig {
    readonly domain: string;
    readonly entities: readonly EntityDefinition[];
    /** Entity name → table name. */
    readonly tables: Readonly<Record<string, string>>;
    readonly daxEndpoint?: string;
    readonly region?: string;
}

const notJson = (name: string, error: Error) => `${name} is not valid JSON: ${error.message}`;

function entities(value: unknown, name: string): readonly EntityDefinition[] {
    if (!Array.isArray(value) || value.length === 0) {
        fail(name, `${name} must be a non-empty JSON array of entity definitions`);
    }
    const issues = entityIssues(name, value);
    if (issues.length > 0) fail(name, `${name} is invalid:\n  - ${issues.map(formatIssue).join("\n  - ")}`);
    return value as EntityDefinition[];
}

function tables(value: unknown, name: string): Readonly<Record<string, string>> {
    if (!isRecord(value)) fail(name, `${name} must be a JSON object mapping entity name → DynamoDB table name`);
    const problems = Object.entries(value)
        .filter(([, table]) => typeof table !== "string" || !DYNAMODB_TABLE_NAME.test(table))
        .map(([entity]) => `${name}["${entity}"] must be a DynamoDB table name (${DYNAMODB_TABLE_NAME_RULE})`);
    if (problems.length > 0) fail(name, `${name} is invalid:\n  - ${problems.join("\n  - ")}`);
    return value as Record<string, string>;
}

export const domainApiEnv = defineEnv(
    "domain-api",
    {
        DOMAIN: required(domainName, "business domain name"),
        ENTITIES: required(
            json(entities, (definitions) => definitions, notJson),
            "JSON array of EntityDefinition (model/entities.ts)",
        ),
        TABLES: required(
            json(tables, (byEntity) => byEntity, notJson),
            "JSON object: entity name → DynamoDB table name, one entry per entity of ENTITIES and no others",
        ),
        DAX_ENDPOINT: optional(
            text((value, name) =>
                DAX_ENDPOINT.test(value)
                    ? value
                    : fail(
                          name,
                          `${name} must be a DAX cluster endpoint (dax://host[:port] or daxs://host[:port]), got ${JSON.stringify(value)}`,
                      ),
            ),
            "DAX cluster endpoint: reads and writes go through DAX",
        ),
        AWS_REGION: fromLambda("the region of the DynamoDB and DAX clients"),
        AWS_DEFAULT_REGION: fromLambda("the region when AWS_REGION is not set"),
    },
    (env): DomainApiConfig => {
        const problems = [
            ...env.ENTITIES.filter((entity) => env.TABLES[entity.name] === undefined).map(
                (entity) => `TABLES has no table for entity "${entity.name}"`,
            ),
            ...Object.keys(env.TABLES)
                .filter((name) => !env.ENTITIES.some((entity) => entity.name === name))
                .map((name) => `TABLES["${name}"] names no entity of ENTITIES`),
        ];
        if (problems.length > 0) fail("TABLES", `TABLES is invalid:\n  - ${problems.join("\n  - ")}`);
        const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
        return {
            domain: env.DOMAIN,
            entities: env.ENTITIES,
            tables: env.TABLES,
            ...(env.DAX_ENDPOINT !== undefined ? { daxEndpoint: env.DAX_ENDPOINT } : {}),
            ...(region !== undefined ? { region } : {}),
        };
    },
);
