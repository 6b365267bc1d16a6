/**
 * The deployed artefacts of the change publisher: the module entry point
 * (cold-start validation) and its esbuild bundle, which must export
 * `handler`, leave the AWS SDK to the Lambda runtime and behave like the
 * source. Exercised on a batch whose only record can never be published, so
 * no AWS call is made.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { coldStart as coldStartWith } from "../cold-start";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { bundleFunction, findFunctionEntries } from "../../../functions/build";
import { packageRoot } from "../../../model/package-root";
import type { ChangePublisherHandler } from "../../../functions/change-publisher/handler";
import { ENV, streamRecord } from "./helpers";

const ENV_NAMES = [
    "DOMAIN",
    "STREAM_ARN",
    "EVENT_BUS_ARN",
    "IDEMPOTENCY_TABLE",
    "TABLE_ENTITIES",
    "IDEMPOTENCY_TTL_SECONDS",
    "IDEMPOTENCY_LEASE_SECONDS",
    "POWERTOOLS_LOG_LEVEL",
    "AWS_REGION",
] as const;
type Env = Partial<Record<(typeof ENV_NAMES)[number], string>>;

/** Loads a module afresh (as a cold start would) with the given environment. */
function coldStart(modulePath: string, env: Env): { handler?: ChangePublisherHandler } {
    return coldStartWith<{ handler?: ChangePublisherHandler }>(modulePath, ENV_NAMES, {
        AWS_REGION: "eu-west-1",
        ...env,
    });
}

describe("change-publisher entry point and bundle", function () {
    this.timeout(60_000);
    const root = packageRoot(__dirname);
    const source = path.join(root, "functions/change-publisher/index.ts");
    let outdir: string;
    let outfile: string;
    let bytes: number;

    before(async () => {
        // Inside the repository so the bundle's external `@aws-sdk/*` requires resolve to node_modules.
        outdir = mkdtempSync(path.join(__dirname, ".bundle-"));
        outfile = path.join(outdir, "change-publisher", "index.js");
        ({ bytes } = await bundleFunction(source, outfile));
    });

    after(() => rmSync(outdir, { recursive: true, force: true }));

    it("is found by the build as a function entry", () => {
        expect(findFunctionEntries(path.join(root, "functions")).map((f) => f.name)).to.include("change-publisher");
    });

    it("bundles to a small CommonJS file that requires the runtime's AWS SDK", () => {
        expect(bytes).to.be.greaterThan(1_000).and.lessThan(300_000);
        const code = readFileSync(outfile, "utf8");
        for (const client of ["client-kinesis", "client-eventbridge", "client-dynamodb"]) {
            expect(code).to.match(new RegExp(`require\\("@aws-sdk/${client}"\\)`));
        }
        expect(code).not.to.match(/require\(["']\.\//);
        expect(code).not.to.match(/require\("@aws-lambda-powertools/); // the logger is inlined
        expect(code).not.to.match(/require\("@smithy/);
    });

    for (const [name, file] of [
        ["source", () => source],
        ["bundle", () => outfile],
    ] as const) {
        it(`${name}: exports a handler that reports an unpublishable record without calling AWS`, async () => {
            const { handler } = coldStart(file(), { ...ENV });
            expect(handler).to.be.a("function");
            const record = streamRecord({
                table: "not-configured",
                eventName: "INSERT",
                keys: { id: "1" },
                newImage: { id: "1", version: 1 },
            });
            const event: DynamoDBStreamEvent = { Records: [record] };
            expect(await handler!(event)).to.deep.equal({
                batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }],
            });
        });

        it(`${name}: fails at cold start with an error naming a missing or invalid variable`, () => {
            expect(() => coldStart(file(), { ...ENV, DOMAIN: undefined })).to.throw("DOMAIN is required but not set");
            expect(() => coldStart(file(), { ...ENV, STREAM_ARN: "cdp-hub" })).to.throw(/^STREAM_ARN must be/);
            expect(() => coldStart(file(), { ...ENV, EVENT_BUS_ARN: "default" })).to.throw(/^EVENT_BUS_ARN must be/);
            expect(() => coldStart(file(), { ...ENV, TABLE_ENTITIES: "[]" })).to.throw(/^TABLE_ENTITIES must be/);
            expect(() => coldStart(file(), { ...ENV, IDEMPOTENCY_TTL_SECONDS: "60" })).to.throw(
                /^IDEMPOTENCY_TTL_SECONDS must be/,
            );
        });
    }
});
