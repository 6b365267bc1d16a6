import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { defined } from "../lib/props";
import { TYPES } from "../lib/types";

/** Neptune: DB clusters are encrypted at rest with a customer-managed key. */

/** The props neptune-encrypted reads (aws.neptune.Cluster). */
interface ClusterProps {
    storageEncrypted?: boolean;
    kmsKeyArn?: string;
}

const neptuneEncrypted = definePolicy({
    name: "neptune-encrypted",
    description:
        "Neptune DB clusters are encrypted at rest (FSBP Neptune.1; cdk-nag AwsSolutions-N4) with a customer-managed KMS key (platform rule).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.neptune.Cluster set storageEncrypted: true and kmsKeyArn to a customer-managed key ARN (encryption cannot be added to an existing cluster: restore a snapshot into a new encrypted one).",
    cdp: {
        concern: "encryption",
        controls: ["FSBP Neptune.1", "cdk-nag AwsSolutions-N4", "platform rule"],
        inspects: [...TYPES.neptuneCluster],
    },
    validateResource: onType(TYPES.neptuneCluster, "Neptune cluster", (props: ClusterProps) => {
        if (props.storageEncrypted !== true) return ["storageEncrypted is not true (cluster not encrypted at rest)"];
        return defined(cmkProblem("kmsKeyArn", props.kmsKeyArn));
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const neptunePolicies: CdpPolicy[] = [neptuneEncrypted];
