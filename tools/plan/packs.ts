import type { EnforcementLevel, PolicyPackArgs } from "@pulumi/policy";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_POLICIES, PACK_NAME } from "../../policies/cdp-guardrails/policies";
import type { OfflinePack } from "./policy";
import { PlanInputError } from "./stack-config";
import { registerTypeScript } from "./typescript";

/** The source directory of the platform's own pack (`policies/cdp-guardrails`), from `src` or from `dist`. */
export function platformPackDir(): string {
    const dir = path.resolve(__dirname, "..", "..", "policies", "cdp-guardrails");
    return fs.existsSync(path.join(dir, "package.json"))
        ? dir
        : path.resolve(__dirname, "..", "..", "..", "policies", "cdp-guardrails");
}

function packVersion(dir: string): string {
    const file = path.join(dir, "package.json");
    const version = fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version
        : undefined;
    // As `new PolicyPack` does: the version is the pack's package.json version.
    if (!version) throw new PlanInputError(`--policy-pack ${dir}: no version in ${file}`);
    return version;
}

/** The platform's policy packs as the offline plan evaluates them (same definitions as the CrossGuard pack). */
export function platformPacks(): OfflinePack[] {
    const version = packVersion(platformPackDir());
    return [{ name: PACK_NAME, version, enforcementLevel: "mandatory", policies: [...ALL_POLICIES] }];
}

type PolicyModule = { PolicyPack: new (name: string, args: PolicyPackArgs, initialConfig?: unknown) => unknown };

/**
 * A CrossGuard policy pack directory (what `pulumi preview --policy-pack DIR` runs) loaded for the offline plan: its
 * entry module runs as under the Pulumi CLI, except that `new PolicyPack(...)` records the pack's name, enforcement
 * level and policies instead of starting the analyzer server. The version is the pack's package.json version.
 */
export function loadPolicyPack(dir: string): OfflinePack[] {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new PlanInputError(`--policy-pack ${dir}: not a directory`);
    }
    if (fs.realpathSync(root) === fs.realpathSync(platformPackDir())) {
        // The platform's own pack: its compiled definitions, without loading TypeScript.
        return platformPacks();
    }
    const version = packVersion(root);
    let policyModule: PolicyModule;
    try {
        // The @pulumi/policy the pack itself resolves (it may have its own node_modules).
        policyModule = require(require.resolve("@pulumi/policy/policy", { paths: [root] })) as PolicyModule;
    } catch {
        throw new PlanInputError(`--policy-pack ${dir}: @pulumi/policy is not installed for the pack`);
    }
    registerTypeScript(root);
    let entry: string;
    try {
        entry = require.resolve(root);
    } catch {
        throw new PlanInputError(`--policy-pack ${dir}: no entry module (package.json "main", index.ts or index.js)`);
    }
    const captured: OfflinePack[] = [];
    const original = policyModule.PolicyPack;
    policyModule.PolicyPack = class {
        constructor(name: string, args: PolicyPackArgs) {
            captured.push({
                name,
                version,
                enforcementLevel: (args.enforcementLevel ?? "advisory") as EnforcementLevel,
                policies: [...args.policies],
            });
        }
    };
    try {
        require(entry);
    } finally {
        policyModule.PolicyPack = original;
    }
    if (captured.length === 0) {
        throw new PlanInputError(`--policy-pack ${dir}: ${path.relative(process.cwd(), entry)} creates no PolicyPack`);
    }
    return captured;
}
