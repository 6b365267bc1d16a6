/**
 * The EtlPipeline component as the governance program builds it (the prod stack planned with mocks, job scripts from
 * test fixtures): Glue jobs, security configurations, state machine, triggers and alarms, and the access proof of its
 * roles (what each may do, and what each must not).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import validator = require("asl-validator");
import {
    contractObjects,
    DEFAULT_ETL_PACKAGE,
    type EtlPipelineArgs,
    jobPackageZip,
    packageKey,
    scriptKey,
    validateEtlPipelineArgs,
} from "../components/processing/etl-pipeline";
import { CURATED_OUTPUTS } from "../model/curated";
import {
    CURATED_PROFILE_ATTRIBUTES,
    CURATED_SOURCE_KEYS,
    SOURCE_COLUMN,
    SOURCE_DATASET,
} from "../model/curated-sources";
import { STATE } from "../model/etl-state-machine";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE } from "../model/lineage";
import { parsePlatformConfig } from "../programs/config";
import { stackContracts } from "../programs/governance/contracts";
import { exampleObjectArn } from "../model/access";
import { maskSecrets, type PlannedResource, type PlanResult, runStackPlan } from "../tools/plan/harness";
import { collectAccessModel } from "../tools/plan/access/collect";
import { AccessEvaluator, proveAccess } from "../tools/plan/access/prove";
import { evaluatePolicies } from "../tools/plan/policy";
import { platformPacks } from "../tools/plan/packs";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { ROOT } from "./helpers/plan";

const SCRIPTS = {
    rawToProcessed: "tests/fixtures/etl/raw_to_processed.py",
    processedToCurated: "tests/fixtures/etl/processed_to_curated.py",
};

const PROCESSING = {
    schedule: { expression: "cron(30 3 * * ? *)", timezone: "Europe/Paris" },
    rawToProcessed: { workerType: "G.2X", numberOfWorkers: 10, timeoutMinutes: 90, maxRetries: 1 },
    retry: { maxAttempts: 3, intervalSeconds: 120, backoffRate: 2 },
    qualityChecks: [{ table: "sales_order", rulesets: ["sales_order_contract"] }],
    refreshMarts: {
        enabled: true,
        workgroupName: "cdp-marts",
        workgroupArn:
            "arn:aws:redshift-serverless:eu-west-1:333333333333:workgroup/0b7c1a4e-1111-4c2d-9e3f-123456789abc",
        database: "marts",
        sql: "CALL marts.refresh()",
    },
    scripts: SCRIPTS,
    curated: {
        customers: [
            {
                dataset: "crm.client",
                idColumn: "clientNo",
                updatedColumns: ["changedAt"],
                attributeColumns: { segment: "tier", email: "emailAddress" },
            },
        ],
        transactions: [
            { dataset: "shop.purchase", idColumn: "purchaseRef", timeColumn: "boughtAt", amountColumn: "totalCents" },
            {
                dataset: "payment",
                idColumn: "paymentId",
                timeColumn: "settledAt",
                kind: "payment",
                statusColumn: "status",
                statuses: ["settled", "captured"],
            },
        ],
        ltvHorizonYears: 2,
    },
};

const one = (plan: PlanResult, type: string, name: string): PlannedResource => {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`${type} ${name}: ${found.length} matches`);
    return found[0];
};
const str = (v: unknown) => v as string;
const inputs = (r: PlannedResource) => r.inputs as Record<string, unknown>;
const outputs = (r: PlannedResource) => r.outputs as Record<string, unknown>;

/** A test salt (the committed stacks set none: `pulumi config set --secret` does, per deployment). */
const TEST_SALT = "test-salt-0123456789abcdef";

/** `salt: null` plans without one. */
async function planProd(processing: unknown, salt: string | null = TEST_SALT): Promise<PlanResult> {
    const engine = loadEngineConfig(ROOT, "prod");
    const hub = JSON.parse(engine.config["cdp:hub"]);
    if (salt === null) delete hub.hashSalt;
    else hub.hashSalt = salt;
    const plan = await runStackPlan(engine, "prod", path.join(ROOT, "index.ts"), {
        ...engine.config,
        "cdp:hub": JSON.stringify(hub),
        "cdp:processing": JSON.stringify(processing),
    });
    if (plan.errors.length) throw new Error(plan.errors.join("\n"));
    return plan;
}

describe("EtlPipeline (prod plan)", () => {
    let plan: PlanResult;
    let defaults: PlanResult;
    let ev: AccessEvaluator;
    const arnOf = (type: string, name: string) => str(outputs(one(plan, type, name)).arn);
    const role = (name: string) => arnOf("aws:iam/role:Role", name);

    before(async () => {
        plan = await planProd(PROCESSING);
        defaults = await planProd({ scripts: SCRIPTS });
        ev = new AccessEvaluator(collectAccessModel(plan));
    });

    it("plans with no policy violation and every required access of the pipeline allowed", async () => {
        const report = await evaluatePolicies(plan, platformPacks());
        expect(report.violations.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        const proof = proveAccess(plan, { requiredOnly: true });
        const etl = proof.required.filter((r) => r.id.startsWith("etl-"));
        expect(etl.map((r) => r.id)).to.include.members([
            "etl-raw-to-processed/raw-streams",
            "etl-raw-to-processed/processed",
            "etl-raw-to-processed/quarantine",
            "etl-processed-to-curated/processed",
            "etl-processed-to-curated/curated",
            "etl-state-machine/run-jobs",
            "etl-state-machine/logs",
            "etl-state-machine/execution-data-key",
            "etl-scheduler/start-execution",
            "etl-raw-arrival/start-execution",
            "etl-raw-arrival/dead-letters",
            "etl-scheduler/dead-letters",
            "etl-raw-to-processed/package",
            "etl-processed-to-curated/package",
            "etl-raw-to-processed/contracts",
            "etl-raw-to-processed/hash-salt",
        ]);
        expect(etl.filter((r) => r.verdict !== "allowed").map((r) => r.id)).to.deep.equal([]);
        // No Output was turned into text by a template literal.
        const garbled = plan.resources.filter((r) => JSON.stringify(r.inputs).includes("Calling [toString]"));
        expect(garbled.map((r) => `${r.type} ${r.name}`)).to.deep.equal([]);
    });

    it("Glue jobs: 5.0, Python 3, worker settings from config, logging/metrics/bookmarks, their security configuration", () => {
        const first = inputs(one(plan, "aws:glue/job:Job", "etl-raw-to-processed"));
        expect(first).to.deep.include({
            glueVersion: "5.0",
            workerType: "G.2X",
            numberOfWorkers: 10,
            timeout: 90,
            maxRetries: 1,
        });
        expect(first.command).to.deep.include({ name: "glueetl", pythonVersion: "3" });
        expect(first.defaultArguments).to.deep.include({
            "--job-bookmark-option": "job-bookmark-enable",
            "--enable-continuous-cloudwatch-log": "true",
            "--enable-metrics": "true",
            "--enable-job-insights": "true",
            "--continuous-log-logGroup": "/aws-glue/jobs/cdp-prod-etl",
        });
        const bucketOf = (zone: string) => str(outputs(one(plan, "aws:s3/bucket:Bucket", `lake-${zone}`)).bucket);
        expect(first.defaultArguments).to.deep.include({
            "--raw_path": `s3://${bucketOf("raw")}/`,
            "--processed_path": `s3://${bucketOf("processed")}/entities/`,
            "--quarantine_path": `s3://${bucketOf("processed")}/quarantine/`,
        });
        const second = inputs(one(plan, "aws:glue/job:Job", "etl-processed-to-curated"));
        expect(second.defaultArguments).to.deep.include({
            "--processed_path": `s3://${bucketOf("processed")}/entities/`,
            "--matches_path": `s3://${bucketOf("processed")}/entity-resolution/`,
            "--curated_path": `s3://${bucketOf("curated")}/`,
        });
        // Defaults where the config says nothing.
        expect(second).to.deep.include({ workerType: "G.1X", numberOfWorkers: 2, timeout: 120, maxRetries: 0 });
        const config = inputs(
            one(plan, "aws:glue/securityConfiguration:SecurityConfiguration", "etl-raw-to-processed"),
        );
        expect(first.securityConfiguration).to.equal(config.name);
    });

    it("scripts live in the artifacts bucket under a key named by their content hash", () => {
        const bucket = str(outputs(one(plan, "aws:s3/bucket:Bucket", "etl-artifacts")).bucket);
        for (const [resource, file] of [
            ["etl-raw-to-processed", SCRIPTS.rawToProcessed],
            ["etl-processed-to-curated", SCRIPTS.processedToCurated],
        ]) {
            const key = scriptKey(file, fs.readFileSync(path.join(ROOT, file)));
            expect(key).to.match(/^scripts\/[a-z_]+\/[0-9a-f]{64}\.py$/);
            expect(inputs(one(plan, "aws:s3/bucketObjectv2:BucketObjectv2", `${resource}-script`)).key).to.equal(key);
            const command = inputs(one(plan, "aws:glue/job:Job", resource)).command as { scriptLocation: string };
            expect(command.scriptLocation).to.equal(`s3://${bucket}/${key}`);
        }
        expect(scriptKey("a.py", "v1")).to.not.equal(scriptKey("a.py", "v2"));
        const encryption = inputs(
            one(
                plan,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "etl-artifacts",
            ),
        ).rules as Array<{ applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }>;
        expect(encryption[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(
            arnOf("aws:kms/key:Key", "governance-key"),
        );
    });

    it("security configurations: the output zone's key for S3, the governance key (admitting CloudWatch Logs) for logs and bookmarks", () => {
        const governanceKey = arnOf("aws:kms/key:Key", "governance-key");
        for (const [job, zoneKey] of [
            ["etl-raw-to-processed", "lake-processed-key"],
            ["etl-processed-to-curated", "lake-curated-key"],
        ]) {
            const config = inputs(one(plan, "aws:glue/securityConfiguration:SecurityConfiguration", job))
                .encryptionConfiguration as Record<string, Record<string, string>>;
            expect(config.s3Encryption).to.deep.equal({
                s3EncryptionMode: "SSE-KMS",
                kmsKeyArn: arnOf("aws:kms/key:Key", zoneKey),
            });
            expect(config.cloudwatchEncryption).to.deep.equal({
                cloudwatchEncryptionMode: "SSE-KMS",
                kmsKeyArn: governanceKey,
            });
            expect(config.jobBookmarksEncryption).to.deep.equal({
                jobBookmarksEncryptionMode: "CSE-KMS",
                kmsKeyArn: governanceKey,
            });
        }
        const keyPolicy = JSON.parse(str(inputs(one(plan, "aws:kms/key:Key", "governance-key")).policy));
        const logs = keyPolicy.Statement.find((s: { Sid: string }) => s.Sid === "AllowCloudWatchLogs");
        expect(logs.Principal.Service).to.equal("logs.eu-west-1.amazonaws.com");
    });

    it("state machine: logging ALL with execution data to a CMK log group, X-Ray, a valid definition naming its jobs", () => {
        const machine = inputs(one(plan, "aws:sfn/stateMachine:StateMachine", "etl-machine"));
        const logGroup = one(plan, "aws:cloudwatch/logGroup:LogGroup", "etl-machine-logs");
        expect(machine.loggingConfiguration).to.deep.equal({
            level: "ALL",
            includeExecutionData: true,
            logDestination: `${str(outputs(logGroup).arn)}:*`,
        });
        expect(inputs(logGroup).kmsKeyId).to.equal(arnOf("aws:kms/key:Key", "governance-key"));
        expect(machine.tracingConfiguration).to.deep.equal({ enabled: true });
        // Definition and execution history under the governance CMK; its policy admits log delivery.
        expect(machine.encryptionConfiguration).to.deep.include({
            type: "CUSTOMER_MANAGED_KMS_KEY",
            kmsKeyId: arnOf("aws:kms/key:Key", "governance-key"),
        });
        const keyPolicy = JSON.parse(str(inputs(one(plan, "aws:kms/key:Key", "governance-key")).policy));
        expect(
            keyPolicy.Statement.find((s: { Sid: string }) => s.Sid === "AllowLogDeliveryForStepFunctions").Principal,
        ).to.deep.equal({ Service: "delivery.logs.amazonaws.com" });
        const definition = JSON.parse(str(machine.definition));
        const { isValid, errors } = validator(structuredClone(definition));
        expect(errors).to.deep.equal([]);
        expect(isValid).to.equal(true);
        expect(definition.States[STATE.rawToProcessed].Parameters).to.deep.equal({
            JobName: "cdp-prod-raw-to-processed",
        });
        expect(definition.States[STATE.processedToCurated].Parameters).to.deep.equal({
            JobName: "cdp-prod-processed-to-curated",
        });
        expect(definition.States[STATE.rawToProcessed].Retry[1]).to.deep.include({
            ErrorEquals: ["States.TaskFailed"],
            MaxAttempts: 3,
            IntervalSeconds: 120,
        });
        // The data-quality stage evaluates the configured rulesets on the processed database's tables.
        expect(definition.States[STATE.loadQuality].Result).to.deep.equal([
            { database: "cdp_prod_processed", table: "sales_order", rulesetNames: ["sales_order_contract"] },
        ]);
        const qualityRole = arnOf("aws:iam/role:Role", "etl-quality");
        expect(definition.States[STATE.quality].ItemProcessor.States[STATE.qualityStart].Parameters.Role).to.equal(
            qualityRole,
        );
        expect(definition.States[STATE.martsStart].Parameters).to.deep.equal({
            WorkgroupName: "cdp-marts",
            Database: "marts",
            Sql: "CALL marts.refresh()",
        });
        // Off by default: no marts refresh. The default data-quality stage evaluates the data contracts' rulesets
        // (tests/etl-quality.test.ts).
        const plain = JSON.parse(
            str(inputs(one(defaults, "aws:sfn/stateMachine:StateMachine", "etl-machine")).definition),
        );
        expect(Object.keys(plain.States)).to.not.include(STATE.martsStart);
        expect(definition.States[STATE.notify].Parameters.TopicArn).to.equal(
            arnOf("aws:sns/topic:Topic", "governance-alarms"),
        );
    });

    it("triggers: the configured schedule (time zone, no flexible window) and arrivals under the raw data prefixes", () => {
        const machineArn = arnOf("aws:sfn/stateMachine:StateMachine", "etl-machine");
        const schedule = inputs(one(plan, "aws:scheduler/schedule:Schedule", "etl-schedule"));
        expect(schedule).to.deep.include({
            scheduleExpression: "cron(30 3 * * ? *)",
            scheduleExpressionTimezone: "Europe/Paris",
            flexibleTimeWindow: { mode: "OFF" },
        });
        expect((schedule.target as { arn: string }).arn).to.equal(machineArn);
        // Runs Scheduler cannot start land in an encrypted dead-letter queue the schedule's role may send to.
        const scheduleDlq = one(plan, "aws:sqs/queue:Queue", "etl-schedule-dlq");
        expect(inputs(scheduleDlq).kmsMasterKeyId).to.equal(arnOf("aws:kms/key:Key", "governance-key"));
        expect((schedule.target as { deadLetterConfig: unknown }).deadLetterConfig).to.deep.equal({
            arn: outputs(scheduleDlq).arn,
        });
        expect(ev.decide(role("etl-scheduler"), "sqs:SendMessage", str(outputs(scheduleDlq).arn)).allowed).to.equal(
            true,
        );
        expect(
            inputs(one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "etl-schedule-dlq-queued")).dimensions,
        ).to.deep.equal({ QueueName: outputs(scheduleDlq).name });
        const rawBucket = str(outputs(one(plan, "aws:s3/bucket:Bucket", "lake-raw")).bucket);
        expect(
            inputs(one(plan, "aws:s3/bucketNotification:BucketNotification", "etl-raw-eventbridge")),
        ).to.deep.include({
            bucket: rawBucket,
            eventbridge: true,
        });
        const pattern = JSON.parse(
            str(inputs(one(plan, "aws:cloudwatch/eventRule:EventRule", "etl-raw-arrival")).eventPattern),
        );
        expect(pattern).to.deep.equal({
            source: ["aws.s3"],
            "detail-type": ["Object Created"],
            detail: { bucket: { name: [rawBucket] }, object: { key: [{ prefix: "streams/" }, { prefix: "events/" }] } },
        });
        expect(inputs(one(plan, "aws:cloudwatch/eventTarget:EventTarget", "etl-raw-arrival")).arn).to.equal(machineArn);
    });

    it("alarms: failed executions and failed job runs notify the governance alarm topic", () => {
        const topic = arnOf("aws:sns/topic:Topic", "governance-alarms");
        const executions = inputs(one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "etl-executions-failed"));
        expect(executions).to.deep.include({ namespace: "AWS/States", metricName: "ExecutionsFailed" });
        expect(executions.dimensions).to.deep.equal({
            StateMachineArn: arnOf("aws:sfn/stateMachine:StateMachine", "etl-machine"),
        });
        expect(executions.alarmActions).to.deep.equal([topic]);
        const rule = one(plan, "aws:cloudwatch/eventRule:EventRule", "etl-job-failed");
        expect(JSON.parse(str(inputs(rule).eventPattern)).detail).to.deep.equal({
            jobName: ["cdp-prod-raw-to-processed", "cdp-prod-processed-to-curated"],
            state: ["FAILED", "TIMEOUT", "ERROR"],
        });
        const jobs = inputs(one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "etl-job-failed"));
        expect(jobs).to.deep.include({ namespace: "AWS/Events", metricName: "TriggeredRules" });
        expect(jobs.dimensions).to.deep.equal({ RuleName: inputs(rule).name });
        expect(jobs.alarmActions).to.deep.equal([topic]);
    });

    it("the jobs' package: a deterministic zip of cdp_jobs keyed by its hash, passed to both jobs as --extra-py-files", () => {
        const bucket = str(outputs(one(plan, "aws:s3/bucket:Bucket", "etl-artifacts")).bucket);
        const object = inputs(one(plan, "aws:s3/bucketObjectv2:BucketObjectv2", "etl-job-package"));
        const planned = Buffer.from(str(object.contentBase64), "base64");
        // The same sources give the same bytes, and the key names their hash.
        const built = jobPackageZip(path.join(ROOT, DEFAULT_ETL_PACKAGE));
        expect(built.zip.equals(planned)).to.equal(true);
        expect(jobPackageZip(path.join(ROOT, DEFAULT_ETL_PACKAGE)).zip.equals(built.zip)).to.equal(true);
        expect(object.key)
            .to.equal(packageKey("cdp_jobs", planned))
            .and.match(/^packages\/cdp_jobs\/[0-9a-f]{64}\.zip$/);
        expect(object.contentType).to.equal("application/zip");
        for (const job of ["etl-raw-to-processed", "etl-processed-to-curated"]) {
            const args = inputs(one(plan, "aws:glue/job:Job", job)).defaultArguments as Record<string, string>;
            expect(args["--extra-py-files"], job).to.equal(`s3://${bucket}/${object.key}`);
        }
        // Unzipped by Python: every cdp_jobs/*.py, sorted, fixed timestamps, byte for byte the sources; the package
        // imports nothing outside the standard library, pyspark (and py4j, its bridge to the JVM, which Glue ships with
        // it), boto3/botocore, yaml and itself; and it imports from the zip as Glue loads it (zipimport).
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etl-package-"));
        const zipFile = path.join(dir, "cdp_jobs.zip");
        fs.writeFileSync(zipFile, planned);
        const check = `
import ast, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
infos = z.infolist()
allowed = set(sys.stdlib_module_names) | {"pyspark", "py4j", "boto3", "botocore", "yaml", "cdp_jobs"}
outside = []
for info in infos:
    for node in ast.walk(ast.parse(z.read(info.filename))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        outside += [f"{info.filename}: {n}" for n in names if n.split(".")[0] not in allowed]
sys.path.insert(0, sys.argv[1])
import cdp_jobs.contract_files
print(json.dumps({
    "names": [i.filename for i in infos],
    "times": sorted({i.date_time for i in infos}),
    "outside": outside,
    "loadedFrom": cdp_jobs.contract_files.__file__,
}))
`;
        const run = spawnSync("python3", ["-c", check, zipFile], { encoding: "utf8" });
        fs.rmSync(dir, { recursive: true, force: true });
        expect(run.status, run.stderr).to.equal(0);
        const report = JSON.parse(run.stdout) as {
            names: string[];
            times: number[][];
            outside: string[];
            loadedFrom: string;
        };
        const sources = fs
            .readdirSync(path.join(ROOT, DEFAULT_ETL_PACKAGE))
            .filter((f) => f.endsWith(".py"))
            .sort()
            .map((f) => `cdp_jobs/${f}`);
        expect(report.names).to.deep.equal(sources).and.include("cdp_jobs/__init__.py");
        expect(report.times).to.deep.equal([[1980, 1, 1, 0, 0, 0]]);
        expect(report.outside).to.deep.equal([]);
        expect(report.loadedFrom).to.include("cdp_jobs.zip");
    });

    it("curated sources: cdp:processing.curated is the curated job's --spec, which the job reads as configured", () => {
        const curatedArgs = (p: PlanResult) =>
            inputs(one(p, "aws:glue/job:Job", "etl-processed-to-curated")).defaultArguments as Record<string, string>;
        expect(curatedArgs(defaults)).to.not.have.property("--spec");
        const spec = curatedArgs(plan)["--spec"];
        // The job's own parser (cdp_jobs.processed_to_curated.spec_from_json) on the planned argument: every source
        // and column as configured, the rest its defaults; and its keys are the config's, in snake case.
        const read = `
import dataclasses, json, sys
from datetime import date
from cdp_jobs.processed_to_curated import COLUMN_PATTERN, DATASET_PATTERN, PROFILE_ATTRIBUTES, SPEC_KEYS, spec_from_json
spec = spec_from_json(json.loads(sys.argv[1]), date(2026, 12, 1))
print(json.dumps({"spec": dataclasses.asdict(spec), "keys": SPEC_KEYS, "dataset": DATASET_PATTERN, "column": COLUMN_PATTERN, "attributes": PROFILE_ATTRIBUTES}, default=str))
`;
        const run = spawnSync("python3", ["-c", read, spec], {
            encoding: "utf8",
            cwd: path.join(ROOT, "jobs", "glue"),
            env: { ...process.env, PYTHONPATH: "." },
        });
        expect(run.status, run.stderr).to.equal(0);
        const { spec: parsed, keys, dataset, column, attributes } = JSON.parse(run.stdout);
        expect([dataset, column]).to.deep.equal([SOURCE_DATASET.source, SOURCE_COLUMN.source]);
        // The profile attributes a source may map: the job's, and columns of the catalog's customer_profile.
        expect(attributes).to.deep.equal([...CURATED_PROFILE_ATTRIBUTES]);
        const profileColumns = CURATED_OUTPUTS.find((o) => o.name === "customer_profile")?.columns.map((c) => c.name);
        expect(profileColumns).to.include.members([...CURATED_PROFILE_ATTRIBUTES]);
        const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        expect(keys).to.deep.equal(
            Object.fromEntries(Object.entries(CURATED_SOURCE_KEYS).map(([k, v]) => [k, v.map(snake)])),
        );
        expect(parsed.customers).to.deep.equal([
            {
                dataset: "crm.client",
                id_column: "clientNo",
                attributes: ["email", "name", "segment", "country"],
                updated_columns: ["changedAt"],
                created_column: "createdAt",
                attribute_columns: [
                    ["email", "emailAddress"],
                    ["segment", "tier"],
                ],
            },
        ]);
        expect(parsed.transactions[0]).to.deep.include({
            dataset: "shop.purchase",
            id_column: "purchaseRef",
            time_column: "boughtAt",
            amount_column: "totalCents",
            customer_column: "customerId",
            kind: "spend",
            status_column: null,
        });
        expect(parsed.transactions[1]).to.deep.include({ kind: "payment", statuses: ["settled", "captured"] });
        expect(parsed.web).to.deep.equal([
            { dataset: "weblog", customer_column: "customerId", session_column: "sessionId", time_column: "timestamp" },
        ]);
        expect(parsed.ltv_horizon_years).to.equal(2);
    });

    it("curated sources given to the component directly are checked by the same rules", () => {
        const args = {
            curatedSources: {
                transactions: [{ dataset: "order", idColumn: "order id", timeColumn: "placedAt", kind: "refund" }],
            },
        } as unknown as EtlPipelineArgs;
        expect(() => validateEtlPipelineArgs("etl", args))
            .to.throw(/EtlPipeline\(etl\)\.curatedSources\.transactions\[0\]\.idColumn: got "order id"/)
            .and.match(/transactions\[0\]\.kind: got "refund"; expected one of spend, payment/);
    });

    it("contracts: every active contract of the stack as JSON under a content-addressed prefix, the raw job's --contracts_path", () => {
        const bucket = str(outputs(one(plan, "aws:s3/bucket:Bucket", "etl-artifacts")).bucket);
        const engine = loadEngineConfig(ROOT, "prod");
        const config = parsePlatformConfig(engine.config, engine.project, "prod");
        // The registry's set: the stack's contracts, validated (withdrawn ones are not enforced).
        const registered = stackContracts(config);
        const active = registered.filter((c) => (c.doc as { status?: string }).status !== "withdrawn");
        const { prefix } = contractObjects(registered.map((c) => ({ file: c.file, doc: c.doc })));
        expect(prefix).to.match(/^contracts\/[0-9a-f]{64}\/$/);
        const objects = plan.resources.filter(
            (r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2" && str(inputs(r).key).startsWith("contracts/"),
        );
        expect(objects.map((o) => inputs(o).key).sort()).to.deep.equal(
            active.map((c) => `${prefix}${c.file.replace(/\.yaml$/, ".json")}`).sort(),
        );
        for (const o of objects) {
            const contract = active.find((c) => str(inputs(o).key).endsWith(c.file.replace(/\.yaml$/, ".json")));
            expect(JSON.parse(str(inputs(o).content))).to.deep.equal(contract?.doc);
            expect(inputs(o).contentType).to.equal("application/json");
        }
        const args = inputs(one(plan, "aws:glue/job:Job", "etl-raw-to-processed")).defaultArguments as Record<
            string,
            string
        >;
        expect(args["--contracts_path"]).to.equal(`s3://${bucket}/${prefix}`);
        // What the job does with them (jobs/glue/cdp_jobs, no PyYAML involved): every published contract loads.
        const load = spawnSync(
            "python3",
            [
                "-c",
                [
                    "import json, sys",
                    "from cdp_jobs.contract_files import active, parse_contract",
                    "from cdp_jobs.contracts import contracts_by_key",
                    "objects = json.load(sys.stdin)",
                    "docs = active([parse_contract(o['key'], o['body']) for o in objects])",
                    "print(json.dumps(sorted(contracts_by_key(docs))))",
                ].join("\n"),
            ],
            {
                encoding: "utf8",
                cwd: path.join(ROOT, "jobs", "glue"),
                input: JSON.stringify(objects.map((o) => ({ key: inputs(o).key, body: inputs(o).content }))),
            },
        );
        expect(load.status, load.stderr).to.equal(0);
        // Keyed by owner and dataset (the hub's customer and the sales domain's are two contracts).
        expect(JSON.parse(load.stdout)).to.deep.equal(
            active.map((c) => `${c.contract.domain}.${c.contract.dataset}`).sort(),
        );
        // A changed contract (or a withdrawn one) is a new prefix: the next run reads the new set.
        const docs = registered.map((c) => ({ file: c.file, doc: c.doc }));
        const changed = docs.map((d, i) =>
            i === 0 ? { ...d, doc: { ...(d.doc as object), description: "changed" } } : d,
        );
        expect(contractObjects(changed).prefix).to.not.equal(prefix);
        const withdrawn = docs.map((d, i) =>
            i === 0 ? { ...d, doc: { ...(d.doc as object), status: "withdrawn" } } : d,
        );
        expect(contractObjects(withdrawn).objects).to.have.length(docs.length - 1);
        expect(contractObjects(withdrawn).prefix).to.not.equal(prefix);
        expect(contractObjects([...docs].reverse()).prefix).to.equal(prefix);
    });

    it("hash salt: a Secrets Manager secret under the governance CMK, its ARN the raw job's --hash_salt_secret_id", () => {
        const governanceKey = arnOf("aws:kms/key:Key", "governance-key");
        const secret = one(plan, "aws:secretsmanager/secret:Secret", "etl-hash-salt");
        expect(inputs(secret).kmsKeyId).to.equal(governanceKey);
        const version = inputs(one(plan, "aws:secretsmanager/secretVersion:SecretVersion", "etl-hash-salt"));
        expect(version.secretId).to.equal(outputs(secret).id);
        // A secret in the state (never plain text in the plan or the state file).
        expect(maskSecrets(version.secretString)).to.equal("[secret]");
        const args = inputs(one(plan, "aws:glue/job:Job", "etl-raw-to-processed")).defaultArguments as Record<
            string,
            string
        >;
        expect(args["--hash_salt_secret_id"]).to.equal(outputs(secret).arn);
        const second = inputs(one(plan, "aws:glue/job:Job", "etl-processed-to-curated")).defaultArguments as Record<
            string,
            string
        >;
        expect(second).to.not.have.property("--hash_salt_secret_id");
        // The key admits the account's principals through Secrets Manager only (their IAM policies decide who).
        const keyPolicy = JSON.parse(str(inputs(one(plan, "aws:kms/key:Key", "governance-key")).policy));
        const viaSecrets = keyPolicy.Statement.find((s: { Sid: string }) => s.Sid === "AllowSecretsManagerForAccount");
        expect(viaSecrets.Condition.StringEquals).to.deep.equal({
            "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
            "kms:CallerAccount": "333333333333",
        });
    });

    it("without a hash salt the raw job drops pii columns: no secret, no salt access, --privacy_rules pii=drop", async () => {
        const unsalted = await planProd(PROCESSING, null);
        expect(
            unsalted.resources.filter((r) => r.type.startsWith("aws:secretsmanager/")).map((r) => r.urn),
        ).to.deep.equal([]);
        const args = inputs(one(unsalted, "aws:glue/job:Job", "etl-raw-to-processed")).defaultArguments as Record<
            string,
            string
        >;
        expect(args).to.not.have.property("--hash_salt_secret_id");
        expect(JSON.parse(args["--privacy_rules"])).to.deep.equal({ pii: "drop" });
        const policies = unsalted.resources
            .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith("etl-raw-to-processed"))
            .map((r) => str(inputs(r).policy));
        expect(policies.join("\n")).to.not.include("secretsmanager:");
        // Hashing with the salt when one is set: the job never gets both.
        const salted = inputs(one(plan, "aws:glue/job:Job", "etl-raw-to-processed")).defaultArguments as Record<
            string,
            string
        >;
        expect(salted).to.not.have.property("--privacy_rules");
    });

    it("raw arrivals: failed deliveries go to an encrypted dead-letter queue admitting only the rule, with a depth alarm", () => {
        const governanceKey = arnOf("aws:kms/key:Key", "governance-key");
        const rule = one(plan, "aws:cloudwatch/eventRule:EventRule", "etl-raw-arrival");
        const queue = one(plan, "aws:sqs/queue:Queue", "etl-raw-arrival-dlq");
        expect(inputs(queue).kmsMasterKeyId).to.equal(governanceKey);
        const target = inputs(one(plan, "aws:cloudwatch/eventTarget:EventTarget", "etl-raw-arrival"));
        expect(target.deadLetterConfig).to.deep.equal({ arn: outputs(queue).arn });
        expect(target.retryPolicy).to.deep.equal({ maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 });
        const queuePolicy = JSON.parse(
            str(inputs(one(plan, "aws:sqs/queuePolicy:QueuePolicy", "etl-raw-arrival-dlq")).policy),
        );
        const send = queuePolicy.Statement.find((s: { Effect: string }) => s.Effect === "Allow");
        expect(send).to.deep.include({
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: outputs(queue).arn,
            Condition: { ArnEquals: { "aws:SourceArn": [outputs(rule).arn] } },
        });
        const alarm = inputs(one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "etl-raw-arrival-dlq-queued"));
        expect(alarm).to.deep.include({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" });
        expect(alarm.dimensions).to.deep.equal({ QueueName: outputs(queue).name });
        expect(alarm.alarmActions).to.deep.equal([arnOf("aws:sns/topic:Topic", "governance-alarms")]);
        const keyPolicy = JSON.parse(str(inputs(one(plan, "aws:kms/key:Key", "governance-key")).policy));
        expect(
            keyPolicy.Statement.find((s: { Sid: string }) => s.Sid === "AllowEventBridgeEncryptedDeadLetters")
                .Principal,
        ).to.deep.equal({ Service: "events.amazonaws.com" });
    });

    it("lineage: the state machine's run events go to the bus and match the pattern the lineage writer's rule listens for", () => {
        const definition = JSON.parse(
            str(inputs(one(plan, "aws:sfn/stateMachine:StateMachine", "etl-machine")).definition),
        );
        const entries = [STATE.rawLineage, STATE.publish].flatMap(
            (state) => definition.States[state].Parameters.Entries as Array<Record<string, string>>,
        );
        const failure = definition.States[STATE.rawToProcessedFailed].Parameters.entry as Record<string, string>;
        const rule = inputs(one(plan, "aws:cloudwatch/eventRule:EventRule", "lineage-events"));
        const pattern = JSON.parse(str(rule.eventPattern));
        // The writer's rule is on the account's default bus, the one the machine puts its events on.
        expect(rule.eventBusName ?? "default").to.equal("default");
        for (const entry of [...entries.filter((e) => e.Source === LINEAGE_EVENT_SOURCE), failure]) {
            expect(entry.EventBusName).to.equal("arn:aws:events:eu-west-1:333333333333:event-bus/default");
            expect(pattern.source).to.include(entry.Source);
            expect(pattern["detail-type"]).to.include(entry.DetailType);
        }
        expect(entries.filter((e) => e.DetailType === LINEAGE_DETAIL_TYPE)).to.have.length(2);
    });

    describe("least privilege (access proof evaluator)", () => {
        const bucket = (zone: string) => arnOf("aws:s3/bucket:Bucket", `lake-${zone}`);
        const key = (zone: string) => arnOf("aws:kms/key:Key", `lake-${zone}-key`);
        const put = (principal: string, zone: string, prefix: string) =>
            ev.decide(principal, "s3:PutObject", exampleObjectArn(bucket(zone), prefix)).allowed;
        const get = (principal: string, zone: string, prefix: string) =>
            ev.decide(principal, "s3:GetObject", exampleObjectArn(bucket(zone), prefix)).allowed;
        const viaS3 = (zone: string) => ({
            "kms:ViaService": "s3.eu-west-1.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": bucket(zone),
        });

        it("raw → processed reads raw, writes processed and the quarantine, and cannot write curated", () => {
            const first = role("etl-raw-to-processed");
            expect(get(first, "raw", "streams/")).to.equal(true);
            expect(get(first, "raw", "events/")).to.equal(true);
            expect(get(first, "raw", "sftp/")).to.equal(false);
            expect(put(first, "raw", "streams/")).to.equal(false);
            expect(put(first, "processed", "entities/")).to.equal(true);
            expect(put(first, "processed", "quarantine/")).to.equal(true);
            expect(put(first, "processed", "entity-resolution/sales/")).to.equal(false);
            expect(put(first, "curated", "")).to.equal(false);
            expect(put(first, "curated", "customer_360/")).to.equal(false);
            expect(get(first, "curated", "")).to.equal(false);
            expect(ev.decide(first, "kms:GenerateDataKey", key("curated"), viaS3("curated")).allowed).to.equal(false);
        });

        it("only the raw → processed job reads the contracts and the salt; both read the package", () => {
            const first = role("etl-raw-to-processed");
            const second = role("etl-processed-to-curated");
            const artifacts = arnOf("aws:s3/bucket:Bucket", "etl-artifacts");
            const read = (principal: string, prefix: string) =>
                ev.decide(principal, "s3:GetObject", exampleObjectArn(artifacts, prefix)).allowed;
            expect(read(first, "contracts/")).to.equal(true);
            expect(read(second, "contracts/")).to.equal(false);
            expect(read(first, "packages/")).to.equal(true);
            expect(read(second, "packages/")).to.equal(true);
            expect(ev.decide(first, "s3:PutObject", exampleObjectArn(artifacts, "contracts/")).allowed).to.equal(false);
            const secret = str(outputs(one(plan, "aws:secretsmanager/secret:Secret", "etl-hash-salt")).arn);
            expect(ev.decide(first, "secretsmanager:GetSecretValue", secret).allowed).to.equal(true);
            expect(ev.decide(second, "secretsmanager:GetSecretValue", secret).allowed).to.equal(false);
            expect(
                ev.decide(
                    first,
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:eu-west-1:333333333333:secret:another-AbCdEf",
                ).allowed,
            ).to.equal(false);
            expect(ev.decide(role("etl-machine"), "secretsmanager:GetSecretValue", secret).allowed).to.equal(false);
        });

        it("processed → curated reads processed, writes curated, and cannot read raw", () => {
            const second = role("etl-processed-to-curated");
            expect(get(second, "processed", "entities/")).to.equal(true);
            expect(get(second, "processed", "entity-resolution/sales/")).to.equal(true);
            expect(put(second, "processed", "entities/")).to.equal(false);
            expect(put(second, "curated", "customer_360/")).to.equal(true);
            expect(get(second, "raw", "streams/")).to.equal(false);
            expect(get(second, "raw", "events/")).to.equal(false);
            expect(ev.decide(second, "kms:Decrypt", key("raw"), viaS3("raw")).allowed).to.equal(false);
        });

        it("the state machine evaluates only its rulesets and passes only the quality role, to Glue", () => {
            const machine = role("etl-machine");
            const ruleset = (name: string) => `arn:aws:glue:eu-west-1:333333333333:dataQualityRuleset/${name}`;
            const start = "glue:StartDataQualityRulesetEvaluationRun";
            expect(ev.decide(machine, start, ruleset("sales_order_contract")).allowed).to.equal(true);
            expect(ev.decide(machine, start, ruleset("someone_elses")).allowed).to.equal(false);
            const pass = (target: string, service: string) =>
                ev.decide(machine, "iam:PassRole", target, { "iam:PassedToService": service }).allowed;
            expect(pass(role("etl-quality"), "glue.amazonaws.com")).to.equal(true);
            expect(pass(role("etl-quality"), "lambda.amazonaws.com")).to.equal(false);
            expect(pass(role("etl-raw-to-processed"), "glue.amazonaws.com")).to.equal(false);
            const quality = role("etl-quality");
            expect(get(quality, "processed", "entities/")).to.equal(true);
            expect(put(quality, "processed", "entities/")).to.equal(false);
            expect(get(quality, "raw", "streams/")).to.equal(false);
        });

        it("the state machine starts only its two jobs and publishes only to its topic", () => {
            const machine = role("etl-machine");
            const job = (name: string) => `arn:aws:glue:eu-west-1:333333333333:job/${name}`;
            expect(ev.decide(machine, "glue:StartJobRun", job("cdp-prod-raw-to-processed")).allowed).to.equal(true);
            expect(ev.decide(machine, "glue:StartJobRun", job("cdp-prod-processed-to-curated")).allowed).to.equal(true);
            expect(ev.decide(machine, "glue:StartJobRun", job("some-other-job")).allowed).to.equal(false);
            expect(
                ev.decide(machine, "sns:Publish", "arn:aws:sns:eu-west-1:333333333333:another-topic").allowed,
            ).to.equal(false);
            expect(ev.decide(machine, "s3:GetObject", exampleObjectArn(bucket("raw"), "streams/")).allowed).to.equal(
                false,
            );
        });
    });
});
