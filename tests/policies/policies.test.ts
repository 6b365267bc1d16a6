import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ALL_POLICIES } from "../../policies/cdp-guardrails/policies";
import { planProgram, violatedPolicies } from "../helpers/plan";
import { provider, type PolicyCase } from "./kit";

/** Every `*.cases.ts` file in this folder contributes cases. */
const CASES: PolicyCase[] = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".cases.ts") || f.endsWith(".cases.js"))
    .flatMap((f) => (require(path.join(__dirname, f)) as { cases: PolicyCase[] }).cases);

describe("policy pack: each policy fires on a violating program and nothing fires on the compliant one", () => {
    it("has a violating and a compliant case for every policy of the pack", () => {
        const covered = new Set(CASES.map((c) => c.policy));
        const missing = ALL_POLICIES.map((p) => p.name).filter((n) => !covered.has(n));
        expect(missing, "policies without cases").to.deep.equal([]);
        const unknown = CASES.map((c) => c.policy).filter((n) => !ALL_POLICIES.some((p) => p.name === n));
        expect(unknown, "cases for policies that do not exist").to.deep.equal([]);
    });

    for (const c of CASES) {
        describe(`${c.policy}: ${c.title}`, () => {
            it("fires on the violating program, naming the resource", async () => {
                const doc = await planProgram(() => c.violating(provider()), { policy: true });
                expect(violatedPolicies(doc)).to.include(c.policy);
                for (const v of doc.policy!.violations.filter((x) => x.policy === c.policy)) {
                    expect(v.urn, v.message).to.match(/^urn:pulumi:/);
                    expect(v.enforcement).to.be.oneOf(["mandatory", "advisory"]);
                    expect(v.remediation).to.not.equal("");
                }
            });
            it("does not fire (nor any other policy) on the compliant program", async () => {
                const doc = await planProgram(() => c.compliant(provider()), { policy: true });
                expect(doc.policy!.violations.map((v) => `${v.policy}: ${v.message.split("\n").pop()}`)).to.deep.equal(
                    [],
                );
            });
        });
    }
});
