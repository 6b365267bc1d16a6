import { IssueCollector, type ValidationIssue } from "./issues";

/** Attribute types an entity definition may use. Keys are always strings. */
export const ATTRIBUTE_TYPES = [
    "string",
    "integer",
    "number",
    "boolean",
    "timestamp",
    "email",
    "object",
    "array",
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export interface AttributeSpec {
    /** Attribute type; keys are `string`. */
    type: AttributeType;
    /**
     * Required in create bodies (key attributes always are there; updates take them from the path).
     * @default false
     */
    required?: boolean;
    /**
     * Strings, emails and the partition and sort keys: maximum length in characters (keys at most 256).
     * @default 1024 for strings, 254 for emails (`EMAIL_MAX_LENGTH`), 256 for keys (`KEY_MAX_LENGTH`)
     */
    maxLength?: number;
    /**
     * Strings and keys: allowed values.
     * @default none: any value
     */
    enum?: string[];
    /**
     * Integers and numbers: lower bound (never below `-Number.MAX_SAFE_INTEGER`).
     * @default -Number.MAX_SAFE_INTEGER
     */
    minimum?: number;
    /**
     * Integers and numbers: upper bound (never above `Number.MAX_SAFE_INTEGER`).
     * @default Number.MAX_SAFE_INTEGER
     */
    maximum?: number;
    /**
     * Personal data (hashed or masked downstream, classified `confidential`).
     * @default false
     */
    pii?: boolean;
    /**
     * Description of the attribute in the JSON schemas and the OpenAPI document.
     * @default none
     */
    description?: string;
}

export interface IndexSpec {
    /** Index name: 3-64 letters, digits, `_ - .`. */
    name: string;
    /** Partition key attribute of the index (a string attribute of the entity). */
    partitionKey: string;
    /**
     * Sort key attribute of the index (a string attribute of the entity).
     * @default none: a partition key only
     */
    sortKey?: string;
}

/** One entity a business domain owns and publishes (a DynamoDB table, an API resource, a data product). */
export interface EntityDefinition {
    /** Entity name, singular, lower-case: `customer`, `order`, `payment-method` (2-32 characters). */
    name: string;
    /** Partition key attribute (a string attribute of `attributes`). */
    partitionKey: string;
    /**
     * Sort key attribute (a string attribute of `attributes`).
     * @default none: a partition key only
     */
    sortKey?: string;
    /** The entity's attributes by name: a letter, then letters, digits, `_` (≤ 64); not `MANAGED_ATTRIBUTES`. */
    attributes: Record<string, AttributeSpec>;
    /**
     * Global secondary indexes (projecting all attributes).
     * @default none
     */
    indexes?: IndexSpec[];
    /**
     * Attribute holding an epoch-seconds expiry (DynamoDB TTL). Must be an `integer` attribute.
     * @default none: no TTL
     */
    ttlAttribute?: string;
}

/** Attributes the platform manages on every item; entity definitions may not declare them. */
export const MANAGED_ATTRIBUTES = ["version", "createdAt", "updatedAt"] as const;

const ENTITY_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const INDEX_NAME = /^[A-Za-z0-9_.-]{3,64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every problem in entity definitions, each naming `key[...]`, the value and what is expected. The one check of a
 * definition, used on both sides: the stack config and components (typed input) and the domain-api Lambda's
 * `ENTITIES` variable (arbitrary JSON), so it never trusts the shape it is given.
 */
export function entityIssues(key: string, entities: readonly unknown[]): ValidationIssue[] {
    const issues = new IssueCollector();
    const names = new Set<unknown>();
    entities.forEach((entity, i) => {
        const at = `${key}[${i}]`;
        if (!isRecord(entity)) {
            issues.add(at, entity, "an entity definition {name, partitionKey, sortKey?, attributes, indexes?}");
            return;
        }
        const e = entity as Partial<Record<keyof EntityDefinition, unknown>>;
        if (typeof e.name !== "string" || !ENTITY_NAME.test(e.name))
            issues.add(`${at}.name`, e.name, "2-32 lower-case letters, digits or hyphens");
        if (names.has(e.name))
            issues.add(`${at}.name`, e.name, "an entity name not used by another entity of the domain");
        names.add(e.name);
        const attrs = e.attributes;
        if (!isRecord(attrs) || Object.keys(attrs).length === 0) {
            issues.add(`${at}.attributes`, attrs, "a map of attribute name → {type, required?, ...}");
            return;
        }
        for (const [name, spec] of Object.entries(attrs)) {
            const a = `${at}.attributes.${name}`;
            if (!ATTRIBUTE_NAME.test(name))
                issues.add(a, name, "an attribute name of letters, digits and _ starting with a letter (≤ 64)");
            if ((MANAGED_ATTRIBUTES as readonly string[]).includes(name))
                issues.add(a, name, `a name other than ${MANAGED_ATTRIBUTES.join(", ")} (managed by the platform)`);
            if (!isRecord(spec) || !(ATTRIBUTE_TYPES as readonly unknown[]).includes(spec.type)) {
                issues.add(`${a}.type`, isRecord(spec) ? spec.type : spec, `one of ${ATTRIBUTE_TYPES.join(", ")}`);
                continue;
            }
            if (
                spec.enum !== undefined &&
                (!Array.isArray(spec.enum) || !spec.enum.every((v) => typeof v === "string"))
            )
                issues.add(`${a}.enum`, spec.enum, "an array of strings");
            for (const bound of ["minimum", "maximum", "maxLength"] as const) {
                const v = spec[bound];
                if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v)))
                    issues.add(`${a}.${bound}`, v, "a finite number");
            }
        }
        const stringKey = (k: unknown, what: string) => {
            if (k === undefined) return;
            const spec = typeof k === "string" && Object.hasOwn(attrs, k) ? attrs[k] : undefined;
            if (!isRecord(spec))
                issues.add(`${at}.${what}`, k, `one of the entity's attributes (${Object.keys(attrs).join(", ")})`);
            else if (spec.type !== "string")
                issues.add(`${at}.attributes.${k}.type`, spec.type, `"string": ${what} attributes are strings`);
        };
        if (e.partitionKey === undefined) issues.add(`${at}.partitionKey`, undefined, "the partition key attribute");
        stringKey(e.partitionKey, "partitionKey");
        stringKey(e.sortKey, "sortKey");
        const indexes = e.indexes ?? [];
        if (!Array.isArray(indexes)) {
            issues.add(`${at}.indexes`, indexes, "a list of {name, partitionKey, sortKey?}");
        } else {
            const indexNames = new Set<unknown>();
            indexes.forEach((ix: unknown, j) => {
                const index = isRecord(ix) ? ix : {};
                if (typeof index.name !== "string" || !INDEX_NAME.test(index.name))
                    issues.add(`${at}.indexes[${j}].name`, index.name, "3-64 letters, digits, _ - or .");
                if (indexNames.has(index.name))
                    issues.add(`${at}.indexes[${j}].name`, index.name, "an index name not used by another index");
                indexNames.add(index.name);
                if (index.partitionKey === undefined)
                    issues.add(`${at}.indexes[${j}].partitionKey`, undefined, "the index's partition key attribute");
                stringKey(index.partitionKey, `indexes[${j}].partitionKey`);
                stringKey(index.sortKey, `indexes[${j}].sortKey`);
            });
        }
        if (e.ttlAttribute !== undefined) {
            const ttl = typeof e.ttlAttribute === "string" && Object.hasOwn(attrs, e.ttlAttribute);
            if (
                !ttl ||
                !isRecord(attrs[e.ttlAttribute as string]) ||
                (attrs[e.ttlAttribute as string] as { type?: unknown }).type !== "integer"
            )
                issues.add(`${at}.ttlAttribute`, e.ttlAttribute, "an integer attribute of the entity (epoch seconds)");
        }
    });
    return [...issues.issues];
}

/** The key attributes of an entity (partition, then sort). */
export function keyAttributes(entity: EntityDefinition): string[] {
    return [entity.partitionKey, ...(entity.sortKey ? [entity.sortKey] : [])];
}

/** All string attributes DynamoDB must know the type of: table keys and index keys. */
export function indexedAttributes(entity: EntityDefinition): string[] {
    return [
        ...new Set([
            ...keyAttributes(entity),
            ...(entity.indexes ?? []).flatMap((ix) => [ix.partitionKey, ...(ix.sortKey ? [ix.sortKey] : [])]),
        ]),
    ];
}
