/**
 * Reading the contract files of a directory (`<dir>/<domain>/<dataset>.yaml`), for `npm run contracts:check` and the
 * governance program. Pulumi-free; never throws on a bad file: a file that is not YAML, or lies at the wrong path, is
 * an issue naming the file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as YAML from "yaml";
import { type ContractIssue, contractPath } from "./contracts";

export interface ContractFile {
    /** Path relative to the contracts directory, `<domain>/<dataset>.yaml`. */
    readonly file: string;
    /** The parsed YAML document (validated by `validateContract`). */
    readonly doc: unknown;
}

/** Every `*.yaml`/`*.yml` file under `dir` (sorted), parsed; a missing directory has none. */
export function readContractFiles(dir: string): { files: ContractFile[]; issues: ContractIssue[] } {
    const files: ContractFile[] = [];
    const issues: ContractIssue[] = [];
    if (!fs.existsSync(dir)) return { files, issues };
    const parser = require("yaml") as typeof YAML;
    const walk = (sub: string): string[] =>
        fs
            .readdirSync(path.join(dir, sub), { withFileTypes: true })
            .flatMap((e) =>
                e.isDirectory()
                    ? walk(path.posix.join(sub, e.name))
                    : /\.ya?ml$/.test(e.name)
                      ? [path.posix.join(sub, e.name)]
                      : [],
            );
    for (const file of walk("").sort()) {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        const document = parser.parseDocument(text);
        if (document.errors.length > 0) {
            issues.push({
                file,
                path: "$",
                value: document.errors[0].message.split("\n")[0],
                expected: "a valid YAML document",
            });
            continue;
        }
        const doc = document.toJS() as unknown;
        const record = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
        if (
            typeof record.domain === "string" &&
            typeof record.dataset === "string" &&
            file !== contractPath(record.domain, record.dataset)
        ) {
            issues.push({
                file,
                path: "$",
                value: file,
                expected: `the file at ${contractPath(record.domain, record.dataset)} (<domain>/<dataset>.yaml)`,
            });
        }
        files.push({ file, doc });
    }
    return { files, issues };
}
