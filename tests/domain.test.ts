import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { createHash } from "node:crypto";
import type { EntityDefinition } from "../model/entities";
import { entityJsonSchema } from "../model/openapi";
import { ProducerDomain } from "../components/domain/producer-domain";
import { AccountBaseline } from "../components/baseline/account-baseline";
import { Naming } from "../components/shared/naming";
import { SERVICE_TRUST, serviceTrustCondition } from "../components/shared/roles";
import type { PlanDocument } from "../tools/plan/document";
import { descendants, ofType, planProgram, planStack, policyOf, resource } from "./helpers/plan";

const SALES = "666666666666";

/** IAM wildcard match (`*` any run of characters, `?` one character), case-sensitive as for ARNs. */
function wildcardMatch(pattern: string, value: string): boolean {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${re}$`, "s").test(value);
}

/** Whether an Allow statement (without conditions considered) covers `action` on `resource`. */
function allows(s: Record<string, any>, action: string, resource: string): boolean {
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]) as string[];
    return (
        s.Effect === "Allow" &&
        list(s.Action).some((a) => wildcardMatch(a.toLowerCase(), action.toLowerCase())) &&
        list(s.Resource).some((r) => wildcardMatch(r, resource))
    );
}
const HUB = "222222222222";

describe("ProducerDomain blueprint (prod plan)", () => {
    let prod: PlanDocument;
    before(async () => {
        prod = await planStack("prod", {}, true);
        expect(prod.errors).to.deep.equal([]);
    });

    it("passes the policy gate", () => {
        expect(prod.policy!.violations.map((v) => `${v.policy} ${v.urn}`)).to.deep.equal([]);
    });

    it("stores each entity in a CMK-encrypted table with PITR, deletion protection, streams, GSIs and TTL", () => {
        const key = resource(prod, "aws:kms/key:Key", "sales-key");
        const customer = resource(prod, "aws:dynamodb/table:Table", "sales-store-customer");
        expect(customer.inputs).to.include({
            hashKey: "customerId",
            streamEnabled: true,
            streamViewType: "NEW_AND_OLD_IMAGES",
            deletionProtectionEnabled: true,
            billingMode: "PAY_PER_REQUEST",
        });
        expect(customer.inputs.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: key.outputs.arn });
        expect(customer.inputs.pointInTimeRecovery).to.deep.include({ enabled: true });
        expect(customer.protect && customer.retainOnDelete).to.equal(true);
        const order = resource(prod, "aws:dynamodb/table:Table", "sales-store-order");
        expect(order.inputs).to.include({ hashKey: "customerId", rangeKey: "orderId" });
        const payment = resource(prod, "aws:dynamodb/table:Table", "payments-store-payment");
        expect((payment.inputs.globalSecondaryIndexes as any[]).map((g) => [g.name, g.hashKey])).to.deep.equal([
            ["byCustomer", "customerId"],
        ]);
        const campaign = resource(prod, "aws:dynamodb/table:Table", "marketing-store-campaign");
        expect(campaign.inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
        expect(ofType(prod, "aws:dax/cluster:Cluster"), "DAX is off unless configured").to.deep.equal([]);
    });

    it("publishes entities through an IAM-authorised, validated REST API whose models come from the definitions", () => {
        const methods = ofType(prod, "aws:apigateway/method:Method").filter((m) => m.name.startsWith("sales-api-"));
        expect(methods).to.have.length(10);
        for (const m of methods) {
            expect(m.inputs.authorization, m.name).to.equal("AWS_IAM");
            expect(m.inputs.requestValidatorId, m.name).to.be.a("string").and.not.equal("");
        }
        const model = resource(prod, "aws:apigateway/model:Model", "sales-api-customer-create");
        const customer = (resource(prod, "aws:lambda/function:Function", "sales-api-handler").inputs.environment as any)
            .variables;
        const entities = JSON.parse(customer.ENTITIES) as EntityDefinition[];
        expect(JSON.parse(model.inputs.schema as string)).to.deep.equal(
            entityJsonSchema(entities.find((e) => e.name === "customer")!, "create"),
        );
        const stage = resource(prod, "aws:apigateway/stage:Stage", "sales-api");
        expect(stage.inputs.xrayTracingEnabled).to.equal(true);
        expect((stage.inputs.accessLogSettings as any).destinationArn).to.equal(
            resource(prod, "aws:cloudwatch/logGroup:LogGroup", "sales-api-access").outputs.arn,
        );
        const settings = resource(prod, "aws:apigateway/methodSettings:MethodSettings", "sales-api");
        expect(settings.inputs.settings as any).to.include({
            loggingLevel: "INFO",
            throttlingRateLimit: 100,
            throttlingBurstLimit: 200,
        });
        const permission = resource(prod, "aws:lambda/permission:Permission", "sales-api-invoke");
        expect(permission.inputs.principal).to.equal("apigateway.amazonaws.com");
        expect(permission.inputs.sourceArn).to.match(new RegExp(`^arn:aws:execute-api:eu-west-1:${SALES}:.+/\\*/\\*$`));
    });

    it("streams every table's changes to the hub with partial-batch reporting, bisect and an encrypted failure queue", () => {
        const failures = resource(prod, "aws:sqs/queue:Queue", "sales-publisher-failures");
        for (const entity of ["customer", "order"]) {
            const esm = resource(prod, "aws:lambda/eventSourceMapping:EventSourceMapping", `sales-publisher-${entity}`);
            expect(esm.inputs.eventSourceArn).to.equal(
                resource(prod, "aws:dynamodb/table:Table", `sales-store-${entity}`).outputs.streamArn,
            );
            expect(esm.inputs).to.include({ bisectBatchOnFunctionError: true });
            expect(esm.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
            expect((esm.inputs.destinationConfig as any).onFailure.destinationArn).to.equal(failures.outputs.arn);
        }
        const statements = policyOf(
            resource(prod, "aws:iam/rolePolicy:RolePolicy", "sales-publisher-function"),
        ).Statement;
        const kinesis = statements.find((s) => s.Sid === "PublishToHubStream")!;
        expect(kinesis.Resource)
            .to.equal(prod.outputs.ingestStreamArn)
            .and.match(new RegExp(`:${HUB}:stream/`));
        expect(statements.find((s) => s.Sid === "PublishToHubBus")!.Resource).to.equal(prod.outputs.ingestBusArn);
        // The domain key only through the services that use it for the function: DynamoDB (tables, streams,
        // idempotency) and SQS (the encrypted failure queue).
        const domainKey = resource(prod, "aws:kms/key:Key", "sales-key").outputs.arn;
        const keyStatements = statements.filter((s) => [s.Resource].flat().includes(domainKey));
        expect(keyStatements).to.have.length(1);
        expect(keyStatements[0].Condition).to.deep.equal({
            StringEquals: { "kms:ViaService": ["dynamodb.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"] },
        });
        const env = (
            resource(prod, "aws:lambda/function:Function", "sales-publisher-function").inputs.environment as any
        ).variables;
        expect(JSON.parse(env.TABLE_ENTITIES)).to.deep.equal({
            "cdp-prod-sales-customer": { entity: "customer", partitionKey: "customerId" },
            "cdp-prod-sales-order": { entity: "order", partitionKey: "customerId", sortKey: "orderId" },
        });
    });

    it("publishes entities as LF-tagged Glue tables shared with central governance by tag", () => {
        const settings = resource(
            prod,
            "aws:lakeformation/dataLakeSettings:DataLakeSettings",
            "domain-sales-lake-formation",
        );
        expect(settings.inputs.admins).to.deep.equal([`arn:aws:iam::${SALES}:role/cdp-deployer`]);
        const table = resource(prod, "aws:glue/catalogTable:CatalogTable", "sales-products-customer");
        const columns = (table.inputs.storageDescriptor as any).columns.map((c: any) => `${c.name}:${c.type}`);
        expect(columns).to.include.members([
            "customerid:string",
            "email:string",
            "lifetimevalue:double",
            "version:bigint",
        ]);
        const tags = resource(prod, "aws:lakeformation/resourceLfTags:ResourceLfTags", "sales-products-customer");
        expect(tags.inputs.lfTags).to.deep.equal([
            { key: "domain", value: "sales" },
            { key: "classification", value: "confidential" },
        ]);
        const share = resource(prod, "aws:lakeformation/permissions:Permissions", "sales-products-share-tables");
        expect(share.inputs.principal).to.equal("333333333333");
        expect(share.inputs.permissionsWithGrantOptions).to.deep.equal(["SELECT", "DESCRIBE"]);
        expect(share.inputs.lfTagPolicy).to.deep.equal({
            resourceType: "TABLE",
            expressions: [{ key: "domain", values: ["sales"] }],
        });
        expect(share.account).to.equal(SALES);
    });

    it("runs Entity Resolution (aws-native, explicit provider) over the customer data product into the processed zone", () => {
        const workflow = resource(prod, "aws-native:entityresolution:MatchingWorkflow", "sales-entity-resolution");
        expect(workflow.provider).to.match(/pulumi:providers:aws-native::aws-native-domain-sales$/);
        expect(workflow.account).to.equal(SALES);
        const table = resource(prod, "aws:glue/catalogTable:CatalogTable", "sales-products-customer");
        expect((workflow.inputs.inputSourceConfig as any[])[0].inputSourceArn).to.equal(table.outputs.arn);
        const output = (workflow.inputs.outputSourceConfig as any[])[0];
        expect(output.outputS3Path).to.equal("s3://cdp-prod-processed-333333333333-eu-west-1/entity-resolution/sales/");
        expect(output.kmsArn).to.equal(resource(prod, "aws:kms/key:Key", "lake-processed-key").outputs.arn);
        const schema = resource(prod, "aws-native:entityresolution:SchemaMapping", "sales-entity-resolution");
        expect(schema.inputs.mappedInputFields).to.deep.equal([
            { fieldName: "customerid", type: "UNIQUE_ID" },
            { fieldName: "email", type: "EMAIL_ADDRESS", matchKey: "email" },
            { fieldName: "name", type: "NAME", matchKey: "name" },
        ]);
        // The processed zone lets the sales account write only its matches folder.
        const grants = policyOf(resource(prod, "aws:s3/bucketPolicy:BucketPolicy", "lake-processed")).Statement.filter(
            (s) => s.Effect === "Allow",
        );
        expect(grants.map((g) => g.Principal.AWS)).to.deep.equal([
            `arn:aws:iam::${SALES}:root`,
            `arn:aws:iam::${SALES}:root`,
            `arn:aws:iam::${SALES}:root`,
        ]);
        // Matching jobs list their output location, only under it.
        expect(grants.find((g) => [g.Action].flat().includes("s3:ListBucket"))?.Condition).to.deep.equal({
            StringLike: { "s3:prefix": ["entity-resolution/sales/*"] },
        });
        expect(grants[0].Resource).to.equal(
            "arn:aws:s3:::cdp-prod-processed-333333333333-eu-west-1/entity-resolution/sales/*",
        );
        expect(ofType(prod, "aws-native:entityresolution:MatchingWorkflow"), "off unless configured").to.have.length(1);
    });

    it("grants Entity Resolution's role its input table through Lake Formation before the workflow exists", () => {
        const workflow = resource(prod, "aws-native:entityresolution:MatchingWorkflow", "sales-entity-resolution");
        const role = prod.resources.find(
            (r) => r.type === "aws:iam/role:Role" && r.outputs.arn === workflow.inputs.roleArn,
        )!;
        const table = resource(prod, "aws:glue/catalogTable:CatalogTable", "sales-products-customer");
        const grants = ofType(prod, "aws:lakeformation/permissions:Permissions").filter(
            (g) => g.inputs.principal === role.outputs.arn,
        );
        const onTable = grants.find((g) => (g.inputs.table as any)?.name === table.inputs.name);
        expect(onTable, JSON.stringify(grants.map((g) => g.inputs))).to.not.equal(undefined);
        expect((onTable!.inputs.table as any).databaseName).to.equal(table.inputs.databaseName);
        expect(onTable!.inputs.permissions).to.include.members(["SELECT", "DESCRIBE"]);
        expect(onTable!.inputs).to.not.have.property("permissionsWithGrantOptions");
        const onDatabase = grants.find((g) => (g.inputs.database as any)?.name === table.inputs.databaseName);
        expect(onDatabase!.inputs.permissions).to.deep.equal(["DESCRIBE"]);
        expect(workflow.dependencies).to.include.members([onTable!.urn, onDatabase!.urn]);
    });

    it("registers each domain's products bucket with Lake Formation and a read-only data-access role, so governance's grants can be read", () => {
        for (const domain of ["sales", "payments", "marketing"]) {
            const bucket = resource(prod, "aws:s3/bucket:Bucket", `${domain}-products-products`);
            const key = resource(prod, "aws:kms/key:Key", `${domain}-products-products-key`);
            const location = resource(prod, "aws:lakeformation/resource:Resource", `${domain}-products`);
            expect(location.inputs).to.include({ arn: bucket.outputs.arn, useServiceLinkedRole: false });
            const role = prod.resources.find(
                (r) => r.type === "aws:iam/role:Role" && r.outputs.arn === location.inputs.roleArn,
            )!;
            const trust = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
            expect(trust.map((t: any) => t.Principal.Service)).to.deep.equal(["lakeformation.amazonaws.com"]);
            const statements = ofType(prod, "aws:iam/rolePolicy:RolePolicy")
                .filter((p) => p.inputs.role === role.outputs.id)
                .flatMap((p) => policyOf(p).Statement);
            for (const [action, arn] of [
                ["s3:GetObject", `${bucket.outputs.arn}/customer/part-0.json`],
                ["s3:ListBucket", bucket.outputs.arn as string],
                ["kms:Decrypt", key.outputs.arn as string],
            ]) {
                expect(
                    statements.some((s) => allows(s, action, arn)),
                    `${role.name} ${action}`,
                ).to.equal(true);
            }
            // Read only: Lake Formation vends this role's credentials to every principal it granted SELECT.
            expect(statements.some((s) => allows(s, "s3:PutObject", `${bucket.outputs.arn}/x`))).to.equal(false);
            expect(statements.some((s) => allows(s, "s3:DeleteObject", `${bucket.outputs.arn}/x`))).to.equal(false);
            // Governance is granted the tables by LF-tag; the registered location is what lets it read them.
            const share = resource(
                prod,
                "aws:lakeformation/permissions:Permissions",
                `${domain}-products-share-tables`,
            );
            expect(share.account).to.equal(location.account);
        }
    });

    it("lets the account's API Gateway CloudWatch role write each API's access logs, and CloudWatch Logs use their key", () => {
        for (const stage of ofType(prod, "aws:apigateway/stage:Stage")) {
            const groupArn = (stage.inputs.accessLogSettings as any).destinationArn as string;
            const group = prod.resources.find(
                (r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.outputs.arn === groupArn,
            )!;
            // The role set in the account's API Gateway settings writes the stage's access logs.
            const account = ofType(prod, "aws:apigateway/account:Account").find((a) => a.account === stage.account)!;
            const role = prod.resources.find(
                (r) => r.type === "aws:iam/role:Role" && r.outputs.arn === account.inputs.cloudwatchRoleArn,
            )!;
            const statements = ofType(prod, "aws:iam/rolePolicy:RolePolicy")
                .filter((p) => p.inputs.role === role.outputs.id)
                .flatMap((p) => policyOf(p).Statement);
            const stream = `${groupArn}:log-stream:2026-12-03`;
            for (const [action, arn] of [
                ["logs:PutLogEvents", stream],
                ["logs:CreateLogStream", groupArn],
                ["logs:DescribeLogStreams", groupArn],
            ]) {
                expect(
                    statements.some((s) => allows(s, action, arn)),
                    `${role.name} ${action} on ${arn}`,
                ).to.equal(true);
            }
            // CloudWatch Logs (regional service principal) may use the group's key for this group.
            const key = prod.resources.find(
                (r) => r.type === "aws:kms/key:Key" && r.outputs.arn === group.inputs.kmsKeyId,
            )!;
            const logs = policyOf(key)
                .Statement.filter((s) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com")
                .filter((s) => ["kms:GenerateDataKey", "kms:Decrypt"].every((a) => allows(s, a, "*")));
            expect(logs, key.name).to.have.length(1);
            const context = logs[0].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"];
            expect(wildcardMatch(context, groupArn), `${key.name} admits ${groupArn}`).to.equal(true);
        }
        expect(ofType(prod, "aws:apigateway/stage:Stage")).to.have.length(3);
    });

    it("trusts each service the way its documentation shows (account guard, aws:SourceArn where documented)", () => {
        const byService: Record<string, Array<{ name: string; account: string; condition: any }>> = {};
        for (const role of ofType(prod, "aws:iam/role:Role")) {
            const [trust] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
            const service = trust.Principal?.Service as string | undefined;
            if (!service) continue;
            byService[service] = [
                ...(byService[service] ?? []),
                { name: role.name, account: role.account, condition: trust.Condition },
            ];
        }
        expect(Object.keys(byService).sort()).to.deep.equal(
            [
                "apigateway.amazonaws.com",
                "cloudtrail.amazonaws.com",
                "entityresolution.amazonaws.com",
                "events.amazonaws.com",
                "firehose.amazonaws.com",
                "glue.amazonaws.com",
                "lakeformation.amazonaws.com",
                "lambda.amazonaws.com",
                "scheduler.amazonaws.com",
                "states.amazonaws.com",
                "transfer.amazonaws.com",
                "vpc-flow-logs.amazonaws.com",
            ].sort(),
        );
        // Services whose documented trust names the principal only: a condition on a key they do not send would deny
        // every AssumeRole; iam:PassRole (same account only) is the guard.
        for (const service of [
            "lambda.amazonaws.com",
            "apigateway.amazonaws.com",
            "entityresolution.amazonaws.com",
            "lakeformation.amazonaws.com",
            "glue.amazonaws.com",
            "cloudtrail.amazonaws.com",
        ]) {
            for (const r of byService[service]) expect(r.condition, `${service} ${r.name}`).to.equal(undefined);
        }
        for (const r of byService["firehose.amazonaws.com"]) {
            expect(r.condition, r.name).to.deep.equal({ StringEquals: { "sts:ExternalId": r.account } });
        }
        for (const r of byService["transfer.amazonaws.com"]) {
            expect(r.condition, r.name).to.deep.equal({
                StringEquals: { "aws:SourceAccount": r.account },
                ArnLike: { "aws:SourceArn": `arn:aws:transfer:eu-west-1:${r.account}:user/*` },
            });
        }
        // One schedule group per program that schedules (the hub's events, the ETL pipeline): each scheduler role
        // names one of them.
        const groups = ofType(prod, "aws:scheduler/scheduleGroup:ScheduleGroup").map((g) => g.outputs.arn);
        expect(groups).to.have.length(2);
        for (const r of byService["scheduler.amazonaws.com"]) {
            expect(r.condition, r.name).to.deep.include({ StringEquals: { "aws:SourceAccount": r.account } });
            expect(groups, r.name).to.include((r.condition as any).ArnLike["aws:SourceArn"]);
        }
        for (const r of byService["events.amazonaws.com"]) {
            expect(r.condition, r.name).to.deep.equal({ StringEquals: { "aws:SourceAccount": r.account } });
        }
    });

    it("keeps every resource of a domain in that domain's account", () => {
        const root = resource(prod, "cdp:programs:Producer", "domain-sales");
        const custom = descendants(prod, root.urn).filter((r) => r.custom);
        expect(custom.length).to.be.greaterThan(40);
        for (const r of custom) expect(r.account, r.urn).to.equal(SALES);
    });
});

describe("ProducerDomain options", () => {
    const entities: EntityDefinition[] = [
        {
            name: "customer",
            partitionKey: "customerId",
            attributes: { customerId: { type: "string", required: true }, email: { type: "email" } },
        },
    ];
    const plan = (
        extra: Partial<ConstructorParameters<typeof ProducerDomain>[1]>,
        capture?: (domain: ProducerDomain) => void,
    ) =>
        planProgram(
            () => {
                const provider = new aws.Provider("aws-domain", {
                    region: "eu-west-1",
                    allowedAccountIds: ["123456789012"],
                    defaultTags: { tags: { Project: "p", Environment: "t", Owner: "o", CostCenter: "c" } },
                });
                const baseline = new AccountBaseline("loyalty-baseline", { apiGatewayLogging: true }, { provider });
                const domain = new ProducerDomain(
                    "loyalty",
                    {
                        domain: "loyalty",
                        naming: new Naming("acme", "test", "loyalty"),
                        entities,
                        logRetentionDays: 30,
                        baseline,
                        ...extra,
                    },
                    { provider },
                );
                capture?.(domain);
            },
            { policy: true },
        );

    it("redeploys the API when anything that shapes it changes, and deploys it first after every part", async () => {
        let definition = "";
        const iam = await plan({}, (d) => d.api.definition.apply((v) => (definition = v)));
        const cognito = await plan({
            authorization: { kind: "COGNITO", userPoolArn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x" },
        });
        const trigger = (doc: PlanDocument) =>
            (resource(doc, "aws:apigateway/deployment:Deployment", "loyalty-api").inputs.triggers as any).definitions;
        expect(trigger(iam)).to.match(/^[0-9a-f]{64}$/);
        expect(trigger(cognito), "the authorization kind changes the deployed API").to.not.equal(trigger(iam));
        // The trigger covers every part that shapes the deployed API, not only the OpenAPI document.
        expect(trigger(iam)).to.equal(createHash("sha256").update(definition).digest("hex"));
        const parts = JSON.parse(definition).parts;
        expect(parts["response BAD_REQUEST_BODY"]).to.deep.include({
            responseType: "BAD_REQUEST_BODY",
            statusCode: "400",
        });
        expect(parts["response BAD_REQUEST_BODY"].responseTemplates["application/json"]).to.contain("ValidationError");
        expect(parts["validator loyalty-api"]).to.deep.include({
            validateRequestBody: true,
            validateRequestParameters: true,
        });
        expect(parts["integration customer-get"]).to.deep.include({ type: "AWS_PROXY", integrationHttpMethod: "POST" });
        expect(parts["integration customer-get"].uri).to.contain(":function:acme-test-loyalty-api/invocations");
        expect(parts["method customer-update"]).to.deep.include({ httpMethod: "PUT", authorization: "AWS_IAM" });
        // The deployment (the first one too) is created after every method, integration, model, validator and response.
        const deployment = resource(iam, "aws:apigateway/deployment:Deployment", "loyalty-api");
        const shaping = iam.resources.filter((r) =>
            [
                "aws:apigateway/response:Response",
                "aws:apigateway/requestValidator:RequestValidator",
                "aws:apigateway/method:Method",
                "aws:apigateway/integration:Integration",
                "aws:apigateway/model:Model",
                "aws:apigateway/resource:Resource",
            ].includes(r.type),
        );
        expect(shaping.filter((r) => r.type === "aws:apigateway/response:Response")).to.have.length(2);
        expect(deployment.dependencies).to.include.members(shaping.map((r) => r.urn));
        const authorizer = resource(cognito, "aws:apigateway/authorizer:Authorizer", "loyalty-api");
        expect(resource(cognito, "aws:apigateway/deployment:Deployment", "loyalty-api").dependencies).to.include(
            authorizer.urn,
        );
    });

    it("puts DAX (encrypted, TLS) in front of the tables when asked, with the API Lambda in the VPC", async () => {
        const doc = await plan({
            dax: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-1", "subnet-2"], nodes: 1 },
        });
        expect(doc.errors).to.deep.equal([]);
        const cluster = resource(doc, "aws:dax/cluster:Cluster", "loyalty-store-dax");
        expect(cluster.inputs).to.include({ clusterEndpointEncryptionType: "TLS", replicationFactor: 1 });
        expect(cluster.inputs.serverSideEncryption).to.deep.equal({ enabled: true });
        expect((cluster.inputs.clusterName as string).length).to.be.at.most(20);
        const fn = resource(doc, "aws:lambda/function:Function", "loyalty-api-handler");
        expect((fn.inputs.vpcConfig as any).securityGroupIds).to.deep.equal([
            resource(doc, "aws:ec2/securityGroup:SecurityGroup", "loyalty-store-dax-clients").outputs.id ??
                resource(doc, "aws:ec2/securityGroup:SecurityGroup", "loyalty-store-dax-clients").id,
        ]);
        expect((fn.inputs.environment as any).variables.DAX_ENDPOINT).to.match(/^daxs:\/\//);
        const daxTrust = JSON.parse(
            resource(doc, "aws:iam/role:Role", "loyalty-store-dax").inputs.assumeRolePolicy as string,
        ).Statement;
        expect(daxTrust, "DAX documents a trust naming the principal only").to.deep.equal([
            { Effect: "Allow", Principal: { Service: "dax.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        expect(doc.policy!.violations.map((v) => v.policy)).to.deep.equal([]);
    });

    it("needs the account baseline: the API stage depends on the account's API Gateway logging role", async () => {
        const doc = await plan({});
        const account = resource(doc, "aws:apigateway/account:Account", "loyalty-baseline-apigateway");
        expect(account.retainOnDelete).to.equal(true);
        const stage = resource(doc, "aws:apigateway/stage:Stage", "loyalty-api");
        expect(stage.dependencies).to.include(account.urn);
        const missing = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            const baseline = new AccountBaseline("b", {}, { provider });
            new ProducerDomain(
                "x",
                { domain: "x1", naming: new Naming("a", "t", "x"), entities, logRetentionDays: 30, baseline },
                { provider },
            );
        });
        expect(missing.errors.join("\n")).to.contain("ProducerDomain(x).baseline: got");
        expect(missing.errors.join("\n")).to.contain("apiGatewayLogging: true");
    });

    it("refuses a service role for a service without a documented trust, or with an undocumented aws:SourceArn", () => {
        const refused = (spec: Parameters<typeof serviceTrustCondition>[1]) => {
            try {
                serviceTrustCondition("r", spec);
            } catch (err) {
                return (err as Error).message;
            }
            return "accepted";
        };
        expect(refused({ service: "datasync.amazonaws.com", accountId: "123456789012" })).to.contain(
            'serviceRole(r).service: got "datasync.amazonaws.com"',
        );
        expect(
            refused({
                service: "lambda.amazonaws.com",
                accountId: "123456789012",
                trustCondition: { ArnLike: { "aws:SourceArn": "arn:aws:lambda:eu-west-1:123456789012:function:f" } },
            }),
        ).to.contain("serviceRole(r).trustCondition");
        for (const [service, trust] of Object.entries(SERVICE_TRUST)) {
            expect(trust.doc, service).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
        }
    });

    it("creates no publisher without a hub, and rejects bad entity definitions naming the key", async () => {
        const none = await plan({});
        expect(ofType(none, "aws:lambda/eventSourceMapping:EventSourceMapping")).to.deep.equal([]);
        expect(ofType(none, "aws:glue/catalogTable:CatalogTable")).to.deep.equal([]);
        const bad = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            new ProducerDomain(
                "x",
                {
                    domain: "Bad_Domain",
                    naming: new Naming("a", "t", "x"),
                    entities: [{ name: "thing", partitionKey: "missing", attributes: { id: { type: "string" } } }],
                    logRetentionDays: 30,
                    baseline: new AccountBaseline("b", { apiGatewayLogging: true }, { provider }),
                },
                { provider },
            );
        });
        const text = bad.errors.join("\n");
        expect(text).to.contain('ProducerDomain(x).domain: got "Bad_Domain"');
        expect(text).to.contain(
            'ProducerDomain(x).entities[0].partitionKey: got "missing"; expected one of the entity\'s attributes (id)',
        );
    });
});
