/**
 * Timestamp parsing and formatting for the preprocessing Lambda.
 *
 * Accepted inputs (everything else is rejected, never guessed):
 *  - ISO-8601 date-time with an explicit zone: `2024-03-01T12:34:56Z`,
 *    `2024-03-01T12:34:56.123456+01:00`, `2024-03-01 12:34:56-0500`, `...+05`.
 *    Fractions beyond milliseconds are truncated (not rounded).
 *  - ISO-8601 calendar date `2024-03-01` (midnight UTC).
 *  - Epoch seconds or epoch milliseconds, as a JSON number or a digit string.
 *    Values below 1e11 are seconds (1e11 s is year 5138), larger values are
 *    milliseconds; both must land in the accepted range, so an ambiguous
 *    value can never be silently misread.
 *
 * Naive date-times without a zone are rejected: their instant is unknown.
 * Output is always `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC), produced by a
 * table-driven formatter that is ~6x faster than `Date#toISOString`.
 */

import { trim } from "./trim";

/** Earliest accepted instant (inclusive). */
export const MIN_TIMESTAMP_MS = Date.UTC(1970, 0, 1);
/** Latest accepted instant (exclusive). */
export const MAX_TIMESTAMP_MS = Date.UTC(2100, 0, 1);

const EPOCH_SECONDS_BELOW = 1e11;
const MS_PER_DAY = 86_400_000;
const MAX_OFFSET_HOURS = 18;

const DIGIT_0 = 48;
const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
/** `sssZ`, the end of a formatted timestamp, for every millisecond value. */
const MILLIS_Z: string[] = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, "0")}Z`);

function digit(s: string, i: number): number {
    const d = s.charCodeAt(i) - DIGIT_0;
    return d >= 0 && d <= 9 ? d : NaN;
}

function twoDigits(s: string, i: number): number {
    return digit(s, i) * 10 + digit(s, i + 1);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
    const y = month <= 2 ? year - 1 : year;
    const era = Math.floor(y / 400);
    const yoe = y - era * 400;
    const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
    if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
    return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an ISO-8601 date or zoned date-time. Returns epoch milliseconds, or
 * NaN when the text is not in an accepted form or names an impossible date.
 */
export function parseIsoTimestamp(s: string): number {
    const len = s.length;
    if (len !== 10 && len < 20) return NaN;
    const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + twoDigits(s, 2);
    const month = twoDigits(s, 5);
    const day = twoDigits(s, 8);
    if (!(year >= 1000) || s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45) return NaN;
    if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return NaN;
    const days = daysFromCivil(year, month, day);
    if (len === 10) return days * MS_PER_DAY;

    const sep = s.charCodeAt(10);
    if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return NaN;
    if (s.charCodeAt(13) !== 58 /* : */ || s.charCodeAt(16) !== 58) return NaN;
    const hour = twoDigits(s, 11);
    const minute = twoDigits(s, 14);
    const second = twoDigits(s, 17);
    if (!(hour <= 23 && minute <= 59 && second <= 59)) return NaN; // NaN fails too

    let i = 19;
    let millis = 0;
    const fracSep = s.charCodeAt(i);
    if (fracSep === 46 /* . */ || fracSep === 44 /* , */) {
        i++;
        const start = i;
        while (i < len && i - start < 9 && !Number.isNaN(digit(s, i))) {
            if (i - start < 3) millis = millis * 10 + digit(s, i);
            i++;
        }
        const count = i - start;
        if (count === 0) return NaN;
        if (count === 1) millis *= 100;
        else if (count === 2) millis *= 10;
    }

    let offsetMinutes: number;
    const zone = s.charCodeAt(i);
    if (zone === 90 /* Z */ || zone === 122 /* z */) {
        if (i + 1 !== len) return NaN;
        offsetMinutes = 0;
    } else if (zone === 43 /* + */ || zone === 45 /* - */) {
        const rest = len - i - 1;
        const oh = twoDigits(s, i + 1);
        let om = 0;
        if (rest === 5 && s.charCodeAt(i + 3) === 58) om = twoDigits(s, i + 4);
        else if (rest === 4) om = twoDigits(s, i + 3);
        else if (rest !== 2) return NaN;
        if (!(oh <= MAX_OFFSET_HOURS && om <= 59)) return NaN;
        offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
        return NaN; // no zone designator: the instant is ambiguous
    }
    return days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

const EPOCH_PATTERN = /^(\d{1,15})(?:\.(\d{1,9}))?$/;

/**
 * Parses epoch seconds or milliseconds given as a decimal string (the exact
 * text is used, so no binary floating-point rounding is involved).
 */
export function parseEpoch(text: string): number {
    const m = EPOCH_PATTERN.exec(text);
    if (m === null) return NaN;
    const whole = Number(m[1]);
    if (whole >= EPOCH_SECONDS_BELOW) return whole; // milliseconds; sub-ms fraction truncated
    const fraction = m[2] === undefined ? 0 : Number(m[2].slice(0, 3).padEnd(3, "0"));
    return whole * 1000 + fraction;
}

/**
 * Parses any accepted timestamp form. Returns epoch milliseconds, or NaN if
 * the value is not an accepted form or falls outside
 * [MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS).
 */
export function parseTimestamp(value: unknown): number {
    let ms: number;
    if (typeof value === "number") {
        if (Number.isSafeInteger(value)) ms = value < 0 ? NaN : value < EPOCH_SECONDS_BELOW ? value * 1000 : value;
        // String() yields the shortest round-trip decimal, e.g. 1700000000.123.
        else ms = Number.isFinite(value) ? parseEpoch(String(value)) : NaN;
    } else if (typeof value === "string") {
        const text = trim(value);
        const c = text.charCodeAt(4);
        ms = c === 45 /* - */ ? parseIsoTimestamp(text) : parseEpoch(text);
    } else {
        return NaN;
    }
    return ms >= MIN_TIMESTAMP_MS && ms < MAX_TIMESTAMP_MS ? ms : NaN;
}

/**
 * Recently formatted days, direct-mapped by day number: the event times of
 * a batch fall on a handful of days, so they rarely collide.
 */
const DAY_CACHE_SIZE = 64; // a power of two
const cachedDays = new Int32Array(DAY_CACHE_SIZE).fill(-1);
const cachedDayTexts: string[] = new Array<string>(DAY_CACHE_SIZE).fill("");

/** `YYYY-MM-DD` of a day number since the epoch (proleptic Gregorian, UTC). */
function formatDay(days: number): string {
    const slot = days & (DAY_CACHE_SIZE - 1);
    if (cachedDays[slot] === days) return cachedDayTexts[slot];
    const text = civilDay(days);
    if (days >= 0 && days <= 0x7fffffff) {
        cachedDays[slot] = days;
        cachedDayTexts[slot] = text;
    }
    return text;
}

function civilDay(days: number): string {
    // Howard Hinnant's civil_from_days.
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return `${year}-${PAD2[month]}-${PAD2[day]}`;
}

/**
 * True if `s` is already in the output form `YYYY-MM-DDTHH:mm:ss.sssZ`.
 * Only meaningful for strings that parsed successfully.
 */
export function isCanonicalTimestamp(s: string): boolean {
    return (
        s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(19) === 46
    );
}

/**
 * Normalises any accepted timestamp form to `YYYY-MM-DDTHH:mm:ss.sssZ`, or
 * returns undefined when the value is not accepted.
 */
export function normaliseTimestamp(value: unknown): string | undefined {
    const ms = parseTimestamp(value);
    if (Number.isNaN(ms)) return undefined;
    return typeof value === "string" && isCanonicalTimestamp(value) ? value : formatTimestamp(ms);
}

let cachedSecond = NaN;
let cachedSecondText = "";

/**
 * Formats epoch milliseconds as `YYYY-MM-DDTHH:mm:ss.sssZ`. Equivalent to
 * `new Date(ms).toISOString()` for integer ms in years 0000..9999. The text
 * up to the second is cached: timestamps of one batch (arrival times above
 * all) tend to share it.
 */
export function formatTimestamp(ms: number): string {
    const seconds = Math.floor(ms / 1000);
    const millis = ms - seconds * 1000;
    if (seconds !== cachedSecond) {
        const days = Math.floor(seconds / 86_400);
        let rest = seconds - days * 86_400;
        const hour = (rest / 3600) | 0;
        rest -= hour * 3600;
        const minute = (rest / 60) | 0;
        const second = rest - minute * 60;
        cachedSecond = seconds;
        cachedSecondText = `${formatDay(days)}T${PAD2[hour]}:${PAD2[minute]}:${PAD2[second]}.`;
    }
    return cachedSecondText + MILLIS_Z[millis];
}

/**
 * `YYYY-MM-DD` days recently returned by dateOf, direct-mapped by their
 * digits as a number (YYYYMMDD): the event times of a batch fall on a
 * handful of days.
 */
const cachedDateKeys = new Int32Array(DAY_CACHE_SIZE).fill(-1);
const cachedDates: string[] = new Array<string>(DAY_CACHE_SIZE).fill("");

/**
 * `timestamp.slice(0, 10)`, the date of a normalised timestamp, as one
 * string per day rather than one per call (a batch keeps each `Ok`
 * record's date until its response is built).
 */
export function dateOf(timestamp: string): string {
    const key =
        (digit(timestamp, 0) * 1000 + digit(timestamp, 1) * 100 + twoDigits(timestamp, 2)) * 10_000 +
        twoDigits(timestamp, 5) * 100 +
        twoDigits(timestamp, 8);
    if (Number.isNaN(key) || timestamp.charCodeAt(4) !== 45 /* - */ || timestamp.charCodeAt(7) !== 45) {
        return timestamp.slice(0, 10);
    }
    const slot = key & (DAY_CACHE_SIZE - 1);
    if (cachedDateKeys[slot] === key) return cachedDates[slot];
    const date = timestamp.slice(0, 10);
    cachedDateKeys[slot] = key;
    cachedDates[slot] = date;
    return date;
}
