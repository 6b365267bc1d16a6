/**
 * The raw-zone layout is written by the hub's Firehose streams (TypeScript components) and read by the Glue jobs
 * (jobs/glue/cdp_jobs/raw_layout.py): the planned delivery prefixes must be exactly the layout the jobs parse.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ofType, planStack } from "./helpers/plan";

const JOBS = path.join(__dirname, "..", "jobs", "glue");

function pythonLayout(): { partitions: Record<string, string[]>; errors: string } {
    const out = execFileSync(
        "python3",
        [
            "-c",
            "import json; from cdp_jobs.raw_layout import PARTITIONS, ERRORS_FOLDER; " +
                "print(json.dumps({'partitions': PARTITIONS, 'errors': ERRORS_FOLDER}))",
        ],
        { cwd: JOBS, encoding: "utf8" },
    );
    return JSON.parse(out);
}

describe("raw-zone layout contract (Firehose prefixes ↔ Glue jobs)", () => {
    it("every planned raw delivery writes the folders and partitions the Glue jobs parse", async () => {
        const doc = await planStack("prod");
        const layout = pythonLayout();
        const streams = ofType(doc, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
        expect(streams.length).to.be.greaterThan(0);
        const seen = new Set<string>();
        for (const stream of streams) {
            const s3 = stream.inputs.extendedS3Configuration as { prefix: string; errorOutputPrefix: string };
            const [folder, ...rest] = s3.prefix.replace(/\/$/, "").split("/");
            const partitions = rest.map((segment) => segment.split("=")[0]);
            expect(layout.partitions[folder], `${stream.name}: folder ${folder}`).to.deep.equal(partitions);
            expect(s3.errorOutputPrefix).to.equal(
                `${layout.errors}/${folder}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
            );
            seen.add(folder);
        }
        expect([...seen].sort()).to.deep.equal(Object.keys(layout.partitions).sort());
    });
});
