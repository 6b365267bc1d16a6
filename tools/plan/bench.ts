/**
 * `npm run bench:plan`: does the offline plan stay linear at any scale? Both ways of planning are measured at about
 * 500 and about 10,000 cloud resources:
 *
 *  - platform: the platform program (compiled `dist/index.js`) on the prod stack with more business domains, each in
 *    an account of its own;
 *  - program:  `--program tools/bench/lake-program` (a TypeScript program loaded as `--program` loads it) with more
 *    zoned data lakes.
 *
 * Each measurement runs in a fresh process (so its peak resident memory is its own) that first plans a small
 * instance of the same program (module loading and JIT warm-up stay out of the figure) and then the measured one
 * (at about 500, the median of five plans: each lasts under a second).
 * Rounds are interleaved, so drift in machine load hits all alike; figures are medians.
 *
 * Targets: per-resource time at 10,000 ≤ 1.2 × per-resource time at 500 (each path; the median over rounds of each
 * round's ratio); peak resident memory at 10,000 ≤ 100 KB per cloud resource. Prints PASS/FAIL; exits 1 on FAIL only with --strict.
 *
 *   npm run bench:plan [-- --rounds N] [--sizes 500,10000] [--strict]
 */
import "./compile-cache";
import "./lazy-sdk";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { programEntry, repoRoot } from "./cli";
import { type PlanOptions, type PlanResult, runPlan } from "./harness";
import { platformPacks } from "./packs";
import { evaluatePolicies } from "./policy";
import { loadEngineConfig } from "./stack-config";

type PlanPath = "platform" | "program";
const PATHS: readonly PlanPath[] = ["platform", "program"];

/** One measured plan, as a worker reports it. */
interface Sample {
    path: PlanPath;
    target: number;
    /** Domains (platform) or lakes (program) planned. */
    units: number;
    cloud: number;
    planned: number;
    planMs: number;
    /** CPU time of the process during the plan (all its threads, the garbage collector's included), ms. */
    planCpuMs: number;
    policyMs: number;
    /** Peak resident set of the worker after the plan, KB. */
    rssKb: number;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cloudCount = (r: PlanResult) =>
    r.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:")).length;

/** The prod config with `count` business domains (the prod ones, then copies of them, each in its own account). */
function withDomains(config: Record<string, string>, count: number): Record<string, string> {
    const accounts = JSON.parse(config["cdp:accounts"]) as Record<string, { id: string; roleArn?: string }>;
    const domains = JSON.parse(config["cdp:domains"]) as Array<Record<string, string>>;
    const scaled: Array<Record<string, string>> = [];
    for (let i = 0; i < count; i++) {
        const d = domains[i % domains.length];
        if (i < domains.length) {
            scaled.push(d);
            continue;
        }
        const name = `${d.name}${Math.floor(i / domains.length)}`;
        const id = String(900000000000 + i);
        accounts[name] = { id, roleArn: `arn:aws:iam::${id}:role/cdp-deployer` };
        scaled.push({ ...d, name, account: name });
    }
    return { ...config, "cdp:accounts": JSON.stringify(accounts), "cdp:domains": JSON.stringify(scaled) };
}

/**
 * How to plan `units` domains or lakes on one path; the smallest unit count and the step that adds one of each kind
 * (the prod domains differ in size, so the platform grows by all of them at a time).
 */
function planFor(which: PlanPath): { options(units: number): PlanOptions; min: number; step: number } {
    const root = repoRoot();
    if (which === "platform") {
        const engine = loadEngineConfig(root, "prod");
        const program = path.join(root, "dist", "index.js");
        const domains = (JSON.parse(engine.config["cdp:domains"]) as unknown[]).length;
        return {
            min: domains,
            step: domains,
            options: (units) => ({
                project: engine.project,
                stack: "prod",
                config: withDomains(engine.config, units),
                secretKeys: engine.secretKeys,
                disableDefaultProviders: engine.disableDefaultProviders,
                program,
            }),
        };
    }
    const dir = path.join(root, "tools", "bench", "lake-program");
    const program = programEntry(dir);
    return {
        min: 1,
        step: 1,
        options: (units) => {
            const engine = loadEngineConfig(dir, "bench", { lakes: String(units) });
            return {
                project: engine.project,
                stack: "bench",
                config: engine.config,
                secretKeys: engine.secretKeys,
                disableDefaultProviders: engine.disableDefaultProviders,
                program,
            };
        },
    };
}

async function planOnce(options: PlanOptions): Promise<PlanResult> {
    const result = await runPlan(options);
    if (result.errors.length) throw new Error(`bench plan failed: ${result.errors.join("; ")}`);
    return result;
}

/**
 * Worker: plans the smallest and the next size (warm-up, and the cloud resources a unit adds), then the number of
 * units closest to `target` cloud resources; prints the sample as JSON.
 */
async function worker(which: PlanPath, target: number): Promise<void> {
    const plan = planFor(which);
    const base = cloudCount(await planOnce(plan.options(plan.min)));
    const next = cloudCount(await planOnce(plan.options(plan.min + plan.step)));
    const perUnit = (next - base) / plan.step;
    const units = Math.max(plan.min, plan.min + Math.round((target - base) / perUnit));
    // Small plans last under a second, where other processes' noise weighs most: take the median of several.
    const repeats = target < 2000 ? 5 : 1;
    const planMs: number[] = [];
    const planCpuMs: number[] = [];
    let result: PlanResult | undefined;
    for (let i = 0; i < repeats; i++) {
        const cpu = process.cpuUsage();
        result = await planOnce(plan.options(units));
        const used = process.cpuUsage(cpu);
        planMs.push(result.durationMs);
        planCpuMs.push((used.user + used.system) / 1000);
    }
    const rssKb = process.resourceUsage().maxRSS;
    const report = await evaluatePolicies(result!, platformPacks());
    const sample: Sample = {
        path: which,
        target,
        units,
        cloud: cloudCount(result!),
        planned: result!.resources.length,
        planMs: median(planMs),
        planCpuMs: median(planCpuMs),
        policyMs: report.durationMs,
        rssKb,
    };
    console.log(JSON.stringify(sample));
}

function runWorker(which: PlanPath, target: number): Sample {
    const run = spawnSync(process.execPath, [__filename, "--worker", which, String(target)], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    const last = run.stdout.trim().split("\n").pop() ?? "";
    if (run.status !== 0 || !last.startsWith("{")) {
        throw new Error(`bench worker ${which} ${target} failed (exit ${run.status}):\n${run.stderr.slice(-4000)}`);
    }
    return JSON.parse(last) as Sample;
}

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
    if (process.argv[2] === "--worker") {
        await worker(process.argv[3] as PlanPath, Number(process.argv[4]));
        return 0;
    }
    const strict = process.argv.includes("--strict");
    const rounds = Number(flag("--rounds") ?? process.env.BENCH_ROUNDS ?? 3);
    const [small, large] = (flag("--sizes") ?? "500,10000").split(",").map(Number);
    const runs = PATHS.flatMap((p) => [small, large].map((size) => ({ path: p, size })));
    const samples = new Map<string, Sample[]>(runs.map((r) => [`${r.path}/${r.size}`, []]));
    const started = Date.now();
    for (let round = 0; round < rounds; round++) {
        // Rotate the order each round, so no run always follows the same one.
        for (let k = 0; k < runs.length; k++) {
            const r = runs[(k + round) % runs.length];
            const s = runWorker(r.path, r.size);
            samples.get(`${r.path}/${r.size}`)!.push(s);
            process.stderr.write(
                `  round ${round + 1}/${rounds}  ${r.path.padEnd(8)} ${String(s.cloud).padStart(6)} cloud resources  ` +
                    `${(s.planMs / s.cloud).toFixed(3)} ms/resource (CPU ${(s.planCpuMs / s.cloud).toFixed(3)})  ` +
                    `${(s.rssKb / 1024).toFixed(0)} MB peak\n`,
            );
        }
    }
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    const fmt = (n: number, digits = 3) => n.toFixed(digits);
    let failed = false;
    console.log(
        `bench:plan  (${rounds} interleaved rounds, fresh warmed-up process per run, medians; node ${process.version}, ` +
            `${Math.round((Date.now() - started) / 1000)} s)`,
    );
    console.log("  path      cloud  planned  plan ms/res  (CPU ms/res)  policy ms/res  peak RSS  KB/cloud res");
    for (const r of runs) {
        const list = samples.get(`${r.path}/${r.size}`)!;
        const cloud = median(list.map((s) => s.cloud));
        const rss = median(list.map((s) => s.rssKb));
        console.log(
            `  ${r.path.padEnd(8)} ${String(cloud).padStart(6)} ${String(median(list.map((s) => s.planned))).padStart(8)}` +
                `  ${fmt(median(list.map((s) => s.planMs / s.cloud))).padStart(11)}` +
                `  ${`(${fmt(median(list.map((s) => s.planCpuMs / s.cloud)))})`.padStart(12)}` +
                `  ${fmt(median(list.map((s) => s.policyMs / s.cloud))).padStart(13)}` +
                `  ${`${(rss / 1024).toFixed(0)} MB`.padStart(8)}  ${(rss / cloud).toFixed(0).padStart(12)}`,
        );
    }
    for (const p of PATHS) {
        const perResource = (size: number) => median(samples.get(`${p}/${size}`)!.map((s) => s.planMs / s.cloud));
        // The ratio is the median over rounds of each round's ratio: a round's two runs are minutes apart, under much
        // the same load, where the medians of each size over all rounds may pair a quiet run with a loaded one.
        const ratioOf = (time: (s: Sample) => number) =>
            median(
                samples
                    .get(`${p}/${large}`)!
                    .map(
                        (s, round) =>
                            time(s) /
                            s.cloud /
                            (time(samples.get(`${p}/${small}`)![round]) / samples.get(`${p}/${small}`)![round].cloud),
                    ),
            );
        const ratio = ratioOf((s) => s.planMs);
        const mb = median(samples.get(`${p}/${large}`)!.map((s) => s.rssKb / 1024 / s.cloud));
        failed ||= ratio > 1.2 || mb > 0.1;
        console.log(
            `  ${p.padEnd(8)} ms/resource at ${large} / at ${small}: ${fmt(perResource(large))} / ${fmt(perResource(small))}` +
                ` (medians); median of the rounds' ratios ${fmt(ratio, 2)}  (target ≤ 1.20)  ${verdict(ratio <= 1.2)}`,
        );
        console.log(
            `  ${p.padEnd(8)} (CPU time per resource at ${large} / at ${small}, median of the rounds' ratios: ` +
                `${fmt(
                    ratioOf((s) => s.planCpuMs),
                    2,
                )}; the other processes on the machine weigh less on it than on the wall time)`,
        );
        console.log(
            `  ${p.padEnd(8)} peak resident memory at ${large}: ${fmt(mb)} MB/cloud resource  (target ≤ 0.100)  ${verdict(mb <= 0.1)}`,
        );
    }
    return strict && failed ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (err) => {
        console.error(err);
        process.exit(2);
    },
);
