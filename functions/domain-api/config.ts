/**
 * Runtime configuration from environment variables, validated once at cold start: a misconfigured function fails
 * loudly, naming the variable, instead of answering requests against the wrong tables.
 *
 *   DOMAIN        business domain name (1-64 letters, digits, `-` or `_`)
 *   ENTITIES      JSON array of EntityDefinition (model/entities.ts)
 *   TABLES        JSON object: entity name → DynamoDB table name, one entry per entity and no others
 *   DAX_ENDPOINT  optional DAX cluster endpoint (`dax://…` or `daxs://…`): reads and writes go through DAX
 *   AWS_REGION    set by Lambda; the region of the DynamoDB and DAX clients
 *
 * ENTITIES is checked by the same `entityIssues` (model/entities.ts) that validates the stack config.
 */
import { type EntityDefinition, entityIssues } from "../../model/entities";
import { formatIssue } from "../../model/issues";

export interface DomainApiConfig {
    readonly domain: string;
    readonly entities: readonly EntityDefinition[];
    /** Entity name → table name. */
    readonly tables: Readonly<Record<string, string>>;
    readonly daxEndpoint?: string;
    readonly region?: string;
}

const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
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

function loadEntities(raw: string | undefined): EntityDefinition[] {
    const value = parseJson("ENTITIES", raw);
    if (!Array.isArray(value) || value.length === 0)
        throw new ConfigError("ENTITIES must be a non-empty JSON array of entity definitions");
    const issues = entityIssues("ENTITIES", value);
    if (issues.length > 0) throw new ConfigError(`ENTITIES is invalid:\n  - ${issues.map(formatIssue).join("\n  - ")}`);
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
