/**
 * The deployed artefacts of the Data Exchange exporter: the module entry
 * point (cold-start validation) and its esbuild bundle, which must export
 * `handler`, leave the AWS SDK to the Lambda runtime and behave like the
 * source. The Data Exchange client is mocked (aws-sdk-client-mock): no local
 * emulator implements the Data Exchange jobs API.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { CreateJobCommand, DataExchangeClient, StartJobCommand } from "@aws-sdk/client-dataexchange";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { expect } from "chai";
import { coldStart as coldStartWith } from "../cold-start";
import { bundleFunction, findFunctionEntries } from "../../../functions/build";
import { packageRoot } from "../../../model/package-root";
import type { ExportHandler } from "../../../functions/dataexchange-export/handler";
import { BUCKET, DATA_SET_ID, ENV, KMS_KEY_ARN, REVISION_ID, fakeJobsApi, revisionEvent } from "./helpers";

const ENV_NAMES = ["RAW_BUCKET", "RAW_KMS_KEY_ARN", "DATASETS", "PREFIX", "POWERTOOLS_LOG_LEVEL"] as const;

/** Loads a module afresh (as a cold start would) with the given environment. */
function coldStart(
    modulePath: string,
    env: Partial<Record<(typeof ENV_NAMES)[number], string>>,
): { handler?: ExportHandler } {
    return coldStartWith<{ handler?: ExportHandler }>(modulePath, ENV_NAMES, env);
}

describe("dataexchange-export entry point and bundle", function () {
    this.timeout(60_000);
    const root = packageRoot(__dirname);
    const source = path.join(root, "functions/dataexchange-export/index.ts");
    let ddx: AwsClientStub<DataExchangeClient>;
    let outdir: string;
    let outfile: string;
    let bytes: number;

    before(async () => {
        // Inside the repository so the bundle's external `@aws-sdk/*` requires resolve to node_modules.
        outdir = mkdtempSync(path.join(__dirname, ".bundle-"));
        outfile = path.join(outdir, "dataexchange-export", "index.js");
        ({ bytes } = await bundleFunction(source, outfile));
        ddx = mockClient(DataExchangeClient);
    });

    beforeEach(() => ddx.reset());

    after(() => {
        ddx.restore();
        rmSync(outdir, { recursive: true, force: true });
    });

    it("is found by the build as a function entry", () => {
        expect(findFunctionEntries(path.join(root, "functions")).map((f) => f.name)).to.include("dataexchange-export");
    });

    it("bundles to a small CommonJS file that requires the runtime's AWS SDK", () => {
        expect(bytes).to.be.greaterThan(1_000).and.lessThan(300_000);
        const code = readFileSync(outfile, "utf8");
        expect(code).to.match(/require\("@aws-sdk\/client-dataexchange"\)/);
        expect(code).not.to.match(/require\(["']\.\//);
        expect(code).not.to.match(/require\("@aws-lambda-powertools/); // the logger is inlined
    });

    for (const [name, modulePath] of [
        ["source", source],
        ["bundle", () => outfile],
    ] as const) {
        const file = () => (typeof modulePath === "function" ? modulePath() : modulePath);

        it(`${name}: exports a handler that creates and starts the export job`, async () => {
            fakeJobsApi(ddx);
            const { handler } = coldStart(file(), { ...ENV });
            expect(handler).to.be.a("function");
            const summary = await (handler as ExportHandler)(revisionEvent());
            expect(summary.jobIds).to.have.length(1);
            expect(ddx.commandCalls(CreateJobCommand)[0]?.args[0].input.Details?.ExportRevisionsToS3).to.deep.include({
                DataSetId: DATA_SET_ID,
                Encryption: { Type: "aws:kms", KmsKeyArn: KMS_KEY_ARN },
            });
            expect(
                ddx.commandCalls(CreateJobCommand)[0]?.args[0].input.Details?.ExportRevisionsToS3
                    ?.RevisionDestinations?.[0],
            ).to.include({ Bucket: BUCKET, RevisionId: REVISION_ID });
            expect(ddx.commandCalls(StartJobCommand).map((c) => c.args[0].input.JobId)).to.deep.equal(summary.jobIds);
        });

        it(`${name}: fails at cold start with an error naming a missing or invalid variable`, () => {
            expect(() => coldStart(file(), { ...ENV, RAW_BUCKET: undefined })).to.throw(
                "RAW_BUCKET is required but not set",
            );
            expect(() => coldStart(file(), { ...ENV, RAW_KMS_KEY_ARN: "alias/raw" })).to.throw(
                /^RAW_KMS_KEY_ARN must be/,
            );
            expect(() => coldStart(file(), { ...ENV, DATASETS: "{" })).to.throw(/^DATASETS must be a JSON object/);
            expect(() => coldStart(file(), { ...ENV, PREFIX: "a//b" })).to.throw(/^PREFIX must be/);
        });
    }
});
