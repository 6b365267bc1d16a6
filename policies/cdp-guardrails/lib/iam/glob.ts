/**
 * IAM wildcard matching: `*` matches any run of characters (also none), `?` exactly one. Action names compare
 * case-insensitively (pass `ignoreCase`), ARNs and condition values case-sensitively unless the operator says
 * otherwise. Besides "does this pattern match this string", the rules ask set questions: "does the pattern match
 * every string that starts with this prefix" (an action pattern covering a whole service, a resource pattern covering
 * every object of a bucket) and "can it match any such string".
 */

/** The positions of `pattern` reachable after reading `text` (an NFA simulation of the glob). */
function reachable(pattern: string, text: string): Set<number> {
    const close = (states: Set<number>): Set<number> => {
        // `*` may match nothing: a state before a `*` also stands after it.
        const out = new Set<number>();
        for (let s of states) {
            out.add(s);
            while (pattern[s] === "*") out.add(++s);
        }
        return out;
    };
    let states = close(new Set([0]));
    for (const ch of text) {
        const next = new Set<number>();
        for (const s of states) {
            if (s >= pattern.length) continue;
            const p = pattern[s];
            if (p === "*") next.add(s);
            else if (p === "?" || p === ch) next.add(s + 1);
        }
        states = close(next);
        if (states.size === 0) break;
    }
    return states;
}

function norm(value: string, ignoreCase: boolean): string {
    return ignoreCase ? value.toLowerCase() : value;
}

/** True when `pattern` matches all of `text`. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
    const p = norm(pattern, ignoreCase);
    return reachable(p, norm(text, ignoreCase)).has(p.length);
}

/** True when `pattern` matches every string that starts with `prefix` (e.g. `s3:*` and `S3:*` cover `s3:`). */
export function globCoversPrefix(pattern: string, prefix: string, ignoreCase = false): boolean {
    const p = norm(pattern, ignoreCase);
    for (const s of reachable(p, norm(prefix, ignoreCase))) {
        const rest = p.slice(s);
        if (rest.length > 0 && /^\*+$/.test(rest)) return true;
    }
    return false;
}

/** True when `pattern` matches at least one string that starts with `prefix` (`*:Get*` can match `s3:...`). */
export function globCanMatchPrefix(pattern: string, prefix: string, ignoreCase = false): boolean {
    return reachable(norm(pattern, ignoreCase), norm(prefix, ignoreCase)).size > 0;
}

/** True when the value holds a wildcard character. */
export function hasWildcard(value: string): boolean {
    return /[*?]/.test(value);
}
