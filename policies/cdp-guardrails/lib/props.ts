/** Reading resource props as the engine sends them: nested blocks, blank values, reference inputs. */

export type Props = Record<string, any>;

/** A nested block: pulumi-aws v7 sends single blocks as objects; tolerate a one-element list too. */
export function block(value: unknown): Props | undefined {
    const v = Array.isArray(value) ? value[0] : value;
    return v && typeof v === "object" ? (v as Props) : undefined;
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
