/**
 * The deployed artefacts of the contract reconciler: the entry point (cold-start validation of its environment) and
 * its esbuild bundle, which must export `handler` and leave the AWS SDK to the Lambda runtime. Exercised on records
 * without a contract key, which are skipped without any AWS call.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { expect } from "chai";
import { bundleFunction, findFunctionEntries } from "../../../functions/build";
import type { ReconcilerHandler } from "../../../functions/contract-reconciler/handler";
import { packageRoot } from "../../../model/package-root";
import { coldStart as coldStartWith } from "../cold-start";

const ENV = {
    CONTRACTS_TABLE: "cdp-prod-contracts",
    CATALOG_ID: "333333333333",
    CONSUMERS: JSON.stringify({ analysts: "arn:aws:iam::444444444444:role/cdp-analyst" }),
    DATABASES: JSON.stringify({ sales: "cdp_prod_sales" }),
    AUDIT_BUS_ARN: "arn:aws:events:eu-west-1:333333333333:event-bus/default",
};
const NAMES = [...Object.keys(ENV), "AWS_REGION"];
const coldStart = (file: string, env: Record<string, string | undefined>) =>
    coldStartWith<{ handler?: ReconcilerHandler }>(file, NAMES, { AWS_REGION: "eu-west-1", ...env });

describe("contract-reconciler entry point and bundle", function () {
    this.timeout(60_000);
    const root = packageRoot(__dirname);
    const source = path.join(root, "functions/contract-reconciler/index.ts");
    let outdir: string;
    let outfile: string;

    before(async () => {
        outdir = mkdtempSync(path.join(__dirname, ".bundle-"));
        outfile = path.join(outdir, "contract-reconciler", "index.js");
        await bundleFunction(source, outfile);
    });

    after(() => rmSync(outdir, { recursive: true, force: true }));

    it("is a function entry of the build, bundled to CommonJS requiring the runtime's AWS SDK", () => {
        expect(findFunctionEntries(path.join(root, "functions")).map((f) => f.name)).to.include("contract-reconciler");
        const code = readFileSync(outfile, "utf8");
        for (const client of ["client-lakeformation", "client-eventbridge", "client-dynamodb"]) {
            expect(code).to.match(new RegExp(`require\\("@aws-sdk/${client}"\\)`));
        }
        expect(code).not.to.match(/require\("@aws-lambda-powertools/);
    });

    for (const [name, file] of [
        ["source", () => source],
        ["bundle", () => outfile],
    ] as const) {
        it(`${name}: exports a handler that skips a record without a contract key, calling no AWS API`, async () => {
            const { handler } = coldStart(file(), ENV);
            const event = { Records: [{ eventID: "1", dynamodb: { SequenceNumber: "1" } }] } as DynamoDBStreamEvent;
            expect(await handler!(event)).to.deep.equal({ batchItemFailures: [], outcomes: [] });
        });

        it(`${name}: fails at cold start naming a missing or invalid variable`, () => {
            expect(() => coldStart(file(), { ...ENV, CONTRACTS_TABLE: undefined })).to.throw(
                "CONTRACTS_TABLE is required but not set",
            );
            expect(() => coldStart(file(), { ...ENV, CATALOG_ID: "governance" })).to.throw(/^CATALOG_ID must be/);
            expect(() => coldStart(file(), { ...ENV, CONSUMERS: '{"analysts": "cdp-analyst"}' })).to.throw(
                /^CONSUMERS must be/,
            );
            expect(() => coldStart(file(), { ...ENV, AUDIT_BUS_ARN: "default" })).to.throw(/^AUDIT_BUS_ARN must be/);
        });
    }
});
