import type { PolicyResource } from "@pulumi/policy";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType, onType } from "../lib/policy";
import { defined, propsOf } from "../lib/props";
import { asList, attachedTo } from "../lib/stack";
import { TYPES } from "../lib/types";

/** Redshift (provisioned and Serverless): encryption with a customer-managed key, network exposure, audit logging. */

/** The props redshift-cmk reads (aws.redshift.Cluster, aws.redshiftserverless.Namespace). */
interface EncryptionProps {
    /** pulumi-aws v7 declares `encrypted` as a string ("true"/"false"); a boolean is tolerated. */
    encrypted?: string | boolean;
    kmsKeyId?: string;
}

/** The props redshift-network-and-audit reads of clusters, serverless workgroups and serverless namespaces. */
interface NetworkAuditProps {
    publiclyAccessible?: boolean;
    enhancedVpcRouting?: boolean;
    logExports?: string[];
}

/** The props of an aws.redshift.Logging. */
interface LoggingProps {
    logDestinationType?: string;
    logExports?: string[];
    bucketName?: string;
}

const redshiftCmk = definePolicy({
    name: "redshift-cmk",
    description:
        "Redshift clusters are encrypted at rest with a customer-managed KMS key (FSBP Redshift.10; cdk-nag AwsSolutions-RS6; CMK: platform rule), and Redshift Serverless namespaces use a customer-managed key (platform rule; NIST RedshiftServerless.4, not in FSBP).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.redshift.Cluster keep encrypted "true" (v7 types it as a string; the default is true) and set kmsKeyId to a customer-managed key ARN; on the aws.redshiftserverless.Namespace set kmsKeyId to a customer-managed key ARN.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP Redshift.10", "cdk-nag AwsSolutions-RS6", "NIST RedshiftServerless.4", "platform rule"],
        inspects: [...TYPES.redshiftCluster, ...TYPES.redshiftServerlessNamespace],
    },
    validateResource: [
        onType(TYPES.redshiftCluster, "Redshift cluster", (props: EncryptionProps) => {
            // pulumi-aws v7 declares `encrypted` as a string ("true"/"false"), defaulting to true.
            const encrypted = props.encrypted;
            if (encrypted === false || String(encrypted).toLowerCase() === "false")
                return ["encrypted is false (cluster not encrypted at rest)"];
            return defined(cmkProblem("kmsKeyId", props.kmsKeyId));
        }),
        onType(TYPES.redshiftServerlessNamespace, "Redshift Serverless namespace", (props: EncryptionProps) =>
            defined(cmkProblem("kmsKeyId", props.kmsKeyId)),
        ),
    ],
});

/** Log types a Redshift Serverless namespace must export (FSBP asks for connectionlog and userlog; we add queries). */
const DEFAULT_SERVERLESS_LOG_EXPORTS = ["connectionlog", "userlog", "useractivitylog"];

function loggingProblem(logging: PolicyResource): string | undefined {
    const props = propsOf<LoggingProps>(logging);
    const destination = props.logDestinationType ?? "s3";
    if (destination === "cloudwatch") {
        return asList(props.logExports).length === 0
            ? `its aws.redshift.Logging ${logging.name} sends to CloudWatch but logExports is empty`
            : undefined;
    }
    return props.bucketName
        ? undefined
        : `its aws.redshift.Logging ${logging.name} sends to S3 but bucketName is not set`;
}

const redshiftNetworkAndAudit = definePolicy({
    name: "redshift-network-and-audit",
    description:
        "Redshift clusters are not publicly accessible, use enhanced VPC routing and have audit logging through an aws.redshift.Logging resource of the stack (FSBP Redshift.1, Redshift.7, Redshift.4; cdk-nag AwsSolutions-RS8, AwsSolutions-RS5); Redshift Serverless workgroups are not publicly accessible and use enhanced VPC routing, and namespaces export the connection, user and user-activity logs (FSBP RedshiftServerless.1, RedshiftServerless.3, RedshiftServerless.6). An unset publiclyAccessible is accepted (the provider default is false).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.redshift.Cluster set publiclyAccessible: false and enhancedVpcRouting: true, and add an aws.redshift.Logging with clusterIdentifier: cluster.clusterIdentifier and logDestinationType "cloudwatch" with logExports ["connectionlog", "userlog", "useractivitylog"] (or "s3" with bucketName). On the aws.redshiftserverless.Workgroup set publiclyAccessible: false and enhancedVpcRouting: true; on the aws.redshiftserverless.Namespace set logExports to include the configured log types.',
    configSchema: {
        properties: {
            requiredServerlessLogExports: {
                type: "array",
                items: { type: "string", enum: ["connectionlog", "userlog", "useractivitylog"] },
                default: DEFAULT_SERVERLESS_LOG_EXPORTS,
            },
        },
    },
    cdp: {
        concern: "governance",
        controls: [
            "FSBP Redshift.1",
            "FSBP Redshift.4",
            "FSBP Redshift.7",
            "cdk-nag AwsSolutions-RS5",
            "cdk-nag AwsSolutions-RS8",
            "FSBP RedshiftServerless.1",
            "FSBP RedshiftServerless.3",
            "FSBP RedshiftServerless.6",
        ],
        inspects: [
            ...TYPES.redshiftCluster,
            ...TYPES.redshiftLogging,
            ...TYPES.redshiftServerlessWorkgroup,
            ...TYPES.redshiftServerlessNamespace,
        ],
    },
    validateStack: (args, reportViolation) => {
        const requiredExports =
            args.getConfig<{ requiredServerlessLogExports?: string[] }>().requiredServerlessLogExports ??
            DEFAULT_SERVERLESS_LOG_EXPORTS;
        for (const r of args.resources) {
            const props = propsOf<NetworkAuditProps>(r);
            const report = (problem: string) => reportViolation(`${r.name}: ${problem}`, r.urn);
            if (isType(r.type, TYPES.redshiftCluster)) {
                if (props.publiclyAccessible === true)
                    report("publiclyAccessible is true (the cluster has a public endpoint)");
                if (props.enhancedVpcRouting !== true)
                    report(`enhancedVpcRouting is ${props.enhancedVpcRouting ?? "unset (false)"}, not true`);
                const loggings = attachedTo(
                    args.resources,
                    r,
                    TYPES.redshiftLogging,
                    "clusterIdentifier",
                    "clusterIdentifier",
                );
                if (loggings.length === 0) {
                    report("audit logging is not enabled (no aws.redshift.Logging for the cluster)");
                } else if (loggings.every((l) => loggingProblem(l) !== undefined)) {
                    report(`audit logging is incomplete: ${loggings.map((l) => loggingProblem(l)).join("; ")}`);
                }
            } else if (isType(r.type, TYPES.redshiftServerlessWorkgroup)) {
                if (props.publiclyAccessible === true)
                    report("publiclyAccessible is true (the workgroup has a public endpoint)");
                if (props.enhancedVpcRouting !== true)
                    report(`enhancedVpcRouting is ${props.enhancedVpcRouting ?? "unset (false)"}, not true`);
            } else if (isType(r.type, TYPES.redshiftServerlessNamespace)) {
                const exported = asList(props.logExports);
                const missing = requiredExports.filter((e) => !exported.includes(e));
                if (missing.length)
                    report(
                        `logExports ${exported.length ? `is [${exported.join(", ")}], missing` : "is not set, missing"} ${missing.join(", ")}`,
                    );
            }
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const redshiftPolicies: CdpPolicy[] = [redshiftCmk, redshiftNetworkAndAudit];
