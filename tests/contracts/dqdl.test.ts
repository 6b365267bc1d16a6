/** DQDL rulesets generated from contracts. */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as YAML from "yaml";
import { type DataContract, validateContract } from "../../model/contracts";
import { dqdlRules, dqdlRuleset } from "../../model/dqdl";

const load = (file: string): DataContract => {
    const doc = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "contracts", file), "utf8"));
    const { contract, issues } = validateContract(file, doc);
    expect(issues).to.deep.equal([]);
    return contract!;
};

describe("DQDL from contracts", () => {
    it("the customer contract: completeness, uniqueness, allowed values, ranges, row count and freshness", () => {
        expect(dqdlRuleset(load("sales/customer.yaml"))).to.equal(
            [
                "Rules = [",
                "    RowCount >= 1,",
                '    IsComplete "customerid",',
                '    IsComplete "email",',
                '    Completeness "segment" >= 0.95,',
                '    IsUnique "customerid",',
                '    ColumnValues "segment" in ["retail", "business", "private-banking", NULL],',
                '    ColumnValues "lifetimevalue" >= 0 where "lifetimevalue is not null",',
                '    DataFreshness "updatedat" <= 24 hours',
                "]",
            ].join("\n"),
        );
    });

    it("required columns do not allow NULL; both bounds of a range are inclusive comparisons", () => {
        const rules = dqdlRules(load("payments/payment.yaml"));
        expect(rules).to.include('ColumnValues "status" in ["pending", "settled", "failed"]');
        expect(rules).to.include('ColumnValues "amountminor" >= 0');
        expect(rules).to.include('ColumnValues "amountminor" <= 100000000');
        expect(rules).to.include('Completeness "settledat" >= 0.5');
        expect(rules).to.include('DataFreshness "updatedat" <= 2 hours');
    });

    it("a contract without expectations checks for rows", () => {
        const c = load("marketing/campaign.yaml");
        expect(dqdlRuleset({ ...c, quality: undefined, freshness: undefined })).to.equal(
            "Rules = [\n    RowCount > 0\n]",
        );
    });
});
