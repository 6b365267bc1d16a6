/**
 * `npm run demo` in small: 2,000 generated producer records through the local ingestion path (kinesalite, Firehose
 * batching, the preprocess handler, dynamic partitioning) and both Glue jobs on local Spark, with the record
 * accounting checked per record: every record ends in processed (and curated where the curated job's rules send its
 * item), the quarantine or Firehose's error output — never lost, never twice. Needs Java 17 and pyspark
 * (requirements-dev.txt), as the pytest suite does.
 */
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import {
    DATA_OBJECT_EXTENSION,
    DEMO_HASH_SALT,
    DemoUsageError,
    HUB_STREAM_DELIVERY,
    checkPrerequisites,
    parseDemoArgs,
    runDemo,
    type DemoResult,
} from "../../tools/local/demo";
import { generateRecords, readStackDomains } from "../../tools/local/demo/generate";
import { silentProgress } from "../../tools/local/demo/progress";
import { ROOT, ofType, planStack } from "../helpers/plan";

describe("npm run demo (local end-to-end data path)", function () {
    this.timeout(300_000);
    let dir: string;
    let result: DemoResult;
    let output = "";

    before(async () => {
        dir = await fs.mkdtemp(path.join(os.tmpdir(), "cdp-demo-"));
        const previous = process.env.POWERTOOLS_LOG_LEVEL;
        process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
        try {
            result = await runDemo({
                records: 2000,
                seed: 7,
                // A week of events: fewer partitions to write, the same paths exercised.
                days: 7,
                out: path.join(dir, "out"),
                stack: "dev",
                cores: 2,
                progress: silentProgress,
                print: (t) => {
                    output += t;
                },
            });
        } finally {
            if (previous === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
            else process.env.POWERTOOLS_LOG_LEVEL = previous;
        }
    });

    after(async () => {
        if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it("balances: generated = Firehose error output + quarantined + processed, and the run exits 0", () => {
        const r = result.report as Record<string, number & Record<string, number>>;
        expect(result.exitCode, output).to.equal(0);
        expect(r.balanced).to.equal(true);
        const quarantined = Object.values(r.quarantined).reduce((a, b) => a + b, 0);
        expect(r.generated).to.equal(2000);
        expect(r.firehose_failed + quarantined + r.processed).to.equal(r.generated);
        expect(r.delivered).to.equal(r.job_input);
        expect(output).to.match(/BALANCED: every generated record/);
    });

    it("accounts for each record: its event id's lines equal the job's outcomes, none processed twice", () => {
        const r = result.report as Record<string, unknown>;
        expect(r.unbalanced_event_ids).to.equal(0);
        expect(r.processed_twice).to.equal(0);
        expect(r.unattributed_quarantine).to.equal(0);
        // Each record ended as the generator meant: bad ones in the error output or the quarantine, replays as
        // duplicates, valid changes processed.
        expect(r.intent_mismatches).to.deep.equal([]);
    });

    it("every record the preprocess Lambda rejected is in Firehose's error output, and only those", () => {
        for (const m of result.manifest) {
            expect(m.firehose, `record ${m.i} (${m.intent}: ${m.defect})`).to.equal(
                m.intent === "lambda-reject" ? "failed" : "ok",
            );
            if (m.firehose === "ok") expect(m.event_id, `record ${m.i}`).to.be.a("string");
            else expect(m.error_code).to.equal("Lambda.ProcessingFailedStatus");
        }
    });

    it("every processed item reaches the curated dataset its rules name, and no other item is there", () => {
        const r = result.report as Record<string, unknown>;
        expect(r.missing_from_curated).to.equal(0);
        expect(r.unexpected_in_curated).to.equal(0);
        const reached = r.reached_curated as Record<string, { items: number; dataset: string }>;
        const expected = (entity: string) =>
            new Set(result.manifest.filter((m) => m.entity === entity && m.curated !== null).map((m) => m.key)).size;
        expect(reached.customer.dataset).to.equal("customer_profile");
        expect(reached.customer.items).to.equal(expected("customer"));
        expect(reached.order.items).to.equal(expected("order"));
        expect(reached.payment.items).to.equal(expected("payment"));
        // The hub's card transactions (contracts/hub/transaction.yaml) are transactions too.
        expect(reached.transaction.dataset).to.equal("transactions");
        expect(reached.transaction.items).to.equal(expected("transaction"));
    });

    it("processes the hub's own record types under the hub's contracts: web activity reaches customer 360", () => {
        const r = result.report as {
            quarantined: Record<string, number>;
            processed_by_dataset: Record<string, number>;
            web_in_customer_360: { profiles: number; sessions: number; page_views: number };
            transactions_by_dataset: Record<string, number>;
        };
        // Chosen by owner and dataset: nothing the generator sends lacks a contract.
        expect(r.quarantined["no-contract"] ?? 0).to.equal(0);
        const sent = (entity: string) =>
            result.manifest.filter(
                (m) => m.domain === "hub" && m.entity === entity && m.intent === "valid" && m.firehose === "ok",
            ).length;
        expect(sent("weblog")).to.be.greaterThan(0);
        expect(sent("customer")).to.be.greaterThan(0);
        expect(r.processed_by_dataset["hub.weblog"]).to.equal(sent("weblog"));
        expect(r.processed_by_dataset["hub.transaction"]).to.equal(sent("transaction"));
        // A CRM's customers pass the hub's customer contract (no `version` needed) and become profiles.
        expect(r.processed_by_dataset["hub.customer"]).to.equal(sent("customer"));
        expect(r.web_in_customer_360.sessions).to.be.greaterThan(0);
        expect(r.web_in_customer_360.page_views).to.be.at.least(r.web_in_customer_360.sessions);
        expect(r.transactions_by_dataset["transaction/spend"]).to.be.greaterThan(0);
        expect(output).to.match(/Web activity in customer_360/);
    });

    it("exercises every path: Lambda rejections, schema violations, duplicates in a run and late replays", () => {
        const q = (result.report as { quarantined: Record<string, number> }).quarantined;
        expect(result.report?.firehose_failed).to.be.greaterThan(0);
        expect(q["schema-violation"]).to.be.greaterThan(0);
        expect(q["duplicate-in-run"]).to.be.greaterThan(0);
        expect(q["already-processed"]).to.be.greaterThan(0);
        expect(output).to.match(/Customers by segment/);
        expect(output).to.match(/Top customers by spend/);
        expect(output).to.match(/Quarantined records by reason/);
    });

    it("hashes the contracts' pii columns with the demo's salt (no clear e-mail addresses in processed)", async () => {
        // The sales domain's customers (<processed>/<domain>/entity=<dataset>/).
        const customers = path.join(dir, "out", "processed", "sales", "entity=customer");
        const files = await fs.readdir(customers, { recursive: true });
        const parquet = files.filter((f) => f.endsWith(".parquet"));
        expect(parquet.length).to.be.greaterThan(0);
        for (const f of parquet) {
            const bytes = await fs.readFile(path.join(customers, f));
            expect(bytes.includes("@example.com"), f).to.equal(false);
        }
        expect(DEMO_HASH_SALT.length).to.be.at.least(16);
    });
});

describe("demo settings and generator", () => {
    it("delivers with the deployed hub stream's prefix, error prefix and buffers (planned dev stack)", async function () {
        this.timeout(300_000);
        const doc = await planStack("dev");
        const streams = ofType(doc, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").filter((s) =>
            String((s.inputs.extendedS3Configuration as { prefix: string }).prefix).startsWith("streams/"),
        );
        expect(streams).to.have.length(1);
        const s3 = streams[0].inputs.extendedS3Configuration as {
            prefix: string;
            errorOutputPrefix: string;
            bufferingSize: number;
            compressionFormat: string;
            fileExtension: string;
            processingConfiguration: {
                processors: { parameters: { parameterName: string; parameterValue: string }[] }[];
            };
        };
        expect(HUB_STREAM_DELIVERY.prefix).to.equal(s3.prefix);
        expect(HUB_STREAM_DELIVERY.errorOutputPrefix).to.equal(s3.errorOutputPrefix);
        expect(HUB_STREAM_DELIVERY.s3BufferBytes).to.equal(s3.bufferingSize * 1024 * 1024);
        // GzipDataSink writes the data objects as the stream does.
        expect(s3.compressionFormat).to.equal("GZIP");
        expect(s3.fileExtension).to.equal(DATA_OBJECT_EXTENSION);
        const params = s3.processingConfiguration.processors.flatMap((p) => p.parameters);
        const lambdaBufferMb = Number(params.find((p) => p.parameterName === "BufferSizeInMBs")?.parameterValue);
        expect(HUB_STREAM_DELIVERY.lambdaBufferBytes).to.equal(lambdaBufferMb * 1024 * 1024);
    });

    it("is deterministic for a seed and generates every configured domain entity", async () => {
        const domains = await readStackDomains(ROOT, "prod");
        const a = generateRecords({ records: 3000, seed: 42, domains });
        const b = generateRecords({ records: 3000, seed: 42, domains });
        const c = generateRecords({ records: 3000, seed: 43, domains });
        expect(a.records.map((r) => r.data)).to.deep.equal(b.records.map((r) => r.data));
        expect(a.records.map((r) => r.data)).to.not.deep.equal(c.records.map((r) => r.data));
        expect(a.records).to.have.length(3000);
        const entities = new Set(a.records.filter((r) => r.intent === "valid").map((r) => r.entity));
        for (const d of domains) for (const e of d.entities) expect(entities, e.name).to.include(e.name);
    });

    it("names the install command when pyspark or Java is missing", () => {
        expect(() => checkPrerequisites("/nonexistent/python3")).to.throw(
            DemoUsageError,
            /python3 -m pip install -r requirements-dev\.txt/,
        );
        const previous = process.env.JAVA_HOME;
        process.env.JAVA_HOME = "/nonexistent-java-home";
        try {
            expect(() => checkPrerequisites("python3")).to.throw(DemoUsageError, /Java 17[\s\S]*openjdk-17/);
        } finally {
            if (previous === undefined) delete process.env.JAVA_HOME;
            else process.env.JAVA_HOME = previous;
        }
    });

    it("rejects bad arguments with the option named", () => {
        expect(() => parseDemoArgs(["--records", "abc"])).to.throw(/--records must be an integer/);
        expect(() => parseDemoArgs(["--stack", "../x"])).to.throw(/--stack/);
        expect(parseDemoArgs(["--records", "500", "--seed", "3"])).to.include({ records: 500, seed: 3, stack: "dev" });
    });
});
