import * as aws from "@pulumi/aws";
import { ACCOUNT, type PolicyCase } from "./kit";

/** Cases of the DAX rules (rules/dax.ts). */

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/pol-test-service`;

function daxCluster(p: aws.Provider, broken?: "no-sse" | "no-tls"): void {
    new aws.dax.Cluster(
        "cache",
        {
            clusterName: "pol-test-cache",
            iamRoleArn: ROLE_ARN,
            nodeType: "dax.t3.small",
            replicationFactor: 1,
            serverSideEncryption: broken === "no-sse" ? undefined : { enabled: true },
            clusterEndpointEncryptionType: broken === "no-tls" ? undefined : "TLS",
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "dax-encryption",
        title: "cluster not encrypted at rest",
        violating: (p) => daxCluster(p, "no-sse"),
        compliant: (p) => daxCluster(p),
    },
    {
        policy: "dax-encryption",
        title: "cluster endpoint without TLS",
        violating: (p) => daxCluster(p, "no-tls"),
        compliant: (p) => daxCluster(p),
    },
];
