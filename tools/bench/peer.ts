/**
 * `npm run bench:peer`: the offline plan + policy gate against what a CDK user runs instead, side by side.
 *
 *  - ours: `npm run plan -- --program tools/bench/lake-program` (plan + cdp-guardrails policy gate, quiet output) over
 *    a zoned lake program sized to the peer's resource count;
 *  - peer: `cdk synth` of N stacks of aws-analytics-reference-architecture's `DataLakeStorage` (15 resources each)
 *    with cdk-nag's `AwsSolutionsChecks` (tools/bench/peer/synth.js, its own npm package, installed on first use).
 *
 * Each is a fresh process, timed from spawn to exit, at about 15, 600 and 1,500 resources; rounds are interleaved
 * (alternating which goes first) and figures are medians. Target: ours ≤ 0.5 × the peer's wall time at every size.
 * Prints PASS/FAIL; exits 1 on FAIL only with --strict.
 *
 *   npm run bench:peer [-- --rounds N] [--strict]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { packageRoot } from "../../model/package-root";

const ROOT = packageRoot(__dirname);
const PEER_DIR = path.join(ROOT, "tools", "bench", "peer");
const LAKE_PROGRAM = path.join(ROOT, "tools", "bench", "lake-program");
const CLI = path.join(ROOT, "dist", "tools", "plan", "cli.js");
/** Cloud resources of one lake of the lake program: 3 zones (40) + their LF-tag assignments (3). */
const PER_LAKE = 43;
/** Cloud resources the lake program adds once: Lake Formation settings and its two LF-tags. */
const SHARED = 3;
const PEER_PER_LAKE = 15;

interface Size {
    resources: number;
    /** Our lake program's config. */
    lakes: number;
    zones: number;
    /** Peer stacks (one DataLakeStorage each). */
    stacks: number;
}

/** Our lake program and the peer app at about `resources` cloud resources each. */
function sizeOf(resources: number): Size {
    const stacks = Math.max(1, Math.round(resources / PEER_PER_LAKE));
    // Below one 3-zone lake, a 1-zone lake (22 cloud resources with Lake Formation) is the closest.
    if (resources < PER_LAKE + SHARED) return { resources, lakes: 1, zones: 1, stacks };
    return { resources, lakes: Math.max(1, Math.round((resources - SHARED) / PER_LAKE)), zones: 3, stacks };
}

function installPeer(): void {
    if (fs.existsSync(path.join(PEER_DIR, "node_modules", "aws-cdk-lib", "package.json"))) return;
    process.stderr.write("bench:peer: installing the peer (npm ci --prefix tools/bench/peer)...\n");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const run = spawnSync(npm, ["ci", "--prefix", PEER_DIR, "--no-audit", "--no-fund"], { stdio: "inherit" });
    if (run.status !== 0) throw new Error(`npm ci --prefix ${PEER_DIR} failed (exit ${run.status})`);
}

interface Timed {
    ms: number;
    stdout: string;
}

function timed(args: string[]): Timed {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - started;
    if (run.status !== 0) {
        throw new Error(`${args.join(" ")} failed (exit ${run.status}):\n${(run.stderr || run.stdout).slice(-4000)}`);
    }
    return { ms, stdout: run.stdout };
}

interface Sample {
    oursMs: number;
    oursCloud: number;
    oursPlanS: number;
    peerMs: number;
    peerResources: number;
    peerSynthMs: number;
    nagFindings: number;
}

function ours(size: Size): Pick<Sample, "oursMs" | "oursCloud" | "oursPlanS"> {
    const run = timed([
        CLI,
        "--program",
        LAKE_PROGRAM,
        "--config",
        `lakes=${size.lakes}`,
        "--config",
        `zones=${size.zones}`,
        "--quiet",
        // The target compares plan + policy gate with synth + cdk-nag; the access proof (issue 10), which the peer has
        // no counterpart for, is measured apart (README, "Access proof").
        "--no-access",
    ]);
    const summary = /Summary: \d+ resources \((\d+) cloud resources.*; ([\d.]+) s$/m.exec(run.stdout);
    if (!summary) throw new Error(`no summary in the plan's output:\n${run.stdout.slice(-2000)}`);
    return { oursMs: run.ms, oursCloud: Number(summary[1]), oursPlanS: Number(summary[2]) };
}

function peer(size: Size, outdir: string): Pick<Sample, "peerMs" | "peerResources" | "peerSynthMs" | "nagFindings"> {
    fs.rmSync(outdir, { recursive: true, force: true });
    const run = timed([path.join(PEER_DIR, "synth.js"), String(size.stacks), outdir]);
    const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
        resources: number;
        synthMs: number;
        nagFindings: number;
    };
    return { peerMs: run.ms, peerResources: out.resources, peerSynthMs: out.synthMs, nagFindings: out.nagFindings };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function flag(name: string): string | undefined {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
    const strict = process.argv.includes("--strict");
    const rounds = Number(flag("--rounds") ?? process.env.BENCH_ROUNDS ?? 3);
    const sizes = (flag("--sizes") ?? "15,600,1500").split(",").map((s) => sizeOf(Number(s)));
    installPeer();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdp-bench-peer-"));
    const samples = new Map<number, Sample[]>(sizes.map((s) => [s.resources, []]));
    const started = Date.now();
    // One unmeasured run of each, so both start from warm disk caches.
    ours(sizes[0]);
    peer(sizes[0], path.join(outdir, "cdk.out"));
    for (let round = 0; round < rounds; round++) {
        for (const size of sizes) {
            // Alternate which goes first, so neither always runs right after the other's work.
            const first = (round + sizes.indexOf(size)) % 2 === 0;
            const p1 = first ? ours(size) : undefined;
            const q = peer(size, path.join(outdir, "cdk.out"));
            const p = p1 ?? ours(size);
            samples.get(size.resources)!.push({ ...p, ...q });
            process.stderr.write(
                `  round ${round + 1}/${rounds}  ~${size.resources} resources: ours ${(p.oursMs / 1000).toFixed(2)} s, ` +
                    `peer ${(q.peerMs / 1000).toFixed(2)} s\n`,
            );
        }
    }
    fs.rmSync(outdir, { recursive: true, force: true });
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    console.log(
        `bench:peer  (${rounds} interleaved rounds, fresh process each, wall time spawn → exit, medians; node ${process.version}, ` +
            `${Math.round((Date.now() - started) / 1000)} s)`,
    );
    console.log("  ours: plan + policy gate (--program tools/bench/lake-program, cdp-guardrails, --no-access)");
    console.log(
        "  peer: cdk synth + cdk-nag AwsSolutionsChecks (aws-analytics-reference-architecture DataLakeStorage)",
    );
    console.log("  size    ours: cloud res   wall s (plan s)   peer: resources   wall s (in-process s)   ours/peer");
    let failed = false;
    for (const size of sizes) {
        const list = samples.get(size.resources)!;
        const oursMs = median(list.map((s) => s.oursMs));
        const peerMs = median(list.map((s) => s.peerMs));
        const ratio = oursMs / peerMs;
        failed ||= ratio > 0.5;
        console.log(
            `  ${String(size.resources).padEnd(6)}  ${String(list[0].oursCloud).padStart(14)}   ` +
                `${(oursMs / 1000).toFixed(2).padStart(6)} (${median(list.map((s) => s.oursPlanS)).toFixed(2)})` +
                `   ${String(list[0].peerResources).padStart(15)}   ${(peerMs / 1000).toFixed(2).padStart(6)} ` +
                `(${(median(list.map((s) => s.peerSynthMs)) / 1000).toFixed(2)})` +
                `   ${ratio.toFixed(2).padStart(13)}  (target ≤ 0.50)  ${verdict(ratio <= 0.5)}`,
        );
    }
    const findings = median(samples.get(sizes[sizes.length - 1].resources)!.map((s) => s.nagFindings));
    console.log(`  (cdk-nag findings reported at the largest size: ${findings}; ours: 0 policy violations)`);
    return strict && failed ? 1 : 0;
}

try {
    process.exit(main());
} catch (err) {
    console.error(err);
    process.exit(2);
}
