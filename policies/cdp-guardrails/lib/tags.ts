import type { PolicyProviderResource } from "@pulumi/policy";

/**
 * The tags a resource will carry: its own `tags` merged over its provider's `defaultTags` (which v7 does not copy
 * into resource inputs; provider config arrives JSON-encoded).
 */
export function effectiveTags(
    props: Record<string, unknown>,
    provider?: PolicyProviderResource,
): Record<string, string> {
    let defaults: Record<string, string> = {};
    const raw: unknown = provider?.props.defaultTags;
    const parsed = typeof raw === "string" ? safeParse(raw) : raw;
    if (parsed && typeof parsed === "object" && (parsed as { tags?: unknown }).tags) {
        defaults = (parsed as { tags: Record<string, string> }).tags;
    }
    return { ...defaults, ...((props.tags as Record<string, string> | undefined) ?? {}) };
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
