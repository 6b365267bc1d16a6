/**
 * The Glue jobs' lineage helper (jobs/glue/cdp_jobs/lineage.py) produces what the lineage writer accepts: its source,
 * detail-type and schema URL are the TypeScript contract's (model/lineage.ts), and its events pass `validateRunEvent`.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE, OPENLINEAGE_SCHEMA_URL, validateRunEvent } from "../model/lineage";

const JOBS = path.join(__dirname, "..", "jobs", "glue");

describe("lineage events from the Glue jobs' helper (Python ↔ TypeScript contract)", () => {
    it("builds PutEvents entries the writer's rule matches and its validator accepts", () => {
        const script = [
            "import json",
            "from cdp_jobs.lineage import dataset, new_run_id, put_events_entry, run_event",
            "run = new_run_id()",
            "p = 'https://github.com/example/cdp/jobs/glue'",
            "events = [",
            "  run_event('START', run, 'glue://cdp-prod', 'curate', producer=p, inputs=[dataset('s3://raw', 'orders')]),",
            "  run_event('COMPLETE', run, 'glue://cdp-prod', 'curate', producer=p,",
            "            inputs=[dataset('s3://raw', 'orders')], outputs=[dataset('s3://curated', 'revenue')]),",
            "  run_event('FAIL', new_run_id(), 'glue://cdp-prod', 'curate', producer=p, error_message='boom'),",
            "]",
            "print(json.dumps([put_events_entry(e) for e in events]))",
        ].join("\n");
        const entries = JSON.parse(execFileSync("python3", ["-c", script], { cwd: JOBS, encoding: "utf8" })) as Array<{
            Source: string;
            DetailType: string;
            Detail: string;
        }>;
        expect(entries).to.have.length(3);
        for (const entry of entries) {
            expect(entry.Source).to.equal(LINEAGE_EVENT_SOURCE);
            expect(entry.DetailType).to.equal(LINEAGE_DETAIL_TYPE);
            const detail = JSON.parse(entry.Detail);
            expect(detail.schemaURL).to.equal(OPENLINEAGE_SCHEMA_URL);
            expect(validateRunEvent(detail)).to.deep.include({ ok: true });
        }
    });
});
