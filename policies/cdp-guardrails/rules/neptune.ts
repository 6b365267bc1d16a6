import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { defined } from "../lib/props";
import { TYPES } from "../lib/types";

/**
 * Neptune: DB clusters are encrypted with a customer-managed key, authenticate with IAM, export audit logs, keep
 * backups at least 7 days, copy tags to snapshots, are protected from deletion when the program protects them, and
 * their instances are not publicly accessible (FSBP Neptune controls:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/neptune-controls.html).
 */

/** The props the Neptune cluster rules read (aws.neptune.Cluster). */
interface ClusterProps {
    storageEncrypted?: boolean;
    kmsKeyArn?: string;
    iamDatabaseAuthenticationEnabled?: boolean;
    enableCloudwatchLogsExports?: string[];
    neptuneClusterParameterGroupName?: string;
    backupRetentionPeriod?: number;
    copyTagsToSnapshot?: boolean;
    deletionProtection?: boolean;
    skipFinalSnapshot?: boolean;
    finalSnapshotIdentifier?: string;
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

const neptuneIamAuth = definePolicy({
    name: "neptune-iam-auth",
    description:
        "Neptune DB clusters use IAM database authentication (FSBP Neptune.7; cdk-nag AwsSolutions-N5): every query is signed by an IAM principal the cluster's policies name.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.neptune.Cluster set iamDatabaseAuthenticationEnabled: true, and grant clients neptune-db:connect (and ReadDataViaQuery/WriteDataViaQuery) on the cluster resource id.",
    cdp: {
        concern: "governance",
        controls: ["FSBP Neptune.7", "cdk-nag AwsSolutions-N5"],
        inspects: [...TYPES.neptuneCluster],
    },
    validateResource: onType(TYPES.neptuneCluster, "Neptune cluster", (props: ClusterProps) =>
        props.iamDatabaseAuthenticationEnabled === true ? [] : ["iamDatabaseAuthenticationEnabled is not true"],
    ),
});

const neptuneAuditLogs = definePolicy({
    name: "neptune-audit-logs",
    description:
        "Neptune DB clusters publish audit logs to CloudWatch Logs (FSBP Neptune.2): `audit` is exported and the cluster uses its own cluster parameter group (the default one has neptune_enable_audit_log=0); a cluster parameter group never turns the audit log off.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.neptune.Cluster set enableCloudwatchLogsExports: ["audit"] and neptuneClusterParameterGroupName to a group with neptune_enable_audit_log = 1 (https://docs.aws.amazon.com/neptune/latest/userguide/auditing.html).',
    cdp: {
        concern: "governance",
        controls: ["FSBP Neptune.2"],
        inspects: [...TYPES.neptuneCluster, ...TYPES.neptuneClusterParameterGroup],
    },
    validateResource: [
        onType(TYPES.neptuneCluster, "Neptune cluster", (props: ClusterProps) => {
            const problems: string[] = [];
            if (!(props.enableCloudwatchLogsExports ?? []).includes("audit")) {
                problems.push('enableCloudwatchLogsExports does not include "audit"');
            }
            const group = props.neptuneClusterParameterGroupName;
            if (!group || group.startsWith("default.")) {
                problems.push(
                    `uses ${group ?? "the default cluster parameter group"}, where neptune_enable_audit_log is 0`,
                );
            }
            return problems;
        }),
        onType(
            TYPES.neptuneClusterParameterGroup,
            "Neptune cluster parameter group",
            (props: { parameters?: Array<{ name?: string; value?: string }> }) => {
                const audit = (props.parameters ?? []).find((x) => x.name === "neptune_enable_audit_log");
                return audit === undefined || audit.value === "1"
                    ? []
                    : [`neptune_enable_audit_log is ${audit.value}, not 1 (audit log off)`];
            },
        ),
    ],
});

const neptuneBackups = definePolicy({
    name: "neptune-backups",
    description:
        "Neptune DB clusters keep automated backups at least 7 days (FSBP Neptune.5; cdk-nag AwsSolutions-N3) and copy their tags to snapshots (FSBP Neptune.8).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "On the aws.neptune.Cluster set backupRetentionPeriod ≥ 7 and copyTagsToSnapshot: true.",
    cdp: {
        concern: "governance",
        controls: ["FSBP Neptune.5", "cdk-nag AwsSolutions-N3", "FSBP Neptune.8"],
        inspects: [...TYPES.neptuneCluster],
    },
    validateResource: onType(TYPES.neptuneCluster, "Neptune cluster", (props: ClusterProps) => {
        const problems: string[] = [];
        // The provider's default is 1 day.
        const days = props.backupRetentionPeriod ?? 1;
        if (days < 7) problems.push(`backupRetentionPeriod is ${days} day(s), fewer than 7`);
        if (props.copyTagsToSnapshot !== true) problems.push("copyTagsToSnapshot is not true");
        return problems;
    }),
});

const neptuneDeletionProtection = definePolicy({
    name: "neptune-deletion-protection",
    description:
        "Neptune DB clusters the program protects (data protection on) have deletion protection (FSBP Neptune.4) and take a final snapshot when deleted.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On a protected aws.neptune.Cluster set deletionProtection: true, skipFinalSnapshot: false and a finalSnapshotIdentifier.",
    cdp: {
        concern: "governance",
        controls: ["FSBP Neptune.4", "platform rule"],
        inspects: [...TYPES.neptuneCluster],
    },
    validateResource: onType(TYPES.neptuneCluster, "Neptune cluster", (props: ClusterProps, args) => {
        if (args.opts.protect !== true) return [];
        const problems: string[] = [];
        if (props.deletionProtection !== true) problems.push("is protected but deletionProtection is not true");
        if (props.skipFinalSnapshot === true || !props.finalSnapshotIdentifier) {
            problems.push("is protected but takes no final snapshot (skipFinalSnapshot / finalSnapshotIdentifier)");
        }
        return problems;
    }),
});

const neptunePrivate = definePolicy({
    name: "neptune-private",
    description:
        "Neptune DB instances are not publicly accessible (platform rule: the graph lives in private subnets).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "On the aws.neptune.ClusterInstance set publiclyAccessible: false (or leave it unset).",
    cdp: {
        concern: "governance",
        controls: ["platform rule"],
        inspects: [...TYPES.neptuneClusterInstance],
    },
    validateResource: onType(
        TYPES.neptuneClusterInstance,
        "Neptune instance",
        (props: { publiclyAccessible?: boolean }) =>
            props.publiclyAccessible === true ? ["publiclyAccessible is true"] : [],
    ),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const neptunePolicies: CdpPolicy[] = [
    neptuneEncrypted,
    neptuneIamAuth,
    neptuneAuditLogs,
    neptuneBackups,
    neptuneDeletionProtection,
    neptunePrivate,
];
