import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { type Block, block, defined } from "../lib/props";
import { TYPES } from "../lib/types";

/** Athena: workgroups encrypt query results with a customer-managed key and enforce their configuration. */

const ATHENA_KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

/** The props athena-workgroup-encrypted reads (aws.athena.Workgroup). */
interface WorkgroupProps {
    configuration?: Block<{
        enforceWorkgroupConfiguration?: boolean;
        managedQueryResultsConfiguration?: Block<{
            enabled?: boolean;
            encryptionConfiguration?: Block<{ kmsKey?: string }>;
        }>;
        resultConfiguration?: Block<{
            encryptionConfiguration?: Block<{ encryptionOption?: string; kmsKeyArn?: string }>;
        }>;
    }>;
}

const athenaWorkgroupEncrypted = definePolicy({
    name: "athena-workgroup-encrypted",
    description:
        "Athena workgroups encrypt query results with a customer-managed KMS key (SSE_KMS or CSE_KMS; or Athena-managed results under a CMK) and enforce the workgroup configuration so clients cannot opt out (platform rule: FSBP Athena.1 was retired and cdk-nag AwsSolutions-ATH1 removed).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.athena.Workgroup set configuration.resultConfiguration.encryptionConfiguration {encryptionOption: "SSE_KMS" (or "CSE_KMS"), kmsKeyArn: <CMK ARN>} — or configuration.managedQueryResultsConfiguration {enabled: true, encryptionConfiguration: {kmsKey: <CMK ARN>}} — and leave configuration.enforceWorkgroupConfiguration true (its default).',
    configSchema: {
        properties: {
            allowedEncryptionOptions: {
                type: "array",
                items: { type: "string", enum: ["SSE_KMS", "CSE_KMS"] },
                default: ATHENA_KMS_OPTIONS,
                description: "Result encryption options accepted (KMS-based only).",
            },
        },
    },
    cdp: { concern: "encryption", controls: ["platform rule"], inspects: [...TYPES.athenaWorkgroup] },
    validateResource: onType(TYPES.athenaWorkgroup, "Athena workgroup", (props: WorkgroupProps, args) => {
        const allowed =
            args.getConfig<{ allowedEncryptionOptions?: string[] }>().allowedEncryptionOptions ?? ATHENA_KMS_OPTIONS;
        const configuration = block(props.configuration);
        if (!configuration)
            return [
                "configuration is not set (query results are not encrypted and the workgroup configuration is not enforced)",
            ];
        const problems: string[] = [];
        const managed = block(configuration.managedQueryResultsConfiguration);
        if (managed?.enabled === true) {
            problems.push(
                ...defined(
                    cmkProblem(
                        "configuration.managedQueryResultsConfiguration.encryptionConfiguration.kmsKey",
                        block(managed.encryptionConfiguration)?.kmsKey,
                    ),
                ),
            );
        } else {
            const encryption = block(block(configuration.resultConfiguration)?.encryptionConfiguration);
            const option = encryption?.encryptionOption;
            if (!option || !allowed.includes(option)) {
                problems.push(
                    `configuration.resultConfiguration.encryptionConfiguration.encryptionOption is ${option ?? "unset"}, not one of ${allowed.join(", ")}`,
                );
            } else {
                problems.push(
                    ...defined(
                        cmkProblem(
                            "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn",
                            encryption?.kmsKeyArn,
                        ),
                    ),
                );
            }
        }
        // The provider documents `true` as the default: only an explicit false lets clients override the encryption.
        if (configuration.enforceWorkgroupConfiguration === false) {
            problems.push(
                "configuration.enforceWorkgroupConfiguration is false (clients can override result encryption)",
            );
        }
        return problems;
    }),
});

/** The props athena-workgroup-limits reads. */
interface LimitProps {
    configuration?: Block<{
        bytesScannedCutoffPerQuery?: number;
        publishCloudwatchMetricsEnabled?: boolean;
    }>;
}

const athenaWorkgroupLimits = definePolicy({
    name: "athena-workgroup-limits",
    description:
        "Athena workgroups publish CloudWatch metrics (FSBP Athena.4) and cap the bytes one query may scan (bytesScannedCutoffPerQuery; platform rule: a runaway query over the lake is a cost and exfiltration risk).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.athena.Workgroup set configuration.publishCloudwatchMetricsEnabled: true and configuration.bytesScannedCutoffPerQuery (bytes, at least 10000000).",
    cdp: {
        concern: "governance",
        controls: ["FSBP Athena.4", "platform rule"],
        inspects: [...TYPES.athenaWorkgroup],
    },
    validateResource: onType(TYPES.athenaWorkgroup, "Athena workgroup", (props: LimitProps) => {
        const configuration = block(props.configuration);
        const problems: string[] = [];
        if (configuration?.publishCloudwatchMetricsEnabled === false)
            problems.push("configuration.publishCloudwatchMetricsEnabled is false");
        if (typeof configuration?.bytesScannedCutoffPerQuery !== "number")
            problems.push("configuration.bytesScannedCutoffPerQuery is not set (queries scan without limit)");
        return problems;
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const athenaPolicies: CdpPolicy[] = [athenaWorkgroupEncrypted, athenaWorkgroupLimits];
