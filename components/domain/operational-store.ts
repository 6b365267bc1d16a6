import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { PolicyStatement } from "../shared/iam";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { serviceRole } from "../shared/roles";
import { type EntityDefinition, entityIssues, indexedAttributes } from "../../model/entities";

/** DAX in front of the tables. */
export interface DaxSpec {
    /** VPC of the cluster and its client security group. */
    vpcId: pulumi.Input<string>;
    /** Private subnets (at least two AZs for a multi-node cluster). */
    subnetIds: pulumi.Input<string>[];
    /**
     * Node type.
     * @default "dax.t3.small"
     */
    nodeType?: string;
    /**
     * Nodes, 1-11: 1 (dev) or 3+ across AZs (prod).
     * @default 3
     */
    nodes?: number;
}

export interface OperationalStoreArgs {
    /** Naming scope of the domain (tables and DAX resources). */
    naming: Naming;
    /** The entities, one DynamoDB table each. */
    entities: EntityDefinition[];
    /** The domain CMK. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Deletion protection and `protect`/`retainOnDelete` of the tables.
     * @default true
     */
    dataProtection?: boolean;
    /**
     * DAX cluster in front of the tables.
     * @default none: no DAX
     */
    dax?: DaxSpec;
}

/**
 * The domain's operational data store: one DynamoDB table per entity (CMK encryption, point-in-time recovery,
 * deletion protection with data protection, streams with new and old images, GSIs and TTL from the definition), and an
 * optional DAX cluster (encrypted at rest, TLS endpoint, private subnets, its own parameter group).
 */
export class OperationalStore extends pulumi.ComponentResource {
    public readonly tables: Readonly<Record<string, aws.dynamodb.Table>>;
    public readonly dax?: {
        cluster: aws.dax.Cluster;
        securityGroup: aws.ec2.SecurityGroup;
        clientSecurityGroup: aws.ec2.SecurityGroup;
    };

    constructor(name: string, args: OperationalStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:OperationalStore", name, {}, opts);
        const issues = new IssueCollector();
        issues.addAll(entityIssues(`OperationalStore(${name}).entities`, args.entities));
        if (
            args.dax &&
            args.dax.nodes !== undefined &&
            (!Number.isInteger(args.dax.nodes) || args.dax.nodes < 1 || args.dax.nodes > 11)
        ) {
            issues.add(`OperationalStore(${name}).dax.nodes`, args.dax.nodes, "1 to 11 nodes");
        }
        issues.throwIfAny(`Invalid arguments for OperationalStore "${name}"`);
        const dataProtection = args.dataProtection ?? true;

        const tables: Record<string, aws.dynamodb.Table> = {};
        for (const entity of args.entities) {
            tables[entity.name] = new aws.dynamodb.Table(
                `${name}-${entity.name}`,
                {
                    name: args.naming.name("dynamodbTable", entity.name),
                    billingMode: "PAY_PER_REQUEST",
                    hashKey: entity.partitionKey,
                    rangeKey: entity.sortKey,
                    attributes: indexedAttributes(entity).map((a) => ({ name: a, type: "S" })),
                    globalSecondaryIndexes: (entity.indexes ?? []).map((ix) => ({
                        name: ix.name,
                        hashKey: ix.partitionKey,
                        rangeKey: ix.sortKey,
                        projectionType: "ALL",
                    })),
                    ttl: entity.ttlAttribute ? { attributeName: entity.ttlAttribute, enabled: true } : undefined,
                    serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
                    pointInTimeRecovery: { enabled: true },
                    deletionProtectionEnabled: dataProtection,
                    streamEnabled: true,
                    streamViewType: "NEW_AND_OLD_IMAGES",
                },
                dataStoreOptions(dataProtection, { parent: this }),
            );
        }
        this.tables = tables;

        if (args.dax) {
            const ctx = awsContext(this);
            const tableArns = Object.values(tables).map((t) => t.arn);
            const daxRole = serviceRole(`${name}-dax`, this, {
                service: "dax.amazonaws.com",
                accountId: ctx.accountId,
                description: `DAX of the ${args.naming.scope ?? ""} domain: read and write its tables`,
                statements: [
                    {
                        Sid: "DomainTables",
                        Effect: "Allow",
                        Action: [
                            "dynamodb:GetItem",
                            "dynamodb:BatchGetItem",
                            "dynamodb:Query",
                            "dynamodb:Scan",
                            "dynamodb:PutItem",
                            "dynamodb:UpdateItem",
                            "dynamodb:DeleteItem",
                            "dynamodb:BatchWriteItem",
                            "dynamodb:ConditionCheckItem",
                            "dynamodb:DescribeTable",
                        ],
                        Resource: [...tableArns, ...tableArns.map((a) => pulumi.interpolate`${a}/index/*`)],
                    },
                    {
                        Sid: "DomainKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: args.kmsKeyArn,
                    },
                ] as PolicyStatement[],
            });
            const clientSecurityGroup = new aws.ec2.SecurityGroup(
                `${name}-dax-clients`,
                {
                    description: "Clients of the domain DAX cluster",
                    vpcId: args.dax.vpcId,
                    egress: [
                        {
                            protocol: "tcp",
                            fromPort: 9111,
                            toPort: 9111,
                            cidrBlocks: ["0.0.0.0/0"],
                            description: "DAX TLS",
                        },
                        {
                            protocol: "tcp",
                            fromPort: 443,
                            toPort: 443,
                            cidrBlocks: ["0.0.0.0/0"],
                            description: "AWS APIs",
                        },
                    ],
                },
                { parent: this },
            );
            const securityGroup = new aws.ec2.SecurityGroup(
                `${name}-dax`,
                {
                    description: "Domain DAX cluster: TLS port from its clients only",
                    vpcId: args.dax.vpcId,
                    ingress: [
                        {
                            protocol: "tcp",
                            fromPort: 9111,
                            toPort: 9111,
                            securityGroups: [clientSecurityGroup.id],
                            description: "DAX TLS from clients",
                        },
                    ],
                    egress: [],
                },
                { parent: this },
            );
            const subnetGroup = new aws.dax.SubnetGroup(
                `${name}-dax`,
                { name: args.naming.name("generic", "dax"), subnetIds: args.dax.subnetIds },
                { parent: this },
            );
            const parameterGroup = new aws.dax.ParameterGroup(
                `${name}-dax`,
                {
                    name: args.naming.name("generic", "dax"),
                    parameters: [
                        { name: "query-ttl-millis", value: "60000" },
                        { name: "record-ttl-millis", value: "300000" },
                    ],
                },
                { parent: this },
            );
            const cluster = new aws.dax.Cluster(
                `${name}-dax`,
                {
                    clusterName: args.naming.name("daxCluster", "dax"),
                    iamRoleArn: daxRole.role.arn,
                    nodeType: args.dax.nodeType ?? "dax.t3.small",
                    replicationFactor: args.dax.nodes ?? 3,
                    serverSideEncryption: { enabled: true },
                    clusterEndpointEncryptionType: "TLS",
                    subnetGroupName: subnetGroup.name,
                    parameterGroupName: parameterGroup.name,
                    securityGroupIds: [securityGroup.id],
                },
                { parent: this, dependsOn: [daxRole.policy] },
            );
            this.dax = { cluster, securityGroup, clientSecurityGroup };
        }
        this.registerOutputs({ tableArns: Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, t.arn])) });
    }
}
