/**
 * Environment configuration of the Data Exchange exporter: validated at cold
 * start, every error names the offending variable.
 */
import { expect } from "chai";
import { keyPatternFor, loadConfig } from "../../../functions/dataexchange-export/config";
import { DEFAULT_PREFIX } from "../../../model/env/dataexchange-export";
import { BUCKET, DATA_SET_ID, ENV, KMS_KEY_ARN, OTHER_DATA_SET_ID } from "./helpers";

function errorOf(env: Record<string, string | undefined>): string {
    try {
        loadConfig(env);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("expected loadConfig to throw");
}

describe("dataexchange-export config", () => {
    it("reads a valid environment", () => {
        const config = loadConfig({ ...ENV });
        expect(config.bucket).to.equal(BUCKET);
        expect(config.kmsKeyArn).to.equal(KMS_KEY_ARN);
        expect([...config.datasets]).to.deep.equal([
            [DATA_SET_ID, "credit-scores"],
            [OTHER_DATA_SET_ID, "fx-rates"],
        ]);
        expect(config.prefix).to.equal(DEFAULT_PREFIX).and.equal("thirdparty");
    });

    it("accepts the brief's example DATASETS and GovCloud / China key ARNs", () => {
        expect([...loadConfig({ ...ENV, DATASETS: '{"d-123": "credit-scores"}' }).datasets]).to.deep.equal([
            ["d-123", "credit-scores"],
        ]);
        for (const arn of [
            "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        ]) {
            expect(loadConfig({ ...ENV, RAW_KMS_KEY_ARN: arn }).kmsKeyArn).to.equal(arn);
        }
    });

    describe("PREFIX", () => {
        const cases: Array<[string | undefined, string]> = [
            [undefined, "thirdparty"],
            ["", "thirdparty"],
            ["  ", "thirdparty"],
            ["vendors", "vendors"],
            ["/vendors/thirdparty/", "vendors/thirdparty"],
            ["source=adx", "source=adx"],
        ];
        for (const [raw, expected] of cases) {
            it(`${JSON.stringify(raw)} → "${expected}"`, () => {
                expect(loadConfig({ ...ENV, PREFIX: raw }).prefix).to.equal(expected);
            });
        }
        for (const bad of ["/", "a//b", "a/../b", "./a", "${Asset.Name}", "a b", "dollar$"]) {
            it(`rejects ${JSON.stringify(bad)}`, () => {
                expect(errorOf({ ...ENV, PREFIX: bad })).to.match(/^PREFIX must be a key prefix/);
            });
        }
    });

    describe("missing variables", () => {
        for (const name of ["RAW_BUCKET", "RAW_KMS_KEY_ARN", "DATASETS"]) {
            it(`${name} unset or blank → an error naming it`, () => {
                expect(errorOf({ ...ENV, [name]: undefined })).to.equal(`${name} is required but not set`);
                expect(errorOf({ ...ENV, [name]: "  " })).to.equal(`${name} is required but not set`);
            });
        }
    });

    describe("invalid variables → an error naming the variable", () => {
        const cases: Array<[string, string, RegExp]> = [
            ["RAW_BUCKET", "arn:aws:s3:::cdp-raw", /^RAW_BUCKET must be a bucket name, not an ARN or URL/],
            ["RAW_BUCKET", "s3://cdp-raw", /^RAW_BUCKET must be a bucket name, not an ARN or URL/],
            ["RAW_BUCKET", "CDP_Raw", /^RAW_BUCKET must be a valid S3 bucket name/],
            ["RAW_BUCKET", "ab", /^RAW_BUCKET must be a valid S3 bucket name/],
            ["RAW_BUCKET", "cdp..raw", /^RAW_BUCKET must be a valid S3 bucket name/],
            ["RAW_BUCKET", "192.168.1.10", /^RAW_BUCKET must be a valid S3 bucket name/],
            ["RAW_KMS_KEY_ARN", "alias/cdp-raw", /^RAW_KMS_KEY_ARN must be a key ARN .*not an alias/],
            ["RAW_KMS_KEY_ARN", "arn:aws:kms:eu-west-1:111122223333:alias/cdp-raw", /^RAW_KMS_KEY_ARN .*not an alias/],
            ["RAW_KMS_KEY_ARN", "1234abcd-12ab-34cd-56ef-1234567890ab", /^RAW_KMS_KEY_ARN must be a key ARN/],
            ["RAW_KMS_KEY_ARN", "arn:aws:s3:::cdp-raw", /^RAW_KMS_KEY_ARN must be a key ARN/],
            ["DATASETS", "credit-scores", /^DATASETS must be a JSON object .*not valid JSON/],
            ["DATASETS", '["credit-scores"]', /^DATASETS must be a JSON object mapping/],
            ["DATASETS", "null", /^DATASETS must be a JSON object mapping/],
            ["DATASETS", "{}", /^DATASETS must configure at least one data set/],
            ["DATASETS", '{"d 1": "credit-scores"}', /^DATASETS key "d 1" is not a Data Exchange data set id/],
            ["DATASETS", '{"d1": 42}', /^DATASETS\["d1"\] must be a dataset name/],
            ["DATASETS", '{"d1": "Credit Scores"}', /^DATASETS\["d1"\] must be a dataset name/],
            ["DATASETS", '{"d1": "../raw"}', /^DATASETS\["d1"\] must be a dataset name/],
            ["DATASETS", '{"d1": ""}', /^DATASETS\["d1"\] must be a dataset name/],
            ["DATASETS", '{"d1": "fx", "d2": "fx"}', /^DATASETS maps both "d1" and "d2" to the dataset name "fx"/],
        ];
        for (const [name, value, message] of cases) {
            it(`${name}=${value}`, () => {
                expect(errorOf({ ...ENV, [name]: value })).to.match(message);
            });
        }
    });

    it("never lets a dynamic reference or a different revision share a folder", () => {
        const pattern = keyPatternFor("thirdparty", "credit-scores");
        expect(pattern.startsWith("thirdparty/credit-scores/")).to.equal(true);
        expect(pattern).to.include("/revision=${Revision.Id}/");
        expect(pattern.endsWith("/${Asset.Name}")).to.equal(true);
        // Only documented dynamic references.
        const documented = new Set([
            "Asset.Id",
            "Asset.Name",
            "DataSet.Id",
            "DataSet.Name",
            "Revision.CreatedAt",
            "Revision.CreatedAt.Day",
            "Revision.CreatedAt.Month",
            "Revision.CreatedAt.Year",
            "Revision.Id",
        ]);
        for (const [, reference] of pattern.matchAll(/\$\{([^}]*)\}/g)) expect(documented).to.include(reference);
    });
});
