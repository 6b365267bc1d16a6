import { maskSecrets, type PlanResult, type PlannedAlias, type PlannedResource } from "./harness";
import { providerTarget, UNPINNED_ACCOUNT } from "./mocks";
import { accessFailures } from "./access/failures";
import type { AccessReport } from "./access/prove";
import type { PolicyReport, Violation } from "./policy";

/** Version of the plan JSON format; bumped only on incompatible changes. */
export const PLAN_FORMAT_VERSION = 1;

/** Where a provider deploys. */
export interface PlanAccount {
    accountId: string;
    region: string;
    /** Role the provider assumes, if any. */
    roleArn?: string;
    /** Provider URNs reaching this account. */
    providers: string[];
}

/** The plan JSON (`--json FILE`): a stable interface, documented in the README. */
export interface PlanDocument {
    formatVersion: number;
    project: string;
    stack: string;
    resources: Array<
        Pick<
            PlannedResource,
            | "urn"
            | "type"
            | "name"
            | "parent"
            | "provider"
            | "inputs"
            | "outputs"
            | "dependencies"
            | "propertyDependencies"
            | "protect"
        > & {
            custom: boolean;
            id: string;
            retainOnDelete: boolean;
            /** Account the resource deploys to (from its provider), empty for components spanning none. */
            account: string;
            /** The `aliases` option (old URNs or specs), when the resource has any. */
            aliases?: PlannedAlias[];
        }
    >;
    outputs: Record<string, unknown>;
    accounts: PlanAccount[];
    warnings: string[];
    errors: string[];
    /** Policy evaluation (absent with --no-policy). */
    policy?: {
        packs: Array<{ name: string; version: string }>;
        violations: Violation[];
        mandatory: number;
        advisory: number;
        durationMs: number;
    };
    /** The access proof (absent with --no-access); see README "Access proof". */
    access?: AccessSection;
    summary: {
        resources: number;
        custom: number;
        components: number;
        providers: number;
        protected: number;
        byType: Record<string, number>;
        invokes: number;
        durationMs: number;
    };
}

/** The `access` section of the plan JSON. */
export interface AccessSection {
    /** The stack's accounts, and the id that stands for "any account outside the stack". */
    accounts: string[];
    outsider: string;
    required: AccessReport["required"];
    invariants: AccessReport["invariants"];
    matrix: AccessReport["matrix"];
    /** Lake Formation: principal × catalog database/table, see README "Access proof". */
    lakeFormation: AccessReport["lakeFormation"];
    notModelled: string[];
    unknowns: string[];
    issues: string[];
    /** Required accesses not allowed plus invariants broken (the plan exits 1 when > 0). */
    failures: number;
    evaluations: number;
    durationMs: number;
}

/** Account of every resource: custom resources through their provider, components through their descendants. */
export function resolveAccounts(result: PlanResult): { byUrn: Map<string, string>; accounts: PlanAccount[] } {
    const accountsByKey = new Map<string, PlanAccount>();
    const providerAccount = new Map<string, string>();
    for (const r of result.resources) {
        if (r.type === "pulumi:providers:aws" || r.type === "pulumi:providers:aws-native") {
            const target = providerTarget(r.inputs, (r.inputs.region as string) ?? "");
            const key = `${target.accountId}/${target.region}`;
            const entry = accountsByKey.get(key) ?? {
                accountId: target.accountId,
                region: target.region,
                roleArn: target.roleArn,
                providers: [],
            };
            entry.providers.push(r.urn);
            accountsByKey.set(key, entry);
            providerAccount.set(r.urn, target.accountId);
        }
    }
    const byUrn = new Map<string, string>();
    const componentProvider = new Map<string, string>();
    for (const r of result.resources) {
        if (!r.custom && r.providers.aws) componentProvider.set(r.urn, providerAccount.get(r.providers.aws) ?? "");
    }
    const children = new Map<string, PlannedResource[]>();
    for (const r of result.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
        if (r.custom) {
            byUrn.set(
                r.urn,
                r.type.startsWith("pulumi:providers:")
                    ? (providerAccount.get(r.urn) ?? "")
                    : (providerAccount.get(r.provider) ?? (r.provider ? "" : UNPINNED_ACCOUNT)),
            );
        }
    }
    // Components take the account of their descendants when all agree (post-order over the tree).
    const resolve = (urn: string): Set<string> => {
        const found = new Set<string>();
        for (const child of children.get(urn) ?? []) {
            if (child.custom) {
                const a = byUrn.get(child.urn);
                if (a) found.add(a);
            } else {
                for (const a of resolve(child.urn)) found.add(a);
            }
        }
        // A component created with an explicit AWS provider belongs to that provider's account even when empty.
        const own = componentProvider.get(urn);
        if (!byUrn.has(urn)) byUrn.set(urn, own !== undefined ? own : found.size === 1 ? [...found][0] : "");
        return found;
    };
    for (const r of result.resources) {
        if (!r.custom && r.type === "pulumi:pulumi:Stack") resolve(r.urn);
    }
    return { byUrn, accounts: [...accountsByKey.values()] };
}

export function toPlanDocument(
    result: PlanResult,
    policy?: PolicyReport & { packs: Array<{ name: string; version: string }> },
    access?: AccessReport,
): PlanDocument {
    const { byUrn, accounts } = resolveAccounts(result);
    const byType: Record<string, number> = {};
    for (const r of result.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
    return {
        formatVersion: PLAN_FORMAT_VERSION,
        project: result.project,
        stack: result.stack,
        resources: result.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            provider: r.provider,
            custom: r.custom,
            id: r.id,
            inputs: maskSecrets(r.inputs) as Record<string, unknown>,
            outputs: maskSecrets(r.outputs) as Record<string, unknown>,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            account: byUrn.get(r.urn) ?? "",
            ...(r.aliases ? { aliases: r.aliases } : {}),
        })),
        outputs: maskSecrets(result.outputs) as Record<string, unknown>,
        accounts,
        warnings: result.warnings,
        errors: result.errors,
        ...(policy
            ? {
                  policy: {
                      packs: policy.packs,
                      violations: policy.violations,
                      mandatory: policy.mandatory,
                      advisory: policy.advisory,
                      durationMs: Math.round(policy.durationMs),
                  },
              }
            : {}),
        ...(access
            ? {
                  access: {
                      accounts: access.accounts,
                      outsider: access.outsider,
                      required: access.required,
                      invariants: access.invariants,
                      matrix: access.matrix,
                      lakeFormation: access.lakeFormation,
                      notModelled: access.notModelled,
                      unknowns: access.unknowns,
                      issues: access.issues,
                      failures: accessFailures(access).length,
                      evaluations: access.evaluations,
                      durationMs: Math.round(access.durationMs),
                  },
              }
            : {}),
        summary: {
            resources: result.resources.length,
            custom: result.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).length,
            components: result.resources.filter((r) => !r.custom).length,
            providers: result.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length,
            protected: result.resources.filter((r) => r.protect).length,
            byType: Object.fromEntries(Object.entries(byType).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
            invokes: result.invokeCount,
            durationMs: Math.round(result.durationMs),
        },
    };
}
