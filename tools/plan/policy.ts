import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { performance } from "node:perf_hooks";
import { appliesTo } from "../../policies/cdp-guardrails/lib/policy";
import type { PlanResult, PlannedResource } from "./harness";
import { structObject, structOf } from "./struct";

// The analyzer entry points the Pulumi CLI drives over gRPC, called in-process with the same protobuf requests, so
// the offline verdict is the engine's verdict. (They are exported by @pulumi/policy, marked internal.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = require("@pulumi/policy/server") as {
    makeAnalyzeRpcFun(name: string, version: string, level: string, policies: Policies): RpcFun;
    makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: Policies): RpcFun;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyModule = require("@pulumi/policy/policy") as { getPulumiType(value: unknown): string | undefined };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proto = require("@pulumi/pulumi/proto/analyzer_pb");

type RpcFun = (
    call: { request: unknown },
    callback: (err: unknown, response: AnalyzeResponse | undefined) => void,
) => Promise<void>;

interface AnalyzeResponse {
    getDiagnosticsList(): Array<{
        getPolicyname(): string;
        getPolicypackname(): string;
        getMessage(): string;
        getUrn(): string;
        getEnforcementlevel(): number;
    }>;
}

/** A policy pack as the offline plan evaluates it. */
export interface OfflinePack {
    name: string;
    version: string;
    /** The pack's default level (each policy may set its own). */
    enforcementLevel: EnforcementLevel;
    policies: Policies;
}

export interface Violation {
    pack: string;
    policy: string;
    severity: string;
    enforcement: "mandatory" | "advisory" | "remediate" | "disabled";
    urn: string;
    message: string;
    remediation: string;
}

export interface PolicyReport {
    violations: Violation[];
    mandatory: number;
    advisory: number;
    /** Wall time of the evaluation (resource and stack analysis), milliseconds. */
    durationMs: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialResourceSig: string };

/**
 * Resource references downgraded the way the engine hands properties to analyzers (policy packs do not take
 * references): a custom resource becomes its id, a component its URN.
 */
export function downgradeResourceRefs(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(downgradeResourceRefs);
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[rpc.specialSigKey] === rpc.specialResourceSig)
            return obj.id !== undefined && obj.id !== "" ? obj.id : obj.urn;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = downgradeResourceRefs(v);
        return out;
    }
    return value;
}

/**
 * Sets a request's `properties` as the analyzer reads them: its `getProperties().toJavaScript()` yields what the
 * `Struct` message would (./struct), built once, where the message would be converted again for every policy that
 * looks at the resource (the analyzer copies what it reads, so one object serves them all). The rest of the request
 * is the protobuf message the engine sends.
 */
function setProperties(message: { getProperties(): unknown }, properties: Record<string, unknown>): void {
    const struct = structOf(structObject(downgradeResourceRefs(properties) as Record<string, unknown>));
    message.getProperties = () => struct;
}

function enforcementName(level: number): Violation["enforcement"] {
    const e = proto.EnforcementLevel;
    return level === e.MANDATORY
        ? "mandatory"
        : level === e.REMEDIATE
          ? "remediate"
          : level === e.DISABLED
            ? "disabled"
            : "advisory";
}

function call(fn: RpcFun, request: unknown): Promise<AnalyzeResponse> {
    return new Promise((resolve, reject) => {
        void fn({ request }, (err, response) => (err ? reject(err) : resolve(response as AnalyzeResponse)));
    });
}

function options(r: PlannedResource) {
    const opts = new proto.AnalyzerResourceOptions();
    opts.setProtect(r.protect);
    if (r.parent) opts.setParent(r.parent);
    return opts;
}

/** The provider message of `r`, built once per provider (every resource of a provider carries the same one). */
function providerOf(r: PlannedResource, byUrn: Map<string, PlannedResource>, built: Map<string, unknown>) {
    if (!r.provider) return undefined;
    if (built.has(r.provider)) return built.get(r.provider);
    const p = byUrn.get(r.provider);
    let provider: unknown;
    if (p) {
        const message = new proto.AnalyzerProviderResource();
        message.setType(p.type);
        setProperties(message, p.inputs);
        message.setUrn(p.urn);
        message.setName(p.name);
        provider = message;
    }
    built.set(r.provider, provider);
    return provider;
}

/**
 * The analyzer's `Analyze` for one resource type at a time: it runs the pack's policies minus the validations known to
 * do nothing on that type, which would only cost a deserialization of the resource's properties each (and a "not
 * applicable" entry in the response, which the plan does not read): those bound to another type by
 * `validateResourceOfType` (the analyzer's own fast check skips them too) or marked with other types by the pack's
 * `forTypes` (policies/cdp-guardrails/lib/policy.ts). A policy with several validations keeps those that apply. The
 * remaining policies run in the pack's order, so the diagnostics are the same.
 */
function resourceAnalyzer(pack: OfflinePack): (type: string) => RpcFun {
    const byType = new Map<string, RpcFun>();
    return (type) => {
        let fun = byType.get(type);
        if (!fun) {
            const applies = (v: unknown) => appliesTo(v, type, policyModule.getPulumiType);
            const policies = pack.policies.flatMap((p) => {
                const validate = (p as { validateResource?: unknown }).validateResource;
                if (!validate) return [p];
                if (!Array.isArray(validate)) return applies(validate) ? [p] : [];
                const kept = validate.filter(applies);
                if (kept.length === validate.length) return [p];
                return kept.length ? [{ ...p, validateResource: kept } as typeof p] : [];
            });
            fun = server.makeAnalyzeRpcFun(pack.name, pack.version, pack.enforcementLevel, policies);
            byType.set(type, fun);
        }
        return fun;
    };
}

/**
 * Evaluates packs on a plan with the engine's semantics: every resource goes through `Analyze` with its inputs,
 * type, URN, name, options and provider; then the whole stack through `AnalyzeStack` with outputs, parents,
 * dependencies and property dependencies.
 */
export async function evaluatePolicies(result: PlanResult, packs: readonly OfflinePack[]): Promise<PolicyReport> {
    const started = performance.now();
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const providers = new Map<string, unknown>();
    const meta = new Map<string, { severity: string; remediation: string }>();
    const analyze: Array<{ pack: OfflinePack; resource: (type: string) => RpcFun; stack: RpcFun }> = packs.map(
        (pack) => {
            for (const p of pack.policies) {
                meta.set(`${pack.name}/${p.name}`, {
                    severity: p.severity ?? "",
                    remediation: p.remediationSteps ?? "",
                });
            }
            return {
                pack,
                resource: resourceAnalyzer(pack),
                stack: server.makeAnalyzeStackRpcFun(pack.name, pack.version, pack.enforcementLevel, pack.policies),
            };
        },
    );
    // Resource policies report without a URN (the engine knows which resource it asked about): remember it.
    const responses: Array<{ response: AnalyzeResponse; urn: string }> = [];
    const analyzed = result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    for (const r of analyzed) {
        const request = new proto.AnalyzeRequest();
        request.setType(r.type);
        setProperties(request, r.inputs);
        request.setUrn(r.urn);
        request.setName(r.name);
        request.setOptions(options(r));
        const provider = providerOf(r, byUrn, providers);
        if (provider) request.setProvider(provider);
        for (const a of analyze) responses.push({ response: await call(a.resource(r.type), request), urn: r.urn });
    }
    const stackRequest = new proto.AnalyzeStackRequest();
    stackRequest.setResourcesList(
        result.resources.map((r) => {
            const resource = new proto.AnalyzerResource();
            resource.setType(r.type);
            setProperties(resource, r.outputs);
            resource.setUrn(r.urn);
            resource.setName(r.name);
            resource.setOptions(options(r));
            const provider = providerOf(r, byUrn, providers);
            if (provider) resource.setProvider(provider);
            resource.setParent(r.parent);
            resource.setDependenciesList(r.dependencies);
            const deps = resource.getPropertydependenciesMap();
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                const d = new proto.AnalyzerPropertyDependencies();
                d.setUrnsList(urns);
                deps.set(key, d);
            }
            return resource;
        }),
    );
    for (const a of analyze) responses.push({ response: await call(a.stack, stackRequest), urn: "" });

    const violations: Violation[] = responses.flatMap(({ response, urn }) =>
        response.getDiagnosticsList().map((d) => {
            const m = meta.get(`${d.getPolicypackname()}/${d.getPolicyname()}`);
            return {
                pack: d.getPolicypackname(),
                policy: d.getPolicyname(),
                severity: m?.severity ?? "",
                enforcement: enforcementName(d.getEnforcementlevel()),
                urn: d.getUrn() || urn,
                message: d.getMessage(),
                remediation: m?.remediation ?? "",
            };
        }),
    );
    return {
        violations,
        mandatory: violations.filter((v) => v.enforcement === "mandatory").length,
        advisory: violations.filter((v) => v.enforcement !== "mandatory").length,
        durationMs: performance.now() - started,
    };
}
