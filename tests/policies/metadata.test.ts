import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_POLICIES, POLICIES_BY_SERVICE } from "../../policies/cdp-guardrails/policies";
import { readmePath, renderReadme } from "../../tools/policy-coverage";

describe("policy pack metadata", () => {
    it("gives every policy a unique name, a description citing its control, severity, enforcement and remediation", () => {
        const names = ALL_POLICIES.map((p) => p.name);
        expect(new Set(names).size, "duplicate policy names").to.equal(names.length);
        for (const p of ALL_POLICIES) {
            expect(p.name, p.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(p.description, p.name).to.match(/FSBP|cdk-nag|LF-\d|Lake Formation|platform rule|NIST/);
            expect(p.severity, p.name).to.be.oneOf(["low", "medium", "high", "critical"]);
            expect(p.enforcementLevel, p.name).to.be.oneOf(["mandatory", "advisory"]);
            expect(p.remediationSteps.length, p.name).to.be.greaterThan(20);
            expect(p.cdp.controls.length, p.name).to.be.greaterThan(0);
            expect(p.cdp.inspects.length, p.name).to.be.greaterThan(0);
            for (const t of p.cdp.inspects) expect(t, p.name).to.match(/^(aws|pulumi):[\w-]+(\/\w+)?:\w+$/);
        }
    });

    it("defines each service's policies in rules/<service>.ts, one module per service", () => {
        const rules = path.resolve(__dirname, "..", "..", "policies", "cdp-guardrails", "rules");
        const modules = fs
            .readdirSync(rules)
            .filter((f) => /\.[jt]s$/.test(f) && !f.endsWith(".d.ts"))
            .map((f) => f.replace(/\.[jt]s$/, ""));
        expect(modules.sort()).to.deep.equal(Object.keys(POLICIES_BY_SERVICE).sort());
        for (const [service, policies] of Object.entries(POLICIES_BY_SERVICE)) {
            const exported = Object.values(require(path.join(rules, service)) as Record<string, unknown>);
            expect(exported, `rules/${service}.ts exports its policies`).to.include(policies);
        }
    });

    it("keeps the coverage table in policies/README.md in sync with the pack (npm run policies:doc)", () => {
        const readme = fs.readFileSync(readmePath(), "utf8");
        expect(readme).to.equal(renderReadme(readme));
    });
});
