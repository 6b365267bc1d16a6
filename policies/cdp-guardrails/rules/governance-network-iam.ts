import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { asList, attachedTo, isPublicPrincipal, parseDocument, type Statement, statementsOf } from "../lib/stack";
import { TYPES } from "../lib/types";

/**
 * Governance of identities and network exposure: IAM identity policies (no wildcard actions, no account-wide
 * resources on data and KMS services, no AWS-managed administrator policies), Redshift network exposure and audit
 * logging, EventBridge bus policies, SQS dead-letter queues, Kinesis retention, Transfer Family protocols and
 * logging, and Glue versions.
 */

type Props = Record<string, any>;

// ---------------------------------------------------------------------------------------------------------------
// IAM identity policies

/** Resources holding identity-policy documents (never trust policies: a role's assumeRolePolicy is not inspected). */
const IDENTITY_POLICY_TYPES: readonly string[] = [
    ...TYPES.iamPolicy,
    ...TYPES.iamRolePolicy,
    ...TYPES.iamRole,
    ...TYPES.iamUserPolicy,
    ...TYPES.iamGroupPolicy,
];

/** The identity-policy documents of a resource, each with a label for messages. */
function identityDocuments(type: string, props: Props): Array<{ where: string; document: unknown }> {
    if (isType(type, TYPES.iamRole)) {
        const inline = Array.isArray(props.inlinePolicies) ? (props.inlinePolicies as Props[]) : [];
        return inline.map((p, i) => ({
            where: `inlinePolicies[${i}]${p?.name ? ` (${p.name})` : ""}`,
            document: p?.policy,
        }));
    }
    return isType(type, IDENTITY_POLICY_TYPES) ? [{ where: "policy", document: props.policy }] : [];
}

function statementLabel(s: Statement, index: number): string {
    return s.Sid ? `statement ${s.Sid}` : `statement #${index + 1}`;
}

/** Runs `check` on every Allow statement of every identity-policy document of the resource. */
function forEachAllowStatement(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    check: (statement: Statement, label: string) => string | undefined,
): void {
    for (const { where, document } of identityDocuments(args.type, args.props as Props)) {
        statementsOf(document).forEach((s, i) => {
            if (s.Effect !== "Allow") return;
            const problem = check(s, statementLabel(s, i));
            if (problem) reportViolation(`${args.name}: ${where}: ${problem}`);
        });
    }
}

/** `*`, `*:...` or `<service>:*`: an action pattern that grants every action of one service or of all services. */
export function isFullWildcardAction(action: string): boolean {
    const a = action.trim();
    if (a === "*") return true;
    const colon = a.indexOf(":");
    if (colon < 0) return false;
    const service = a.slice(0, colon);
    const name = a.slice(colon + 1);
    return service === "*" || /^\*+$/.test(name);
}

export const iamNoWildcardAction = definePolicy({
    name: "iam-no-wildcard-action",
    description:
        'IAM identity policies (managed policies, role/user/group inline policies and a role\'s inlinePolicies) allow no "*" action and no "<service>:*" service wildcard, and no Allow with NotAction (FSBP IAM.1, IAM.21; cdk-nag AwsSolutions-IAM5). Deny statements may use wildcards.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the policy document (policy of aws.iam.Policy / RolePolicy / UserPolicy / GroupPolicy, or inlinePolicies[].policy of aws.iam.Role) list the specific actions the workload calls (e.g. "s3:GetObject", "kms:Decrypt") instead of "*" or "<service>:*", and replace Allow + NotAction with an explicit Action list. The component helpers (s3AccessStatements) build least-privilege statements.',
    cdp: {
        concern: "governance",
        controls: ["FSBP IAM.1", "FSBP IAM.21", "cdk-nag AwsSolutions-IAM5"],
        inspects: [...IDENTITY_POLICY_TYPES],
    },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, IDENTITY_POLICY_TYPES)) return;
        forEachAllowStatement(args, reportViolation, (s, label) => {
            if (s.NotAction !== undefined) {
                return `${label} allows NotAction ${JSON.stringify(s.NotAction)}, i.e. every other action of every service`;
            }
            const wild = asList(s.Action).filter(isFullWildcardAction);
            return wild.length
                ? `${label} allows wildcard action${wild.length > 1 ? "s" : ""} ${wild.map((a) => `"${a}"`).join(", ")}`
                : undefined;
        });
    },
});

/** Services whose data (or keys) must never be granted on every resource of the account. */
export const DATA_SERVICES = [
    "s3",
    "kms",
    "dynamodb",
    "kinesis",
    "firehose",
    "glue",
    "lakeformation",
    "secretsmanager",
    "sqs",
    "sns",
    "redshift-data",
    "athena",
    "dax",
] as const;

/**
 * Actions of those services that support no resource-level permission, so that AWS requires `"Resource": "*"` for
 * them, and that grant no access to data or key material by themselves.
 *
 * Decisions:
 * - kms:CreateKey is exempt: it cannot be scoped to a resource (constrain it with aws:RequestTag / kms:KeySpec
 *   conditions instead) and gives no access to existing keys. kms:Decrypt, ReEncryptFrom, GenerateDataKey... are
 *   never exempt (FSBP KMS.1/KMS.2).
 * - Lake Formation actions have no resource-level permissions at all (Lake Formation grants decide what they reach).
 *   Its data-access (GetDataAccess), metadata, query-planning and transaction actions are exempt; its
 *   permission-administration actions (GrantPermissions, RevokePermissions, PutDataLakeSettings, RegisterResource,
 *   CreateLFTag...) are not: a custom policy granting them on "*" is flagged. Lake Formation administrators get
 *   them from their admin role (or a stack lists them in `additionalExemptActions`, a reviewed decision).
 * - Partial wildcards (`s3:List*`) are never exempt, even when they would only match exempt actions.
 */
export const RESOURCE_STAR_EXEMPT_ACTIONS: readonly string[] = [
    // S3: account-level listings
    "s3:ListAllMyBuckets",
    "s3:GetAccountPublicAccessBlock",
    "s3:ListAccessPoints",
    "s3:ListStorageLensConfigurations",
    "s3:ListJobs",
    // KMS: listings and key creation
    "kms:CreateKey",
    "kms:ListAliases",
    "kms:ListKeys",
    "kms:GenerateRandom",
    "kms:DescribeCustomKeyStores",
    "kms:ListRetirableGrants",
    // DynamoDB / DAX: account-level listings and limits
    "dynamodb:ListTables",
    "dynamodb:ListBackups",
    "dynamodb:ListGlobalTables",
    "dynamodb:ListStreams",
    "dynamodb:ListExports",
    "dynamodb:ListImports",
    "dynamodb:ListContributorInsights",
    "dynamodb:DescribeLimits",
    "dynamodb:DescribeEndpoints",
    "dynamodb:DescribeReservedCapacity",
    "dynamodb:DescribeReservedCapacityOfferings",
    "dax:DescribeDefaultParameters",
    "dax:DescribeParameterGroups",
    "dax:DescribeParameters",
    "dax:DescribeSubnetGroups",
    "dax:DescribeEvents",
    // Kinesis / Firehose
    "kinesis:ListStreams",
    "kinesis:DescribeLimits",
    "firehose:ListDeliveryStreams",
    // Glue: listings and security configurations
    "glue:ListJobs",
    "glue:ListCrawlers",
    "glue:ListTriggers",
    "glue:ListWorkflows",
    "glue:GetCrawlerMetrics",
    "glue:GetClassifiers",
    "glue:GetSecurityConfiguration",
    "glue:GetSecurityConfigurations",
    // Lake Formation: data access (vended credentials) and metadata, governed by Lake Formation grants
    "lakeformation:GetDataAccess",
    "lakeformation:GetResourceLFTags",
    "lakeformation:GetLFTag",
    "lakeformation:ListLFTags",
    "lakeformation:SearchDatabasesByLFTags",
    "lakeformation:SearchTablesByLFTags",
    "lakeformation:GetDataLakeSettings",
    "lakeformation:ListPermissions",
    "lakeformation:ListResources",
    "lakeformation:DescribeResource",
    "lakeformation:StartQueryPlanning",
    "lakeformation:GetQueryState",
    "lakeformation:GetQueryStatistics",
    "lakeformation:GetWorkUnits",
    "lakeformation:GetWorkUnitResults",
    "lakeformation:StartTransaction",
    "lakeformation:CommitTransaction",
    "lakeformation:CancelTransaction",
    "lakeformation:ExtendTransaction",
    "lakeformation:DescribeTransaction",
    "lakeformation:GetTableObjects",
    // Secrets Manager: listings (BatchGetSecretValue also needs secretsmanager:GetSecretValue on each secret)
    "secretsmanager:ListSecrets",
    "secretsmanager:GetRandomPassword",
    "secretsmanager:BatchGetSecretValue",
    // SQS / SNS listings
    "sqs:ListQueues",
    "sns:ListTopics",
    "sns:ListSubscriptions",
    // Redshift Data API: statement actions are scoped to the caller's own statements, not to a resource
    "redshift-data:DescribeStatement",
    "redshift-data:GetStatementResult",
    "redshift-data:GetStatementResultV2",
    "redshift-data:CancelStatement",
    "redshift-data:ListStatements",
    // Athena listings
    "athena:ListWorkGroups",
    "athena:ListEngineVersions",
    "athena:ListDataCatalogs",
];

/**
 * True when `resource` is every resource of the account: `"*"`, or an ARN whose resource part is a wildcard for the
 * whole resource type (`arn:aws:s3:::*`, `arn:aws:s3:::*\/*`, `...:key/*`, `...:table/*`, `...:secret:*`, `...:*`).
 * Name-prefix patterns (`arn:aws:s3:::cdp-raw-*`, `...:table/cdp_*`) scope by naming convention and are accepted.
 */
export function isAccountWideResource(resource: string): boolean {
    const r = resource.trim();
    if (r === "*" || r === "arn:*") return true;
    const parts = r.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return /^\*/.test(r);
    const service = parts[2];
    const rest = parts.slice(5).join(":");
    if (service === "*") return true;
    if (service === "s3") return rest.startsWith("*");
    return /^([A-Za-z0-9_-]+[/:])?\*([/:].*)?$/.test(rest);
}

function serviceOf(action: string): string {
    const colon = action.indexOf(":");
    return colon < 0 ? action.toLowerCase() : action.slice(0, colon).toLowerCase();
}

export const iamNoWildcardResourceDataKms = definePolicy({
    name: "iam-no-wildcard-resource-data-kms",
    description:
        'IAM identity policies do not allow actions of data or KMS services (s3, kms, dynamodb, kinesis, firehose, glue, lakeformation, secretsmanager, sqs, sns, redshift-data, athena, dax) on "*" or on an account-wide ARN wildcard (arn:aws:s3:::*, key/*, table/*...), nor with NotResource (FSBP KMS.1, KMS.2 for kms:Decrypt/ReEncryptFrom; cdk-nag AwsSolutions-IAM5; platform rule for the other services). Actions AWS only authorises on "*" and that reach no data (s3:ListAllMyBuckets, kms:ListAliases, kms:CreateKey, lakeformation:GetDataAccess, redshift-data statement calls...) are exempt; conditions do not exempt a statement.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the policy document list the ARNs the workload uses (the bucket ARN and bucket ARN + "/*", the KmsKey keyArn, the table/stream/queue/secret ARN) instead of "*" or an account-wide wildcard; keep "*" only for the exempt listing actions, in a statement of their own. An unavoidable unscoped action can be added to this policy\'s additionalExemptActions.',
    configSchema: {
        properties: {
            additionalExemptActions: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    'Exact actions (service:Action) accepted on "*" besides the built-in list of actions without resource-level permissions.',
            },
        },
    },
    cdp: {
        concern: "governance",
        controls: ["FSBP KMS.1", "FSBP KMS.2", "cdk-nag AwsSolutions-IAM5", "platform rule"],
        inspects: [...IDENTITY_POLICY_TYPES],
    },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, IDENTITY_POLICY_TYPES)) return;
        const extra = args.getConfig<{ additionalExemptActions?: string[] }>().additionalExemptActions ?? [];
        const exempt = new Set([...RESOURCE_STAR_EXEMPT_ACTIONS, ...extra].map((a) => a.toLowerCase()));
        const services: readonly string[] = DATA_SERVICES;
        forEachAllowStatement(args, reportViolation, (s, label) => {
            const wideResources = asList(s.Resource).filter(isAccountWideResource);
            const notResource = (s as { NotResource?: unknown }).NotResource;
            if (wideResources.length === 0 && notResource === undefined) return undefined;
            const actions = s.NotAction !== undefined ? ["(NotAction: every other action)"] : asList(s.Action);
            const offending = actions.filter((a) => {
                if (a.startsWith("(NotAction")) return true;
                const service = serviceOf(a);
                if (service === "*" || a.trim() === "*") return true;
                if (!services.includes(service)) return false;
                return a.includes("*") || a.includes("?") || !exempt.has(a.toLowerCase());
            });
            if (offending.length === 0) return undefined;
            const on =
                notResource !== undefined
                    ? `NotResource ${JSON.stringify(notResource)}`
                    : wideResources.map((r) => `"${r}"`).join(", ");
            return `${label} allows ${offending.map((a) => (a.startsWith("(") ? a : `"${a}"`)).join(", ")} on ${on} (every resource of the account)`;
        });
    },
});

/** AWS-managed policies that grant administrator or IAM-administrator rights. */
export const DEFAULT_DENIED_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** The AWS-managed policy name of `arn` (any partition, any path), or undefined when it is not AWS-managed. */
export function awsManagedPolicyName(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn.trim());
    return m?.[1];
}

const ATTACHMENT_TYPES: readonly string[] = [
    ...TYPES.iamRolePolicyAttachment,
    ...TYPES.iamPolicyAttachment,
    ...TYPES.iamUserPolicyAttachment,
    ...TYPES.iamGroupPolicyAttachment,
    ...TYPES.iamRolePolicyAttachmentsExclusive,
    ...TYPES.iamUserPolicyAttachmentsExclusive,
    ...TYPES.iamGroupPolicyAttachmentsExclusive,
    ...TYPES.iamRole,
];

export const iamNoAwsManagedAdmin = definePolicy({
    name: "iam-no-aws-managed-admin",
    description:
        "No role, user or group gets the AWS-managed AdministratorAccess, PowerUserAccess or IAMFullAccess policy (any partition), whether through a policy attachment resource or a role's managedPolicyArns (cdk-nag AwsSolutions-IAM4; FSBP IAM.1).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove the attachment (aws.iam.RolePolicyAttachment / PolicyAttachment / UserPolicyAttachment / GroupPolicyAttachment, the *PolicyAttachmentsExclusive policyArns entry, or the aws.iam.Role managedPolicyArns entry) and attach a customer-managed aws.iam.Policy listing the specific actions and resources the principal needs.",
    configSchema: {
        properties: {
            deniedPolicies: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_DENIED_MANAGED_POLICIES,
                description:
                    "Names of AWS-managed policies (arn:<partition>:iam::aws:policy/<name>) that must not be attached.",
            },
        },
    },
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-IAM4", "FSBP IAM.1"],
        inspects: [...ATTACHMENT_TYPES],
    },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, ATTACHMENT_TYPES)) return;
        const denied =
            args.getConfig<{ deniedPolicies?: string[] }>().deniedPolicies ?? DEFAULT_DENIED_MANAGED_POLICIES;
        const props = args.props as Props;
        const [property, arns] = isType(args.type, TYPES.iamRole)
            ? ["managedPolicyArns", asList(props.managedPolicyArns)]
            : props.policyArns !== undefined
              ? ["policyArns", asList(props.policyArns)]
              : ["policyArn", asList(props.policyArn)];
        for (const arn of arns) {
            const name = awsManagedPolicyName(arn);
            if (name && denied.includes(name)) {
                reportViolation(`${args.name}: ${property} attaches the AWS-managed ${name} policy (${arn})`);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// Redshift

/** Log types a Redshift Serverless namespace must export (FSBP asks for connectionlog and userlog; we add queries). */
export const DEFAULT_SERVERLESS_LOG_EXPORTS = ["connectionlog", "userlog", "useractivitylog"];

function loggingProblem(logging: PolicyResource): string | undefined {
    const props = logging.props as Props;
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

export const redshiftNetworkAndAudit = definePolicy({
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
            const props = r.props as Props;
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

// ---------------------------------------------------------------------------------------------------------------
// EventBridge

/** Condition keys that confine a public principal to an account or organisation. */
const SCOPING_CONDITION_KEYS = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourceorgid",
];

/** True when the statement's condition confines it to accounts or an organisation (a positive, non-wildcard test). */
function isScoped(condition: Statement["Condition"]): boolean {
    if (!condition || typeof condition !== "object") return false;
    return Object.entries(condition).some(([operator, tests]) => {
        if (/not|^null$/i.test(operator) || !tests || typeof tests !== "object") return false;
        return Object.entries(tests).some(
            ([k, v]) =>
                SCOPING_CONDITION_KEYS.includes(k.toLowerCase()) && asList(v).length > 0 && !asList(v).includes("*"),
        );
    });
}

export const eventbridgeBusPolicyNotOpen = definePolicy({
    name: "eventbridge-bus-policy-not-open",
    description:
        'EventBridge event bus policies and permissions grant nothing to a public principal ("*") unless a condition confines it to an organisation or accounts (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount...) (cdk-nag AwsSolutions-EVB1; complements FSBP EventBridge.3, which asks custom buses to have a resource policy).',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the aws.cloudwatch.EventBusPolicy policy name the account or role principals that may put events, or keep Principal "*" with Condition {StringEquals: {"aws:PrincipalOrgID": "o-..."}}; on an aws.cloudwatch.EventPermission set principal to an account id, or set condition {key: "aws:PrincipalOrgID", type: "StringEquals", value: "o-..."} when principal is "*".',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-EVB1"],
        inspects: [...TYPES.eventBusPolicy, ...TYPES.eventPermission],
    },
    validateResource: (args, reportViolation) => {
        const props = args.props as Props;
        if (isType(args.type, TYPES.eventBusPolicy)) {
            statementsOf(props.policy).forEach((s, i) => {
                if (s.Effect === "Allow" && isPublicPrincipal(s.Principal) && !isScoped(s.Condition)) {
                    reportViolation(
                        `${args.name}: ${statementLabel(s, i)} allows a public principal without an aws:PrincipalOrgID / aws:PrincipalAccount / aws:SourceAccount condition`,
                    );
                }
            });
        } else if (isType(args.type, TYPES.eventPermission)) {
            const condition = props.condition as Props | undefined;
            const scoped =
                condition &&
                String(condition.key ?? "").toLowerCase() === "aws:principalorgid" &&
                condition.value &&
                condition.value !== "*";
            if (props.principal === "*" && !scoped) {
                reportViolation(
                    `${args.name}: principal is "*" and no aws:PrincipalOrgID condition is set (any AWS account can put events)`,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// SQS

function queueRefersToDlq(resource: PolicyResource, dlq: PolicyResource): boolean {
    if ((resource.propertyDependencies.redrivePolicy ?? []).some((d) => d.urn === dlq.urn)) return true;
    const target = (parseDocument(resource.props.redrivePolicy) as Props | undefined)?.deadLetterTargetArn;
    return typeof target === "string" && target !== "" && target === dlq.props.arn;
}

function allowsRedrive(value: unknown): boolean {
    const permission = (parseDocument(value) as Props | undefined)?.redrivePermission;
    return permission === "allowAll" || permission === "byQueue";
}

/**
 * ARNs a resource names as its dead-letter or on-failure destination: EventBridge targets and buses, Scheduler
 * schedules, Lambda functions and async-invoke configs, event source mappings. A queue so named is a DLQ.
 */
function deadLetterTargets(r: { props: Record<string, unknown> }): string[] {
    const p = r.props as Record<string, any>;
    return [
        p.deadLetterConfig?.arn,
        p.deadLetterConfig?.targetArn,
        p.target?.deadLetterConfig?.arn,
        p.destinationConfig?.onFailure?.destination,
        p.destinationConfig?.onFailure?.destinationArn,
    ].filter((v): v is string => typeof v === "string" && v !== "");
}

export const sqsDlq = definePolicy({
    name: "sqs-dlq",
    description:
        "Every SQS queue has a dead-letter queue (a redrivePolicy with deadLetterTargetArn, inline or through an aws.sqs.RedrivePolicy), or is itself a dead-letter queue: the target of another queue's redrive policy, the dead-letter or on-failure destination of an EventBridge target, schedule, Lambda function or event source mapping, or open to redrive through a redriveAllowPolicy (cdk-nag AwsSolutions-SQS3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create an encrypted dead-letter aws.sqs.Queue and set redrivePolicy on the source queue to JSON {deadLetterTargetArn: dlq.arn, maxReceiveCount: 5} (or add an aws.sqs.RedrivePolicy with queueUrl: queue.url); optionally give the DLQ a redriveAllowPolicy {redrivePermission: "byQueue", sourceQueueArns: [...]}.',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-SQS3"],
        inspects: [...TYPES.sqsQueue, ...TYPES.sqsRedrivePolicy, ...TYPES.sqsRedriveAllowPolicy],
    },
    validateStack: (args, reportViolation) => {
        const queues = args.resources.filter((r) => isType(r.type, TYPES.sqsQueue));
        const redrives = args.resources.filter((r) => isType(r.type, TYPES.sqsRedrivePolicy));
        for (const queue of queues) {
            const inline = (parseDocument(queue.props.redrivePolicy) as Props | undefined)?.deadLetterTargetArn;
            const hasRedrive =
                (typeof inline === "string" && inline !== "") ||
                attachedTo(args.resources, queue, TYPES.sqsRedrivePolicy, "queueUrl", "url").some((r) => {
                    const target = (parseDocument(r.props.redrivePolicy) as Props | undefined)?.deadLetterTargetArn;
                    return typeof target === "string" && target !== "";
                });
            if (hasRedrive) continue;
            const isDlq =
                [...queues.filter((q) => q !== queue), ...redrives].some((source) => queueRefersToDlq(source, queue)) ||
                args.resources.some((r) => deadLetterTargets(r).includes(String(queue.props.arn))) ||
                allowsRedrive(queue.props.redriveAllowPolicy) ||
                attachedTo(args.resources, queue, TYPES.sqsRedriveAllowPolicy, "queueUrl", "url").some((r) =>
                    allowsRedrive(r.props.redriveAllowPolicy),
                );
            if (!isDlq) {
                const why = queue.props.redrivePolicy
                    ? "its redrivePolicy names no deadLetterTargetArn"
                    : "redrivePolicy is not set and no aws.sqs.RedrivePolicy names it";
                reportViolation(
                    `${queue.name}: has no dead-letter queue (${why}) and is not the dead-letter queue of another queue`,
                    queue.urn,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// Kinesis

/** AWS's own default and minimum retention of a Kinesis data stream, in hours. */
export const KINESIS_DEFAULT_RETENTION_HOURS = 24;

export const kinesisRetention = definePolicy({
    name: "kinesis-retention",
    description:
        "Kinesis data streams keep records for at least the configured number of hours (default 24, AWS's default; an unset retentionPeriod means 24) (FSBP Kinesis.3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set retentionPeriod (hours, 24-8760) on the aws.kinesis.Stream to at least the configured minimum.",
    configSchema: {
        properties: {
            minimumHours: { type: "integer", minimum: 24, maximum: 8760, default: KINESIS_DEFAULT_RETENTION_HOURS },
        },
    },
    cdp: { concern: "governance", controls: ["FSBP Kinesis.3"], inspects: [...TYPES.kinesisStream] },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, TYPES.kinesisStream)) return;
        const minimum = args.getConfig<{ minimumHours?: number }>().minimumHours ?? KINESIS_DEFAULT_RETENTION_HOURS;
        const raw = (args.props as Props).retentionPeriod;
        const retention = raw === undefined || raw === null ? KINESIS_DEFAULT_RETENTION_HOURS : Number(raw);
        if (!(retention >= minimum)) {
            reportViolation(
                `${args.name}: retentionPeriod is ${raw ?? `unset (${KINESIS_DEFAULT_RETENTION_HOURS})`} hours; at least ${minimum} required`,
            );
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// Transfer Family

export const transferNoFtpLogging = definePolicy({
    name: "transfer-no-ftp-logging",
    description:
        "Transfer Family servers do not offer plain FTP (FSBP Transfer.2; an unset protocols means SFTP) and log to CloudWatch through a loggingRole or structuredLogDestinations (platform rule: FSBP Transfer.3 covers connectors only).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.transfer.Server remove "FTP" from protocols (use ["SFTP"], or FTPS with a certificate) and set loggingRole to the ARN of a role transfer.amazonaws.com can assume with logs:CreateLogStream/PutLogEvents on /aws/transfer/*, or structuredLogDestinations to a log group ARN.',
    cdp: { concern: "governance", controls: ["FSBP Transfer.2", "platform rule"], inspects: [...TYPES.transferServer] },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, TYPES.transferServer)) return;
        const props = args.props as Props;
        const protocols = asList(props.protocols);
        if (protocols.some((p) => p.toUpperCase() === "FTP")) {
            reportViolation(
                `${args.name}: protocols [${protocols.join(", ")}] include plain FTP (credentials and data in clear text)`,
            );
        }
        if (!props.loggingRole && asList(props.structuredLogDestinations).length === 0) {
            reportViolation(
                `${args.name}: neither loggingRole nor structuredLogDestinations is set (no CloudWatch logging)`,
            );
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// Glue

/** Minimum Glue version of Spark, streaming and Ray jobs; Python shell jobs top out at 3.0. */
export const DEFAULT_MINIMUM_GLUE_VERSION = "4.0";
export const DEFAULT_MINIMUM_PYTHON_SHELL_GLUE_VERSION = "3.0";
/** The version AWS applies to a job created without glueVersion. */
const GLUE_API_DEFAULT_VERSION = "0.9";

function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map((n) => Number(n));
    const pb = b.split(".").map((n) => Number(n));
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

export const glueVersion = definePolicy({
    name: "glue-version",
    description:
        "Glue jobs run on a supported Glue version: Spark, streaming and Ray jobs on at least the configured minimum (default 4.0), Python shell jobs on at least 3.0; an unset glueVersion means AWS's 0.9 (FSBP Glue.4).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set glueVersion on the aws.glue.Job to "5.0" (or at least the configured minimum; "3.0" for pythonshell jobs) and test the script on that runtime.',
    configSchema: {
        properties: {
            minimumVersion: {
                type: "string",
                default: DEFAULT_MINIMUM_GLUE_VERSION,
                description: "Minimum glueVersion of glueetl, gluestreaming and glueray jobs.",
            },
            minimumPythonShellVersion: {
                type: "string",
                default: DEFAULT_MINIMUM_PYTHON_SHELL_GLUE_VERSION,
                description: "Minimum glueVersion of pythonshell jobs.",
            },
        },
    },
    cdp: { concern: "governance", controls: ["FSBP Glue.4"], inspects: [...TYPES.glueJob] },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, TYPES.glueJob)) return;
        const config = args.getConfig<{ minimumVersion?: string; minimumPythonShellVersion?: string }>();
        const props = args.props as Props;
        const kind = String((props.command as Props | undefined)?.name ?? "glueetl");
        const minimum =
            kind === "pythonshell"
                ? (config.minimumPythonShellVersion ?? DEFAULT_MINIMUM_PYTHON_SHELL_GLUE_VERSION)
                : (config.minimumVersion ?? DEFAULT_MINIMUM_GLUE_VERSION);
        const version = props.glueVersion;
        const effective =
            version === undefined || version === null || version === "" ? GLUE_API_DEFAULT_VERSION : String(version);
        if (!/^\d+(\.\d+)*$/.test(effective) || compareVersions(effective, minimum) < 0) {
            reportViolation(
                `${args.name}: glueVersion is ${version ? `"${version}"` : `unset (AWS default ${GLUE_API_DEFAULT_VERSION})`}; ${kind} jobs need at least "${minimum}"`,
            );
        }
    },
});

/** Policies of this group (see policies/README.md for the coverage table). */
export const governanceNetworkIamPolicies: CdpPolicy[] = [
    iamNoWildcardAction,
    iamNoWildcardResourceDataKms,
    iamNoAwsManagedAdmin,
    redshiftNetworkAndAudit,
    eventbridgeBusPolicyNotOpen,
    sqsDlq,
    kinesisRetention,
    transferNoFtpLogging,
    glueVersion,
];
