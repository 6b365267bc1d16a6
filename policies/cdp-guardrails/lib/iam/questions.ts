/**
 * The questions the rules ask of a parsed statement, answered with IAM semantics (conditions ANDed, values ORed,
 * keys case-insensitive, negated operators, IfExists, set operators; see condition.ts) rather than by the shape of
 * today's documents. Every answer says why, so rules can report it. Unreadable statements (see document.ts) get
 * the conservative answer: an Allow is treated as reaching everyone, a Deny as not applying.
 */
import type { ConditionTest, ParsedStatement } from "./document";
import { evaluateTest, holdsForEveryValue, isNegated, type RequestContext } from "./condition";
import { globCanMatchPrefix, globCoversPrefix, globMatch, hasWildcard } from "./glob";

// ---------------------------------------------------------------------------------------------------------------
// Who an Allow reaches.

/** What confines a statement open to `*`: an organisation, accounts, a network path, or a source resource. */
export type ScopeKind = "organisation" | "account" | "network" | "source";

/** Keys that confine the caller (or, for service principals, the resource acting for them), with their kind. */
const SCOPING_KEYS: Record<string, ScopeKind> = {
    "aws:principalorgid": "organisation",
    "aws:principalorgpaths": "organisation",
    "aws:sourceorgid": "organisation",
    "aws:sourceorgpaths": "organisation",
    "aws:principalaccount": "account",
    "aws:sourceaccount": "account",
    "aws:sourceowner": "account",
    "kms:calleraccount": "account",
    "aws:principalarn": "account",
    "aws:sourcearn": "source",
    "aws:sourcevpce": "network",
    "aws:sourcevpc": "network",
};

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ORG_PATH = /^o-[a-z0-9]{10,32}\//;
const ACCOUNT_ID = /^\d{12}$/;

/** True when an ARN value names one account (or, for account-less ARNs such as S3's, one literal resource). */
function isSpecificArn(value: string): boolean {
    const parts = value.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return false;
    if (hasWildcard(parts[2])) return false;
    if (ACCOUNT_ID.test(parts[4])) return true;
    return parts[4] === "" && !hasWildcard(value);
}

/** True when one value of a scoping key names a specific organisation, account, network or resource. */
function isSpecificValue(key: string, value: string): boolean {
    const v = value.trim();
    switch (key) {
        case "aws:principalorgid":
        case "aws:sourceorgid":
            return ORG_ID.test(v);
        case "aws:principalorgpaths":
        case "aws:sourceorgpaths":
            return ORG_PATH.test(v);
        case "aws:principalaccount":
        case "aws:sourceaccount":
        case "aws:sourceowner":
        case "kms:calleraccount":
            return ACCOUNT_ID.test(v);
        case "aws:principalarn":
        case "aws:sourcearn":
            return isSpecificArn(v);
        case "aws:sourcevpce":
            return /^vpce-[0-9a-z]+$/.test(v);
        case "aws:sourcevpc":
            return /^vpc-[0-9a-z]+$/.test(v);
        default:
            // kms:EncryptionContext:<service ARN key> (CloudWatch Logs, S3...): an ARN of one account
            return key.startsWith("kms:encryptioncontext:") && isSpecificArn(v);
    }
}

/** Operators that confine a key to the values they name (negated ones, IfExists and ForAllValues do not). */
const CONFINING_OPERATORS = ["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"];

/**
 * Why a test does not confine `key` to specific values, or undefined when it does: a positive string/ARN operator,
 * not IfExists (an absent key would pass: anonymous callers have no organisation), not ForAllValues (true on an
 * absent key), every value specific (values are ORed: one wide value opens the test).
 */
export function whyNotConfining(test: ConditionTest): string | undefined {
    if (isNegated(test)) return `${test.operator} is negated: it admits every value but the ones it names`;
    if (test.ifExists) return `${test.operator} also passes requests without ${test.keyAsWritten}`;
    if (test.set === "forallvalues") return `${test.operator} also passes requests without ${test.keyAsWritten}`;
    if (!CONFINING_OPERATORS.includes(test.base)) return `${test.operator} does not compare against named values`;
    if (test.values.length === 0) return `${test.operator} ${test.keyAsWritten} lists no value`;
    const wide = test.values.filter((v) => !isSpecificValue(test.key, v));
    if (wide.length)
        return `${test.keyAsWritten} admits ${wide.map((v) => JSON.stringify(v)).join(", ")}, which names no single organisation/account`;
    return undefined;
}

/**
 * The first test of the statement that confines it: a scoping key (SCOPING_KEYS) or a kms:EncryptionContext key
 * naming one account's resource ARN, under a confining operator with specific values (whyNotConfining).
 */
function confiningTest(s: ParsedStatement): ConditionTest | undefined {
    return s.conditions.find(
        (t) =>
            (t.key in SCOPING_KEYS || t.key.startsWith("kms:encryptioncontext:")) && whyNotConfining(t) === undefined,
    );
}

/** The account id of an AWS principal (`123456789012` or an IAM ARN of that account), or undefined. */
export function accountOfPrincipal(principal: string): string | undefined {
    if (ACCOUNT_ID.test(principal)) return principal;
    const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal);
    return m?.[1];
}

/** Whom an Allow statement of a resource or trust policy reaches. */
export interface Reach {
    /** The principal admits everyone (`*`, a wildcard, `NotPrincipal`) before conditions. */
    everyone: boolean;
    /** The condition test that confines an `everyone` grant, if any, and what it confines it to. */
    confinedBy?: ConditionTest;
    scope?: ScopeKind;
    /** Everyone and not confined, or unreadable: any AWS account (or anonymous caller) can use the grant. */
    open: boolean;
    /** Named accounts (from account ids and IAM ARNs). */
    accounts: string[];
    /** Service principals, with whether each is tied to a source account/resource. */
    services: string[];
    /** Service principals granted without a source condition (any account's use of the service reaches). */
    unscopedServices: string[];
    federated: string[];
    /** AWS principals that are neither account ids nor IAM ARNs (unreadable: treated as open). */
    unrecognised: string[];
    /** Why the statement is open, for messages. */
    why: string;
}

/** Whom an Allow statement with a Principal/NotPrincipal reaches (see Reach). */
export function allowReach(s: ParsedStatement): Reach {
    const p = s.principal?.principals;
    const negated = s.principal?.negated === true;
    const everyone = negated || p?.everyone === true || p?.wildcard === true;
    const confinedBy = everyone ? confiningTest(s) : undefined;
    const accounts = (p?.aws ?? []).map(accountOfPrincipal).filter((a): a is string => a !== undefined);
    const unrecognised = (p?.aws ?? []).filter((a) => !/[*?]/.test(a) && accountOfPrincipal(a) === undefined);
    const services = negated ? [] : (p?.service ?? []);
    // A service principal acts for whichever account uses the service: only a confining test ties it to this one.
    const unscopedServices = confiningTest(s) ? [] : services;
    let why = "";
    if (s.unreadable.length) why = `cannot be read (${s.unreadable.join("; ")})`;
    else if (everyone && !confinedBy) {
        const who = negated ? "everyone but its NotPrincipal" : 'every principal ("*")';
        const near = s.conditions.filter((t) => t.key in SCOPING_KEYS).map((t) => whyNotConfining(t));
        why = `allows ${who} without a condition that confines it to an organisation or accounts${near.length ? ` (${near.join("; ")})` : ""}`;
    } else if (unrecognised.length)
        why = `names principals that are not accounts or IAM ARNs: ${unrecognised.join(", ")}`;
    const open = s.unreadable.length > 0 || (everyone && !confinedBy) || unrecognised.length > 0;
    return {
        everyone,
        confinedBy,
        scope: confinedBy ? (SCOPING_KEYS[confinedBy.key] ?? "source") : undefined,
        open,
        accounts,
        services,
        unscopedServices,
        federated: negated ? [] : (p?.federated ?? []),
        unrecognised,
        why,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Whether a Deny applies to every request of a kind.

/** What a deny must cover: a resource (exact ARN) or every resource under a prefix (every object of a bucket). */
export type Target = { arn: string } | { prefix: string };

function targetLabel(t: Target): string {
    return "arn" in t ? t.arn : `${t.prefix}*`;
}

/** True when the statement's Resource/NotResource covers the target. */
function coversTarget(s: ParsedStatement, t: Target): boolean {
    const r = s.resource;
    if (!r) return false;
    if ("arn" in t)
        return r.not ? !r.patterns.some((p) => globMatch(p, t.arn)) : r.patterns.some((p) => globMatch(p, t.arn));
    return r.not
        ? !r.patterns.some((p) => globCanMatchPrefix(p, t.prefix))
        : r.patterns.some((p) => globCoversPrefix(p, t.prefix));
}

/** True when the statement's Action/NotAction covers every action of `service` (actions are case-insensitive). */
export function coversService(s: ParsedStatement, service: string): boolean {
    const prefix = `${service}:`;
    return s.action.not
        ? !s.action.patterns.some((p) => globCanMatchPrefix(p, prefix, true))
        : s.action.patterns.some((p) => globCoversPrefix(p, prefix, true));
}

/**
 * Why the statement does not deny every request to `target` of every action of `service` by every principal in the
 * situation `context` describes (e.g. `aws:SecureTransport=false`), whatever the other keys of the request; undefined
 * when it does. A test on a key the context does not fix must hold for every value of that key (conditions are
 * ANDed: an extra test lets the requests that fail it through).
 */
export function whyNotDenyingEvery(
    s: ParsedStatement,
    service: string,
    target: Target,
    context: RequestContext,
): string | undefined {
    if (s.unreadable.length) return `cannot be read (${s.unreadable.join("; ")})`;
    if (s.effect !== "Deny") return "is not a Deny";
    if (!s.principal) return "names no principal";
    if (s.principal.negated) return "uses NotPrincipal: the principals it names are not denied";
    if (!s.principal.principals.everyone) return 'does not apply to every principal (Principal "*" or {"AWS": "*"})';
    if (!coversService(s, service)) return `does not cover every ${service} action ("${service}:*")`;
    if (!coversTarget(s, target)) return `does not cover ${targetLabel(target)}`;
    for (const t of s.conditions) {
        if (context.has(t.key)) {
            if (!evaluateTest(t, context)) {
                const fixed = [...context.entries()].map(([k, v]) => `${k}=${v.join("|")}`).join(", ");
                return `its ${t.operator} ${t.keyAsWritten} test is false when ${fixed}`;
            }
        } else if (!holdsForEveryValue(t)) {
            return `it also requires ${t.operator} ${t.keyAsWritten} ${JSON.stringify(t.values)} (conditions are ANDed: requests that fail this test are not denied)`;
        }
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Identity-policy actions and resources.

/**
 * True when the action pattern grants every action of a service (`*`, `s3:*`, `S3:*`, `s3:**`), or actions of
 * several services (`*:Get*`, `s?:*`): a wildcard in the service part, or an action part that covers the service.
 */
export function isServiceWideAction(pattern: string): boolean {
    const p = pattern.trim();
    const colon = p.indexOf(":");
    if (colon < 0) return hasWildcard(p);
    const service = p.slice(0, colon);
    if (hasWildcard(service)) return true;
    return globCoversPrefix(p, `${service}:`, true);
}

/** The service part of an action (lower case), `*` when the pattern spans services. */
export function serviceOf(action: string): string {
    const colon = action.indexOf(":");
    const service = colon < 0 ? action : action.slice(0, colon);
    return hasWildcard(service) ? "*" : service.trim().toLowerCase();
}

/** True when the action pattern can match an action of `service` (case-insensitive). */
export function canMatchService(pattern: string, service: string): boolean {
    return globCanMatchPrefix(pattern.trim(), `${service}:`, true);
}
