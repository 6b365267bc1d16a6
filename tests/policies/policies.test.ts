import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ALL_POLICIES, POLICIES_BY_SERVICE } from "../../policies/cdp-guardrails/policies";
import { planProgram, violatedPolicies } from "../helpers/plan";
import { provider, type PolicyCase } from "./kit";

/** Every `<service>.cases.ts` file in this folder contributes the cases of the policies of rules/<service>.ts. */
const CASE_FILES: Array<{ service: string; cases: PolicyCase[] }> = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".cases.ts") || f.endsWith(".cases.js"))
    .map((f) => ({
        service: f.replace(/\.cases\.[jt]s$/, ""),
        cases: (require(path.join(__dirname, f)) as { cases: PolicyCase[] }).cases,
    }));
const CASES: PolicyCase[] = CASE_FILES.flatMap((f) => f.cases);

describe("policy pack: each policy fires on a violating program and nothing fires on the compliant one", () => {
    it("has a violating and a compliant case for every policy of the pack", () => {
        const covered = new Set(CASES.map((c) => c.policy));
        const missing = ALL_POLICIES.map((p) => p.name).filter((n) => !covered.has(n));
        expect(missing, "policies without cases").to.deep.equal([]);
        const unknown = CASES.map((c) => c.policy).filter((n) => !ALL_POLICIES.some((p) => p.name === n));
        expect(unknown, "cases for policies that do not exist").to.deep.equal([]);
    });

    it("keeps each policy's cases in the file of its service (<service>.cases.ts next to rules/<service>.ts)", () => {
        expect(CASE_FILES.map((f) => f.service).sort()).to.deep.equal(Object.keys(POLICIES_BY_SERVICE).sort());
        const misplaced = CASE_FILES.flatMap(({ service, cases }) =>
            cases
                .filter((c) => !(POLICIES_BY_SERVICE[service] ?? []).some((p) => p.name === c.policy))
                .map((c) => `${service}.cases.ts: ${c.policy}`),
        );
        expect(misplaced, "cases outside their service's file").to.deep.equal([]);
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
