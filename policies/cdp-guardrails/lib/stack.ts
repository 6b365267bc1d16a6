import type { PolicyResource } from "@pulumi/policy";

/**
 * Configuration resources of `target` (a bucket, a cluster...): the resources of `types` that reference it through
 * `property` — by property dependency (the URN), which is how v7 sub-resources are linked at preview when ids are
 * unknown, or else by equal value of `property` and `targetProperty` (names known up front).
 */
export function attachedTo(
    resources: readonly PolicyResource[],
    target: PolicyResource,
    types: readonly string[],
    property: string,
    targetProperty: string,
): PolicyResource[] {
    const index = attachmentIndex(resources, types, property);
    const targetValue: unknown = target.props[targetProperty] ?? target.props.id;
    const found = new Set<number>(index.byUrn.get(target.urn) ?? []);
    if (typeof targetValue === "string") for (const i of index.byValue.get(targetValue) ?? []) found.add(i);
    return [...found].sort((a, b) => a - b).map((i) => resources[i]);
}

/** Positions of the resources of `types`, by the URNs their `property` depends on and by its string value. */
interface AttachmentIndex {
    readonly byUrn: Map<string, number[]>;
    readonly byValue: Map<string, number[]>;
}

/** One index per stack (resources array), types and property: a stack policy looks up every target in it. */
const attachmentIndexes = new WeakMap<readonly PolicyResource[], Map<string, AttachmentIndex>>();

function attachmentIndex(resources: readonly PolicyResource[], types: readonly string[], property: string) {
    let perStack = attachmentIndexes.get(resources);
    if (!perStack) {
        perStack = new Map();
        attachmentIndexes.set(resources, perStack);
    }
    const key = `${types.join(",")}|${property}`;
    let index = perStack.get(key);
    if (!index) {
        index = { byUrn: new Map(), byValue: new Map() };
        const add = (map: Map<string, number[]>, k: string, i: number) => {
            const list = map.get(k);
            if (list) list.push(i);
            else map.set(k, [i]);
        };
        resources.forEach((r, i) => {
            if (!types.includes(r.type)) return;
            for (const d of r.propertyDependencies[property] ?? []) add(index!.byUrn, d.urn, i);
            const value: unknown = r.props[property];
            if (typeof value === "string") add(index!.byValue, value, i);
        });
        perStack.set(key, index);
    }
    return index;
}

/**
 * Parses a JSON document held as a string (or already an object), read through `T` (policy documents go through
 * lib/iam parsePolicy instead);
 * undefined when absent or unreadable.
 */
export function parseDocument<T extends object>(value: unknown): T | undefined {
    if (typeof value === "string") {
        try {
            return JSON.parse(value) as T;
        } catch {
            return undefined;
        }
    }
    return typeof value === "object" && value !== null ? (value as T) : undefined;
}

export function asList(value: unknown): string[] {
    return value === undefined || value === null ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}
