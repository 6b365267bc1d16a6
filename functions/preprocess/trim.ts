/**
 * `s.trim()`, without calling it when `s` starts and ends with printable
 * ASCII other than a space (none of which is JavaScript white space or a
 * line terminator): the common case, where trim() would return `s` itself.
 */
export function trim(s: string): string {
    const last = s.length - 1;
    if (last >= 0) {
        const first = s.charCodeAt(0);
        const end = s.charCodeAt(last);
        if (first > 0x20 && first < 0x7f && end > 0x20 && end < 0x7f) return s;
    }
    return s.trim();
}
