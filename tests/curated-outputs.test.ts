/**
 * The catalog the platform plans must describe what the Glue jobs write: the curated job's outputs (model/curated.ts)
 * and the raw → processed job's entity folders the domain tables point at (model/catalog.ts). The jobs run on local
 * Spark on a small generated data set (jobs/glue/tests/written_schemas.py) and their written columns, types and
 * partition folders are compared with the model.
 */
import { catalogDomains } from "../programs/hub/products";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PROCESSED_ENTITIES_PREFIX, PROCESSED_PARTITION, PROCESSING_COLUMNS, plannedCatalog } from "../model/catalog";
import { CURATED_OUTPUTS, CURATED_PARTITION, curatedCatalog } from "../model/curated";
import { PROCESSED_PREFIXES } from "../components/processing/etl-pipeline";
import { parsePlatformConfig } from "../programs/config";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { ROOT } from "./helpers/plan";

const JOBS = path.join(__dirname, "..", "jobs", "glue");

type Written = Record<string, { partitions: string[]; columns: Array<[string, string]> }>;

describe("catalog ↔ Glue job outputs (local Spark)", function () {
    this.timeout(600_000);
    let written: { processed: Written; curated: Written };
    before(() => {
        const out = execFileSync("python3", ["tests/written_schemas.py", "1500"], {
            cwd: JOBS,
            encoding: "utf8",
            env: { ...process.env, PYTHONPATH: "." },
            stdio: ["ignore", "pipe", "ignore"],
            maxBuffer: 16 * 1024 * 1024,
        });
        written = JSON.parse(out);
    });

    it("the curated job writes exactly the modelled outputs, columns and types, partitioned by dt", () => {
        expect(Object.keys(written.curated)).to.deep.equal(CURATED_OUTPUTS.map((o) => o.name));
        for (const output of CURATED_OUTPUTS) {
            const w = written.curated[output.name];
            expect(w.partitions, output.name).to.deep.equal([CURATED_PARTITION.name]);
            // Spark reads the partition back as the last column, with the type of its values.
            expect(w.columns, output.name).to.deep.equal([
                ...output.columns.map((c) => [c.name, c.type]),
                [CURATED_PARTITION.name, CURATED_PARTITION.type],
            ]);
        }
        // The planned tables are at <curated>/<output>/ (the job's curated root + name).
        expect(curatedCatalog().map((t) => t.prefix)).to.deep.equal(CURATED_OUTPUTS.map((o) => `${o.name}/`));
    });

    it("the raw → processed job writes entities/<domain>/entity=<entity>/event_date=…/ with the processing columns the domain tables declare", () => {
        expect(PROCESSED_PREFIXES.entities).to.equal(PROCESSED_ENTITIES_PREFIX);
        expect(Object.keys(written.processed).length).to.be.greaterThan(0);
        for (const [entity, w] of Object.entries(written.processed)) {
            expect(w.partitions, entity).to.deep.equal([PROCESSED_PARTITION.name]);
            const types = new Map(w.columns.map(([n, t]) => [n.toLowerCase(), t]));
            expect(types.get(PROCESSED_PARTITION.name), entity).to.equal(PROCESSED_PARTITION.type);
            for (const c of PROCESSING_COLUMNS) expect(types.get(c.name), `${entity}.${c.name}`).to.equal(c.type);
        }
    });

    it("every column a planned domain table shares with the written entity has the written type", () => {
        for (const stack of ["dev", "prod"]) {
            const config = parsePlatformConfig(loadEngineConfig(ROOT, stack).config, "customer-data-platform", stack);
            for (const table of plannedCatalog(catalogDomains(config.domains))) {
                // Keyed like the job's contracts: <domain>.<dataset> (the hub's records are the hub domain's).
                const w = written.processed[`${table.domain}.${table.dataset}`];
                if (!w) continue;
                const types = new Map(w.columns.map(([n, t]) => [n.toLowerCase(), t]));
                for (const c of table.columns) {
                    const t = types.get(c.name);
                    if (t !== undefined)
                        expect(c.type, `${stack} ${table.domain}.${table.table}.${c.name}`).to.equal(t);
                }
            }
        }
    });
});
