/**
 * One rule per idea: a data set the `ThirdPartyFeed` component accepts is one the exporter's environment contract and
 * event parser accept, and the reverse, for ids and dataset names alike (all three read model/names.ts).
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { validateThirdPartyFeedArgs } from "../components/ingest/third-party-feed";
import { dataExchangeExportEnv } from "../model/env/dataexchange-export";

const ENV = {
    RAW_BUCKET: "cdp-prod-raw-333333333333-eu-west-1",
    RAW_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
};

function componentAccepts(id: string, name: string): boolean {
    try {
        validateThirdPartyFeedArgs("feed", { dataSets: [{ id, name }] } as never);
        return true;
    } catch {
        return false;
    }
}

function exporterAccepts(id: string, name: string): boolean {
    try {
        dataExchangeExportEnv.load({ ...ENV, DATASETS: JSON.stringify({ [id]: name }) });
        return true;
    } catch {
        return false;
    }
}

describe("Data Exchange ids and dataset names: one rule", () => {
    const ids = fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_ .-]{0,140}$/),
        fc.constant("aae4c2cd145a48454f9369d4a4db5c66"),
    );
    const names = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9_ -]{0,45}$/), fc.constant("credit-scores"));

    it("the component and the exporter accept exactly the same data sets", () => {
        fc.assert(
            fc.property(ids, names, (id, name) => componentAccepts(id, name) === exporterAccepts(id, name)),
            { numRuns: 2000 },
        );
    });

    it("names the key, the value and the rule", () => {
        expect(() => validateThirdPartyFeedArgs("feed", { dataSets: [{ id: "a b", name: "Fx_Rates" }] } as never))
            .to.throw(/dataSets\[0\]\.id.*a b[\s\S]*1-128 letters, digits or hyphens/)
            .and.to.match(/dataSets\[0\]\.name[\s\S]*Fx_Rates[\s\S]*starting with a letter/);
    });
});
