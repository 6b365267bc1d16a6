import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/**
 * Cases of the Redshift rules (rules/redshift.ts). Compliant programs satisfy the whole pack: clusters and
 * serverless workgroups encrypted with a CMK, private, with enhanced VPC routing and audit logging.
 */

const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";

type ClusterFlaw =
    | "unencrypted"
    | "no-key"
    | "public"
    | "no-enhanced-routing"
    | "no-logging"
    | "logging-without-exports";

/**
 * A provisioned cluster encrypted with a CMK, private, with enhanced VPC routing, TLS required and audit logging to
 * CloudWatch — minus the one thing `flaw` breaks.
 */
function redshiftCluster(p: aws.Provider, flaw?: ClusterFlaw): void {
    const cmk = key(p);
    const opts = { provider: p };
    const parameters = new aws.redshift.ParameterGroup(
        "warehouse",
        {
            name: "pol-test-warehouse",
            family: "redshift-2.0",
            parameters: [
                { name: "require_ssl", value: "true" },
                { name: "enable_user_activity_logging", value: "true" },
            ],
        },
        opts,
    );
    const cluster = new aws.redshift.Cluster(
        "warehouse",
        {
            clusterIdentifier: "pol-test-warehouse",
            nodeType: "ra3.large",
            clusterType: "multi-node",
            numberOfNodes: 2,
            databaseName: "analytics",
            masterUsername: "cdpadmin",
            manageMasterPassword: true,
            masterPasswordSecretKmsKeyId: cmk.keyArn,
            encrypted: flaw === "unencrypted" ? "false" : "true",
            kmsKeyId: flaw === "unencrypted" || flaw === "no-key" ? undefined : cmk.keyArn,
            publiclyAccessible: flaw === "public",
            enhancedVpcRouting: flaw !== "no-enhanced-routing",
            clusterSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            clusterParameterGroupName: parameters.name,
            automatedSnapshotRetentionPeriod: 7,
            allowVersionUpgrade: true,
            port: 5440,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-warehouse-final",
        },
        opts,
    );
    if (flaw !== "no-logging") {
        new aws.redshift.Logging(
            "warehouse",
            {
                clusterIdentifier: cluster.clusterIdentifier,
                logDestinationType: "cloudwatch",
                logExports: flaw === "logging-without-exports" ? [] : ["connectionlog", "userlog", "useractivitylog"],
            },
            opts,
        );
    }
}

type ServerlessFlaw = "no-key" | "public" | "no-enhanced-routing" | "no-user-activity-log";

/**
 * A serverless namespace (CMK, log exports, managed admin secret) and its private workgroup with enhanced VPC
 * routing — minus the one thing `flaw` breaks.
 */
function redshiftServerless(p: aws.Provider, flaw?: ServerlessFlaw): void {
    const cmk = key(p);
    const opts = { provider: p };
    const namespace = new aws.redshiftserverless.Namespace(
        "lakehouse",
        {
            namespaceName: "pol-test-lakehouse",
            dbName: "analytics",
            adminUsername: "cdpadmin",
            manageAdminPassword: true,
            adminPasswordSecretKmsKeyId: cmk.keyArn,
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            logExports:
                flaw === "no-user-activity-log"
                    ? ["connectionlog", "userlog"]
                    : ["connectionlog", "userlog", "useractivitylog"],
        },
        opts,
    );
    new aws.redshiftserverless.Workgroup(
        "lakehouse",
        {
            namespaceName: namespace.namespaceName,
            workgroupName: "pol-test-lakehouse",
            publiclyAccessible: flaw === "public",
            enhancedVpcRouting: flaw !== "no-enhanced-routing",
            subnetIds: SUBNETS,
            securityGroupIds: [SECURITY_GROUP],
            configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
        },
        opts,
    );
}

export const cases: PolicyCase[] = [
    // redshift-cmk
    {
        policy: "redshift-cmk",
        title: 'cluster with encrypted "false"',
        violating: (p) => redshiftCluster(p, "unencrypted"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-cmk",
        title: "cluster encrypted without a customer-managed key",
        violating: (p) => redshiftCluster(p, "no-key"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-cmk",
        title: "serverless namespace without kmsKeyId",
        violating: (p) => redshiftServerless(p, "no-key"),
        compliant: (p) => redshiftServerless(p),
    },
    // redshift-network-and-audit
    {
        policy: "redshift-network-and-audit",
        title: "publicly accessible cluster",
        violating: (p) => redshiftCluster(p, "public"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster without enhanced VPC routing",
        violating: (p) => redshiftCluster(p, "no-enhanced-routing"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster without a Logging resource",
        violating: (p) => redshiftCluster(p, "no-logging"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster logging to CloudWatch without log exports",
        violating: (p) => redshiftCluster(p, "logging-without-exports"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "publicly accessible serverless workgroup",
        violating: (p) => redshiftServerless(p, "public"),
        compliant: (p) => redshiftServerless(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "serverless workgroup without enhanced VPC routing",
        violating: (p) => redshiftServerless(p, "no-enhanced-routing"),
        compliant: (p) => redshiftServerless(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "serverless namespace not exporting the user activity log",
        violating: (p) => redshiftServerless(p, "no-user-activity-log"),
        compliant: (p) => redshiftServerless(p),
    },
];
