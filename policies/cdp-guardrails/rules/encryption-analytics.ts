import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { TYPES } from "../lib/types";

/**
 * Encryption of the analytics services: Glue (security configurations and the jobs/crawlers that use them, Data
 * Catalog), Athena workgroups, Redshift (provisioned and serverless), Neptune and SageMaker. Every rule asks for a
 * customer-managed KMS key: a missing key, or an AWS-managed one (`alias/aws/...`), is a violation.
 */

type Props = Record<string, any>;

/** A nested block: pulumi-aws v7 sends single blocks as objects; tolerate a one-element list too. */
function block(value: unknown): Props | undefined {
    const v = Array.isArray(value) ? value[0] : value;
    return v && typeof v === "object" ? (v as Props) : undefined;
}

/** Why `value` is not a customer-managed KMS key reference (`undefined` when it is one). */
function keyProblem(value: unknown, property: string): string | undefined {
    return cmkProblem(property, value);
}

/** Runs `check` on resources of `types` and reports each problem it returns, prefixed with the kind and resource name. */
function onType(
    types: readonly string[],
    kind: string,
    check: (props: Props, args: ResourceValidationArgs) => string[],
) {
    return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        if (!isType(args.type, types)) return;
        for (const problem of check(args.props as Props, args)) reportViolation(`${kind} ${args.name}: ${problem}`);
    };
}

function defined(...items: Array<string | undefined>): string[] {
    return items.filter((i): i is string => i !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Glue

/** Problems of a Glue security configuration's encryptionConfiguration (S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS). */
export function glueSecurityConfigurationProblems(props: Props): string[] {
    const config = block(props.encryptionConfiguration);
    if (!config) return ["encryptionConfiguration is not set"];
    const problems: string[] = [];
    const s3 = block(config.s3Encryption);
    if (s3?.s3EncryptionMode !== "SSE-KMS") {
        problems.push(
            `encryptionConfiguration.s3Encryption.s3EncryptionMode is ${s3?.s3EncryptionMode ?? "unset (DISABLED)"}, not SSE-KMS`,
        );
    } else {
        problems.push(...defined(keyProblem(s3.kmsKeyArn, "encryptionConfiguration.s3Encryption.kmsKeyArn")));
    }
    const cw = block(config.cloudwatchEncryption);
    if (cw?.cloudwatchEncryptionMode !== "SSE-KMS") {
        problems.push(
            `encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode is ${cw?.cloudwatchEncryptionMode ?? "unset (DISABLED)"}, not SSE-KMS`,
        );
    } else {
        problems.push(...defined(keyProblem(cw.kmsKeyArn, "encryptionConfiguration.cloudwatchEncryption.kmsKeyArn")));
    }
    const bookmarks = block(config.jobBookmarksEncryption);
    if (bookmarks?.jobBookmarksEncryptionMode !== "CSE-KMS") {
        problems.push(
            `encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode is ${bookmarks?.jobBookmarksEncryptionMode ?? "unset (DISABLED)"}, not CSE-KMS`,
        );
    } else {
        problems.push(
            ...defined(keyProblem(bookmarks.kmsKeyArn, "encryptionConfiguration.jobBookmarksEncryption.kmsKeyArn")),
        );
    }
    return problems;
}

export const glueSecurityConfiguration = definePolicy({
    name: "glue-security-configuration",
    description:
        "Glue security configurations encrypt everything Glue writes with a customer-managed KMS key: S3 data SSE-KMS, CloudWatch logs SSE-KMS and job bookmarks CSE-KMS (cdk-nag AwsSolutions-GL1, AwsSolutions-GL3; S3 part: platform rule).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.glue.SecurityConfiguration set encryptionConfiguration.s3Encryption {s3EncryptionMode: "SSE-KMS", kmsKeyArn}, encryptionConfiguration.cloudwatchEncryption {cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn} and encryptionConfiguration.jobBookmarksEncryption {jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn}, each kmsKeyArn a customer-managed key (KmsKey component). The CloudWatch key\'s policy must allow the logs service principal.',
    cdp: {
        concern: "encryption",
        controls: ["cdk-nag AwsSolutions-GL1", "cdk-nag AwsSolutions-GL3", "platform rule"],
        inspects: [...TYPES.glueSecurityConfiguration],
    },
    validateResource: onType(TYPES.glueSecurityConfiguration, "Glue security configuration", (props) =>
        glueSecurityConfigurationProblems(props),
    ),
});

/** The security configuration of the stack a job or crawler names: by property dependency, else by equal name. */
function securityConfigurationOf(
    resources: readonly PolicyResource[],
    user: PolicyResource,
): PolicyResource | undefined {
    const configs = resources.filter((r) => isType(r.type, TYPES.glueSecurityConfiguration));
    const deps = user.propertyDependencies.securityConfiguration ?? [];
    const byDependency = configs.find((c) => deps.some((d) => d.urn === c.urn));
    if (byDependency) return byDependency;
    const value = user.props.securityConfiguration;
    return typeof value === "string" ? configs.find((c) => (c.props.name ?? c.props.id) === value) : undefined;
}

export const glueJobsUseSecurityConfiguration = definePolicy({
    name: "glue-jobs-use-security-configuration",
    description:
        "Every Glue job and crawler runs under a security configuration of the stack that passes glue-security-configuration (S3, CloudWatch and job bookmark encryption with a CMK) (cdk-nag AwsSolutions-GL1, AwsSolutions-GL3). Configurations managed by another stack can be allowed by name.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set securityConfiguration on the aws.glue.Job / aws.glue.Crawler to the name output of an aws.glue.SecurityConfiguration in the same stack (securityConfiguration: secConfig.name) that encrypts S3 (SSE-KMS), CloudWatch (SSE-KMS) and job bookmarks (CSE-KMS) with a customer-managed key; list configurations owned by another stack in this policy's externalSecurityConfigurations.",
    configSchema: {
        properties: {
            externalSecurityConfigurations: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "Names of compliant security configurations managed outside the stack that jobs and crawlers may use.",
            },
        },
    },
    cdp: {
        concern: "encryption",
        controls: ["cdk-nag AwsSolutions-GL1", "cdk-nag AwsSolutions-GL3"],
        inspects: [...TYPES.glueJob, ...TYPES.glueCrawler, ...TYPES.glueSecurityConfiguration],
    },
    validateStack: (args, reportViolation) => {
        const external =
            args.getConfig<{ externalSecurityConfigurations?: string[] }>().externalSecurityConfigurations ?? [];
        for (const user of args.resources.filter(
            (r) => isType(r.type, TYPES.glueJob) || isType(r.type, TYPES.glueCrawler),
        )) {
            const kind = isType(user.type, TYPES.glueJob) ? "Glue job" : "Glue crawler";
            const value = user.props.securityConfiguration;
            const config = securityConfigurationOf(args.resources, user);
            if (config) {
                const problems = glueSecurityConfigurationProblems(config.props);
                if (problems.length) {
                    reportViolation(
                        `${kind} ${user.name}: its security configuration ${config.name} is not compliant: ${problems.join("; ")}`,
                        user.urn,
                    );
                }
            } else if (value === undefined || value === null || value === "") {
                reportViolation(`${kind} ${user.name}: securityConfiguration is not set`, user.urn);
            } else if (!external.includes(String(value))) {
                reportViolation(
                    `${kind} ${user.name}: securityConfiguration "${value}" is not a security configuration of this stack (nor listed in externalSecurityConfigurations)`,
                    user.urn,
                );
            }
        }
    },
});

export const glueCatalogEncryption = definePolicy({
    name: "glue-catalog-encryption",
    description:
        "The Glue Data Catalog is encrypted at rest with a customer-managed KMS key and returns connection passwords encrypted with a customer-managed key (platform rule; no FSBP or cdk-nag control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.glue.DataCatalogEncryptionSettings set dataCatalogEncryptionSettings.encryptionAtRest {catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: <CMK ARN>} and dataCatalogEncryptionSettings.connectionPasswordEncryption {returnConnectionPasswordEncrypted: true, awsKmsKeyId: <CMK ARN>}.',
    cdp: { concern: "encryption", controls: ["platform rule"], inspects: [...TYPES.glueCatalogEncryption] },
    validateResource: onType(TYPES.glueCatalogEncryption, "Glue Data Catalog encryption settings", (props) => {
        const settings = block(props.dataCatalogEncryptionSettings);
        if (!settings) return ["dataCatalogEncryptionSettings is not set"];
        const problems: string[] = [];
        const atRest = block(settings.encryptionAtRest);
        const mode = atRest?.catalogEncryptionMode;
        if (mode !== "SSE-KMS" && mode !== "SSE-KMS-WITH-SERVICE-ROLE") {
            problems.push(`encryptionAtRest.catalogEncryptionMode is ${mode ?? "unset"}, not SSE-KMS`);
        } else {
            problems.push(...defined(keyProblem(atRest?.sseAwsKmsKeyId, "encryptionAtRest.sseAwsKmsKeyId")));
            if (mode === "SSE-KMS-WITH-SERVICE-ROLE" && !atRest?.catalogEncryptionServiceRole) {
                problems.push(
                    "encryptionAtRest.catalogEncryptionServiceRole is not set (required by SSE-KMS-WITH-SERVICE-ROLE)",
                );
            }
        }
        const passwords = block(settings.connectionPasswordEncryption);
        if (passwords?.returnConnectionPasswordEncrypted !== true) {
            problems.push("connectionPasswordEncryption.returnConnectionPasswordEncrypted is not true");
        } else {
            problems.push(...defined(keyProblem(passwords.awsKmsKeyId, "connectionPasswordEncryption.awsKmsKeyId")));
        }
        return problems;
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// Athena

const ATHENA_KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

export const athenaWorkgroupEncrypted = definePolicy({
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
    validateResource: onType(TYPES.athenaWorkgroup, "Athena workgroup", (props, args) => {
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
                    keyProblem(
                        block(managed.encryptionConfiguration)?.kmsKey,
                        "configuration.managedQueryResultsConfiguration.encryptionConfiguration.kmsKey",
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
                        keyProblem(
                            encryption?.kmsKeyArn,
                            "configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn",
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

// ---------------------------------------------------------------------------------------------------------------
// Redshift

export const redshiftCmk = definePolicy({
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
        onType(TYPES.redshiftCluster, "Redshift cluster", (props) => {
            // pulumi-aws v7 declares `encrypted` as a string ("true"/"false"), defaulting to true.
            const encrypted = props.encrypted;
            if (encrypted === false || String(encrypted).toLowerCase() === "false")
                return ["encrypted is false (cluster not encrypted at rest)"];
            return defined(keyProblem(props.kmsKeyId, "kmsKeyId"));
        }),
        onType(TYPES.redshiftServerlessNamespace, "Redshift Serverless namespace", (props) =>
            defined(keyProblem(props.kmsKeyId, "kmsKeyId")),
        ),
    ],
});

// ---------------------------------------------------------------------------------------------------------------
// Neptune

export const neptuneEncrypted = definePolicy({
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
    validateResource: onType(TYPES.neptuneCluster, "Neptune cluster", (props) => {
        if (props.storageEncrypted !== true) return ["storageEncrypted is not true (cluster not encrypted at rest)"];
        return defined(keyProblem(props.kmsKeyArn, "kmsKeyArn"));
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// SageMaker

export const sagemakerKms = definePolicy({
    name: "sagemaker-kms",
    description:
        "SageMaker notebook instances, endpoint configurations and domains encrypt their storage with a customer-managed KMS key, as do endpoint data capture, async inference output and domain notebook sharing when used (cdk-nag AwsSolutions-SM2 for notebooks; the rest is a platform rule — FSBP has no SageMaker encryption control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId on the aws.sagemaker.NotebookInstance, kmsKeyArn on the aws.sagemaker.EndpointConfiguration (plus dataCaptureConfig.kmsKeyId and asyncInferenceConfig.outputConfig.kmsKeyId when those are used) and kmsKeyId on the aws.sagemaker.Domain (plus defaultUserSettings.sharingSettings.s3KmsKeyId when notebook sharing writes to S3), each a customer-managed key ARN.",
    cdp: {
        concern: "encryption",
        controls: ["cdk-nag AwsSolutions-SM2", "platform rule"],
        inspects: [
            ...TYPES.sagemakerNotebookInstance,
            ...TYPES.sagemakerEndpointConfiguration,
            ...TYPES.sagemakerDomain,
        ],
    },
    validateResource: [
        onType(TYPES.sagemakerNotebookInstance, "SageMaker notebook instance", (props) =>
            defined(keyProblem(props.kmsKeyId, "kmsKeyId")),
        ),
        onType(TYPES.sagemakerEndpointConfiguration, "SageMaker endpoint configuration", (props) => {
            const problems = defined(keyProblem(props.kmsKeyArn, "kmsKeyArn"));
            const capture = block(props.dataCaptureConfig);
            if (capture) problems.push(...defined(keyProblem(capture.kmsKeyId, "dataCaptureConfig.kmsKeyId")));
            const output = block(block(props.asyncInferenceConfig)?.outputConfig);
            if (output)
                problems.push(...defined(keyProblem(output.kmsKeyId, "asyncInferenceConfig.outputConfig.kmsKeyId")));
            return problems;
        }),
        onType(TYPES.sagemakerDomain, "SageMaker domain", (props) => {
            const problems = defined(keyProblem(props.kmsKeyId, "kmsKeyId"));
            const sharing = block(block(props.defaultUserSettings)?.sharingSettings);
            if (sharing?.s3OutputPath)
                problems.push(
                    ...defined(keyProblem(sharing.s3KmsKeyId, "defaultUserSettings.sharingSettings.s3KmsKeyId")),
                );
            return problems;
        }),
    ],
});

/** Policies of this group (see policies/README.md for the coverage table). */
export const encryptionAnalyticsPolicies: CdpPolicy[] = [
    glueSecurityConfiguration,
    glueJobsUseSecurityConfiguration,
    glueCatalogEncryption,
    athenaWorkgroupEncrypted,
    redshiftCmk,
    neptuneEncrypted,
    sagemakerKms,
];
