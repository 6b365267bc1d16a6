import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { createLogGroup } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";

/**
 * Neptune engine version of new clusters: 1.4.7.1, whose Gremlin is the TinkerPop 3.7 line (Neptune 1.3.2.0 and newer
 * accept TinkerPop 3.7.1-3.7.3 clients: https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-gremlin.html;
 * engine releases: https://docs.aws.amazon.com/neptune/latest/userguide/engine-releases.html). The lineage Lambda's
 * `gremlin` driver is pinned to 3.7.3 to match.
 */
export const NEPTUNE_ENGINE_VERSION = "1.4.7.1";
/** Parameter group family of engine 1.4.x. */
export const NEPTUNE_PARAMETER_FAMILY = "neptune1.4";
/** Neptune's port (Gremlin WebSocket, HTTPS). */
export const NEPTUNE_PORT = 8182;

export interface LineageGraphArgs {
    /** Naming scope of the governance plane (cluster, instances, groups). */
    naming: Naming;
    /** Customer-managed key encrypting the cluster's storage and snapshots. */
    kmsKeyArn: pulumi.Input<string>;
    /** VPC of the cluster and its security groups. */
    vpcId: pulumi.Input<string>;
    /** Private subnets (at least two AZs) of the cluster's subnet group. */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Serverless (capacity from `minCapacity` to `maxCapacity` NCUs) or provisioned instances of `instanceClass`.
     * @default "serverless"
     */
    engine?: "serverless" | "provisioned";
    /**
     * Least Neptune capacity units of serverless instances (1-128, steps of 0.5).
     * @default 1
     */
    minCapacity?: number;
    /**
     * Most Neptune capacity units of serverless instances.
     * @default 8
     */
    maxCapacity?: number;
    /**
     * Instance class of provisioned instances.
     * @default "db.r6g.large"
     */
    instanceClass?: string;
    /**
     * Instances: one writer, the others readers (placed by Neptune across the subnet group's AZs, failover targets).
     * @default 1
     */
    instances?: number;
    /** Days the audit log group keeps logs. */
    logRetentionDays: number;
    /**
     * Days of automated backups (at least 7: FSBP Neptune.5).
     * @default 7
     */
    backupRetentionDays?: number;
    /**
     * Deletion protection, a final snapshot on deletion, and `protect`/`retainOnDelete`.
     * @default true
     */
    dataProtection?: boolean;
}

export function validateLineageGraphArgs(name: string, args: LineageGraphArgs): void {
    const issues = new IssueCollector();
    const at = (k: string) => `LineageGraph(${name}).${k}`;
    const min = args.minCapacity ?? 1;
    const max = args.maxCapacity ?? 8;
    for (const [k, v] of [
        ["minCapacity", min],
        ["maxCapacity", max],
    ] as const) {
        if (v < 1 || v > 128 || !Number.isInteger(v * 2)) issues.add(at(k), v, "1 to 128 NCUs in steps of 0.5");
    }
    if (max < min) issues.add(at("maxCapacity"), max, `at least minCapacity (${min})`);
    const instances = args.instances ?? 1;
    if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
        issues.add(at("instances"), instances, "1 to 16 (a writer and up to 15 readers)");
    }
    const backups = args.backupRetentionDays ?? 7;
    if (!Number.isInteger(backups) || backups < 7 || backups > 35) {
        issues.add(at("backupRetentionDays"), backups, "7 to 35 days (FSBP Neptune.5 asks for at least 7)");
    }
    issues.throwIfAny(`Invalid arguments for LineageGraph "${name}"`);
}

/**
 * The lineage graph: an Amazon Neptune cluster (serverless or provisioned) in private subnets, storage encrypted with
 * the CMK, IAM database authentication on, audit logs exported to CloudWatch Logs (`enableCloudwatchLogsExports:
 * ["audit"]` and `neptune_enable_audit_log=1` in its cluster parameter group: both are needed,
 * https://docs.aws.amazon.com/neptune/latest/userguide/auditing.html), backups kept at least 7 days and tags copied to
 * snapshots, deletion protection and a final snapshot with data protection. Its security group admits only
 * `clientSecurityGroup` (given to the lineage Lambda) on 8182.
 */
export class LineageGraph extends pulumi.ComponentResource {
    public readonly cluster: aws.neptune.Cluster;
    public readonly instances: aws.neptune.ClusterInstance[];
    /** The audit log's group (CMK, retention), created before the cluster exports to it. */
    public readonly auditLogGroup: aws.cloudwatch.LogGroup;
    /** The cluster's security group: 8182 from `clientSecurityGroup` only. */
    public readonly securityGroup: aws.ec2.SecurityGroup;
    /** The group the cluster's clients carry (egress to the cluster on 8182 only). */
    public readonly clientSecurityGroup: aws.ec2.SecurityGroup;
    /** Writer endpoint host name. */
    public readonly endpoint: pulumi.Output<string>;
    /** Cluster resource id (`cluster-…`), the resource of `neptune-db:*` IAM actions. */
    public readonly clusterResourceId: pulumi.Output<string>;
    /** `arn:<partition>:neptune-db:<region>:<account>:<cluster resource id>/*`: what IAM data-access policies name. */
    public readonly dataAccessArn: pulumi.Output<string>;

    constructor(name: string, args: LineageGraphArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:LineageGraph", name, {}, opts);
        validateLineageGraphArgs(name, args);
        const dataProtection = args.dataProtection ?? true;
        const identifier = args.naming.name("neptuneCluster", "lineage");
        this.clientSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-clients`,
            {
                description: "Clients of the lineage graph: to Neptune on 8182 only",
                vpcId: args.vpcId,
                egress: [],
            },
            { parent: this },
        );
        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-cluster`,
            {
                description: "Lineage graph (Neptune): 8182 from its clients only",
                vpcId: args.vpcId,
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: NEPTUNE_PORT,
                        toPort: NEPTUNE_PORT,
                        securityGroups: [this.clientSecurityGroup.id],
                        description: "Gremlin (TLS) from the lineage clients",
                    },
                ],
                egress: [],
            },
            { parent: this },
        );
        // The client group's one egress rule names the cluster's group (a separate rule: the groups refer to each other).
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-clients-to-cluster`,
            {
                securityGroupId: this.clientSecurityGroup.id,
                referencedSecurityGroupId: this.securityGroup.id,
                ipProtocol: "tcp",
                fromPort: NEPTUNE_PORT,
                toPort: NEPTUNE_PORT,
                description: "Gremlin (TLS) to the lineage graph",
            },
            { parent: this },
        );
        const subnetGroup = new aws.neptune.SubnetGroup(
            `${name}-subnets`,
            {
                name: identifier,
                description: "Private subnets of the lineage graph",
                subnetIds: args.privateSubnetIds,
            },
            { parent: this },
        );
        const parameterGroup = new aws.neptune.ClusterParameterGroup(
            `${name}-params`,
            {
                name: identifier,
                family: NEPTUNE_PARAMETER_FAMILY,
                description: "Lineage graph: audit log on",
                parameters: [{ name: "neptune_enable_audit_log", value: "1", applyMethod: "pending-reboot" }],
            },
            { parent: this },
        );
        // Neptune exports the audit log to /aws/neptune/cluster/<id>/audit and would create that group itself (no CMK,
        // no retention); created first, it is encrypted with the CMK and keeps logs for the platform's retention
        // (https://docs.aws.amazon.com/neptune/latest/userguide/cloudwatch-logs.html).
        this.auditLogGroup = createLogGroup(`${name}-audit`, this, {
            name: `/aws/neptune/cluster/${identifier}/audit`,
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });
        const serverless = (args.engine ?? "serverless") === "serverless";
        this.cluster = new aws.neptune.Cluster(
            name,
            {
                clusterIdentifier: identifier,
                engine: "neptune",
                engineVersion: NEPTUNE_ENGINE_VERSION,
                storageEncrypted: true,
                kmsKeyArn: args.kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,
                enableCloudwatchLogsExports: ["audit"],
                neptuneClusterParameterGroupName: parameterGroup.name,
                neptuneSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [this.securityGroup.id],
                port: NEPTUNE_PORT,
                backupRetentionPeriod: args.backupRetentionDays ?? 7,
                preferredBackupWindow: "02:00-03:00",
                copyTagsToSnapshot: true,
                deletionProtection: dataProtection,
                skipFinalSnapshot: !dataProtection,
                finalSnapshotIdentifier: dataProtection ? `${identifier}-final` : undefined,
                serverlessV2ScalingConfiguration: serverless
                    ? { minCapacity: args.minCapacity ?? 1, maxCapacity: args.maxCapacity ?? 8 }
                    : undefined,
            },
            // Instances take minor engine upgrades automatically (autoMinorVersionUpgrade); the program does not
            // try to move the cluster back to the version it was created with.
            dataStoreOptions(dataProtection, {
                parent: this,
                dependsOn: [this.auditLogGroup],
                ignoreChanges: ["engineVersion"],
            }),
        );
        this.instances = Array.from(
            { length: args.instances ?? 1 },
            (_, i) =>
                new aws.neptune.ClusterInstance(
                    `${name}-${i + 1}`,
                    {
                        identifier: args.naming.name("neptuneCluster", "lineage", String(i + 1)),
                        clusterIdentifier: this.cluster.id,
                        engine: "neptune",
                        instanceClass: serverless ? "db.serverless" : (args.instanceClass ?? "db.r6g.large"),
                        neptuneSubnetGroupName: subnetGroup.name,
                        publiclyAccessible: false,
                        autoMinorVersionUpgrade: true,
                        promotionTier: i,
                    },
                    { parent: this },
                ),
        );
        this.endpoint = this.cluster.endpoint;
        this.clusterResourceId = this.cluster.clusterResourceId;
        // "Creating custom IAM policy statements to access data in Amazon Neptune": the resource is the cluster
        // resource id (https://docs.aws.amazon.com/neptune/latest/userguide/iam-data-resources.html).
        const ctx = awsContext(this);
        this.dataAccessArn = pulumi.interpolate`arn:${ctx.partition}:neptune-db:${ctx.region}:${ctx.accountId}:${this.cluster.clusterResourceId}/*`;
        this.registerOutputs({ endpoint: this.endpoint, clusterResourceId: this.clusterResourceId });
    }
}
