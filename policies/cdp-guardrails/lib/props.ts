/**
 * Reading resource props. The engine sends props untyped; a rule reads them through a small interface of the props it
 * inspects (`propsOf<P>(resource)`), declared next to the rule. The interfaces describe what the rule expects, the
 * rule still checks values it cannot trust (a preview sends whatever the program set).
 */

/** A resource's props read through `P`, the interface of the props a rule reads. */
export function propsOf<P extends object>(resource: { readonly props: Record<string, unknown> }): P {
    return resource.props as P;
}

/** A nested block: pulumi-aws v7 sends single blocks as objects, but a one-element list is tolerated too. */
export type Block<T extends object> = T | readonly T[];

/** The object of a nested block (`undefined` when absent or not an object). */
export function block<T extends object>(value: Block<T> | null | undefined): T | undefined {
    const v: unknown = Array.isArray(value) ? value[0] : value;
    return v && typeof v === "object" ? (v as T) : undefined;
}

/** The problems among `items` (drops the undefined ones). */
export function defined(...items: Array<string | undefined>): string[] {
    return items.filter((i): i is string => i !== undefined);
}

export function isBlank(value: unknown): boolean {
    return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A reference input (`restApi`: an id, or a resource reference object) as a comparable string. */
export function refValue(value: unknown): string | undefined {
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null) {
        const ref = value as { id?: unknown; urn?: unknown };
        if (typeof ref.id === "string" && ref.id) return ref.id;
        if (typeof ref.urn === "string") return ref.urn;
    }
    return undefined;
}
