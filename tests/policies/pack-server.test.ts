import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../helpers/plan";

describe("policy pack entry (what `pulumi preview --policy-pack policies/cdp-guardrails` starts)", () => {
    it("constructs the PolicyPack and serves the analyzer on a local port", async () => {
        const dir = path.join(ROOT, "policies", "cdp-guardrails");
        // The CLI runs the pack's program in its directory; PolicyPack then prints the analyzer's port.
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: dir,
            env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += String(d)));
        const firstLine = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (d) => {
                out += String(d);
                if (out.includes("\n")) resolve(out.split("\n")[0]);
            });
            child.on("exit", (code) => reject(new Error(`pack exited with ${code}: ${stderr}`)));
        });
        child.kill();
        expect(firstLine.trim()).to.match(/^\d{2,5}$/);
    });
});
