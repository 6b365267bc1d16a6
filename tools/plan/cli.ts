#!/usr/bin/env node
/**
 * Offline plan: runs a Pulumi program under the SDK's runtime mocks with the stack's real configuration and shows
 * what `pulumi up` would create, per account. Exit codes: 0 success, 2 program/config/usage error.
 *
 *   npm run plan -- --stack dev [--json plan.json]
 *   npm run plan -- --program path/to/project [--stack NAME] [--config key=value ...] [--json FILE]
 *   ... [--policy-pack DIR ...] [--no-policy]
 */
import "./compile-cache";
import "./lazy-sdk";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../model/package-root";
import { toPlanDocument } from "./document";
import { runStackPlan } from "./harness";
import { loadPolicyPack, platformPacks } from "./packs";
import { evaluatePolicies, type OfflinePack } from "./policy";
import { renderPlan } from "./render";
import { defaultStack, loadEngineConfig, PlanInputError, readProject } from "./stack-config";
import { registerTypeScript } from "./typescript";

export const EXIT_OK = 0;
export const EXIT_POLICY_VIOLATION = 1;
export const EXIT_ERROR = 2;

const USAGE = `usage: npm run plan -- --stack NAME [--json FILE] [--quiet]
       npm run plan -- --program DIR [--stack NAME] [--config KEY=VALUE ...] [--json FILE] [--quiet]
       ... [--policy-pack DIR ...] [--no-policy] [--no-access]

  --stack NAME        read Pulumi.NAME.yaml of the project (the platform's, or DIR's with --program); without it,
                      the project's only Pulumi.<stack>.yaml, if it has exactly one
  --program DIR       plan another Pulumi TypeScript program (a directory with index.ts or Pulumi.yaml "main")
  --config KEY=VALUE  set a config value (repeatable; KEY without a namespace gets the project's)
  --json FILE         also write the plan as JSON (format: README "Plan JSON")
  --quiet             print only policy violations, warnings, errors and the summary
  --policy-pack DIR   evaluate this CrossGuard policy pack (repeatable; default: policies/cdp-guardrails)
  --no-policy         skip the policy packs
  --no-access         skip the access proof (required accesses, invariants, access matrix)

exit codes: 0 success, 1 mandatory policy violation, required access denied or access invariant broken,
            2 program/config/usage error`;

interface CliArgs {
    stack?: string;
    program?: string;
    config: Record<string, string>;
    json?: string;
    quiet: boolean;
    policy: boolean;
    /** Run the access proof (`--no-access` turns it off). */
    access: boolean;
    /** Policy pack directories (`--policy-pack`); empty: the platform's pack. */
    policyPacks: string[];
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
    const args: CliArgs = { config: {}, quiet: false, policy: true, access: true, policyPacks: [] };
    const value = (i: number, flag: string): string => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        switch (arg) {
            case "--stack":
                args.stack = value(i++, arg);
                break;
            case "--program":
                args.program = value(i++, arg);
                break;
            case "--json":
                args.json = value(i++, arg);
                break;
            case "--config": {
                const kv = value(i++, arg);
                const eq = kv.indexOf("=");
                if (eq <= 0) throw new UsageError(`--config expects KEY=VALUE, got "${kv}"`);
                args.config[kv.slice(0, eq)] = kv.slice(eq + 1);
                break;
            }
            case "--quiet":
                args.quiet = true;
                break;
            case "--no-policy":
                args.policy = false;
                break;
            case "--no-access":
                args.access = false;
                break;
            case "--policy-pack":
                args.policyPacks.push(value(i++, arg));
                break;
            case "--help":
            case "-h":
                throw new UsageError("");
            default:
                throw new UsageError(`unknown argument "${arg}"`);
        }
    }
    if (!args.policy && args.policyPacks.length > 0)
        throw new UsageError("--no-policy and --policy-pack exclude each other");
    return args;
}

/** The platform repository root (where its package.json and Pulumi.yaml are). */
export const repoRoot = (): string => packageRoot(__dirname);

/** The module to load for a program directory, registering the TypeScript loader for TypeScript programs. */
export function programEntry(dir: string): string {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new PlanInputError(`--program ${dir}: not a directory`);
    }
    const main = readProject(dir).main;
    const candidates = main
        ? [path.join(dir, main), path.join(dir, main, "index.ts"), path.join(dir, main, "index.js")]
        : [path.join(dir, "index.ts"), path.join(dir, "index.js")];
    const entry = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
    if (!entry)
        throw new PlanInputError(
            `--program ${dir}: no program found (looked for ${candidates.map((c) => path.relative(process.cwd(), c)).join(", ")})`,
        );
    if (entry.endsWith(".ts")) {
        // Transpile only, as `pulumi up` does when the project sets noCheck; type errors are the build's job.
        registerTypeScript(dir);
    }
    return path.resolve(entry);
}

export async function main(argv: string[]): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (err) {
        if (err instanceof UsageError) {
            if (err.message) console.error(`error: ${err.message}`);
            console.error(USAGE);
            return err.message ? EXIT_ERROR : EXIT_OK;
        }
        throw err;
    }
    try {
        const dir = args.program ? path.resolve(args.program) : repoRoot();
        const named = args.stack ?? defaultStack(dir);
        const engine = loadEngineConfig(dir, named, args.config);
        const stack = named ?? "plan";
        const entry = args.program ? programEntry(dir) : path.join(repoRoot(), "dist", "index.js");
        // Packs load before the program runs, so a pack that cannot load costs no plan.
        const packs: OfflinePack[] = !args.policy
            ? []
            : args.policyPacks.length === 0
              ? platformPacks()
              : args.policyPacks.flatMap((p) => loadPolicyPack(p));
        const result = await runStackPlan(engine, stack, entry);
        const report =
            packs.length && result.errors.length === 0
                ? {
                      ...(await evaluatePolicies(result, packs)),
                      packs: packs.map((p) => ({ name: p.name, version: p.version })),
                  }
                : undefined;
        // The proof (and the IAM simulator it loads) only when asked for: --no-access starts ~20 ms sooner.
        const access =
            args.access && result.errors.length === 0
                ? (await import("./access/prove")).proveAccess(result)
                : undefined;
        const doc = toPlanDocument(result, report, access);
        if (args.json) {
            fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
            fs.writeFileSync(args.json, `${JSON.stringify(doc, null, 2)}\n`);
        }
        if (doc.errors.length > 0) {
            console.error(`error: the program of ${doc.project}/${stack} failed:`);
            for (const e of doc.errors)
                console.error(
                    e
                        .split("\n")
                        .map((l) => `  ${l}`)
                        .join("\n"),
                );
            return EXIT_ERROR;
        }
        console.log(renderPlan(doc, { color: process.stdout.isTTY, quiet: args.quiet }));
        if (access) console.log(`\n${(await import("./access/render")).renderAccess(access, { quiet: args.quiet })}`);
        if (args.json) console.log(`Plan JSON written to ${args.json}`);
        let code = EXIT_OK;
        if (doc.policy && doc.policy.mandatory > 0) {
            console.error(`error: ${doc.policy.mandatory} mandatory policy violation(s)`);
            code = EXIT_POLICY_VIOLATION;
        }
        if (doc.access && doc.access.failures > 0) {
            console.error(
                `error: access proof: ${doc.access.failures} failure(s) (required access not allowed or invariant broken)`,
            );
            code = EXIT_POLICY_VIOLATION;
        }
        return code;
    } catch (err) {
        if (err instanceof PlanInputError) {
            console.error(`error: ${err.message}`);
            return EXIT_ERROR;
        }
        console.error(`error: the plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return EXIT_ERROR;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err) => {
            console.error(err);
            process.exit(EXIT_ERROR);
        },
    );
}
