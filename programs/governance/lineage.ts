import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { GovernanceNetwork } from "../../components/governance/governance-network";
import { LineageGraph } from "../../components/governance/lineage-graph";
import { LineageWriter } from "../../components/governance/lineage";
import type { KmsKey } from "../../components/shared/kms";
import type { Naming } from "../../components/shared/naming";
import type { PlatformConfig } from "../config";

export interface LineageOutputs {
    readonly network: GovernanceNetwork;
    readonly graph: LineageGraph;
    readonly writer: LineageWriter;
}

/**
 * The governance plane's lineage (`cdp:lineage`): its private network (a configured VPC's private subnets, or a new
 * awsx VPC), the Neptune graph, and the writer Lambda fed by EventBridge. Undefined when `cdp:lineage.enabled` is false.
 */
export function governanceLineage(spec: {
    config: PlatformConfig;
    naming: Naming;
    key: KmsKey;
    alarmTopic: aws.sns.Topic;
    parent: pulumi.Resource;
}): LineageOutputs | undefined {
    const { config, naming, key, parent } = spec;
    const lineage = config.lineage;
    if (!lineage.enabled) return undefined;
    const network = new GovernanceNetwork(
        "governance-network",
        {
            naming,
            network:
                lineage.network.kind === "existing"
                    ? {
                          kind: "existing",
                          vpcId: lineage.network.vpcId,
                          privateSubnetIds: lineage.network.privateSubnetIds,
                      }
                    : { kind: "new", cidr: lineage.network.cidr },
            kmsKeyArn: key.keyArn,
            logRetentionDays: config.logRetentionDays,
        },
        { parent },
    );
    const graph = new LineageGraph(
        "lineage-graph",
        {
            naming,
            kmsKeyArn: key.keyArn,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            engine: lineage.engine,
            minCapacity: lineage.minCapacity,
            maxCapacity: lineage.maxCapacity,
            instanceClass: lineage.instanceClass,
            instances: lineage.instances,
            logRetentionDays: config.logRetentionDays,
            dataProtection: config.dataProtection,
        },
        { parent },
    );
    const writer = new LineageWriter(
        "lineage",
        {
            naming,
            graph: {
                endpoint: graph.endpoint,
                dataAccessArn: graph.dataAccessArn,
                clientSecurityGroupId: graph.clientSecurityGroup.id,
            },
            privateSubnetIds: network.privateSubnetIds,
            kmsKeyArn: key.keyArn,
            alarmTopicArn: spec.alarmTopic.arn,
            logRetentionDays: config.logRetentionDays,
        },
        { parent },
    );
    return { network, graph, writer };
}
