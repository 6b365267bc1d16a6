#!/usr/bin/env node
/**
 * `npm run contracts:check [-- --dir DIR]`: validates every data contract file against each stack's configuration
 * (`Pulumi.<stack>.yaml`, parsed like the plan does) and planned catalog. Errors name the file, the JSON path and what
 * was expected; exit 1 on any, 2 on a stack file that does not parse. Prints one summary line per stack.
 */
import { catalogDomains } from "../../programs/hub/products";
import * as path from "node:path";
import { catalogDomainNames, plannedCatalog } from "../../model/catalog";
import { readContractFiles } from "../../model/contract-files";
import { type ContractIssue, contractId, formatContractIssue, validateContract } from "../../model/contracts";
import { packageRoot } from "../../model/package-root";
import { parsePlatformConfig, type PlatformConfig } from "../../programs/config";
import { loadEngineConfig, stackFiles } from "../plan/stack-config";

export interface StackSummary {
    readonly stack: string;
    /** Contracts of the stack's domains. */
    readonly contracts: number;
    /** Consumer approvals that grant in this stack (consumers it configures). */
    readonly approvals: number;
    /** Approvals of consumers this stack does not configure (granted in other stacks only). */
    readonly skipped: number;
}

export interface CheckResult {
    readonly files: number;
    readonly issues: ContractIssue[];
    readonly stacks: StackSummary[];
}

/** Checks the contract files of `dir` against the stacks' configurations. */
export function checkContracts(
    dir: string,
    stacks: ReadonlyArray<{ name: string; config: PlatformConfig }>,
): CheckResult {
    const { files, issues } = readContractFiles(dir);
    const summaries = stacks.map((s) => ({ stack: s.name, contracts: 0, approvals: 0, skipped: 0 }));
    const seen = new Map<string, string>();
    const reported = new Set<string>();
    for (const { file, doc } of files) {
        const structural = validateContract(file, doc);
        if (!structural.contract) {
            issues.push(...structural.issues);
            continue;
        }
        const contract = structural.contract;
        const id = contractId(contract);
        if (seen.has(id)) {
            issues.push({
                file,
                path: "$.dataset",
                value: id,
                expected: `one contract per dataset (${seen.get(id)} has it)`,
            });
        }
        seen.set(id, file);
        // Every stack has the hub's data product domain besides its business domains (model/hub-products.ts).
        const inStacks = stacks.filter((s) => catalogDomainNames(s.config.domains).includes(contract.domain));
        if (inStacks.length === 0) {
            issues.push({
                file,
                path: "$.domain",
                value: contract.domain,
                expected: `a domain of some stack (${[...new Set(stacks.flatMap((s) => catalogDomainNames(s.config.domains)))].join(", ")})`,
            });
            continue;
        }
        const known = new Set<string>();
        for (const s of inStacks) {
            const catalog = plannedCatalog(catalogDomains(s.config.domains));
            const result = validateContract(file, doc, { catalog });
            for (const issue of result.issues) {
                // One issue per file, path and expectation, naming the first stack that shows it.
                const key = `${file}|${issue.path}|${issue.expected}`;
                if (reported.has(key)) continue;
                reported.add(key);
                issues.push({ ...issue, expected: `${issue.expected} (stack ${s.name})` });
            }
            const names = s.config.governance.consumers.map((c) => c.name);
            for (const n of names) known.add(n);
            const summary = summaries[stacks.indexOf(s)];
            summary.contracts++;
            for (const c of contract.consumers) {
                if (names.includes(c.name)) summary.approvals++;
                else summary.skipped++;
            }
        }
        contract.consumers.forEach((c, i) => {
            if (!known.has(c.name))
                issues.push({
                    file,
                    path: `$.consumers[${i}].name`,
                    value: c.name,
                    expected: `a consumer of cdp:governance.consumers in a stack with domain ${contract.domain} (${[...known].join(", ") || "none configured"})`,
                });
        });
    }
    return { files: files.length, issues, stacks: summaries };
}

/** Every stack of the project at `root`, parsed. */
export function loadStacks(root: string): Array<{ name: string; config: PlatformConfig }> {
    return stackFiles(root).map((f) => {
        const name = f.split(".")[1];
        const engine = loadEngineConfig(root, name);
        return { name, config: parsePlatformConfig(engine.config, engine.project, name) };
    });
}

export function main(argv: readonly string[]): number {
    const root = packageRoot(__dirname);
    const at = argv.indexOf("--dir");
    const dir = at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]) : path.join(root, "contracts");
    let stacks: Array<{ name: string; config: PlatformConfig }>;
    try {
        stacks = loadStacks(root);
    } catch (err) {
        console.error(`contracts:check: ${(err as Error).message}`);
        return 2;
    }
    const result = checkContracts(dir, stacks);
    for (const issue of result.issues) console.error(formatContractIssue(issue));
    for (const s of result.stacks) {
        console.log(
            `${s.stack}: ${s.contracts} contract(s), ${s.approvals} approval(s) granted${s.skipped > 0 ? `, ${s.skipped} for consumers the stack does not configure` : ""}`,
        );
    }
    console.log(
        result.issues.length === 0
            ? `contracts:check: ${result.files} contract file(s) valid`
            : `contracts:check: ${result.issues.length} issue(s) in ${result.files} contract file(s)`,
    );
    return result.issues.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
