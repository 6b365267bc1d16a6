/**
 * Reads a value that may be unknown during a real `pulumi preview` (the policy SDK's proxy throws
 * `UnknownValueError` on access, which would abort the whole policy): unknown reads as undefined.
 */
export function known<T>(read: () => T): T | undefined {
    const r = probe(read);
    return r.known ? r.value : undefined;
}

/** Like `known`, telling an unknown value (`known: false`) apart from an absent one. */
export function probe<T>(read: () => T): { known: true; value: T } | { known: false } {
    try {
        return { known: true, value: read() };
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") return { known: false };
        throw e;
    }
}
