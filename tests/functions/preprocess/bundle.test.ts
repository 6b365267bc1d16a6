/**
 * The esbuild bundle of the preprocessing Lambda: what gets deployed must
 * export `handler` and behave exactly like the TypeScript source.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { expect } from "chai";
import { bundleFunction, findFunctionEntries } from "../../../functions/build";
import { packageRoot } from "../../../model/package-root";
import { apiEvent, customer, firehoseEvent, transaction, weblog } from "./helpers";

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** Drops the only field that legitimately differs between two runs. */
function withoutProcessedAt(response: FirehoseTransformationResult): unknown {
    return response.records.map((record) => {
        if (record.result !== "Ok") return record;
        const document = JSON.parse(Buffer.from(record.data ?? "", "base64").toString("utf8"));
        delete document._meta.processedAt;
        return { ...record, data: document };
    });
}

describe("preprocess bundle (esbuild)", function () {
    this.timeout(60_000);
    const root = packageRoot(__dirname);
    const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
    let outdir: string;
    let outfile: string;
    let bytes: number;

    before(async () => {
        process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
        outdir = mkdtempSync(path.join(tmpdir(), "preprocess-bundle-"));
        outfile = path.join(outdir, "preprocess", "index.js");
        ({ bytes } = await bundleFunction(path.join(root, "functions/preprocess/index.ts"), outfile));
    });

    after(() => {
        rmSync(outdir, { recursive: true, force: true });
        if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
        else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
    });

    it("finds every function entry point", () => {
        expect(findFunctionEntries(path.join(root, "functions")).map((f) => f.name)).to.include("preprocess");
    });

    it("writes a small, minified CommonJS bundle with a linked source map", () => {
        expect(bytes).to.be.greaterThan(1_000).and.lessThan(200_000);
        const code = readFileSync(outfile, "utf8");
        expect(code).to.match(/sourceMappingURL=index\.js\.map\s*$/);
        expect(existsSync(`${outfile}.map`)).to.equal(true);
        expect(code).not.to.match(/require\(["']\.\//); // everything inlined
    });

    it("exports a handler that behaves like the source", async () => {
        const bundled = require(outfile) as { handler?: Handler };
        expect(bundled.handler).to.be.a("function");
        const { handler: source } = (await import("../../../functions/preprocess")) as { handler: Handler };
        const event = firehoseEvent([
            customer(),
            transaction(),
            weblog(),
            apiEvent(),
            "not json",
            customer({ email: "x" }),
        ]);
        const fromBundle = await (bundled.handler as Handler)(event);
        const fromSource = await source(event);
        expect(fromBundle.records.map((r) => r.result)).to.deep.equal([
            "Ok",
            "Ok",
            "Ok",
            "Ok",
            "ProcessingFailed",
            "ProcessingFailed",
        ]);
        expect(withoutProcessedAt(fromBundle)).to.deep.equal(withoutProcessedAt(fromSource));
    });

    it("leaves the AWS SDK v3 to the Lambda runtime unless asked to bundle it", async () => {
        const entry = { contents: 'module.exports = require("@aws-sdk/client-s3");', resolveDir: root };
        const external = await bundleFunction(entry, path.join(outdir, "sdk-external.js"));
        expect(readFileSync(external.outfile, "utf8")).to.contain('require("@aws-sdk/client-s3")');
        expect(external.bytes).to.be.lessThan(1_000);
    });
});
