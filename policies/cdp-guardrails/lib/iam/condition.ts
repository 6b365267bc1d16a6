/**
 * Evaluation of IAM condition tests against a request context, after the IAM condition-operator reference
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html) and the
 * multivalued-key rules
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html):
 * - all tests of a statement are ANDed, the values of one test ORed;
 * - a key absent from the request makes a positive operator false and a negated one (`StringNotEquals`,
 *   `ArnNotLike`, `NotIpAddress`...) true; `...IfExists` makes any operator true on an absent key; `Null` tests
 *   presence;
 * - `ForAnyValue:` is true when at least one request value matches (false on an absent key), `ForAllValues:` when
 *   every request value matches (true on an absent key or empty set).
 */
import type { ConditionTest } from "./document";
import { globMatch } from "./glob";

/** A request context: lower-case condition key → its values (absent keys are missing). */
export type RequestContext = ReadonlyMap<string, readonly string[]>;

const NEGATED = new Set([
    "stringnotequals",
    "stringnotequalsignorecase",
    "stringnotlike",
    "numericnotequals",
    "datenotequals",
    "arnnotequals",
    "arnnotlike",
    "notipaddress",
]);

/** True for the negated operators (`StringNotEquals`, `ArnNotLike`, `NotIpAddress`...). */
export function isNegated(test: Pick<ConditionTest, "base">): boolean {
    return NEGATED.has(test.base);
}

/** The positive operator a negated one negates (`stringnotequals` → `stringequals`). */
function positiveOf(base: string): string {
    if (base === "notipaddress") return "ipaddress";
    return base.replace("not", "");
}

function ipv4(value: string): number | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value.trim());
    if (!m) return undefined;
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

function inCidr(address: string, cidr: string): boolean {
    const [base, bitsText] = cidr.split("/");
    const a = ipv4(address);
    const b = ipv4(base);
    if (a === undefined || b === undefined) return address.trim() === cidr.trim();
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (!(bits >= 0 && bits <= 32)) return false;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function date(value: string): number {
    return /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value);
}

/** ARN comparison: `ArnLike` matches each of the six colon-separated fields with wildcards. */
function arnLike(pattern: string, arn: string): boolean {
    const p = pattern.split(":");
    const a = arn.split(":");
    if (p.length < 6 || a.length < 6) return globMatch(pattern, arn);
    const head = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(":")];
    const ph = head(p);
    const ah = head(a);
    return ph.every((field, i) => globMatch(field, ah[i]));
}

/** Whether one request value matches one policy value under the positive operator `base`. */
function matchesOne(base: string, policyValue: string, requestValue: string): boolean {
    switch (base) {
        case "stringequals":
            return policyValue === requestValue;
        case "stringequalsignorecase":
            return policyValue.toLowerCase() === requestValue.toLowerCase();
        case "stringlike":
            return globMatch(policyValue, requestValue);
        case "arnequals":
        case "arnlike":
            return arnLike(policyValue, requestValue);
        case "bool":
            return policyValue.toLowerCase() === requestValue.toLowerCase();
        case "binaryequals":
            return policyValue === requestValue;
        case "ipaddress":
            return inCidr(requestValue, policyValue);
        case "numericequals":
            return Number(requestValue) === Number(policyValue);
        case "numericlessthan":
            return Number(requestValue) < Number(policyValue);
        case "numericlessthanequals":
            return Number(requestValue) <= Number(policyValue);
        case "numericgreaterthan":
            return Number(requestValue) > Number(policyValue);
        case "numericgreaterthanequals":
            return Number(requestValue) >= Number(policyValue);
        case "dateequals":
            return date(requestValue) === date(policyValue);
        case "datelessthan":
            return date(requestValue) < date(policyValue);
        case "datelessthanequals":
            return date(requestValue) <= date(policyValue);
        case "dategreaterthan":
            return date(requestValue) > date(policyValue);
        case "dategreaterthanequals":
            return date(requestValue) >= date(policyValue);
        default:
            return false;
    }
}

const POSITIVE = [
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "bool",
    "binaryequals",
    "ipaddress",
    "numericequals",
    "numericlessthan",
    "numericlessthanequals",
    "numericgreaterthan",
    "numericgreaterthanequals",
    "dateequals",
    "datelessthan",
    "datelessthanequals",
    "dategreaterthan",
    "dategreaterthanequals",
];

/** Operators this module knows (a test with another operator is unreadable: AWS would reject the policy). */
export function isKnownOperator(base: string): boolean {
    return base === "null" || NEGATED.has(base) || POSITIVE.includes(base);
}

/** Evaluates one condition test against the request context. */
export function evaluateTest(test: ConditionTest, context: RequestContext): boolean {
    const requestValues = context.get(test.key);
    const present = requestValues !== undefined && requestValues.length > 0;
    if (test.base === "null") {
        // {"Null": {key: "true"}}: true when the key is absent; "false": when present.
        return test.values.some((v) => (v.toLowerCase() === "true" ? !present : present));
    }
    if (!present) {
        if (test.set === "forallvalues") return true;
        if (test.set === "foranyvalue") return test.ifExists;
        return test.ifExists || isNegated(test);
    }
    const negated = isNegated(test);
    const base = negated ? positiveOf(test.base) : test.base;
    const valueMatches = (rv: string) => {
        const any = test.values.some((pv) => matchesOne(base, pv, rv));
        return negated ? !any : any;
    };
    if (test.set === "forallvalues") return requestValues.every(valueMatches);
    if (test.set === "foranyvalue") return requestValues.some(valueMatches);
    // A single-valued key: a negated operator is true when the value matches none of the policy values.
    return requestValues.some(valueMatches);
}

/** Evaluates a statement's condition block (its tests ANDed). */
export function evaluateConditions(tests: readonly ConditionTest[], context: RequestContext): boolean {
    return tests.every((t) => evaluateTest(t, context));
}

/** A request context from plain `key: value(s)` pairs (keys lower-cased). */
export function requestContext(entries: Record<string, string | string[]>): RequestContext {
    return new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
}

/**
 * True when the test holds for every request, whatever value the key has (or none): the only tests that do not
 * narrow a statement. Tried on an absent key, on a value no policy names, and on each policy value itself (for a
 * negated operator the attacker sends exactly that value).
 */
export function holdsForEveryValue(test: ConditionTest): boolean {
    const candidates: Array<string[] | undefined> = [
        undefined,
        ["\u0000none-of-the-policy-values"],
        [""],
        ...test.values.map((v) => [v]),
    ];
    return candidates.every((values) =>
        evaluateTest(test, values === undefined ? new Map() : new Map([[test.key, values]])),
    );
}
