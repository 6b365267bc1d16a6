import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/** Cases of the Neptune rules (rules/neptune.ts). */

const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";

type ClusterFlaw =
    | "unencrypted"
    | "no-key"
    | "no-iam-auth"
    | "no-audit-export"
    | "default-parameters"
    | "short-backups"
    | "no-copy-tags"
    | "protected-no-deletion-protection"
    | "protected-no-final-snapshot";

function neptuneCluster(p: aws.Provider, flaw?: ClusterFlaw): void {
    const cmk = key(p);
    const params = new aws.neptune.ClusterParameterGroup(
        "graph",
        {
            name: "pol-test-graph",
            family: "neptune1.4",
            parameters: [{ name: "neptune_enable_audit_log", value: "1", applyMethod: "pending-reboot" }],
        },
        { provider: p },
    );
    const protectedCluster = flaw?.startsWith("protected-") ?? false;
    new aws.neptune.Cluster(
        "graph",
        {
            clusterIdentifier: "pol-test-graph",
            engine: "neptune",
            storageEncrypted: flaw !== "unencrypted",
            kmsKeyArn: flaw === "no-key" || flaw === "unencrypted" ? undefined : cmk.keyArn,
            iamDatabaseAuthenticationEnabled: flaw !== "no-iam-auth",
            backupRetentionPeriod: flaw === "short-backups" ? 1 : 7,
            deletionProtection: flaw !== "protected-no-deletion-protection",
            copyTagsToSnapshot: flaw !== "no-copy-tags",
            enableCloudwatchLogsExports: flaw === "no-audit-export" ? [] : ["audit"],
            neptuneClusterParameterGroupName: flaw === "default-parameters" ? "default.neptune1.4" : params.name,
            neptuneSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            skipFinalSnapshot: flaw === "protected-no-final-snapshot",
            finalSnapshotIdentifier: flaw === "protected-no-final-snapshot" ? undefined : "pol-test-graph-final",
        },
        { provider: p, ...(protectedCluster ? { protect: true } : {}) },
    );
}

function protectedCompliant(p: aws.Provider): void {
    const cmk = key(p);
    new aws.neptune.Cluster(
        "graph",
        {
            clusterIdentifier: "pol-test-graph",
            engine: "neptune",
            storageEncrypted: true,
            kmsKeyArn: cmk.keyArn,
            iamDatabaseAuthenticationEnabled: true,
            backupRetentionPeriod: 7,
            deletionProtection: true,
            copyTagsToSnapshot: true,
            enableCloudwatchLogsExports: ["audit"],
            neptuneClusterParameterGroupName: "pol-test-graph",
            neptuneSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-graph-final",
        },
        { provider: p, protect: true },
    );
}

function auditParameterGroup(p: aws.Provider, value: string): void {
    new aws.neptune.ClusterParameterGroup(
        "graph",
        {
            name: "pol-test-graph",
            family: "neptune1.4",
            parameters: [{ name: "neptune_enable_audit_log", value, applyMethod: "pending-reboot" }],
        },
        { provider: p },
    );
}

function instance(p: aws.Provider, publiclyAccessible: boolean): void {
    new aws.neptune.ClusterInstance(
        "graph-1",
        {
            identifier: "pol-test-graph-1",
            clusterIdentifier: "pol-test-graph",
            engine: "neptune",
            instanceClass: "db.serverless",
            publiclyAccessible,
        },
        { provider: p },
    );
}

const clusterCase = (policy: string, flaw: ClusterFlaw, title: string): PolicyCase => ({
    policy,
    title,
    violating: (p) => neptuneCluster(p, flaw),
    compliant: (p) => neptuneCluster(p),
});

export const cases: PolicyCase[] = [
    clusterCase("neptune-encrypted", "unencrypted", "cluster storage not encrypted"),
    clusterCase("neptune-encrypted", "no-key", "cluster encrypted with the default key"),
    clusterCase("neptune-iam-auth", "no-iam-auth", "cluster without IAM database authentication"),
    clusterCase("neptune-audit-logs", "no-audit-export", "cluster not exporting audit logs"),
    clusterCase("neptune-audit-logs", "default-parameters", "cluster on the default parameter group (audit off)"),
    {
        policy: "neptune-audit-logs",
        title: "cluster parameter group turning the audit log off",
        violating: (p) => auditParameterGroup(p, "0"),
        compliant: (p) => auditParameterGroup(p, "1"),
    },
    clusterCase("neptune-backups", "short-backups", "cluster keeping backups 1 day"),
    clusterCase("neptune-backups", "no-copy-tags", "cluster not copying tags to snapshots"),
    {
        policy: "neptune-deletion-protection",
        title: "protected cluster without deletion protection",
        violating: (p) => neptuneCluster(p, "protected-no-deletion-protection"),
        compliant: protectedCompliant,
    },
    {
        policy: "neptune-deletion-protection",
        title: "protected cluster skipping its final snapshot",
        violating: (p) => neptuneCluster(p, "protected-no-final-snapshot"),
        compliant: protectedCompliant,
    },
    {
        policy: "neptune-private",
        title: "publicly accessible instance",
        violating: (p) => instance(p, true),
        compliant: (p) => instance(p, false),
    },
];
