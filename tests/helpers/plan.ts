import * as path from "node:path";
import { type PlanDocument, toPlanDocument } from "../../tools/plan/document";
import { type PlannedResource, type PlanResult, runPlan, runStackPlan } from "../../tools/plan/harness";
import { platformPacks } from "../../tools/plan/packs";
import { evaluatePolicies } from "../../tools/plan/policy";
import { loadEngineConfig } from "../../tools/plan/stack-config";

export const ROOT = path.resolve(__dirname, "..", "..");

export type PlanResource = PlanDocument["resources"][number];

/** A plan result of the given resources, as the harness returns one (for tests that build plans by hand). */
export function planOf(resources: PlannedResource[], stack = "test"): PlanResult {
    return { project: "p", stack, resources, outputs: {}, warnings: [], errors: [], invokeCount: 0, durationMs: 0 };
}

/** Plans the platform's own stack in-process (the same harness as `npm run plan`), with optional config overrides. */
export async function planStack(
    stack: string,
    overrides: Record<string, string> = {},
    withPolicy = false,
): Promise<PlanDocument> {
    const engine = loadEngineConfig(ROOT, stack);
    const result = await runStackPlan(engine, stack, path.join(ROOT, "index.ts"), { ...engine.config, ...overrides });
    return withPolicy ? withPolicies(result) : toPlanDocument(result);
}

/** Plans a small program given as a function (component tests). */
export async function planProgram(
    program: () => unknown,
    options: { config?: Record<string, string>; disableDefaultProviders?: string[]; policy?: boolean } = {},
): Promise<PlanDocument> {
    const result = await runPlan({
        project: "test",
        stack: "test",
        config: options.config ?? {},
        disableDefaultProviders: options.disableDefaultProviders,
        program,
    });
    return options.policy ? withPolicies(result) : toPlanDocument(result);
}

/** The plan document with the platform's policy packs evaluated, as the CLI does. */
async function withPolicies(result: Awaited<ReturnType<typeof runPlan>>): Promise<PlanDocument> {
    if (result.errors.length) throw new Error(`program failed: ${result.errors.join("\n")}`);
    const packs = platformPacks();
    const report = await evaluatePolicies(result, packs);
    return toPlanDocument(result, { ...report, packs: packs.map((p) => ({ name: p.name, version: p.version })) });
}

/** Names of the policies violated in a plan (sorted, unique). */
export function violatedPolicies(doc: PlanDocument): string[] {
    return [...new Set((doc.policy?.violations ?? []).map((v) => v.policy))].sort();
}

/** The one resource of `type` named `name` (throws with the candidates otherwise). */
export function resource(doc: PlanDocument, type: string, name: string): PlanResource {
    const found = doc.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        const names = doc.resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${names.join(", ")})`);
    }
    return found[0];
}

export function ofType(doc: PlanDocument, type: string): PlanResource[] {
    return doc.resources.filter((r) => r.type === type);
}

/** Every resource below `urn` in the component tree. */
export function descendants(doc: PlanDocument, urn: string): PlanResource[] {
    const out: PlanResource[] = [];
    const walk = (parent: string) => {
        for (const r of doc.resources) {
            if (r.parent === parent) {
                out.push(r);
                walk(r.urn);
            }
        }
    };
    walk(urn);
    return out;
}

/** A parsed IAM policy document from a resource input. */
export function policyOf(r: PlanResource, key = "policy"): { Statement: Array<Record<string, any>> } {
    return JSON.parse(r.inputs[key] as string);
}
