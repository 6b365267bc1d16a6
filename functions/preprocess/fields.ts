/**
 * Field kinds: the vocabulary schemas.ts is written in. Each kind has one
 * normaliser; schemas only combine kinds with per-field options, so no
 * record type has hand-written validation code.
 */
import { isIP } from "node:net";
import { reject } from "./failures";
import { checkJsonTree } from "./json-guard";
import { CURRENCY_EXPONENTS, toMinorUnits } from "./money";
import { normaliseTimestamp } from "./timestamp";
import { trim } from "./trim";

interface CommonSpec {
    /** Missing, null or blank values reject the record (`missing-field`). */
    readonly required?: boolean;
    /** Direct identifier: replaced by its HMAC when HASH_IDENTIFIERS=true. */
    readonly pii?: boolean;
    /** Output key, when it differs from the input key. */
    readonly column?: string;
}

export interface StringSpec extends CommonSpec {
    readonly kind: "string";
    /** Cap in UTF-16 code units after trimming (`field-too-long` above it). */
    readonly maxLength: number;
    readonly pattern?: RegExp;
    readonly lowercase?: boolean;
    /** Collapse internal whitespace runs to one space and apply Unicode NFC. */
    readonly text?: boolean;
    /** Accept a JSON safe integer and keep its decimal text (numeric IDs). */
    readonly acceptIntegers?: boolean;
}

export interface EnumSpec extends CommonSpec {
    readonly kind: "enum";
    readonly values: readonly string[];
    readonly case: "upper" | "lower";
}

export interface IntegerSpec extends CommonSpec {
    readonly kind: "integer";
    readonly min: number;
    readonly max: number;
}

export interface NumberSpec extends CommonSpec {
    readonly kind: "number";
    readonly min: number;
    readonly max: number;
}

export interface UrlSpec extends CommonSpec {
    readonly kind: "url";
    readonly maxLength: number;
}

export interface MoneySpec extends CommonSpec {
    readonly kind: "money";
    /** Input field holding the ISO 4217 code that fixes the exponent. */
    readonly currencyField: string;
}

export interface SimpleSpec extends CommonSpec {
    readonly kind: "email" | "phone" | "country" | "ip" | "timestamp" | "boolean" | "currency" | "json";
}

export type FieldSpec = StringSpec | EnumSpec | IntegerSpec | NumberSpec | UrlSpec | MoneySpec | SimpleSpec;

/**
 * Turns a valid, present value into its normalised form or rejects. ASCII
 * input must give ASCII output: the engine sizes documents of ASCII records
 * by their length (a mis-sized document fails with `internal-error`).
 */
export type Normaliser = (value: unknown, input: Readonly<Record<string, unknown>>) => unknown;

export interface CompiledField {
    readonly key: string;
    readonly column: string;
    readonly required: boolean;
    readonly kind: FieldSpec["kind"];
    readonly normalise: Normaliser;
    /** Whether `normalise` replaces the value by its HMAC (a `pii` field with hashing on). */
    readonly hashed: boolean;
}

export interface FieldOptions {
    /** Applied to normalised `pii` values; identity when hashing is off. */
    readonly hashIdentifier?: (value: string) => string;
    /** Maximum JSON nesting for `json` fields, the record itself being depth 1. */
    readonly maxDepth: number;
}

// Pragmatic RFC 5321 subset: dot-atom local part, LDH domain with a TLD.
const EMAIL =
    /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const PHONE_SEPARATORS = /[\s().\-/]/g;
const WHITESPACE_RUN = /\s+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the URL check refuses.
const URL_SHAPE = /^(?:\/|https?:\/\/[^/?#\s]+)[^\s\u0000-\u001f\u007f]*$/i;
const INTEGER_TEXT = /^-?\d{1,16}$/;
const DECIMAL_TEXT = /^-?\d{1,16}(?:\.\d{1,9})?$/;

/** ISO 3166-1 alpha-2 codes accepted in `country` fields. */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
        "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
    ).split(" "),
);

/** True when a string has no unpaired UTF-16 surrogate (ES2024 isWellFormed). */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The trimmed string, or a rejection (blank values never get here: they count as absent). */
function text(value: unknown, field: string, maxLength: number): string {
    if (typeof value !== "string") reject("invalid-field", field, "expected a string");
    const s = trim(value);
    if (s.length > maxLength) reject("field-too-long", field, `longer than ${maxLength} characters`);
    if (!isWellFormed(s)) reject("invalid-field", field, "unpaired UTF-16 surrogate");
    return s;
}

/**
 * Free text: whitespace runs become one space and the result is Unicode NFC,
 * so "Zoë" typed on different systems compares (and hashes) equal. The scan
 * skips both steps for the common case of single-spaced text below U+0300,
 * which is always NFC already.
 */
function cleanText(s: string): string {
    let collapse = false;
    let maxChar = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > maxChar) maxChar = c;
        if (c <= 32 && (c !== 32 || s.charCodeAt(i + 1) === 32)) collapse = true;
    }
    if (collapse || maxChar > 0x7f) s = s.replace(WHITESPACE_RUN, " ");
    return maxChar >= 0x300 ? s.normalize("NFC") : s;
}

function stringKind(field: string, spec: StringSpec): Normaliser {
    const { maxLength, pattern, lowercase, acceptIntegers } = spec;
    return (value) => {
        let s = acceptIntegers && Number.isSafeInteger(value) ? String(value) : text(value, field, maxLength);
        if (spec.text) s = cleanText(s);
        if (lowercase) s = s.toLowerCase();
        if (pattern !== undefined && !pattern.test(s))
            reject("invalid-field", field, "does not match the allowed pattern");
        return s;
    };
}

function enumKind(field: string, spec: EnumSpec): Normaliser {
    const allowed = new Set(spec.values);
    const upper = spec.case === "upper";
    return (value) => {
        const raw = text(value, field, 64);
        const s = upper ? raw.toUpperCase() : raw.toLowerCase();
        if (!allowed.has(s)) reject("invalid-field", field, "not an allowed value");
        return s;
    };
}

function integerKind(field: string, spec: IntegerSpec): Normaliser {
    return (value) => {
        let n = value;
        if (typeof value === "string" && INTEGER_TEXT.test(value.trim())) n = Number(value);
        if (!Number.isSafeInteger(n)) reject("invalid-field", field, "expected an integer");
        const i = n as number;
        if (i < spec.min || i > spec.max) reject("invalid-field", field, `outside [${spec.min}, ${spec.max}]`);
        return i;
    };
}

function numberKind(field: string, spec: NumberSpec): Normaliser {
    return (value) => {
        let n = value;
        if (typeof value === "string" && DECIMAL_TEXT.test(value.trim())) n = Number(value);
        if (typeof n !== "number" || !Number.isFinite(n)) reject("invalid-field", field, "expected a finite number");
        if (n < spec.min || n > spec.max) reject("invalid-field", field, `outside [${spec.min}, ${spec.max}]`);
        return n;
    };
}

function currencyCode(value: unknown, field: string): string {
    const code = text(value, field, 3).toUpperCase();
    if (!CURRENCY_EXPONENTS.has(code)) reject("invalid-field", field, "not an ISO 4217 currency with a minor unit");
    return code;
}

function moneyKind(field: string, spec: MoneySpec): Normaliser {
    const { currencyField } = spec;
    return (value, input) => {
        const currency = input[currencyField];
        if (currency === undefined || currency === null)
            reject("missing-field", currencyField, "amount without currency");
        const minor = toMinorUnits(value, CURRENCY_EXPONENTS.get(currencyCode(currency, currencyField)) as number);
        if (typeof minor === "string") reject("invalid-field", field, minor);
        return minor;
    };
}

function simpleKind(field: string, spec: SimpleSpec, options: FieldOptions): Normaliser {
    switch (spec.kind) {
        case "email":
            return (value) => {
                const s = text(value, field, 254).toLowerCase();
                const at = s.indexOf("@");
                if (at > 64 || !EMAIL.test(s)) reject("invalid-field", field, "not a valid email address");
                return s;
            };
        case "phone":
            return (value) => {
                let s = text(value, field, 32).replace(PHONE_SEPARATORS, "");
                if (s.startsWith("00")) s = `+${s.slice(2)}`;
                if (!E164.test(s)) reject("invalid-field", field, "not an international (E.164) phone number");
                return s;
            };
        case "country":
            return (value) => {
                const s = text(value, field, 2).toUpperCase();
                if (!COUNTRY_CODES.has(s)) reject("invalid-field", field, "not an ISO 3166-1 alpha-2 code");
                return s;
            };
        case "ip":
            return (value) => {
                const s = text(value, field, 64);
                const version = isIP(s);
                if (version === 0) reject("invalid-field", field, "not an IPv4 or IPv6 address");
                return version === 6 ? s.toLowerCase() : s;
            };
        case "timestamp":
            return (value) =>
                normaliseTimestamp(value) ??
                reject("invalid-field", field, "unsupported timestamp format or outside 1970..2099");
        case "boolean":
            return (value) => {
                if (typeof value === "boolean") return value;
                const s = typeof value === "string" ? value.trim().toLowerCase() : "";
                if (s === "true") return true;
                if (s === "false") return false;
                return reject("invalid-field", field, "expected a boolean");
            };
        case "currency":
            return (value) => currencyCode(value, field);
        case "json":
            // normaliseRecord validates a copied json field the same way (see CompiledSchema.copiedField).
            return (value) => {
                checkJsonTree(value, 2, options.maxDepth, field);
                return value;
            };
    }
}

function baseNormaliser(key: string, spec: FieldSpec, options: FieldOptions): Normaliser {
    switch (spec.kind) {
        case "string":
            return stringKind(key, spec);
        case "enum":
            return enumKind(key, spec);
        case "integer":
            return integerKind(key, spec);
        case "number":
            return numberKind(key, spec);
        case "url":
            return (value) => {
                const s = text(value, key, spec.maxLength);
                if (!URL_SHAPE.test(s)) reject("invalid-field", key, "not an absolute http(s) URL or a path");
                return s;
            };
        case "money":
            return moneyKind(key, spec);
        default:
            return simpleKind(key, spec, options);
    }
}

export function compileField(key: string, spec: FieldSpec, options: FieldOptions): CompiledField {
    const base = baseNormaliser(key, spec, options);
    const hash = options.hashIdentifier;
    const hashed = spec.pii === true && hash !== undefined;
    const normalise: Normaliser = hashed ? (value, input) => hash(String(base(value, input))) : base;
    return { key, column: spec.column ?? key, required: spec.required === true, kind: spec.kind, normalise, hashed };
}
