import { IssueCollector, type ValidationIssue } from "../shared/errors";

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
    type: AttributeType;
    /** Required on create. Key attributes are always required. Default false. */
    required?: boolean;
    /** Strings: maximum length. Default 1024 (keys 256). */
    maxLength?: number;
    /** Strings: allowed values. */
    enum?: string[];
    /** Numbers: bounds. */
    minimum?: number;
    maximum?: number;
    /** Personal data (hashed or masked downstream, classified `confidential`). Default false. */
    pii?: boolean;
    description?: string;
}

export interface IndexSpec {
    /** Index name: 3-64 letters, digits, `_ - .`. */
    name: string;
    partitionKey: string;
    sortKey?: string;
}

/** One entity a business domain owns and publishes (a DynamoDB table, an API resource, a data product). */
export interface EntityDefinition {
    /** Entity name, singular, lower-case: `customer`, `order`, `payment-method` (2-32 characters). */
    name: string;
    /** Partition key attribute (a string attribute of `attributes`). */
    partitionKey: string;
    /** Optional sort key attribute (string). */
    sortKey?: string;
    attributes: Record<string, AttributeSpec>;
    /** Global secondary indexes. Default none. */
    indexes?: IndexSpec[];
    /** Attribute holding an epoch-seconds expiry (DynamoDB TTL). Must be an `integer` attribute. */
    ttlAttribute?: string;
}

/** Attributes the platform manages on every item; entity definitions may not declare them. */
export const MANAGED_ATTRIBUTES = ["version", "createdAt", "updatedAt"] as const;

const ENTITY_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const INDEX_NAME = /^[A-Za-z0-9_.-]{3,64}$/;

/** Every problem in entity definitions, each naming `key[...]`, the value and what is expected. */
export function entityIssues(key: string, entities: readonly EntityDefinition[]): ValidationIssue[] {
    const issues = new IssueCollector();
    const names = new Set<string>();
    entities.forEach((e, i) => {
        const at = `${key}[${i}]`;
        if (typeof e.name !== "string" || !ENTITY_NAME.test(e.name))
            issues.add(`${at}.name`, e.name, "2-32 lower-case letters, digits or hyphens");
        if (names.has(e.name))
            issues.add(`${at}.name`, e.name, "an entity name not used by another entity of the domain");
        names.add(e.name);
        const attrs = e.attributes ?? {};
        if (typeof attrs !== "object" || Array.isArray(attrs) || Object.keys(attrs).length === 0) {
            issues.add(`${at}.attributes`, attrs, "a map of attribute name → {type, required?, ...}");
            return;
        }
        for (const [name, spec] of Object.entries(attrs)) {
            const a = `${at}.attributes.${name}`;
            if (!ATTRIBUTE_NAME.test(name))
                issues.add(a, name, "an attribute name of letters, digits and _ starting with a letter (≤ 64)");
            if ((MANAGED_ATTRIBUTES as readonly string[]).includes(name))
                issues.add(a, name, `a name other than ${MANAGED_ATTRIBUTES.join(", ")} (managed by the platform)`);
            if (!spec || !(ATTRIBUTE_TYPES as readonly string[]).includes(spec.type))
                issues.add(`${a}.type`, spec?.type, `one of ${ATTRIBUTE_TYPES.join(", ")}`);
        }
        const stringKey = (k: string | undefined, what: string) => {
            if (k === undefined) return;
            const spec = attrs[k];
            if (!spec)
                issues.add(`${at}.${what}`, k, `one of the entity's attributes (${Object.keys(attrs).join(", ")})`);
            else if (spec.type !== "string")
                issues.add(`${at}.attributes.${k}.type`, spec.type, `"string": ${what} attributes are strings`);
        };
        if (e.partitionKey === undefined) issues.add(`${at}.partitionKey`, undefined, "the partition key attribute");
        stringKey(e.partitionKey, "partitionKey");
        stringKey(e.sortKey, "sortKey");
        const indexNames = new Set<string>();
        (e.indexes ?? []).forEach((ix, j) => {
            if (!INDEX_NAME.test(ix.name ?? ""))
                issues.add(`${at}.indexes[${j}].name`, ix.name, "3-64 letters, digits, _ - or .");
            if (indexNames.has(ix.name))
                issues.add(`${at}.indexes[${j}].name`, ix.name, "an index name not used by another index");
            indexNames.add(ix.name);
            stringKey(ix.partitionKey, `indexes[${j}].partitionKey`);
            stringKey(ix.sortKey, `indexes[${j}].sortKey`);
        });
        if (e.ttlAttribute !== undefined && attrs[e.ttlAttribute]?.type !== "integer") {
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
