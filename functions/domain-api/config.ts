/**
 * Runtime configuration from environment variables, validated once at cold start: a misconfigured function fails
 * loudly, naming the variable, instead of answering requests against the wrong tables.
 *
 *   DOMAIN        business domain name (1-64 letters, digits, `-` or `_`)
 *   ENTITIES      JSON array of EntityDefinition (components/domain/entities.ts)
 *   TABLES        JSON object: entity name → DynamoDB table name, one entry per entity and no others
 *   DAX_ENDPOINT  optional DAX cluster endpoint (`dax://…` or `daxs://…`): reads and writes go through DAX
 *   AWS_REGION    set by Lambda; the region of the DynamoDB and DAX clients
 *
 * The entity check is a light, dependency-free copy of entityIssues (components/domain/entities.ts), whose module
 * loads Pulumi: the Pulumi component validates definitions fully before they reach this function.
 */
import type { AttributeType, EntityDefinition } from "../../components/domain/entities";
import { MANAGED_ATTRIBUTE_NAMES } from "../../components/domain/openapi";

export interface DomainApiConfig {
    readonly domain: string;
    readonly entities: readonly EntityDefinition[];
    /** Entity name → table name. */
    readonly tables: Readonly<Record<string, string>>;
    readonly daxEndpoint?: string;
    readonly region?: string;
}

const ATTRIBUTE_TYPES: readonly AttributeType[] = [
    "string",
    "integer",
    "number",
    "boolean",
    "timestamp",
    "email",
    "object",
    "array",
];
const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const ENTITY_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const DAX_ENDPOINT = /^daxs?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

function parseJson(name: string, raw: string | undefined): unknown {
    if (raw === undefined || raw.trim() === "") throw new ConfigError(`${name} is required`);
    try {
        return JSON.parse(raw);
    } catch (error) {
        throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`);
    }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** Problems with one entity definition, each prefixed with `ENTITIES[i]`. */
function entityProblems(value: unknown, at: string): string[] {
    if (!isRecord(value)) return [`${at} must be an object`];
    const problems: string[] = [];
    const { name, partitionKey, sortKey, attributes } = value;
    if (typeof name !== "string" || !ENTITY_NAME.test(name))
        problems.push(`${at}.name must be 2-32 lower-case letters, digits or hyphens`);
    if (!isRecord(attributes) || Object.keys(attributes).length === 0) {
        return [...problems, `${at}.attributes must be a non-empty map of attribute name → {type, ...}`];
    }
    for (const [attr, spec] of Object.entries(attributes)) {
        const a = `${at}.attributes.${attr}`;
        if (!ATTRIBUTE_NAME.test(attr))
            problems.push(`${a}: attribute names are letters, digits and _ starting with a letter`);
        if ((MANAGED_ATTRIBUTE_NAMES as readonly string[]).includes(attr))
            problems.push(`${a} is managed by the platform`);
        if (!isRecord(spec) || !ATTRIBUTE_TYPES.includes(spec.type as AttributeType)) {
            problems.push(`${a}.type must be one of ${ATTRIBUTE_TYPES.join(", ")}`);
            continue;
        }
        if (spec.enum !== undefined && (!Array.isArray(spec.enum) || !spec.enum.every((v) => typeof v === "string"))) {
            problems.push(`${a}.enum must be an array of strings`);
        }
        for (const bound of ["minimum", "maximum", "maxLength"] as const) {
            if (spec[bound] !== undefined && (typeof spec[bound] !== "number" || !Number.isFinite(spec[bound]))) {
                problems.push(`${a}.${bound} must be a number`);
            }
        }
    }
    const stringKey = (key: unknown, what: string, optional: boolean) => {
        if (key === undefined && optional) return;
        if (typeof key !== "string" || !(key in attributes))
            problems.push(`${at}.${what} must name one of the entity's attributes`);
        else if ((attributes[key] as { type?: unknown }).type !== "string")
            problems.push(`${at}.${what} (${key}) must be a string attribute`);
    };
    stringKey(partitionKey, "partitionKey", false);
    stringKey(sortKey, "sortKey", true);
    return problems;
}

function loadEntities(raw: string | undefined): EntityDefinition[] {
    const value = parseJson("ENTITIES", raw);
    if (!Array.isArray(value) || value.length === 0)
        throw new ConfigError("ENTITIES must be a non-empty JSON array of entity definitions");
    const problems = value.flatMap((entity, i) => entityProblems(entity, `ENTITIES[${i}]`));
    const names = value.map((entity) => (isRecord(entity) ? entity.name : undefined));
    names.forEach((name, i) => {
        if (names.indexOf(name) !== i)
            problems.push(`ENTITIES[${i}].name ${JSON.stringify(name)} is used by another entity`);
    });
    if (problems.length > 0) throw new ConfigError(`ENTITIES is invalid:\n  - ${problems.join("\n  - ")}`);
    return value as EntityDefinition[];
}

function loadTables(raw: string | undefined, entities: readonly EntityDefinition[]): Record<string, string> {
    const value = parseJson("TABLES", raw);
    if (!isRecord(value))
        throw new ConfigError("TABLES must be a JSON object mapping entity name → DynamoDB table name");
    const problems: string[] = [];
    for (const entity of entities) {
        const table = value[entity.name];
        if (table === undefined) problems.push(`TABLES has no table for entity "${entity.name}"`);
        else if (typeof table !== "string" || !TABLE_NAME.test(table)) {
            problems.push(`TABLES["${entity.name}"] must be a DynamoDB table name (3-255 letters, digits, _ - .)`);
        }
    }
    for (const name of Object.keys(value)) {
        if (!entities.some((entity) => entity.name === name))
            problems.push(`TABLES["${name}"] names no entity of ENTITIES`);
    }
    if (problems.length > 0) throw new ConfigError(`TABLES is invalid:\n  - ${problems.join("\n  - ")}`);
    return value as Record<string, string>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DomainApiConfig {
    const domain = (env.DOMAIN ?? "").trim();
    if (domain === "") throw new ConfigError("DOMAIN is required");
    if (!DOMAIN_NAME.test(domain))
        throw new ConfigError(`DOMAIN must be 1-64 letters, digits, - or _, got ${JSON.stringify(domain)}`);
    const entities = loadEntities(env.ENTITIES);
    const tables = loadTables(env.TABLES, entities);
    const dax = (env.DAX_ENDPOINT ?? "").trim();
    if (dax !== "" && !DAX_ENDPOINT.test(dax)) {
        throw new ConfigError(
            `DAX_ENDPOINT must be a DAX cluster endpoint (dax://host[:port] or daxs://host[:port]), got ${JSON.stringify(dax)}`,
        );
    }
    const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
    return { domain, entities, tables, ...(dax !== "" ? { daxEndpoint: dax } : {}), ...(region ? { region } : {}) };
}
