/**
 * The ETL pipeline's data-quality stage and the Lake Formation side of its roles, as the prod stack plans them:
 * rulesets from the data contracts evaluated on the tables that hold their datasets between the stages, the
 * data-quality role reading through Lake Formation (LF-tag grants only, declared as a service principal), and the
 * access proof covering the job, data-quality and state machine roles — a grant past their boundaries breaks it.
 */
import { catalogDomains } from "../programs/hub/products";
import { expect } from "chai";
import * as path from "node:path";
import { LF_PRINCIPALS_OUTPUT } from "../model/access";
import { plannedCatalog, tableName } from "../model/catalog";
import { STATE } from "../model/etl-state-machine";
import { parsePlatformConfig } from "../programs/config";
import { stackContracts } from "../programs/governance/contracts";
import { accessFailures } from "../tools/plan/access/failures";
import { proveAccess } from "../tools/plan/access/prove";
import { type PlannedResource, type PlanResult, runStackPlan } from "../tools/plan/harness";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { ROOT } from "./helpers/plan";

const T = {
    table: "aws:glue/catalogTable:CatalogTable",
    ruleset: "aws:glue/dataQualityRuleset:DataQualityRuleset",
    machine: "aws:sfn/stateMachine:StateMachine",
    permissions: "aws:lakeformation/permissions:Permissions",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};

async function planProd(processing?: unknown): Promise<PlanResult> {
    const engine = loadEngineConfig(ROOT, "prod");
    const config = { ...engine.config };
    if (processing !== undefined) config["cdp:processing"] = JSON.stringify(processing);
    const plan = await runStackPlan(engine, "prod", path.join(ROOT, "index.ts"), config);
    if (plan.errors.length) throw new Error(plan.errors.join("\n"));
    return plan;
}

const ofType = (plan: PlanResult, type: string) => plan.resources.filter((r) => r.type === type);
const one = (plan: PlanResult, type: string, name: string): PlannedResource => {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`${type} ${name}: ${found.length} matches`);
    return found[0];
};
const definitionOf = (plan: PlanResult) => JSON.parse(one(plan, T.machine, "etl-machine").inputs.definition as string);
const roleArn = (plan: PlanResult, name: string) => one(plan, T.role, name).outputs.arn as string;

describe("ETL data quality from the data contracts, Lake Formation of the ETL roles (prod plan)", () => {
    let plan: PlanResult;
    let none: PlanResult;
    before(async () => {
        plan = await planProd();
        none = await planProd({ qualityChecks: [] });
    });

    it("evaluates every contract's ruleset, between the stages, on the planned table that holds its dataset", () => {
        const engine = loadEngineConfig(ROOT, "prod");
        const config = parsePlatformConfig(engine.config, "customer-data-platform", "prod");
        const contracts = stackContracts(config);
        expect(contracts.length).to.be.greaterThan(0);
        const definition = definitionOf(plan);
        const checks = definition.States[STATE.loadQuality].Result as Array<{
            database: string;
            table: string;
            rulesetNames: string[];
        }>;
        expect(checks.map((c) => `${c.database}.${c.table}`).sort()).to.deep.equal(
            contracts.map((c) => `cdp_prod_${c.contract.domain}.${tableName(c.contract.dataset)}`).sort(),
        );
        // Between the stages: after raw → processed (its lineage event, the crawl that registers its new partitions),
        // before processed → curated.
        expect(definition.States[STATE.rawToProcessed].Next).to.equal(STATE.rawLineage);
        expect(definition.States[STATE.rawLineage].Next).to.equal(STATE.partitionsStart);
        const crawlerName = definition.States[STATE.partitionsStart].Parameters.Name;
        const crawler = one(plan, "aws:glue/crawler:Crawler", "schema-crawlers-processed-partitions");
        expect(crawler.inputs.name).to.equal(crawlerName);
        const crawled = (crawler.inputs.catalogTargets as Array<{ databaseName: string; tables: string[] }>).flatMap(
            (t) => t.tables.map((table) => `${t.databaseName}.${table}`),
        );
        expect(crawled).to.include.members(checks.map((c) => `${c.database}.${c.table}`));
        const rulesets = ofType(plan, T.ruleset);
        const tables = ofType(plan, T.table);
        const catalog = plannedCatalog(catalogDomains(config.domains));
        for (const check of checks) {
            for (const name of check.rulesetNames) {
                const ruleset = rulesets.find((r) => r.inputs.name === name);
                expect(ruleset, name).to.not.equal(undefined);
                // The ruleset targets the table the check evaluates, and that table is in the catalog plan.
                const target = ruleset!.inputs.targetTable as { databaseName: string; tableName: string };
                expect([target.databaseName, target.tableName]).to.deep.equal([check.database, check.table]);
            }
            const table = tables.find((t) => t.inputs.databaseName === check.database && t.inputs.name === check.table);
            expect(table, `${check.database}.${check.table}`).to.not.equal(undefined);
            // The data is there between the stages: the table is the raw → processed job's entity output.
            const spec = catalog.find((t) => `cdp_prod_${t.domain}` === check.database && t.table === check.table)!;
            expect(spec.zone).to.equal("processed");
            expect((table!.inputs.storageDescriptor as { location: string }).location).to.match(
                new RegExp(`^s3://cdp-prod-processed-[^/]+/entities/${spec.domain}/entity=${spec.dataset}/$`),
            );
        }
        // Every ruleset of the plan targets a planned table.
        for (const r of rulesets) {
            const target = r.inputs.targetTable as { databaseName: string; tableName: string };
            expect(
                tables.some((t) => t.inputs.databaseName === target.databaseName && t.inputs.name === target.tableName),
                `${r.name} → ${target.databaseName}.${target.tableName}`,
            ).to.equal(true);
        }
    });

    it("qualityChecks: [] leaves the stage, the data-quality role and its grants out", () => {
        const states = Object.keys(definitionOf(none).States);
        expect(states).to.not.include.members([STATE.loadQuality, STATE.quality]);
        expect(none.resources.filter((r) => r.name.startsWith("etl-quality"))).to.deep.equal([]);
    });

    it("the data-quality role reads the evaluated tables through Lake Formation: LF-tag grants only, declared with its reason", () => {
        const quality = roleArn(plan, "etl-quality");
        const grants = ofType(plan, T.permissions).filter((g) => g.inputs.principal === quality);
        expect(grants).to.have.length(2);
        for (const g of grants) {
            // Never a named database, table or column: an LF-tag expression, without pii or restricted in it.
            expect(g.inputs.table ?? g.inputs.database ?? g.inputs.tableWithColumns).to.equal(undefined);
            const policy = g.inputs.lfTagPolicy as { resourceType: string; expressions: any[] };
            const keys = Object.fromEntries(policy.expressions.map((e) => [e.key, e.values]));
            expect(keys.zone).to.deep.equal(["processed"]);
            // The contracts' domains: the business domains' and the hub's own record types' (contracts/hub/).
            expect(keys.domain).to.deep.equal(["hub", "marketing", "payments", "sales"]);
            expect(JSON.stringify(policy.expressions)).to.not.match(/pii|restricted/);
            expect(g.inputs.permissions).to.deep.equal(
                policy.resourceType === "DATABASE" ? ["DESCRIBE"] : ["SELECT", "DESCRIBE"],
            );
        }
        const pipeline = plan.resources.find((r) => r.type === "cdp:processing:EtlPipeline")!;
        const declared = (pipeline.outputs[LF_PRINCIPALS_OUTPUT] as Array<Record<string, string>>).find(
            (p) => p.principal === quality,
        );
        expect(declared).to.deep.include({ kind: "service", name: "etl-data-quality" });
        expect(declared!.reason).to.match(/pii/);
        const statements = ofType(plan, T.rolePolicy)
            .filter((p) => p.name === "etl-quality")
            .flatMap((p) => JSON.parse(p.inputs.policy as string).Statement);
        const sid = (id: string) => statements.find((s: { Sid: string }) => s.Sid === id);
        expect(sid("LakeFormationCredentials").Action).to.equal("lakeformation:GetDataAccess");
        expect(sid("EncryptedCatalogThroughGlue").Condition).to.deep.equal({
            StringEquals: { "kms:ViaService": "glue.eu-west-1.amazonaws.com" },
        });
    });

    it("the access proof holds, shows the data-quality role reading (pii included) and the jobs holding no Lake Formation grant", () => {
        const report = proveAccess(plan);
        expect(accessFailures(report)).to.deep.equal([]);
        expect(report.invariants.find((i) => i.id === "declared-boundaries")!.checked).to.be.greaterThan(40);
        const row = report.lakeFormation.find((r) => r.principal === roleArn(plan, "etl-quality"))!;
        expect(row.kind).to.equal("service");
        const tables = row.cells.filter((c) => c.kind === "table");
        expect(tables.map((c) => c.resource).sort()).to.deep.equal([
            "cdp_prod_hub.customer",
            "cdp_prod_hub.transaction",
            "cdp_prod_hub.weblog",
            "cdp_prod_marketing.campaign",
            "cdp_prod_payments.payment",
            "cdp_prod_sales.customer",
            "cdp_prod_sales.order",
        ]);
        // Reads every column (no hidden pii column), never writes or alters.
        for (const c of tables) expect([c.letters, c.hiddenColumns], c.resource).to.deep.equal(["sd", undefined]);
        // The jobs write by S3 path (IAM) and touch no catalog table: no Lake Formation permission at all.
        for (const job of ["etl-raw-to-processed", "etl-processed-to-curated", "etl-machine"])
            expect(
                report.lakeFormation.find((r) => r.principal === roleArn(plan, job)),
                job,
            ).to.equal(undefined);
    });

    it("a grant past a role's boundary, or an undeclared Lake Formation grantee, fails the proof", () => {
        // The raw → processed job also allowed to write the curated zone.
        const broken: PlanResult = structuredClone(plan);
        const policy = broken.resources.find((r) => r.type === T.rolePolicy && r.name === "etl-raw-to-processed")!;
        const doc = JSON.parse(policy.inputs.policy as string);
        doc.Statement.push({
            Effect: "Allow",
            Action: ["s3:PutObject", "kms:GenerateDataKey"],
            Resource: ["arn:aws:s3:::cdp-prod-curated-333333333333-eu-west-1/*", "*"],
        });
        policy.inputs.policy = JSON.stringify(doc);
        const report = proveAccess(broken);
        const boundaries = report.invariants.find((i) => i.id === "declared-boundaries")!;
        expect(boundaries.verdict).to.equal("broken");
        expect(boundaries.violations.join("\n")).to.match(/etl-raw-to-processed\/zones: .*s3:PutObject .*curated/);
        expect(accessFailures(report)).to.include("invariant declared-boundaries: broken");

        // The data-quality role's grants without its declaration.
        const undeclared: PlanResult = structuredClone(plan);
        const pipeline = undeclared.resources.find((r) => r.type === "cdp:processing:EtlPipeline")!;
        delete pipeline.outputs[LF_PRINCIPALS_OUTPUT];
        expect(accessFailures(proveAccess(undeclared))).to.include("invariant lf-principals-declared: broken");

        // Declared, but without the reason it reads pii columns.
        const unexplained: PlanResult = structuredClone(plan);
        const declaration = unexplained.resources.find((r) => r.type === "cdp:processing:EtlPipeline")!;
        for (const p of declaration.outputs[LF_PRINCIPALS_OUTPUT] as Array<{ reason?: string }>) delete p.reason;
        const verdict = proveAccess(unexplained).invariants.find((i) => i.id === "lf-principals-declared")!;
        expect(verdict.verdict).to.equal("broken");
        expect(verdict.violations.join("\n")).to.match(
            /etl-data-quality \(service\) selects pii .* no declared reason/,
        );
    });
});
