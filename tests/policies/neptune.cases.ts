import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/** Cases of the Neptune rules (rules/neptune.ts). */

const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";

function neptuneCluster(p: aws.Provider, flaw?: "unencrypted" | "no-key"): void {
    const cmk = key(p);
    new aws.neptune.Cluster(
        "graph",
        {
            clusterIdentifier: "pol-test-graph",
            engine: "neptune",
            storageEncrypted: flaw !== "unencrypted",
            kmsKeyArn: flaw === undefined ? cmk.keyArn : undefined,
            iamDatabaseAuthenticationEnabled: true,
            backupRetentionPeriod: 7,
            deletionProtection: true,
            copyTagsToSnapshot: true,
            enableCloudwatchLogsExports: ["audit"],
            neptuneSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-graph-final",
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // neptune-encrypted
    {
        policy: "neptune-encrypted",
        title: "cluster storage not encrypted",
        violating: (p) => neptuneCluster(p, "unencrypted"),
        compliant: (p) => neptuneCluster(p),
    },
    {
        policy: "neptune-encrypted",
        title: "cluster encrypted with the default key",
        violating: (p) => neptuneCluster(p, "no-key"),
        compliant: (p) => neptuneCluster(p),
    },
];
