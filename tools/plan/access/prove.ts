/**
 * The access proof: every declared required access evaluated end to end (identity, session, resource and key
 * policies, explicit denies, cross-account rules, Block Public Access), the forbidden accesses as invariants, and an
 * access matrix. Evaluation by @cloud-copilot/iam-simulate (engine.ts); the plan's resources by collect.ts.
 */
import { performance } from "node:perf_hooks";
import { type AccessContext, exampleObjectArn, type RequiredAccess } from "../../../model/access";
import { domainEventSource } from "../../../model/names";
import { SERVICE_TRUST } from "../../../model/service-trust";
import type { PlanResult } from "../harness";
import { type AccessModel, arnAccount, collectAccessModel, type ResourceInfo, resourceFor } from "./collect";
import { type Decision, type DeniedBy, evaluate, type LoadedPolicy, loadPolicyText } from "./engine";
import { type LfMatrixRow, proveLakeFormation } from "./lake-formation";

/** A stand-in for "any account outside the stack" (an id no stack uses is chosen at run time). */
const OUTSIDER_CANDIDATES = ["999999999999", "999999999998", "123456789012"];
/** The identity policy of an account's administrator (the worst case for what its own IAM allows). */
const ADMIN_POLICY = loadPolicyText(
    "identity",
    "any identity policy",
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
);

export interface RequestVerdict {
    action: string;
    resource: string;
    allowed: boolean;
    deniedBy: DeniedBy[];
    denyStatements: string[];
    /** Why the request could not be evaluated. */
    unknown?: string;
    /** The resource is not in this plan (another stack's): only the principal's side was evaluated. */
    outside?: boolean;
}

export interface RequiredVerdict {
    id: string;
    component: string;
    principal: string;
    doc: string;
    why: string;
    /** `unverified`: allowed as far as this plan goes, but a resource is in another stack (its policy is unknown). */
    verdict: "allowed" | "denied" | "unknown" | "unverified";
    requests: RequestVerdict[];
}

export interface InvariantVerdict {
    id: string;
    title: string;
    verdict: "holds" | "broken" | "not-modelled";
    /** Requests evaluated. */
    checked: number;
    violations: string[];
    notes: string[];
}

export interface MatrixCell {
    resource: string;
    kind: string;
    /** r read, w write, d decrypt, a admin (policy, delete). */
    letters: string;
    /** S3: prefixes by letter, e.g. `{r: ["sftp/"], w: ["streams/"]}`. */
    prefixes?: Record<string, string[]>;
}

export interface MatrixRow {
    principal: string;
    account: string;
    cells: MatrixCell[];
}

export interface AccessReport {
    accounts: string[];
    outsider: string;
    required: RequiredVerdict[];
    invariants: InvariantVerdict[];
    matrix: MatrixRow[];
    /** Lake Formation: principal × catalog table (s select, d describe...), see lake-formation.ts. */
    lakeFormation: LfMatrixRow[];
    notModelled: string[];
    unknowns: string[];
    issues: string[];
    evaluations: number;
    durationMs: number;
}

/** Evaluates requests against the model, caching decisions. */
export class AccessEvaluator {
    public evaluations = 0;
    private readonly index = new Map<string, ResourceInfo>();
    private readonly decisions = new Map<string, RequestVerdict>();

    constructor(public readonly model: AccessModel) {
        for (const r of model.resources) this.index.set(r.arn, r);
    }

    resource(arn: string): ResourceInfo | undefined {
        return resourceFor(this.model, this.index, arn);
    }

    private readonly identityCache = new Map<string, { any: boolean; patterns: RegExp[]; account?: string }>();
    private readonly grantCache = new Map<LoadedPolicy, { any: boolean; names: Set<string> }>();

    /** What a principal's identity policies could reach: their Allow statements' resources. */
    private identityReach(principal: string): { any: boolean; patterns: RegExp[]; account?: string } {
        let hit = this.identityCache.get(principal);
        if (hit) return hit;
        if (principal.startsWith("account:")) hit = { any: true, patterns: [], account: principal.slice(8) };
        else {
            const role = this.model.principals.get(this.model.transferUsers.get(principal)?.roleArn ?? principal);
            hit = { any: false, patterns: [], account: role?.account };
            for (const pol of role?.identity ?? [])
                for (const st of statementsOf(pol.text)) {
                    if (st.Effect !== "Allow") continue;
                    if ((st as { NotResource?: unknown }).NotResource !== undefined) hit.any = true;
                    for (const r of list(st.Resource as string | string[])) {
                        if (r === "*") hit.any = true;
                        else hit.patterns.push(arnPattern(r));
                    }
                }
        }
        this.identityCache.set(principal, hit);
        return hit;
    }

    /** Who a resource policy's Allow statements name (ARNs, account ids, services; `any` for `*` or NotPrincipal). */
    private grants(policy: LoadedPolicy): { any: boolean; names: Set<string> } {
        let hit = this.grantCache.get(policy);
        if (hit) return hit;
        hit = { any: false, names: new Set() };
        for (const st of statementsOf(policy.text)) {
            if (st.Effect !== "Allow") continue;
            if ((st as { NotPrincipal?: unknown }).NotPrincipal !== undefined || st.Principal === "*") hit.any = true;
            const p = st.Principal as Record<string, string | string[]> | undefined;
            for (const v of [...list(p?.AWS), ...list(p?.Service), ...list(p?.Federated), ...list(p?.CanonicalUser)]) {
                if (v === "*") hit.any = true;
                hit.names.add(v);
                const account = arnAccount(v) ?? (/^\d{12}$/.test(v) ? v : undefined);
                if (account && (v === account || v.endsWith(":root"))) hit.names.add(`account:${account}`);
            }
        }
        this.grantCache.set(policy, hit);
        return hit;
    }

    /** Whether the resource's policy names the principal (its ARN, its account or everyone). */
    names(principal: string, target: ResourceInfo): boolean {
        if (!target.policy) return false;
        const grants = this.grants(target.policy);
        const roleArn = this.model.transferUsers.get(principal)?.roleArn ?? principal;
        const account = principal.startsWith("account:")
            ? principal.slice(8)
            : this.model.principals.get(roleArn)?.account;
        return (
            grants.any || grants.names.has(roleArn) || (account !== undefined && grants.names.has(`account:${account}`))
        );
    }

    /**
     * Whether any Allow statement could grant the request: a sound pre-check (no statement's resource or principal can
     * match means an implicit deny), so the invariants evaluate only requests some statement might allow. The engine
     * decides every request that passes.
     */
    couldAllow(principal: string, resourceArn: string): boolean {
        const target = this.resource(resourceArn);
        if (!target) return true;
        const policy =
            target.policy ??
            (target.kind === "key" ? defaultKeyPolicy(this.model.partition, target.account) : undefined);
        const grants = policy ? this.grants(policy) : { any: false, names: new Set<string>() };
        const isRole = principal.startsWith("arn:");
        const identity = isRole || principal.startsWith("account:") ? this.identityReach(principal) : undefined;
        const roleArn = this.model.transferUsers.get(principal)?.roleArn ?? principal;
        const named =
            grants.any ||
            grants.names.has(roleArn) ||
            (identity?.account !== undefined && grants.names.has(`account:${identity.account}`)) ||
            (!identity && grants.names.has(principal));
        if (!identity) return named;
        const reach = identity.any || identity.patterns.some((re) => re.test(resourceArn));
        const resourceAccount = arnAccount(resourceArn) ?? target.account;
        if (identity.account !== resourceAccount) return reach && named;
        return reach || named;
    }

    /**
     * One request. `principal`: a role ARN of the plan, a Transfer user ARN, a service principal, `anonymous`, or
     * `account:<id>` (an administrator of that account: any identity policy).
     */
    decide(
        principal: string,
        action: string,
        resourceArn: string,
        context: AccessContext = {},
        external = false,
    ): RequestVerdict {
        const key = `${principal}|${action}|${resourceArn}|${JSON.stringify(context)}|${external}`;
        const hit = this.decisions.get(key);
        if (hit) return hit;
        const verdict = this.run(principal, action, resourceArn, context, external);
        this.decisions.set(key, verdict);
        return verdict;
    }

    private run(
        principal: string,
        action: string,
        resourceArn: string,
        context: AccessContext,
        external: boolean,
    ): RequestVerdict {
        const base = { action, resource: resourceArn };
        const target = external ? undefined : this.resource(resourceArn);
        // An external resource (AWS's or a third party's): only the principal's side is evaluated, as if the
        // resource were in the principal's account with no resource policy.
        const principalHome = this.model.principals.get(
            this.model.transferUsers.get(principal)?.roleArn ?? principal,
        )?.account;
        // A resource of another stack (e.g. the platform's hub seen from a domain's own project): its policy is
        // unknown, so only the principal's side is evaluated and the verdict says so.
        const outside = !external && resourceArn !== "*" && !target;
        if (outside && !principalHome)
            return { ...base, allowed: true, deniedBy: [], denyStatements: [], outside: true };
        const resourceAccount =
            external || outside || resourceArn === "*" ? principalHome : (arnAccount(resourceArn) ?? target?.account);
        if (!resourceAccount)
            return { ...base, allowed: false, deniedBy: [], denyStatements: [], unknown: "resource not in the plan" };
        let principalArn = principal;
        let identity: LoadedPolicy[] = [];
        let session: LoadedPolicy | undefined;
        let principalAccount: string | undefined;
        const transfer = this.model.transferUsers.get(principal);
        const unknownDecision = (unknown: string) => ({
            ...base,
            allowed: false,
            deniedBy: [],
            denyStatements: [],
            unknown,
        });
        if (principal.startsWith("account:")) {
            principalAccount = principal.slice("account:".length);
            principalArn = `arn:${this.model.partition}:iam::${principalAccount}:role/access-proof-any-principal`;
            identity = [ADMIN_POLICY];
        } else if (transfer) {
            const role = this.model.principals.get(transfer.roleArn);
            if (!role) return unknownDecision(`role ${transfer.roleArn} not in the plan`);
            principalArn = role.arn;
            identity = role.identity;
            session = transfer.session;
            principalAccount = role.account;
        } else if (principal.startsWith("arn:")) {
            const role = this.model.principals.get(principal);
            if (!role) return unknownDecision(`principal ${principal} not in the plan`);
            identity = role.identity;
            principalAccount = role.account;
        }
        const ctx: AccessContext = { "aws:SecureTransport": "true", "aws:ResourceAccount": resourceAccount };
        if (principalAccount) {
            ctx["aws:PrincipalAccount"] = principalAccount;
            ctx["aws:PrincipalArn"] = principalArn;
        }
        Object.assign(ctx, context);
        let resourcePolicy = target?.policy;
        const isKey = target?.kind === "key" || (outside && /^arn:[^:]+:kms:/.test(resourceArn));
        // A key without a planned policy has the default one (its account's IAM decides); so, for the principal's
        // side, has a key of another stack.
        if (isKey && !resourcePolicy)
            resourcePolicy = defaultKeyPolicy(this.model.partition, target?.account ?? resourceAccount);
        if (target?.kind === "role" && action !== "sts:AssumeRole") resourcePolicy = undefined;
        this.evaluations++;
        const decision: Decision = evaluate({
            principal: principalArn,
            action,
            resource: resourceArn,
            resourceAccount,
            context: ctx,
            identityPolicies: identity,
            sessionPolicy: session,
            resourcePolicy,
            keyPolicy: isKey,
            restrictPublicBuckets: target?.kind === "bucket" ? target.restrictPublicBuckets === true : undefined,
        });
        return { ...base, ...decision, ...(outside ? { outside: true } : {}) };
    }
}

function defaultKeyPolicy(partition: string, account: string): LoadedPolicy {
    return loadPolicyText(
        "resource",
        "default key policy",
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
            ],
        }),
    );
}

/** Evaluates every declared required access. */
export function proveRequired(ev: AccessEvaluator): RequiredVerdict[] {
    return ev.model.declarations.map((d) => {
        const home = (p: string) =>
            ev.model.principals.get(ev.model.transferUsers.get(p)?.roleArn ?? p)?.account ?? arnAccount(p);
        const requests = d.requests
            .filter((req) => {
                if (!req.crossAccountOnly) return true;
                const target = ev.resource(req.resource);
                return (arnAccount(req.resource) ?? target?.account) !== home(d.principal);
            })
            .flatMap((req) =>
                req.actions.map((action) =>
                    ev.decide(d.principal, action, req.resource, req.context ?? {}, req.external !== undefined),
                ),
            );
        const verdict = requests.some((r) => !r.allowed && !r.unknown)
            ? "denied"
            : requests.some((r) => r.unknown)
              ? "unknown"
              : requests.some((r) => r.outside)
                ? "unverified"
                : "allowed";
        return { id: d.id, component: d.component, principal: d.principal, doc: d.doc, why: d.why, verdict, requests };
    });
}

const describe = (v: RequestVerdict, who: string) =>
    `${who} ${v.action} ${v.resource}${v.unknown ? ` (unknown: ${v.unknown})` : ""}`;

interface Probe {
    who: string;
    principal: string;
    action: string;
    resource: string;
    context?: AccessContext;
}

function invariant(
    ev: AccessEvaluator,
    id: string,
    title: string,
    probes: Probe[],
    notes: string[] = [],
    /** Probes that break the invariant only together (e.g. object read and key decrypt). */
    combine?: (allowed: Probe[]) => string[],
): InvariantVerdict {
    const allowed: Probe[] = [];
    for (const p of probes) {
        if (!ev.couldAllow(p.principal, p.resource)) continue;
        const v = ev.decide(p.principal, p.action, p.resource, p.context ?? {});
        if (v.allowed) allowed.push(p);
    }
    const violations = combine
        ? combine(allowed)
        : allowed.map((p) => describe({ ...ev.decide(p.principal, p.action, p.resource, p.context ?? {}) }, p.who));
    return {
        id,
        title,
        verdict: violations.length > 0 ? "broken" : "holds",
        checked: probes.length,
        violations,
        notes,
    };
}

/** An event source no domain uses: a grant that does not pin `events:source` (or negates it) admits it. */
const FOREIGN_DOMAIN = "access-proof-foreign";
const FOREIGN_SOURCE = domainEventSource(FOREIGN_DOMAIN);

/**
 * The `events:source` values (patterns made concrete) that the bus policy's statements naming the writer, and the
 * writer's own identity statements, mention: the sources a probe must try besides the foreign one.
 */
function eventSourceValues(ev: AccessEvaluator, bus: ResourceInfo, writer: string): string[] {
    const values: string[] = [];
    const collect = (st: Statement) => {
        for (const block of Object.values(st.Condition ?? {}))
            for (const [key, v] of Object.entries(block))
                if (key.toLowerCase() === "events:source")
                    for (const value of list(v as string | string[])) values.push(String(value).replace(/[*?]/g, "x"));
    };
    const role = ev.model.principals.get(writer);
    for (const pol of role?.identity ?? []) for (const st of statementsOf(pol.text)) collect(st);
    if (bus.policy) {
        const account = writer.startsWith("account:") ? writer.slice(8) : role?.account;
        for (const st of statementsOf(bus.policy.text)) {
            const p = st.Principal as Record<string, string | string[]> | string | undefined;
            const named =
                p === "*" ||
                list(typeof p === "object" ? p.AWS : undefined).some(
                    (a) =>
                        a === "*" ||
                        a === writer ||
                        (account !== undefined && (a === account || a.includes(`::${account}:`))),
                );
            if (named) collect(st);
        }
    }
    return values;
}

/** Representative requests per kind of resource, by letter. */
const KIND_ACTIONS: Record<string, Partial<Record<"r" | "w" | "d" | "a", string[]>>> = {
    bucket: {
        r: ["s3:GetObject"],
        w: ["s3:PutObject"],
        a: ["s3:PutBucketPolicy", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock"],
    },
    key: {
        d: ["kms:Decrypt"],
        w: ["kms:GenerateDataKey"],
        a: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"],
    },
    table: {
        r: ["dynamodb:GetItem", "dynamodb:Scan"],
        w: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
        a: ["dynamodb:DeleteTable", "dynamodb:PutResourcePolicy"],
    },
    stream: {
        r: ["kinesis:GetRecords"],
        w: ["kinesis:PutRecord"],
        a: ["kinesis:DeleteStream", "kinesis:PutResourcePolicy"],
    },
    bus: { w: ["events:PutEvents"], a: ["events:PutPermission", "events:DeleteEventBus"] },
    queue: { r: ["sqs:ReceiveMessage"], w: ["sqs:SendMessage"], a: ["sqs:SetQueueAttributes", "sqs:DeleteQueue"] },
    topic: { r: ["sns:Subscribe"], w: ["sns:Publish"], a: ["sns:SetTopicAttributes", "sns:DeleteTopic"] },
    secret: {
        r: ["secretsmanager:GetSecretValue"],
        a: ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret"],
    },
    function: { w: ["lambda:InvokeFunction"], a: ["lambda:AddPermission", "lambda:DeleteFunction"] },
    api: { w: ["execute-api:Invoke"] },
    role: { w: ["sts:AssumeRole"] },
};

const DATA_STORES = new Set(["bucket", "key", "table", "stream"]);

/** The ARN a probe of `kind` uses (S3: an object under `prefix` for object actions, the bucket otherwise). */
function probeArn(r: ResourceInfo, action: string, prefix = "access-proof-outside/"): string {
    if (r.kind === "bucket" && /^s3:(Get|Put|Delete)Object/.test(action)) return exampleObjectArn(r.arn, prefix);
    return r.arn;
}

/** S3 prefixes a bucket's policies and the declarations mention (for the matrix and the zone invariants). */
function bucketPrefixes(ev: AccessEvaluator, bucket: ResourceInfo): string[] {
    const prefixes = new Set<string>([""]);
    const consider = (arn: unknown) => {
        if (typeof arn !== "string" || !arn.startsWith(`${bucket.arn}/`)) return;
        const rest = arn.slice(bucket.arn.length + 1);
        const cut = rest.search(/[*?$]/);
        const p = cut < 0 ? rest.slice(0, rest.lastIndexOf("/") + 1) : rest.slice(0, cut);
        prefixes.add(p.slice(0, p.lastIndexOf("/") + 1));
    };
    const fromPolicy = (text?: string) => {
        if (!text) return;
        for (const s of statementsOf(text)) for (const r of list(s.Resource)) consider(r);
    };
    fromPolicy(bucket.policy?.text);
    for (const p of ev.model.principals.values()) for (const pol of p.identity) fromPolicy(pol.text);
    for (const u of ev.model.transferUsers.values()) fromPolicy(u.session?.text);
    for (const d of ev.model.declarations) for (const r of d.requests) consider(r.resource);
    return [...prefixes].sort();
}

/** The folder of an S3 object ARN pattern of `bucket` (`a/b/*` → `a/b/`), or undefined for another bucket. */
function folderOf(bucket: ResourceInfo, arn: unknown): string | undefined {
    if (typeof arn !== "string" || !arn.startsWith(`${bucket.arn}/`)) return undefined;
    const rest = arn.slice(bucket.arn.length + 1);
    const cut = rest.search(/[*?$]/);
    const p = cut < 0 ? rest.slice(0, rest.lastIndexOf("/") + 1) : rest.slice(0, cut);
    return p.slice(0, p.lastIndexOf("/") + 1);
}

/** Whether a statement's principal names the principal (its ARN, its account, everyone). */
function statementNames(st: Statement, principal: string, account: string | undefined): boolean {
    const p = st.Principal as Record<string, string | string[]> | string | undefined;
    if (p === "*" || (st as { NotPrincipal?: unknown }).NotPrincipal !== undefined) return true;
    if (typeof p !== "object") return false;
    return list(p.AWS).some(
        (a) =>
            a === "*" || a === principal || (account !== undefined && (a === account || a.includes(`::${account}:`))),
    );
}

/**
 * The S3 folders of `bucket` that the principal's own statements and the bucket-policy statements naming it
 * mention, with the root and a folder no statement names: the only prefixes where another account's principal
 * can differ (every other prefix behaves as the unnamed one).
 */
function bucketPrefixesFor(ev: AccessEvaluator, bucket: ResourceInfo, principal: string): string[] {
    const out = new Set<string>(["", "access-proof-outside/"]);
    const add = (arn: unknown) => {
        const f = folderOf(bucket, arn);
        if (f !== undefined) out.add(f);
    };
    const roleArn = ev.model.transferUsers.get(principal)?.roleArn ?? principal;
    const role = ev.model.principals.get(roleArn);
    const account = principal.startsWith("account:") ? principal.slice(8) : role?.account;
    for (const pol of [...(role?.identity ?? []), ev.model.transferUsers.get(principal)?.session])
        if (pol) for (const st of statementsOf(pol.text)) for (const r of list(st.Resource)) add(r);
    if (bucket.policy)
        for (const st of statementsOf(bucket.policy.text))
            if (statementNames(st, roleArn, account)) for (const r of list(st.Resource)) add(r);
    return [...out].sort();
}

interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: unknown;
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}
const statementCache = new Map<string, Statement[]>();
/** The statements of a policy document (parsed once; used to enumerate probes, never to decide). */
function statementsOf(text: string): Statement[] {
    let hit = statementCache.get(text);
    if (!hit) {
        try {
            const doc = JSON.parse(text) as { Statement?: Statement | Statement[] };
            hit = list(doc.Statement) as Statement[];
        } catch {
            hit = [];
        }
        statementCache.set(text, hit);
    }
    return hit;
}
function list<T>(v: T | T[] | undefined): T[] {
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Principals of the plan (roles, Transfer users) and the stack's accounts as "any principal of the account". */
function planPrincipals(ev: AccessEvaluator): Array<{ id: string; account: string; label: string }> {
    const out: Array<{ id: string; account: string; label: string }> = [];
    for (const p of ev.model.principals.values()) out.push({ id: p.arn, account: p.account, label: p.name });
    for (const u of ev.model.transferUsers.values()) {
        const role = ev.model.principals.get(u.roleArn);
        out.push({ id: u.arn, account: role?.account ?? "", label: `transfer user ${u.arn.split("/").pop()}` });
    }
    return out;
}

function accountsWithRole(model: AccessModel, role: string): string[] {
    return [...model.accountRoles.entries()].filter(([, roles]) => roles.has(role)).map(([a]) => a);
}

function domainsOf(model: AccessModel): Map<string, string> {
    const domains = new Map<string, string>();
    for (const [account, roles] of model.accountRoles)
        for (const r of roles) if (r.startsWith("domain:")) domains.set(r.slice(7), account);
    return domains;
}

/** The forbidden accesses. */
export function proveInvariants(ev: AccessEvaluator, outsider: string): InvariantVerdict[] {
    const m = ev.model;
    const results: InvariantVerdict[] = [];
    const principals = planPrincipals(ev);
    const governance = new Set(accountsWithRole(m, "governance"));
    const hub = new Set(accountsWithRole(m, "hub"));
    const s3Via = `s3.${m.region}.${m.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;

    // 1. Nobody outside the stack's accounts, and no unsigned request.
    {
        const probes: Probe[] = [];
        for (const r of m.resources) {
            const actions = Object.values(KIND_ACTIONS[r.kind] ?? {}).flat();
            for (const who of [`account:${outsider}`, "anonymous"]) {
                for (const action of actions) {
                    if (who === "anonymous" && r.kind === "key" && action !== "kms:Decrypt") continue;
                    probes.push({
                        who: who === "anonymous" ? "anonymous" : `account ${outsider}`,
                        principal: who,
                        action,
                        resource: probeArn(r, action),
                    });
                    if (r.kind === "key" && (action === "kms:Decrypt" || action === "kms:GenerateDataKey")) {
                        for (const b of m.resources.filter((x) => x.kind === "bucket" && x.keyArn === r.arn))
                            probes.push({
                                who: `${who} via S3 ${b.name}`,
                                principal: who,
                                action,
                                resource: r.arn,
                                context: { "kms:ViaService": s3Via, "kms:EncryptionContext:aws:s3:arn": b.arn },
                            });
                    }
                }
            }
        }
        results.push(
            invariant(
                ev,
                "no-outside-access",
                `No access for accounts outside the stack (${outsider} stands for any) or unsigned requests`,
                probes,
            ),
        );
    }

    // 2. Only the governance account reads the raw and processed zones (object read plus decrypt).
    {
        const zones = m.resources.filter((r) => r.kind === "bucket" && (r.zone === "raw" || r.zone === "processed"));
        const probes: Probe[] = [];
        // A Transfer Family role is only used through its users' sessions (each narrowed by its session policy):
        // the users are the readers, not the bare role.
        const transferRoles = new Set([...m.transferUsers.values()].map((u) => u.roleArn));
        // Reads a component declares as required (the principal, on its own prefix) are intended: listed in notes.
        const declaredReads = new Set<string>();
        const notes2: string[] = [];
        for (const d of m.declarations)
            for (const r of d.requests)
                if (r.actions.includes("s3:GetObject")) {
                    const bucket = ev.resource(r.resource);
                    const folder = bucket ? folderOf(bucket, r.resource) : undefined;
                    if (bucket && folder !== undefined && (bucket.zone === "raw" || bucket.zone === "processed")) {
                        declaredReads.add(`${d.principal}|${bucket.name}|${folder}`);
                        notes2.push(`${d.id}: declared read of ${bucket.name}/${folder} by its principal`);
                    }
                }
        const candidates = [
            ...principals.filter((p) => !transferRoles.has(p.id)),
            ...m.accounts.map((a) => ({ id: `account:${a}`, account: a, label: `account ${a}` })),
        ];
        for (const z of zones) {
            const key = z.keyArn ? ev.resource(z.keyArn) : undefined;
            // The zone's owners: the governance account; in a plan without one (a program of its own, such as a
            // single-account lake), the account the zone is in.
            const owners = governance.size > 0 ? governance : new Set([z.account]);
            // Another account reads only if the bucket's or the key's policy names it (else: implicitly denied).
            const zoneReaders = candidates.filter(
                (p) =>
                    !owners.has(p.account) &&
                    (p.account === z.account || ev.names(p.id, z) || (key !== undefined && ev.names(p.id, key))),
            );
            const all = bucketPrefixes(ev, z);
            for (const p of zoneReaders) {
                for (const prefix of p.account === z.account ? all : bucketPrefixesFor(ev, z, p.id)) {
                    if (declaredReads.has(`${p.id}|${z.name}|${prefix}`)) continue;
                    probes.push({
                        who: `${p.label}|${z.name}|${prefix}`,
                        principal: p.id,
                        action: "s3:GetObject",
                        resource: exampleObjectArn(z.arn, prefix),
                    });
                    if (z.keyArn)
                        probes.push({
                            who: `${p.label}|${z.name}|${prefix}`,
                            principal: p.id,
                            action: "kms:Decrypt",
                            resource: z.keyArn,
                            context: { "kms:ViaService": s3Via, "kms:EncryptionContext:aws:s3:arn": z.arn },
                        });
                }
            }
        }
        results.push(
            invariant(
                ev,
                "zones-read-by-governance-only",
                "No principal outside the governance account reads the raw or processed zone (object read and decrypt)",
                probes,
                governance.size === 0
                    ? ["no governance account in this plan: each zone's own account is its owner", ...notes2]
                    : notes2,
                (allowed) => {
                    const byWho = new Map<string, Set<string>>();
                    for (const p of allowed) byWho.set(p.who, (byWho.get(p.who) ?? new Set()).add(p.action));
                    return [...byWho.entries()]
                        .filter(([, acts]) => acts.has("s3:GetObject") && acts.has("kms:Decrypt"))
                        .map(([who]) => {
                            const [label, zone, prefix] = who.split("|");
                            return `${label} reads ${zone}/${prefix}`;
                        });
                },
            ),
        );
    }

    // 3. No domain writes another domain's data, by any route.
    {
        const domains = domainsOf(m);
        const probes: Probe[] = [];
        const notes: string[] = [];
        const zones = m.resources.filter((r) => r.kind === "bucket" && (r.zone === "raw" || r.zone === "processed"));
        const buses = m.resources.filter((r) => r.kind === "bus");
        const tablesByDomain = new Map<string, ResourceInfo[]>();
        for (const t of m.resources)
            if (t.kind === "table" && t.domain)
                tablesByDomain.set(t.domain, [...(tablesByDomain.get(t.domain) ?? []), t]);
        const domainsPerAccount = new Map<string, number>();
        for (const account of domains.values())
            domainsPerAccount.set(account, (domainsPerAccount.get(account) ?? 0) + 1);
        for (const [d, account] of domains) {
            // Any principal of the domain's account, when the account is the domain's alone; else its roles.
            const shared = (domainsPerAccount.get(account) ?? 0) > 1 || governance.has(account) || hub.has(account);
            const writers = [...m.principals.values()]
                .filter((p) => p.domain === d || (!shared && p.domain === undefined && p.account === account))
                .map((p) => ({ id: p.arn, label: p.name }));
            if (shared)
                notes.push(
                    `domain ${d} shares account ${account}: its isolation rests on its roles; the account's administrators reach every domain there`,
                );
            else writers.unshift({ id: `account:${account}`, label: `domain ${d} (any principal)` });
            const own = domainEventSource(d);
            for (const w of writers) {
                // Other domains' tables: only those a policy could open to this writer (same account, or a table
                // resource policy); cross-account without one is denied.
                for (const [e, other] of domains) {
                    if (e === d) continue;
                    for (const t of tablesByDomain.get(e) ?? []) {
                        if (other !== account && !t.policy) continue;
                        for (const action of ["dynamodb:PutItem", "dynamodb:DeleteItem"])
                            probes.push({ who: w.label, principal: w.id, action, resource: t.arn });
                    }
                }
                // Events with a source other than its own: a source no domain uses (any unpinned or negated grant
                // admits it), and every literal or pattern the bus policy and the writer's own policies name.
                for (const bus of buses) {
                    const sources = new Set([FOREIGN_SOURCE, ...eventSourceValues(ev, bus, w.id)]);
                    sources.delete(own);
                    for (const source of sources)
                        probes.push({
                            who: `${w.label} as source ${source}`,
                            principal: w.id,
                            action: "events:PutEvents",
                            resource: bus.arn,
                            context: { "events:source": source },
                        });
                }
                // Other domains' prefixes of the raw and processed zones, in zones whose policy names the writer.
                for (const z of zones) {
                    if (!ev.couldAllow(w.id, z.arn) && !ev.couldAllow(w.id, `${z.arn}/x`) && !ev.names(w.id, z))
                        continue;
                    // A domain no one has, and the other domains whose prefixes a statement naming the writer
                    // mentions (a grant to another domain's prefix names it; an unscoped one admits the foreign one).
                    const mentioned = new Set(bucketPrefixesFor(ev, z, w.id));
                    const others = [...domains.keys()].filter(
                        (e) =>
                            e !== d &&
                            [...mentioned].some(
                                (p) => p.includes(domainEventSource(e)) || p.includes(`/${e}/`) || p.includes(`=${e}/`),
                            ),
                    );
                    for (const e of [FOREIGN_DOMAIN, ...others]) {
                        for (const prefix of [
                            `events/source=${domainEventSource(e)}/`,
                            `streams/source=${domainEventSource(e).replace(/\./g, "-")}/`,
                            `entity-resolution/${e}/`,
                        ])
                            probes.push({
                                who: w.label,
                                principal: w.id,
                                action: "s3:PutObject",
                                resource: exampleObjectArn(z.arn, prefix),
                            });
                    }
                }
            }
        }
        if (m.resources.some((r) => r.kind === "stream") && domains.size > 1)
            notes.push(
                "the shared ingest stream admits every producer account and carries no producer identity that a policy could check: a domain can put records naming another domain's source (not modelled: decided in preprocessing, see README)",
            );
        results.push(
            invariant(
                ev,
                "domain-isolation",
                "No domain writes another domain's data (tables, events with its source, its raw and processed prefixes)",
                probes,
                notes,
            ),
        );
    }

    // 4. The hub account writes only its own prefixes of the raw zone.
    {
        const raw = m.resources.filter((r) => r.kind === "bucket" && r.zone === "raw" && !hub.has(r.account));
        const probes: Probe[] = [];
        for (const account of hub) {
            const writers = [
                { id: `account:${account}`, label: "hub account (any principal)" },
                ...principals.filter((p) => p.account === account).map((p) => ({ id: p.id, label: p.label })),
            ];
            for (const z of raw)
                for (const w of writers)
                    probes.push({
                        who: w.label,
                        principal: w.id,
                        action: "s3:PutObject",
                        resource: exampleObjectArn(z.arn, "access-proof-not-a-hub-prefix/"),
                    });
        }
        results.push(
            invariant(
                ev,
                "hub-writes-own-prefixes",
                "The hub account writes only its own prefixes of the raw zone",
                probes,
            ),
        );
    }

    // 5. Only deployment roles delete or re-policy data stores.
    {
        const probes: Probe[] = [];
        const actors = [
            ...principals,
            ...m.accounts.map((a) => ({ id: `account:${a}`, account: a, label: `account ${a} (any principal)` })),
        ];
        for (const r of m.resources.filter((x) => DATA_STORES.has(x.kind)))
            for (const action of KIND_ACTIONS[r.kind]?.a ?? [])
                for (const p of actors) {
                    // An account's own administrators (its deployment role) manage its stores through IAM.
                    if (p.id.startsWith("account:") && p.account === r.account) continue;
                    // Another account acts only if the store's policy names it (else: implicitly denied).
                    if (p.account !== r.account && !ev.names(p.id, r)) continue;
                    probes.push({ who: p.label, principal: p.id, action, resource: probeArn(r, action) });
                }
        results.push(
            invariant(
                ev,
                "data-store-admin-by-deployers-only",
                "Only deployment roles may delete or re-policy data stores",
                probes,
                [
                    "an account's own administrators (its cdp-deployer role) are outside the plan: SCPs and boundaries that limit them are not modelled",
                ],
            ),
        );
    }

    // 6. Service principals only with their source-account/ARN conditions.
    {
        const probes: Probe[] = [];
        const passRole = new Set<string>();
        for (const r of m.resources) {
            if (!r.policy) continue;
            for (const s of statementsOf(r.policy.text)) {
                if (s.Effect !== "Allow") continue;
                const services = list((s.Principal as { Service?: string | string[] } | undefined)?.Service);
                for (const service of services) {
                    // Roles of services that only assume a role passed to them (iam:PassRole in the role's own
                    // account) have no source to pin: that guard is IAM's, outside the plan.
                    if (r.kind === "role" && SERVICE_TRUST[service]?.guard === "passRole") {
                        passRole.add(service);
                        continue;
                    }
                    for (const action of list(s.Action as string | string[])) {
                        const concrete = action.replace(/\*$/, "");
                        if (concrete.endsWith(":") || concrete.includes("*")) continue;
                        const resources = list(s.Resource as string | string[]).map((x) =>
                            x === "*" ? r.arn : x.replace(/\*/g, "access-proof"),
                        );
                        for (const resource of resources.length ? resources : [r.arn])
                            probes.push({
                                who: `${service} for account ${outsider} on ${r.name}`,
                                principal: service,
                                action: concrete,
                                resource,
                                context: {
                                    "aws:SourceAccount": outsider,
                                    "aws:SourceArn": `arn:${m.partition}:${service.split(".")[0]}:${m.region}:${outsider}:access-proof`,
                                    "aws:SourceOrgID": "o-accessproof",
                                    ...(r.kind === "role" ? { "sts:ExternalId": outsider } : {}),
                                },
                            });
                    }
                }
            }
        }
        results.push(
            invariant(
                ev,
                "service-principals-scoped",
                "Service principals are admitted only for the stack's own resources (aws:SourceAccount / aws:SourceArn)",
                probes,
                passRole.size
                    ? [
                          `roles of ${[...passRole].sort().join(", ")}: assumed only when passed (iam:PassRole in the role's account, SERVICE_TRUST), a guard outside the plan`,
                      ]
                    : [],
            ),
        );
    }

    // 7. Data-plane roles use KMS keys only through the owning service.
    {
        const probes: Probe[] = [];
        const notes: string[] = [];
        const declaredDirect = new Set<string>();
        for (const d of m.declarations)
            for (const r of d.requests)
                if (
                    d.principal.startsWith("arn:") &&
                    r.actions.some((a) => a.startsWith("kms:")) &&
                    !(r.context && "kms:ViaService" in r.context) &&
                    !declaredDirect.has(`${d.principal}|${r.resource}`)
                ) {
                    declaredDirect.add(`${d.principal}|${r.resource}`);
                    notes.push(`${d.id}: declared direct use of ${r.resource}`);
                }
        const keys = m.resources.filter((x) => x.kind === "key");
        for (const p of principals)
            for (const k of keys) {
                if (declaredDirect.has(`${p.id}|${k.arn}`)) continue;
                if (p.account !== k.account && !ev.names(p.id, k)) continue;
                for (const action of ["kms:Decrypt", "kms:GenerateDataKey"])
                    probes.push({ who: p.label, principal: p.id, action, resource: k.arn });
            }
        results.push(
            invariant(
                ev,
                "kms-via-service-only",
                "Data-plane roles use KMS keys only through the owning service (kms:ViaService)",
                probes,
                notes,
            ),
        );
    }

    // 8. What components state their principals must not do (`accessBoundaries`): every request denied.
    {
        const probes: Probe[] = m.boundaries.flatMap((b) =>
            b.requests.flatMap((r) =>
                r.actions.map((action) => ({
                    who: `${b.id}:`,
                    principal: b.principal,
                    action,
                    resource: r.resource,
                    context: r.context,
                })),
            ),
        );
        results.push(
            invariant(
                ev,
                "declared-boundaries",
                "Principals stay inside the boundaries their components state (e.g. each ETL job writes only its own zone)",
                probes,
                [...new Set(m.boundaries.map((b) => `${b.id}: ${b.why}`))],
            ),
        );
    }

    return results;
}

/** Principal × resource: r read, w write, d decrypt, a admin; S3 with the prefixes. */
export function accessMatrix(ev: AccessEvaluator): MatrixRow[] {
    const m = ev.model;
    const rows: MatrixRow[] = [];
    const columns = m.resources.filter(
        (r) => KIND_ACTIONS[r.kind] && r.kind !== "role" && r.kind !== "function" && r.kind !== "api",
    );
    const prefixes = new Map<string, string[]>();
    for (const b of columns.filter((r) => r.kind === "bucket")) prefixes.set(b.arn, bucketPrefixes(ev, b));
    const s3Via = `s3.${m.region}.amazonaws.com`;
    const actors = [
        ...planPrincipals(ev),
        ...m.accounts.map((a) => ({ id: `account:${a}`, account: a, label: `account ${a} (any principal)` })),
    ];
    for (const p of actors) {
        const cells: MatrixCell[] = [];
        for (const r of columns) {
            // An account's administrators have everything IAM gives in their own account: not informative.
            if (p.id.startsWith("account:") && p.account === r.account) continue;
            if (!ev.couldAllow(p.id, r.kind === "bucket" ? `${r.arn}/x` : r.arn) && !ev.couldAllow(p.id, r.arn))
                continue;
            const letters = new Set<string>();
            const byLetter: Record<string, string[]> = {};
            for (const [letter, actions] of Object.entries(KIND_ACTIONS[r.kind] ?? {})) {
                for (const action of actions ?? []) {
                    if (r.kind === "bucket" && (letter === "r" || letter === "w")) {
                        const candidates =
                            p.account === r.account ? (prefixes.get(r.arn) ?? [""]) : bucketPrefixesFor(ev, r, p.id);
                        for (const prefix of candidates) {
                            if (ev.decide(p.id, action, exampleObjectArn(r.arn, prefix)).allowed) {
                                letters.add(letter);
                                byLetter[letter] = [...(byLetter[letter] ?? []), prefix || "/"];
                            }
                        }
                    } else if (ev.decide(p.id, action, r.arn).allowed) letters.add(letter);
                }
            }
            if (r.kind === "bucket" && r.keyArn && letters.has("r")) {
                const d = ev.decide(p.id, "kms:Decrypt", r.keyArn, {
                    "kms:ViaService": s3Via,
                    "kms:EncryptionContext:aws:s3:arn": r.arn,
                });
                if (d.allowed) letters.add("d");
            }
            if (letters.size === 0) continue;
            const order = ["r", "w", "d", "a"].filter((l) => letters.has(l)).join("");
            cells.push({
                resource: r.name,
                kind: r.kind,
                letters: order,
                ...(Object.keys(byLetter).length ? { prefixes: byLetter } : {}),
            });
        }
        if (cells.length > 0) rows.push({ principal: p.label, account: p.account, cells });
    }
    return rows;
}

const patternCache = new Map<string, RegExp>();
function arnPattern(pattern: string): RegExp {
    let re = patternCache.get(pattern);
    if (!re) {
        re = new RegExp(
            `^${pattern
                .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                .replace(/\*/g, ".*")
                .replace(/\?/g, ".")}$`,
        );
        patternCache.set(pattern, re);
    }
    return re;
}

/** The whole proof for a plan. */
export function proveAccess(result: PlanResult, options: { requiredOnly?: boolean } = {}): AccessReport {
    const started = performance.now();
    const model = collectAccessModel(result);
    const outsider = OUTSIDER_CANDIDATES.find((a) => !model.accounts.includes(a)) ?? "999999999997";
    const ev = new AccessEvaluator(model);
    const required = proveRequired(ev);
    const invariants = options.requiredOnly ? [] : proveInvariants(ev, outsider);
    const matrix = options.requiredOnly ? [] : accessMatrix(ev);
    const lakeFormation = options.requiredOnly
        ? undefined
        : proveLakeFormation({
              lakeFormation: model.lakeFormation,
              accountRoles: model.accountRoles,
              roles: new Map([...model.principals.values()].map((p) => [p.arn, { name: p.name, account: p.account }])),
          });
    if (lakeFormation) {
        invariants.push(...lakeFormation.invariants);
        model.notModelled.push(...lakeFormation.notModelled);
    }
    return {
        accounts: model.accounts,
        outsider,
        required,
        invariants,
        matrix,
        lakeFormation: lakeFormation?.matrix ?? [],
        notModelled: [...new Set([...model.notModelled, ...model.lakeFormation.notes])],
        unknowns: model.unknowns,
        issues: model.issues,
        evaluations: ev.evaluations,
        durationMs: performance.now() - started,
    };
}

export type { RequiredAccess };
