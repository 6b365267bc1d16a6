/**
 * The governance plane's lineage under the offline plan: the Neptune graph (CMK, IAM auth, audit logs, backups,
 * deletion protection with data protection, private subnets, 8182 from the writer only), the writer Lambda (in the
 * VPC, EventBridge rule with DLQ and retries, on-failure destination, neptune-db actions on this cluster only, alarms
 * to the governance topic), the network (a new awsx VPC, or a configured one), and `cdp:lineage` errors.
 */
import { expect } from "chai";
import type { ValidationError } from "../components/shared/errors";
import { lineageEnv } from "../model/env/lineage";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE } from "../model/lineage";
import { isValidationError } from "../model/issues";
import { parsePlatformConfig } from "../programs/config";
import type { PlanDocument } from "../tools/plan/document";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { descendants, ofType, type PlanResource, planStack, policyOf, ROOT, resource } from "./helpers/plan";

const CLUSTER = "aws:neptune/cluster:Cluster";
const INSTANCE = "aws:neptune/clusterInstance:ClusterInstance";
const SG = "aws:ec2/securityGroup:SecurityGroup";

function governanceKeyArn(doc: PlanDocument): string {
    return resource(doc, "aws:kms/key:Key", "governance-key").outputs.arn as string;
}

function within(doc: PlanDocument, type: string, name: string): PlanResource[] {
    return descendants(doc, resource(doc, type, name).urn);
}

describe("lineage (governance plane) in the plan", () => {
    let prod: PlanDocument;
    let dev: PlanDocument;
    before(async () => {
        // One plan at a time: the Pulumi runtime mocks are process-wide.
        prod = await planStack("prod");
        dev = await planStack("dev");
        expect(prod.errors).to.deep.equal([]);
        expect(dev.errors).to.deep.equal([]);
    });

    it("prod: a serverless Neptune cluster encrypted with the governance key, IAM auth, audit logs, protected", () => {
        const cluster = resource(prod, CLUSTER, "lineage-graph");
        expect(cluster.account).to.equal("333333333333");
        expect(cluster.inputs).to.include({
            engine: "neptune",
            storageEncrypted: true,
            kmsKeyArn: governanceKeyArn(prod),
            iamDatabaseAuthenticationEnabled: true,
            copyTagsToSnapshot: true,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "cdp-prod-lineage-final",
            backupRetentionPeriod: 7,
        });
        expect(cluster.inputs.enableCloudwatchLogsExports).to.deep.equal(["audit"]);
        expect(cluster.inputs.serverlessV2ScalingConfiguration).to.deep.equal({ minCapacity: 1, maxCapacity: 16 });
        expect(cluster.protect).to.equal(true);
        const params = resource(
            prod,
            "aws:neptune/clusterParameterGroup:ClusterParameterGroup",
            "lineage-graph-params",
        );
        expect(cluster.inputs.neptuneClusterParameterGroupName).to.equal(params.inputs.name);
        expect(params.inputs.parameters).to.deep.include({
            name: "neptune_enable_audit_log",
            value: "1",
            applyMethod: "pending-reboot",
        });
        const audit = resource(prod, "aws:cloudwatch/logGroup:LogGroup", "lineage-graph-audit");
        expect(audit.inputs).to.include({
            name: "/aws/neptune/cluster/cdp-prod-lineage/audit",
            kmsKeyId: governanceKeyArn(prod),
            retentionInDays: 365,
        });
        const instances = ofType(prod, INSTANCE);
        expect(instances.map((i) => i.inputs.instanceClass)).to.deep.equal(["db.serverless", "db.serverless"]);
        for (const i of instances) expect(i.inputs.publiclyAccessible).to.equal(false);
    });

    it("dev: no deletion protection (dataProtection off), one instance, 1-4 NCUs", () => {
        const cluster = resource(dev, CLUSTER, "lineage-graph");
        expect(cluster.inputs).to.include({ deletionProtection: false, skipFinalSnapshot: true });
        expect(cluster.inputs.serverlessV2ScalingConfiguration).to.deep.equal({ minCapacity: 1, maxCapacity: 4 });
        expect(ofType(dev, INSTANCE)).to.have.length(1);
    });

    it("the cluster sits in the new VPC's private subnets, reachable on 8182 from the writer's group only", () => {
        const vpc = resource(prod, "awsx:ec2:Vpc", "governance-network-vpc");
        expect(vpc.inputs).to.deep.include({ cidrBlock: "10.64.0.0/16", natGateways: { strategy: "None" } });
        expect(vpc.inputs.subnetSpecs).to.deep.equal([{ type: "Isolated", name: "private", cidrMask: 20 }]);
        const isolated = vpc.outputs.isolatedSubnetIds as string[];
        expect(isolated).to.have.length(2);
        const subnets = resource(prod, "aws:neptune/subnetGroup:SubnetGroup", "lineage-graph-subnets");
        expect(subnets.inputs.subnetIds).to.deep.equal(isolated);
        const clusterSg = resource(prod, SG, "lineage-graph-cluster");
        const clientSg = resource(prod, SG, "lineage-graph-clients");
        expect(resource(prod, CLUSTER, "lineage-graph").inputs.vpcSecurityGroupIds).to.deep.equal([clusterSg.id]);
        expect(clusterSg.inputs.ingress).to.have.length(1);
        expect((clusterSg.inputs.ingress as any[])[0]).to.deep.include({
            protocol: "tcp",
            fromPort: 8182,
            toPort: 8182,
            securityGroups: [clientSg.id],
        });
        expect(clusterSg.inputs.ingress as any[]).to.satisfy((rules: any[]) => rules.every((r) => !r.cidrBlocks));
        expect(clientSg.inputs.egress).to.deep.equal([]);
        const egress = resource(
            prod,
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            "lineage-graph-clients-to-cluster",
        );
        expect(egress.inputs).to.include({
            securityGroupId: clientSg.id,
            referencedSecurityGroupId: clusterSg.id,
            fromPort: 8182,
            toPort: 8182,
        });
        const fn = resource(prod, "aws:lambda/function:Function", "lineage-function");
        expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: isolated, securityGroupIds: [clientSg.id] });
        const flow = resource(prod, "aws:ec2/flowLog:FlowLog", "governance-network-flow-log");
        expect(flow.inputs).to.include({ vpcId: vpc.outputs.vpcId, trafficType: "ALL" });
        expect(
            resource(prod, "aws:cloudwatch/logGroup:LogGroup", "governance-network-flow-logs").inputs.kmsKeyId,
        ).to.equal(governanceKeyArn(prod));
    });

    it("the writer: its env names the cluster endpoint; neptune-db actions on this cluster's resource id only", () => {
        const cluster = resource(prod, CLUSTER, "lineage-graph");
        const fn = resource(prod, "aws:lambda/function:Function", "lineage-function");
        const { NODE_OPTIONS: _, ...env } = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        expect(lineageEnv.load(env)).to.include({
            endpoint: cluster.outputs.endpoint,
            port: 8182,
            iamAuth: true,
            tls: true,
        });
        const policy = policyOf(resource(prod, "aws:iam/rolePolicy:RolePolicy", "lineage-function"));
        const graph = policy.Statement.find((s) => s.Sid === "LineageGraph")!;
        expect(graph.Action).to.deep.equal([
            "neptune-db:connect",
            "neptune-db:ReadDataViaQuery",
            "neptune-db:WriteDataViaQuery",
        ]);
        expect(graph.Resource).to.equal(
            `arn:aws:neptune-db:eu-west-1:333333333333:${cluster.outputs.clusterResourceId as string}/*`,
        );
        const actions = policy.Statement.flatMap((s) => [s.Action].flat());
        expect(actions.filter((a: string) => a.startsWith("neptune-db:") && a.includes("*"))).to.deep.equal([]);
    });

    it("EventBridge: the rule matches the lineage source and detail-type; target with DLQ and retries; on-failure destination", () => {
        const rule = resource(prod, "aws:cloudwatch/eventRule:EventRule", "lineage-events");
        expect(JSON.parse(rule.inputs.eventPattern as string)).to.deep.equal({
            source: [LINEAGE_EVENT_SOURCE],
            "detail-type": [LINEAGE_DETAIL_TYPE],
        });
        const queue = resource(prod, "aws:sqs/queue:Queue", "lineage-failures");
        expect(queue.inputs.kmsMasterKeyId).to.equal(governanceKeyArn(prod));
        const target = resource(prod, "aws:cloudwatch/eventTarget:EventTarget", "lineage-events");
        expect(target.inputs.deadLetterConfig).to.deep.equal({ arn: queue.outputs.arn });
        expect(target.inputs.retryPolicy).to.deep.equal({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 });
        const invoke = resource(prod, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "lineage");
        expect(invoke.inputs).to.deep.include({
            maximumRetryAttempts: 2,
            destinationConfig: { onFailure: { destination: queue.outputs.arn } },
        });
        const permission = resource(prod, "aws:lambda/permission:Permission", "lineage-events");
        expect(permission.inputs).to.include({ principal: "events.amazonaws.com", sourceArn: rule.outputs.arn });
        // EventBridge may use the governance key for the encrypted dead-letter queue.
        const key = policyOf(resource(prod, "aws:kms/key:Key", "governance-key"));
        expect(key.Statement.find((s) => s.Sid === "AllowEventBridgeEncryptedDeadLetters")).to.deep.include({
            Principal: { Service: "events.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": "333333333333" } },
        });
    });

    it("alarms on writer errors, failed invocations and queued failures notify the governance topic", () => {
        const topic = resource(prod, "aws:sns/topic:Topic", "governance-alarms").outputs.arn;
        const alarms = within(prod, "cdp:governance:LineageWriter", "lineage").filter(
            (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm",
        );
        expect(alarms.map((a) => a.inputs.metricName).sort()).to.deep.equal([
            "ApproximateNumberOfMessagesVisible",
            "Errors",
            "FailedInvocations",
        ]);
        for (const a of alarms) expect(a.inputs.alarmActions).to.deep.equal([topic]);
    });

    it("provisioned engine and an existing VPC by config: no awsx VPC, the given subnets", async () => {
        const doc = await planStack("dev", {
            "cdp:lineage": JSON.stringify({
                engine: "provisioned",
                instanceClass: "db.r6g.xlarge",
                instances: 2,
                network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0aaaaaaaa", "subnet-0bbbbbbbb"] },
            }),
        });
        expect(doc.errors).to.deep.equal([]);
        expect(ofType(doc, "awsx:ec2:Vpc")).to.deep.equal([]);
        expect(ofType(doc, "aws:ec2/flowLog:FlowLog")).to.deep.equal([]);
        const cluster = resource(doc, CLUSTER, "lineage-graph");
        expect(cluster.inputs.serverlessV2ScalingConfiguration).to.equal(undefined);
        expect(ofType(doc, INSTANCE).map((i) => i.inputs.instanceClass)).to.deep.equal([
            "db.r6g.xlarge",
            "db.r6g.xlarge",
        ]);
        expect(
            resource(doc, "aws:neptune/subnetGroup:SubnetGroup", "lineage-graph-subnets").inputs.subnetIds,
        ).to.deep.equal(["subnet-0aaaaaaaa", "subnet-0bbbbbbbb"]);
        expect(resource(doc, SG, "lineage-graph-cluster").inputs.vpcId).to.equal("vpc-0123456789abcdef0");
    });

    it("disabled: no graph, no writer, no EventBridge statement in the governance key", async () => {
        // (The ETL raw-arrival rule's dead-letter queue needs the statement too: its trigger off here.)
        const doc = await planStack("dev", {
            "cdp:lineage": JSON.stringify({ enabled: false }),
            "cdp:processing": JSON.stringify({ startOnArrival: false }),
        });
        expect(doc.errors).to.deep.equal([]);
        expect(ofType(doc, CLUSTER)).to.deep.equal([]);
        expect(ofType(doc, "cdp:governance:LineageWriter")).to.deep.equal([]);
        const key = policyOf(resource(doc, "aws:kms/key:Key", "governance-key"));
        expect(key.Statement.map((s) => s.Sid)).to.not.include("AllowEventBridgeEncryptedDeadLetters");
    });
});

describe("cdp:lineage configuration", () => {
    const issues = (lineage: unknown): ValidationError["issues"] => {
        const raw = { ...loadEngineConfig(ROOT, "dev").config, "cdp:lineage": JSON.stringify(lineage) };
        try {
            parsePlatformConfig(raw, "customer-data-platform", "dev");
        } catch (err) {
            expect(isValidationError(err), String(err)).to.equal(true);
            return (err as ValidationError).issues;
        }
        return [];
    };

    it("defaults to a serverless cluster of 1-8 NCUs, one instance, in a new VPC", () => {
        const raw = { ...loadEngineConfig(ROOT, "dev").config };
        delete raw["cdp:lineage"];
        expect(parsePlatformConfig(raw, "customer-data-platform", "dev").lineage).to.deep.equal({
            enabled: true,
            engine: "serverless",
            minCapacity: 1,
            maxCapacity: 8,
            instanceClass: "db.r6g.large",
            instances: 1,
            network: { kind: "new", cidr: "10.64.0.0/16" },
        });
    });

    it("names the key, the value and what is expected", () => {
        const keys = (lineage: unknown) => issues(lineage).map((i) => `${i.key}: ${i.expected}`);
        expect(keys({ engine: "graph" })).to.deep.equal(["cdp:lineage.engine: one of serverless, provisioned"]);
        expect(keys({ minCapacity: 0.7, maxCapacity: 200 })).to.deep.equal([
            "cdp:lineage.minCapacity: Neptune capacity units: 1 to 128 in steps of 0.5",
            "cdp:lineage.maxCapacity: Neptune capacity units: 1 to 128 in steps of 0.5",
        ]);
        expect(keys({ minCapacity: 8, maxCapacity: 2 })).to.deep.equal([
            "cdp:lineage.maxCapacity: at least minCapacity (8)",
        ]);
        expect(keys({ instanceClass: "db.r6g.large" })[0]).to.match(
            /^cdp:lineage.instanceClass: unset with engine serverless/,
        );
        expect(
            keys({ network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0aaaaaaaa"] } }),
        ).to.deep.equal(["cdp:lineage.network.privateSubnetIds: at least 2 private subnets in different AZs"]);
        expect(keys({ network: { cidr: "10.0.0.0/8" } })).to.deep.equal([
            "cdp:lineage.network.cidr: an IPv4 CIDR block of size /16 to /24, e.g. 10.64.0.0/16",
        ]);
        expect(keys({ instances: 0, colour: "blue" })).to.have.members([
            "cdp:lineage.instances: 1 (writer) to 16 (15 readers)",
            "cdp:lineage.colour: no such setting; known settings are enabled, engine, minCapacity, maxCapacity, instanceClass, instances, network",
        ]);
    });
});
