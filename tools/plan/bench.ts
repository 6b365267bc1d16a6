/**
 * `npm run bench:plan`: the cost of the offline plan per registered resource against a floor measured in the same
 * run, so machine noise affects both sides alike.
 *
 *  - floor:      bare `aws.s3.Bucket` registrations under the same mocks and recorder (compiled JS), as many as the
 *                prod plan registers;
 *  - plan 1×:    the prod stack;
 *  - plan 10×:   the prod stack with ten times the domains (scaling);
 *
 * Targets: plan/floor ≤ 1.3 and (plan 10× per resource)/(plan 1× per resource) ≤ 1.2. Prints PASS/FAIL; exits 1 on
 * FAIL only with --strict.
 */
import * as aws from "@pulumi/aws";
import * as path from "node:path";
import { runPlan, type PlanOptions, type PlanResult } from "./harness";
import { platformPacks } from "./packs";
import { evaluatePolicies } from "./policy";
import { repoRoot } from "./cli";
import { loadEngineConfig } from "./stack-config";

interface Sample {
    resources: number;
    ms: number;
    result: PlanResult;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(options: PlanOptions): Promise<Sample> {
    const result = await runPlan(options);
    if (result.errors.length) {
        throw new Error(`bench run failed: ${result.errors.join("; ")}`);
    }
    return { resources: result.resources.length, ms: result.durationMs, result };
}

/** The prod config with `factor`× the domains, each in an account of its own. */
function scaledConfig(config: Record<string, string>, factor: number): Record<string, string> {
    const accounts = JSON.parse(config["cdp:accounts"]) as Record<string, { id: string; roleArn?: string }>;
    const domains = JSON.parse(config["cdp:domains"]) as Array<Record<string, string>>;
    const scaled: Array<Record<string, string>> = [];
    for (let copy = 0; copy < factor; copy++) {
        for (const d of domains) {
            if (copy === 0) {
                scaled.push(d);
                continue;
            }
            const name = `${d.name}${copy}`;
            const id = String(900000000000 + scaled.length);
            accounts[name] = { id, roleArn: `arn:aws:iam::${id}:role/cdp-deployer` };
            scaled.push({ ...d, name, account: name });
        }
    }
    return { ...config, "cdp:accounts": JSON.stringify(accounts), "cdp:domains": JSON.stringify(scaled) };
}

async function main(): Promise<number> {
    const strict = process.argv.includes("--strict");
    const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
    const root = repoRoot();
    const engine = loadEngineConfig(root, "prod");
    const program = path.join(root, "dist", "index.js");
    const planOptions = (config: Record<string, string>): PlanOptions => ({
        project: engine.project,
        stack: "prod",
        config,
        secretKeys: engine.secretKeys,
        disableDefaultProviders: engine.disableDefaultProviders,
        program,
    });
    const prod = planOptions(engine.config);
    const prod10 = planOptions(scaledConfig(engine.config, 10));
    const floorOf = (count: number): PlanOptions => ({
        project: "floor",
        stack: "bench",
        config: {},
        program: () => {
            for (let i = 0; i < count; i++) new aws.s3.Bucket(`b${i}`, {});
        },
    });

    // Warm up the JIT and module caches on every path.
    const probe = await measure(prod);
    const probe10 = await measure(prod10);
    const floor = floorOf(probe.resources);
    for (let i = 0; i < 2; i++) {
        await measure(floor);
        await measure(prod);
        await measure(prod10);
    }
    const packs = platformPacks();
    const policyCount = packs.reduce((n, p) => n + p.policies.length, 0);
    const samples = { floor: [] as number[], plan: [] as number[], plan10: [] as number[], policy: [] as number[] };
    for (let i = 0; i < rounds; i++) {
        // Interleaved, so drift in machine load hits all three alike.
        const f = await measure(floor);
        const p = await measure(prod);
        const p10 = await measure(prod10);
        samples.floor.push(f.ms / f.resources);
        samples.plan.push(p.ms / p.resources);
        samples.plan10.push(p10.ms / p10.resources);
        const report = await evaluatePolicies(p.result, packs);
        samples.policy.push(report.durationMs / p.resources);
    }
    const floorMs = median(samples.floor);
    const planMs = median(samples.plan);
    const plan10Ms = median(samples.plan10);
    const policyMs = median(samples.policy);
    const ratio = planMs / floorMs;
    const scaling = plan10Ms / planMs;
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    console.log(`bench:plan  (${rounds} interleaved rounds after warm-up; medians; node ${process.version})`);
    console.log(`  floor    ${probe.resources} bare aws.s3.Bucket registrations   ${floorMs.toFixed(3)} ms/resource`);
    console.log(`  plan 1×  prod stack, ${probe.resources} resources              ${planMs.toFixed(3)} ms/resource`);
    console.log(`  plan 10× prod stack ×10 domains, ${probe10.resources} resources ${plan10Ms.toFixed(3)} ms/resource`);
    console.log(
        `  policies prod plan, ${policyCount} policies evaluated           ${policyMs.toFixed(3)} ms/resource (${(policyMs / planMs).toFixed(2)}× registration)`,
    );
    console.log(`  ratio plan/floor         ${ratio.toFixed(2)}  (target ≤ 1.30)  ${verdict(ratio <= 1.3)}`);
    console.log(`  scaling 10×/1× per res   ${scaling.toFixed(2)}  (target ≤ 1.20)  ${verdict(scaling <= 1.2)}`);
    return strict && (ratio > 1.3 || scaling > 1.2) ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(err);
        process.exit(2);
    },
);
