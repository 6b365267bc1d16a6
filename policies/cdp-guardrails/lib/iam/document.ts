/**
 * Parsing IAM policy documents into statements the semantic questions (reach.ts, deny.ts) can reason about. A
 * document arrives as a JSON string or an object, its `Statement` as one object or a list; `Principal` as `"*"` or a
 * map of `AWS`, `Service`, `Federated`, `CanonicalUser` to one value or a list; `Action`/`NotAction`,
 * `Resource`/`NotResource` as one value or a list; `Condition` as operator → key → value(s). Anything that does not
 * read as IAM grammar (a number where a string belongs, an unknown value at preview) is recorded in `unreadable`, and
 * every question treats an unreadable statement conservatively (an Allow is assumed open, a Deny is assumed not to
 * apply) and says so in its answer.
 */
import { probe } from "../unknown";

/** The principals a `Principal` or `NotPrincipal` element names. */
export interface Principals {
    /** `"*"` or `{AWS: "*"}` (also among other AWS principals): everyone, anonymous callers included. */
    everyone: boolean;
    /**
     * A wildcard inside another principal (`arn:aws:iam::*:root`, `{Service: "*"}`): IAM does not match it as a
     * pattern; an Allow counts it as open, a Deny does not count it as covering everyone.
     */
    wildcard: boolean;
    /** AWS principals: account ids, account roots, role/user ARNs. */
    aws: string[];
    service: string[];
    federated: string[];
    canonicalUser: string[];
}

/** One test of a `Condition` block: `operator` applied to `key` with `values` (ORed). */
export interface ConditionTest {
    /** The operator as written, for messages (`ForAnyValue:StringLikeIfExists`). */
    operator: string;
    /** The base operator in lower case, without set prefix and IfExists: `stringlike`, `arnequals`, `bool`... */
    base: string;
    ifExists: boolean;
    /** `foranyvalue` / `forallvalues` for multivalued keys, else undefined. */
    set?: "foranyvalue" | "forallvalues";
    /** The condition key as written, and lower-cased (condition keys are case-insensitive). */
    keyAsWritten: string;
    key: string;
    values: string[];
}

/** A list of patterns from `Action`/`NotAction` or `Resource`/`NotResource`. */
export interface PatternList {
    /** True for `NotAction` / `NotResource`: the statement applies to everything the patterns do NOT match. */
    not: boolean;
    patterns: string[];
}

export interface ParsedStatement {
    /** How messages name the statement: `statement <Sid>` or `statement #<n>`. */
    label: string;
    effect: "Allow" | "Deny" | undefined;
    /** `Principal` (principal set in `principals`, `negated` false) or `NotPrincipal` (`negated` true); undefined in identity policies. */
    principal?: { negated: boolean; principals: Principals };
    action: PatternList;
    /** Undefined in trust policies, which name no resource. */
    resource?: PatternList;
    conditions: ConditionTest[];
    /** Why parts of the statement could not be read (then every question answers conservatively). */
    unreadable: string[];
}

export interface ParsedPolicy {
    /** False when the document itself is unknown at preview (computed): nothing can be judged yet. */
    known: boolean;
    statements: ParsedStatement[];
    /** Why the document as a whole could not be read (not JSON, no Statement). */
    unreadable: string[];
}

type Raw = Record<string, unknown>;

/** Strings of a one-or-many value; anything else is reported through `bad`. */
function strings(value: unknown, what: string, bad: string[]): string[] {
    const items = Array.isArray(value) ? value : [value];
    const out: string[] = [];
    for (const item of items) {
        if (typeof item === "string") out.push(item);
        else if (typeof item === "boolean" || typeof item === "number") out.push(String(item));
        else bad.push(`${what} holds ${item === undefined ? "an unknown value" : JSON.stringify(item)}, not a string`);
    }
    return out;
}

/** The element of `raw` named `name`, looked up case-insensitively (the policy grammar's element names). */
function element(raw: Raw, name: string): unknown {
    if (name in raw) return raw[name];
    const found = Object.keys(raw).find((k) => k.toLowerCase() === name.toLowerCase());
    return found === undefined ? undefined : raw[found];
}

function parsePrincipals(value: unknown, what: string, bad: string[]): Principals {
    const p: Principals = { everyone: false, wildcard: false, aws: [], service: [], federated: [], canonicalUser: [] };
    if (typeof value === "string") {
        if (value.trim() === "*") p.everyone = true;
        else bad.push(`${what} is the string ${JSON.stringify(value)}, expected "*" or a map`);
        return p;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        bad.push(`${what} is ${JSON.stringify(value)}, expected "*" or a map`);
        return p;
    }
    for (const [kind, v] of Object.entries(value as Raw)) {
        const list = strings(v, `${what}.${kind}`, bad).map((s) => s.trim());
        if (kind.toLowerCase() === "aws" && list.includes("*")) p.everyone = true;
        else if (list.some((s) => s.includes("*") || s.includes("?"))) p.wildcard = true;
        switch (kind.toLowerCase()) {
            case "aws":
                p.aws.push(...list);
                break;
            case "service":
                p.service.push(...list);
                break;
            case "federated":
                p.federated.push(...list);
                break;
            case "canonicaluser":
                p.canonicalUser.push(...list);
                break;
            default:
                bad.push(`${what} has the unknown principal type ${JSON.stringify(kind)}`);
        }
    }
    return p;
}

function parsePatterns(raw: Raw, name: string, notName: string, bad: string[]): PatternList | undefined {
    const positive = element(raw, name);
    const negative = element(raw, notName);
    if (positive !== undefined && negative !== undefined) bad.push(`both ${name} and ${notName} are set`);
    if (positive !== undefined) return { not: false, patterns: strings(positive, name, bad).map((s) => s.trim()) };
    if (negative !== undefined) return { not: true, patterns: strings(negative, notName, bad).map((s) => s.trim()) };
    return undefined;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its set prefix, base operator and IfExists flag. */
export function splitOperator(operator: string): Pick<ConditionTest, "base" | "ifExists" | "set"> {
    let rest = operator.trim();
    let set: ConditionTest["set"];
    const m = /^(forallvalues|foranyvalue):(.*)$/i.exec(rest);
    if (m) {
        set = m[1].toLowerCase() as ConditionTest["set"];
        rest = m[2];
    }
    const ifExists = /ifexists$/i.test(rest) && rest.toLowerCase() !== "null";
    if (ifExists) rest = rest.slice(0, -"IfExists".length);
    return { base: rest.toLowerCase(), ifExists, set };
}

function parseConditions(value: unknown, bad: string[]): ConditionTest[] {
    if (value === undefined) return [];
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        bad.push(`Condition is ${JSON.stringify(value)}, expected a map of operators`);
        return [];
    }
    const tests: ConditionTest[] = [];
    for (const [operator, block] of Object.entries(value as Raw)) {
        if (!block || typeof block !== "object" || Array.isArray(block)) {
            bad.push(`Condition ${operator} is ${JSON.stringify(block)}, expected a map of condition keys`);
            continue;
        }
        for (const [key, v] of Object.entries(block as Raw)) {
            tests.push({
                operator,
                ...splitOperator(operator),
                keyAsWritten: key,
                key: key.trim().toLowerCase(),
                values: strings(v, `Condition ${operator} ${key}`, bad),
            });
        }
    }
    return tests;
}

/** How messages name a statement: by its Sid, else by its position. */
export function statementLabel(sid: unknown, index: number): string {
    return typeof sid === "string" && sid ? `statement ${sid}` : `statement #${index + 1}`;
}

function parseStatement(raw: unknown, index: number): ParsedStatement {
    const bad: string[] = [];
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
        return {
            label: statementLabel(undefined, index),
            effect: undefined,
            action: { not: false, patterns: [] },
            conditions: [],
            unreadable: [`the statement is ${JSON.stringify(raw)}, not an object`],
        };
    }
    const r = raw as Raw;
    const effectRaw = element(r, "Effect");
    const effect =
        typeof effectRaw === "string" && /^(allow|deny)$/i.test(effectRaw.trim())
            ? effectRaw.trim().toLowerCase() === "allow"
                ? "Allow"
                : "Deny"
            : undefined;
    if (!effect) bad.push(`Effect is ${JSON.stringify(effectRaw)}, expected "Allow" or "Deny"`);
    const principalRaw = element(r, "Principal");
    const notPrincipalRaw = element(r, "NotPrincipal");
    if (principalRaw !== undefined && notPrincipalRaw !== undefined)
        bad.push("both Principal and NotPrincipal are set");
    const principal =
        principalRaw !== undefined
            ? { negated: false, principals: parsePrincipals(principalRaw, "Principal", bad) }
            : notPrincipalRaw !== undefined
              ? { negated: true, principals: parsePrincipals(notPrincipalRaw, "NotPrincipal", bad) }
              : undefined;
    const action = parsePatterns(r, "Action", "NotAction", bad);
    if (!action) bad.push("neither Action nor NotAction is set");
    return {
        label: statementLabel(element(r, "Sid"), index),
        effect,
        principal,
        action: action ?? { not: false, patterns: [] },
        resource: parsePatterns(r, "Resource", "NotResource", bad),
        conditions: parseConditions(element(r, "Condition"), bad),
        unreadable: bad,
    };
}

/**
 * Parses a policy document (JSON string or object). A value unknown at preview (the policy SDK throws on reading
 * it) gives `known: false`; the caller decides what an unknown document means for its rule.
 */
export function parsePolicy(read: unknown | (() => unknown)): ParsedPolicy {
    const value = probe(() => (typeof read === "function" ? (read as () => unknown)() : read));
    if (!value.known) return { known: false, statements: [], unreadable: [] };
    const parsed = probe(() => parseKnown(value.value));
    if (!parsed.known) return { known: false, statements: [], unreadable: [] };
    return parsed.value;
}

function parseKnown(value: unknown): ParsedPolicy {
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch {
            return { known: true, statements: [], unreadable: ["the document is not valid JSON"] };
        }
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
        return { known: true, statements: [], unreadable: [`the document is ${JSON.stringify(doc)}, not an object`] };
    }
    const statement = element(doc as Raw, "Statement");
    if (statement === undefined) return { known: true, statements: [], unreadable: ["the document has no Statement"] };
    const list = Array.isArray(statement) ? statement : [statement];
    // Force every read now: an unknown nested value throws here, inside the probe.
    return { known: true, statements: list.map(parseStatement), unreadable: [] };
}

/** True when the document (string or object) is absent: nothing set, an empty string. */
export function isAbsentDocument(value: unknown): boolean {
    return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}
