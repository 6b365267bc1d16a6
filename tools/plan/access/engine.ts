/**
 * IAM evaluation for the access proof, on @cloud-copilot/iam-simulate (AGPL-3.0-or-later; a devDependency used by
 * this tool only, see README "Access proof"). The simulator's core engine evaluates identity policies, session
 * policies, resource policies (KMS key policies with their account-trust rule), explicit denies, cross-account rules
 * and S3 Block Public Access. Policies are parsed once and cached by their text.
 *
 * The core engine is called directly rather than through `runSimulation`: that entry point drops context keys it
 * cannot match to the action's documented keys, and it does not match `kms:EncryptionContext:<key>` (so every
 * encryption-context condition would fail), and it re-validates every policy on every request. Here each policy is
 * validated once (`validate*Policy`), and the request context is the one the declaration or the invariant states.
 */
import {
    loadPolicy,
    validateIdentityPolicy,
    validateResourcePolicy,
    validateSessionPolicy,
} from "@cloud-copilot/iam-policy";
import { getDenialReasons, type RequestAnalysis } from "@cloud-copilot/iam-simulate";
import * as path from "node:path";
import type { AccessContext } from "../../../model/access";

// The core engine and its request types are not in the package's `exports`: load them from its own directory.
const simulateDir = path.dirname(require.resolve("@cloud-copilot/iam-simulate"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require(path.join(simulateDir, "core_engine", "CoreSimulatorEngine.js")) as {
    authorize(request: unknown): RequestAnalysis;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RequestContextImpl } = require(path.join(simulateDir, "requestContext.js")) as {
    RequestContextImpl: new (values: AccessContext) => unknown;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AwsRequestImpl } = require(path.join(simulateDir, "request", "request.js")) as {
    AwsRequestImpl: new (
        principal: unknown,
        resource: { resource: string; accountId: string },
        action: string,
        ctx: unknown,
    ) => unknown;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DiscoveryContextKeyConstraints } = require(
    path.join(simulateDir, "context_keys", "discoveryContextKeyConstraints.js"),
) as { DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { anonymousPrincipal } = require("@cloud-copilot/iam-simulate") as { anonymousPrincipal: unknown };

// The policy library compares operator names and keys case-insensitively with `localeCompare` (ICU), several times
// per condition and request: most of the evaluation time. For printable ASCII strings (every IAM operator, key and ARN part
// compared there) lower-casing gives the same answer much faster; other strings keep the original comparison.
{
    const policyUtils = require(path.join(path.dirname(require.resolve("@cloud-copilot/iam-policy")), "utils.js")) as {
        caseInsensitiveEquals(a: string, b: string): boolean;
        caseInsensitiveEndsWith(value: string, suffix: string): boolean;
    };
    const original = policyUtils.caseInsensitiveEquals;
    const ascii = /^[ -~]*$/;
    const equals = (a: string, b: string) =>
        ascii.test(a) && ascii.test(b) ? a.length === b.length && a.toLowerCase() === b.toLowerCase() : original(a, b);
    policyUtils.caseInsensitiveEquals = equals;
    policyUtils.caseInsensitiveEndsWith = (value: string, suffix: string) =>
        equals(value.slice(-suffix.length), suffix);
}

export type PolicyKind = "identity" | "resource" | "session";

/** A policy document as planned: its text, where it comes from, and how it parsed. */
export interface LoadedPolicy {
    name: string;
    text: string;
    /** The parsed policy for the engine (absent when the text is not a valid policy). */
    parsed?: unknown;
    errors: string[];
}

const cache = new Map<string, LoadedPolicy>();

/** Parses and validates a policy document once per (kind, name, text). */
export function loadPolicyText(kind: PolicyKind, name: string, text: string): LoadedPolicy {
    const key = `${kind}\u0000${name}\u0000${text}`;
    const hit = cache.get(key);
    if (hit) return hit;
    let loaded: LoadedPolicy;
    try {
        const json = JSON.parse(text);
        const validate =
            kind === "identity"
                ? validateIdentityPolicy
                : kind === "session"
                  ? validateSessionPolicy
                  : validateResourcePolicy;
        const errors = validate(json).map((e) => `${e.path}: ${e.message}`);
        loaded = { name, text, errors, ...(errors.length === 0 ? { parsed: loadPolicy(json, { name }) } : {}) };
    } catch (err) {
        loaded = { name, text, errors: [`not JSON: ${err instanceof Error ? err.message : String(err)}`] };
    }
    if (cache.size > 50_000) cache.clear();
    cache.set(key, loaded);
    return loaded;
}

/** What denied a request (the policy kinds whose missing Allow or whose Deny decided it). */
export type DeniedBy = "identity" | "resource" | "key" | "session" | "explicit-deny" | "bpa" | "scp" | "rcp";

export interface Decision {
    allowed: boolean;
    /** Why not (empty when allowed). */
    deniedBy: DeniedBy[];
    /** Explicit denies: `<policy>#<sid or statement number>`. */
    denyStatements: string[];
}

export interface EvalRequest {
    /** Role ARN, service principal, or `anonymous`. */
    principal: string;
    action: string;
    resource: string;
    resourceAccount: string;
    context: AccessContext;
    identityPolicies: LoadedPolicy[];
    sessionPolicy?: LoadedPolicy;
    resourcePolicy?: LoadedPolicy;
    /** Whether the resource policy is a KMS key policy (reported as `key`). */
    keyPolicy?: boolean;
    /** S3 Block Public Access `RestrictPublicBuckets` of the bucket (or its account). */
    restrictPublicBuckets?: boolean;
}

const discovery = new DiscoveryContextKeyConstraints([]);

/** Evaluates one request with the simulator's core engine. */
export function evaluate(req: EvalRequest): Decision {
    const request = new AwsRequestImpl(
        req.principal === "anonymous" ? anonymousPrincipal : req.principal,
        { resource: req.resource, accountId: req.resourceAccount },
        req.action,
        new RequestContextImpl(req.context),
    );
    const analysis = core.authorize({
        request,
        sessionPolicy: req.sessionPolicy?.parsed,
        identityPolicies: req.identityPolicies.filter((p) => p.parsed).map((p) => p.parsed),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: req.resourcePolicy?.parsed,
        permissionBoundaries: undefined,
        vpcEndpointPolicies: undefined,
        simulationParameters: { simulationMode: "Strict", discoveryContextKeyConstraints: discovery },
        serviceSettings: { s3: { blockPublicAccess: req.restrictPublicBuckets } },
    });
    if (analysis.result === "Allowed") return { allowed: true, deniedBy: [], denyStatements: [] };
    const deniedBy = new Set<DeniedBy>();
    const denyStatements: string[] = [];
    for (const reason of getDenialReasons(analysis)) {
        if (reason.denialType === "Explicit") {
            deniedBy.add("explicit-deny");
            const where =
                reason.policyType === "resource"
                    ? (req.resourcePolicy?.name ?? "resource policy")
                    : (reason.policyIdentifier ?? reason.policyType);
            denyStatements.push(`${where}#${reason.statementId ?? reason.statementIndex}`);
        } else if (reason.policyType === "s3-bpa") deniedBy.add("bpa");
        else if (reason.policyType === "resource") deniedBy.add(req.keyPolicy ? "key" : "resource");
        else if (reason.policyType === "identity") deniedBy.add("identity");
        else if (reason.policyType === "scp" || reason.policyType === "rcp") deniedBy.add(reason.policyType);
        else deniedBy.add("session");
    }
    const extra = analysis as RequestAnalysis & { blockedBy?: string[] };
    if ((extra.blockedBy ?? []).includes("s3-bpa")) deniedBy.add("bpa");
    if (analysis.sessionAnalysis) {
        if (analysis.sessionAnalysis.result === "ExplicitlyDenied") deniedBy.add("explicit-deny");
        else if (analysis.sessionAnalysis.result !== "Allowed") deniedBy.add("session");
    }
    if (deniedBy.size === 0) deniedBy.add(req.keyPolicy ? "key" : "identity");
    return { allowed: false, deniedBy: [...deniedBy], denyStatements };
}
