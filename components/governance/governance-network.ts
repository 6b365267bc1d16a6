import * as aws from "@pulumi/aws";
import type * as Awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import { createLogGroup, logWriteStatement } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { serviceRole } from "../shared/roles";

/** An existing VPC's private subnets, or a new VPC of this CIDR. */
export type GovernanceNetworkSpec =
    | { kind: "existing"; vpcId: string; privateSubnetIds: readonly string[] }
    | { kind: "new"; cidr: string };

export interface GovernanceNetworkArgs {
    /** Naming scope of the governance plane (flow-log group, role). */
    naming: Naming;
    /** Use an existing VPC's private subnets, or create a VPC (`@pulumi/awsx` `ec2.Vpc`) of private subnets only. */
    network: GovernanceNetworkSpec;
    /** Governance CMK: the flow-log group. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the flow-log group keeps logs. */
    logRetentionDays: number;
    /**
     * Availability Zones of a new VPC's subnets (Neptune's subnet group needs two; a reader in another AZ fails over).
     * @default 2
     */
    availabilityZones?: number;
}

/**
 * The governance plane's private network. With no VPC configured: an `awsx.ec2.Vpc` of isolated subnets only (no
 * internet gateway, no NAT: nothing in the plane needs the internet) with DNS hostnames on, and VPC Flow Logs (all
 * traffic) to an encrypted log group (FSBP EC2.6). With a configured VPC: its private subnets, as given.
 *
 * VPC endpoints: none are created, because the lineage Lambda calls no AWS API from inside the VPC. It reaches only
 * Neptune (in the VPC); its logs and traces leave through the Lambda service, its credentials come from the runtime's
 * environment, its asynchronous on-failure destination is written by the Lambda service
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html) and the rule's dead-letter queue
 * by EventBridge (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). A function in a VPC needs
 * an endpoint or NAT only for the AWS APIs its code calls
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html). A future component that calls AWS
 * from this VPC adds its interface endpoint (with private DNS) here.
 */
export class GovernanceNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** Private subnets (no route to the internet). */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The awsx VPC, when this component created one. */
    public readonly vpc?: Awsx.ec2.Vpc;
    /** The VPC's flow log, when this component created the VPC. */
    public readonly flowLog?: aws.ec2.FlowLog;
    /** The accesses its integrations need (proven by the plan's access proof): the flow log's writes. */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: GovernanceNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:GovernanceNetwork", name, {}, opts);
        const network = args.network;
        if (network.kind === "existing") {
            this.vpcId = pulumi.output(network.vpcId);
            this.privateSubnetIds = pulumi.output([...network.privateSubnetIds]);
            this.requiredAccess = requiredAccess([]);
        } else {
            const ctx = awsContext(this);
            // Loaded here, where a VPC is created: @pulumi/awsx loads the AWS SDK's ECS client and more at import,
            // about 25 ms of the start-up of every program that imports the component library.
            const awsx = require("@pulumi/awsx") as typeof Awsx;
            this.vpc = new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: network.cidr,
                    numberOfAvailabilityZones: args.availabilityZones ?? 2,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    // Isolated subnets only: no internet gateway, no NAT gateway.
                    natGateways: { strategy: "None" },
                    subnetStrategy: "Auto",
                    subnetSpecs: [{ type: "Isolated", name: "private", cidrMask: 20 }],
                    tags: { Name: args.naming.name("generic", "governance") },
                },
                { parent: this },
            );
            this.vpcId = this.vpc.vpcId;
            this.privateSubnetIds = this.vpc.isolatedSubnetIds;
            const logGroup = createLogGroup(`${name}-flow-logs`, this, {
                name: `/cdp/vpc-flow-logs/${args.naming.name("generic", "governance")}`,
                kmsKeyArn: args.kmsKeyArn,
                retentionDays: args.logRetentionDays,
            });
            // The role VPC Flow Logs assumes to publish to CloudWatch Logs
            // (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
            const role = serviceRole(`${name}-flow-logs`, this, {
                service: "vpc-flow-logs.amazonaws.com",
                accountId: ctx.accountId,
                description: "VPC Flow Logs of the governance VPC to its log group",
                trustCondition: {
                    ArnLike: {
                        "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*`,
                    },
                },
                statements: [
                    logWriteStatement(logGroup.arn, "WriteFlowLogs"),
                    {
                        Sid: "DescribeFlowLogStreams",
                        Effect: "Allow",
                        Action: "logs:DescribeLogStreams",
                        Resource: pulumi.interpolate`${logGroup.arn}:*`,
                    },
                    {
                        // DescribeLogGroups lists the account's groups: its resource is the account's log-group:*.
                        Sid: "DescribeLogGroups",
                        Effect: "Allow",
                        Action: "logs:DescribeLogGroups",
                        Resource: pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*`,
                    },
                ],
            });
            this.flowLog = new aws.ec2.FlowLog(
                `${name}-flow-log`,
                {
                    vpcId: this.vpcId,
                    trafficType: "ALL",
                    logDestinationType: "cloud-watch-logs",
                    logDestination: logGroup.arn,
                    iamRoleArn: role.role.arn,
                    maxAggregationInterval: 60,
                },
                { parent: this, dependsOn: [role.policy] },
            );
            this.requiredAccess = requiredAccess([
                {
                    id: "governance-network/flow-logs",
                    principal: role.role.arn,
                    requests: [
                        {
                            actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            resource: pulumi.interpolate`${logGroup.arn}:log-stream:access-proof`,
                        },
                    ],
                    doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
                    why: "VPC Flow Logs publish the governance VPC's traffic records to its encrypted log group",
                },
            ]);
        }
        this.registerOutputs({
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            requiredAccess: this.requiredAccess,
        });
    }
}
