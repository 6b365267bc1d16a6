/** The contract registry in the governance program: table, reconciler, grants it holds, items, rulesets, alarms. */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ContractRegistry } from "../../components/governance/contract-registry";
import { Naming } from "../../components/shared/naming";
import { contractItem, desiredGrants } from "../../model/contracts";
import { dqdlRuleset } from "../../model/dqdl";
import { contractReconcilerEnv } from "../../model/env/contract-reconciler";
import type { PlanDocument } from "../../tools/plan/document";
import { stackContracts } from "../../programs/governance/contracts";
import { loadStacks } from "../../tools/contracts/check";
import { descendants, ofType, planProgram, planStack, resource, ROOT, violatedPolicies } from "../helpers/plan";

const REGISTRY = "cdp:governance:ContractRegistry";

describe("contract registry (governance program)", function () {
    this.timeout(300_000);
    let prod: PlanDocument;
    let dev: PlanDocument;
    const stacks = loadStacks(ROOT);
    const prodConfig = stacks.find((s) => s.name === "prod")!.config;

    before(async () => {
        [prod, dev] = [await planStack("prod", {}, true), await planStack("dev", {}, true)];
    });

    const inRegistry = (doc: PlanDocument, type: string) => {
        const registry = ofType(doc, REGISTRY)[0];
        return descendants(doc, registry.urn).filter((r) => r.type === type);
    };

    it("the contracts table: governance key, PITR, NEW_AND_OLD_IMAGES stream, deletion protection in prod only", () => {
        const table = resource(prod, "aws:dynamodb/table:Table", "contracts-table");
        const key = resource(prod, "aws:kms/key:Key", "governance-key");
        expect(table.inputs).to.deep.include({
            streamEnabled: true,
            streamViewType: "NEW_AND_OLD_IMAGES",
            deletionProtectionEnabled: true,
            pointInTimeRecovery: { enabled: true },
        });
        expect((table.inputs.serverSideEncryption as { kmsKeyArn: string }).kmsKeyArn).to.equal(key.outputs.arn);
        expect(table.protect).to.equal(true);
        expect(resource(dev, "aws:dynamodb/table:Table", "contracts-table").inputs.deletionProtectionEnabled).to.equal(
            false,
        );
    });

    it("one item per contract of the stack's domains, holding the file's document", () => {
        const items = (doc: PlanDocument) =>
            inRegistry(doc, "aws:dynamodb/tableItem:TableItem")
                .map((r) => r.name)
                .sort();
        // The hub's own record types (a platform-owned data product in every stack), then the domains'.
        expect(items(prod)).to.deep.equal([
            "contracts-hub.customer",
            "contracts-hub.transaction",
            "contracts-hub.weblog",
            "contracts-marketing.campaign",
            "contracts-payments.payment",
            "contracts-sales.customer",
            "contracts-sales.order",
        ]);
        // dev has no marketing domain: its contract is another stack's.
        expect(items(dev)).to.deep.equal([
            "contracts-hub.customer",
            "contracts-hub.transaction",
            "contracts-hub.weblog",
            "contracts-payments.payment",
            "contracts-sales.customer",
            "contracts-sales.order",
        ]);
        const item = resource(prod, "aws:dynamodb/tableItem:TableItem", "contracts-sales.customer");
        const c = stackContracts(prodConfig).find((x) => x.file === "sales/customer.yaml")!;
        expect(JSON.parse(item.inputs.item as string)).to.deep.equal(contractItem(c.file, c.doc));
    });

    it("the stream mapping reports partial failures, bisects, retries and sends failures to the encrypted queue", () => {
        const mapping = resource(prod, "aws:lambda/eventSourceMapping:EventSourceMapping", "contracts-stream");
        const queue = resource(prod, "aws:sqs/queue:Queue", "contracts-failures");
        expect(mapping.inputs).to.deep.include({
            functionResponseTypes: ["ReportBatchItemFailures"],
            bisectBatchOnFunctionError: true,
            maximumRetryAttempts: 10,
        });
        expect(mapping.inputs.destinationConfig).to.deep.equal({ onFailure: { destinationArn: queue.outputs.arn } });
        expect(queue.inputs.kmsMasterKeyId).to.equal(resource(prod, "aws:kms/key:Key", "governance-key").outputs.arn);
        const alarms = inRegistry(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
        const topic = resource(prod, "aws:sns/topic:Topic", "governance-alarms").outputs.arn;
        expect(alarms.map((a) => a.inputs.metricName).sort()).to.deep.equal([
            "ApproximateNumberOfMessagesVisible",
            "Errors",
            "IteratorAge",
        ]);
        for (const a of alarms) expect(a.inputs.alarmActions).to.deep.equal([topic]);
    });

    it("the reconciler holds SELECT/DESCRIBE with grant option by domain LF-tag, and is not a data lake admin", () => {
        const role = resource(prod, "aws:iam/role:Role", "contracts-reconciler").outputs.arn as string;
        const tables = resource(prod, "aws:lakeformation/permissions:Permissions", "contracts-reconciler-tables");
        expect(tables.inputs).to.deep.include({
            principal: role,
            permissions: ["SELECT", "DESCRIBE"],
            permissionsWithGrantOptions: ["SELECT", "DESCRIBE"],
            lfTagPolicy: {
                resourceType: "TABLE",
                expressions: [{ key: "domain", values: ["hub", "marketing", "payments", "sales"] }],
            },
        });
        for (const settings of ofType(prod, "aws:lakeformation/dataLakeSettings:DataLakeSettings")) {
            expect(settings.inputs.admins as string[]).to.not.include(role);
        }
    });

    it("the reconciler's environment is its contract: table, catalog, consumers, databases, audit bus", () => {
        const fn = resource(prod, "aws:lambda/function:Function", "contracts-reconciler");
        const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        const config = contractReconcilerEnv.load(env);
        expect(config).to.deep.include({
            table: "cdp-prod-contracts",
            catalogId: "333333333333",
            databases: {
                sales: "cdp_prod_sales",
                payments: "cdp_prod_payments",
                marketing: "cdp_prod_marketing",
                hub: "cdp_prod_hub",
            },
            consumers: {
                analysts: "arn:aws:iam::444444444444:role/cdp-analyst",
                "data-science": "arn:aws:iam::555555555555:role/cdp-ml-training",
            },
            auditBusArn: "arn:aws:events:eu-west-1:333333333333:event-bus/default",
        });
    });

    it("declares desiredGrants of every contract as lakeFormationApprovals; pii only where a contract names it", () => {
        const registry = ofType(prod, REGISTRY)[0];
        const approvals = registry.outputs.lakeFormationApprovals as ReturnType<typeof desiredGrants>;
        const config = contractReconcilerEnv.load(
            (
                resource(prod, "aws:lambda/function:Function", "contracts-reconciler").inputs.environment as {
                    variables: Record<string, string>;
                }
            ).variables,
        );
        expect(approvals).to.deep.equal(stackContracts(prodConfig).flatMap((c) => desiredGrants(c.contract, config)));
        const withEmail = approvals.filter((a) => a.columns.includes("email"));
        expect(withEmail.map((a) => `${a.contract}:${a.principal}`)).to.deep.equal([
            "sales.customer:arn:aws:iam::555555555555:role/cdp-ml-training",
        ]);
        expect(
            approvals
                .filter((a) => a.rowFilter)
                .map((a) => a.contract)
                .sort(),
        ).to.deep.equal(["payments.payment", "sales.customer"]);
    });

    it("one Data Quality ruleset per contract on its curated table, DQDL from the contract", () => {
        const rs = resource(prod, "aws:glue/dataQualityRuleset:DataQualityRuleset", "contracts-dq-sales.customer");
        const c = stackContracts(prodConfig).find((x) => x.file === "sales/customer.yaml")!;
        expect(rs.inputs.ruleset).to.equal(dqdlRuleset(c.contract));
        expect(rs.inputs.targetTable).to.deep.equal({
            catalogId: "333333333333",
            databaseName: "cdp_prod_sales",
            tableName: "customer",
        });
        expect(inRegistry(prod, "aws:glue/dataQualityRuleset:DataQualityRuleset")).to.have.length(7);
    });

    it("both stacks plan with no policy violation", () => {
        expect(violatedPolicies(prod)).to.deep.equal([]);
        expect(violatedPolicies(dev)).to.deep.equal([]);
    });

    it("a stack without contract files plans no registry", async () => {
        const empty = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "no-contracts-"));
        try {
            expect(stackContracts(prodConfig, empty)).to.deep.equal([]);
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });

    it("rejects two contracts for one dataset and a domain without a database", async () => {
        const [c] = stackContracts(prodConfig);
        const plan = await planProgram(() => {
            new ContractRegistry("dup", {
                naming: new Naming("cdp", "test"),
                contracts: [c, c],
                catalogId: "123456789012",
                databases: {},
                consumers: {},
                kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/x",
                alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
                logRetentionDays: 30,
            });
        });
        const text = plan.errors.join("\n");
        expect(text).to.match(/one contract per dataset/);
        expect(text).to.match(/a domain with a database/);
    });
});
