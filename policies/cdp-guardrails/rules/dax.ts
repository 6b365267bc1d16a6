import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { TYPES } from "../lib/types";

/** DynamoDB Accelerator (DAX): clusters encrypt at rest and serve their endpoint over TLS. */

const daxEncryption = definePolicy({
    name: "dax-encryption",
    description:
        "DAX clusters encrypt at rest and serve their cluster endpoint over TLS (FSBP DynamoDB.3, DynamoDB.7; cdk-nag AwsSolutions-DDB4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.dax.Cluster set serverSideEncryption: { enabled: true } and clusterEndpointEncryptionType: "TLS" (both force a new cluster).',
    cdp: {
        concern: "encryption",
        controls: ["FSBP DynamoDB.3", "FSBP DynamoDB.7", "cdk-nag AwsSolutions-DDB4"],
        inspects: [...TYPES.daxCluster],
    },
    validateResource: validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
        if (cluster.serverSideEncryption?.enabled !== true) {
            reportViolation(
                `${args.name}: serverSideEncryption.enabled is not true (the cluster is not encrypted at rest)`,
            );
        }
        if (cluster.clusterEndpointEncryptionType !== "TLS") {
            reportViolation(
                `${args.name}: clusterEndpointEncryptionType is ${cluster.clusterEndpointEncryptionType ?? "unset (NONE)"}, not TLS`,
            );
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const daxPolicies: CdpPolicy[] = [daxEncryption];
