import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { type CdpPolicy, definePolicy, forTypes, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import {
    allowReach,
    canMatchService,
    isServiceWideAction,
    type ParsedStatement,
    parsePolicy,
    serviceOf,
} from "../lib/iam";
import { asList } from "../lib/stack";
import { TYPES } from "../lib/types";
import { known } from "../lib/unknown";

/**
 * IAM: identity policies (no wildcard actions, no account-wide resources on data and KMS services), no AWS-managed
 * administrator policies, trust policies not open. Statements are read with IAM semantics (lib/iam): actions
 * case-insensitive, wildcards matched as IAM matches them, NotAction/NotResource/NotPrincipal taken for what they
 * admit.
 */

/** Resources holding identity-policy documents (never trust policies: a role's assumeRolePolicy is not inspected). */
const IDENTITY_POLICY_TYPES: readonly string[] = [
    ...TYPES.iamPolicy,
    ...TYPES.iamRolePolicy,
    ...TYPES.iamRole,
    ...TYPES.iamUserPolicy,
    ...TYPES.iamGroupPolicy,
];

/** The props of the resources holding identity-policy documents. */
interface IdentityPolicyProps {
    /** Policy, RolePolicy, UserPolicy, GroupPolicy: the document. */
    policy?: unknown;
    /** Role: its inline policies (its assumeRolePolicy is a trust policy, not read). */
    inlinePolicies?: Array<{ name?: string; policy?: unknown } | undefined>;
}

/** The props iam-no-aws-managed-admin reads (policy attachments, exclusive attachments, a role's managedPolicyArns). */
interface AttachmentProps {
    policyArn?: string;
    policyArns?: string[];
    managedPolicyArns?: string[];
}

/** The identity-policy documents of a resource, each with a label for messages. */
function identityDocuments(type: string, props: IdentityPolicyProps): Array<{ where: string; document: unknown }> {
    if (isType(type, TYPES.iamRole)) {
        const inline = Array.isArray(props.inlinePolicies) ? props.inlinePolicies : [];
        return inline.map((p, i) => ({
            where: `inlinePolicies[${i}]${p?.name ? ` (${p.name})` : ""}`,
            document: p?.policy,
        }));
    }
    return isType(type, IDENTITY_POLICY_TYPES) ? [{ where: "policy", document: props.policy }] : [];
}

/**
 * Runs `check` on every Allow statement of every identity-policy document of the resource (an unreadable statement
 * is reported as such: it cannot be shown to be least-privilege). Documents unknown at preview are judged when
 * `pulumi up` resolves them.
 */
function forEachAllowStatement(
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    check: (statement: ParsedStatement) => string | undefined,
): void {
    const documents = known(() => identityDocuments(args.type, propsOf<IdentityPolicyProps>(args))) ?? [];
    for (const { where, document } of documents) {
        const parsed = parsePolicy(() => document);
        if (!parsed.known) continue;
        for (const u of parsed.unreadable) reportViolation(`${args.name}: ${where}: cannot be judged: ${u}`);
        for (const s of parsed.statements) {
            if (s.unreadable.length) {
                reportViolation(`${args.name}: ${where}: ${s.label} cannot be judged: ${s.unreadable.join("; ")}`);
                continue;
            }
            if (s.effect !== "Allow") continue;
            const problem = check(s);
            if (problem) reportViolation(`${args.name}: ${where}: ${problem}`);
        }
    }
}

const iamNoWildcardAction = definePolicy({
    name: "iam-no-wildcard-action",
    description:
        'IAM identity policies (aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy and a role\'s inlinePolicies) allow no action pattern that covers a whole service or spans services ("*", "s3:*", "S3:*", "s3:**", "*:Get*", a "*" hidden in an Action list), and no Allow with NotAction (FSBP IAM.1, IAM.21; cdk-nag AwsSolutions-IAM5). Deny statements may use wildcards; unreadable statements are reported.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the policy document (policy of aws.iam.Policy / RolePolicy / UserPolicy / GroupPolicy, or inlinePolicies[].policy of aws.iam.Role) list the specific actions the workload calls (e.g. "s3:GetObject", "kms:Decrypt") instead of "*" or "<service>:*", and replace Allow + NotAction with an explicit Action list. The component helpers (s3AccessStatements) build least-privilege statements.',
    cdp: {
        concern: "governance",
        controls: ["FSBP IAM.1", "FSBP IAM.21", "cdk-nag AwsSolutions-IAM5"],
        inspects: [...IDENTITY_POLICY_TYPES],
    },
    validateResource: forTypes(IDENTITY_POLICY_TYPES, (args, reportViolation) => {
        forEachAllowStatement(args, reportViolation, (s) => {
            if (s.action.not) {
                return `${s.label} allows NotAction ${JSON.stringify(s.action.patterns)}, i.e. every other action of every service`;
            }
            const wild = s.action.patterns.filter(isServiceWideAction);
            return wild.length
                ? `${s.label} allows wildcard action${wild.length > 1 ? "s" : ""} ${wild.map((a) => `"${a}"`).join(", ")}`
                : undefined;
        });
    }),
});

/** Services whose data (or keys) must never be granted on every resource of the account. */
const DATA_SERVICES = [
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
const RESOURCE_STAR_EXEMPT_ACTIONS: readonly string[] = [
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
    // Glue Data Quality: the status of an evaluation run (its request names only the run id; authorised on
    // dataQualityRuleset/*, https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html; rule
    // outcomes need GetDataQualityResult, scoped to the ruleset)
    "glue:GetDataQualityRulesetEvaluationRun",
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
 * The named opt-out for Lake Formation grant administration: a statement with exactly this Sid may allow the actions
 * below on "*". They cannot be scoped (Lake Formation actions have no resource-level permissions: "Actions defined by
 * AWS Lake Formation", https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslakeformation.html),
 * and for a principal that is not a data lake administrator Lake Formation bounds them by what the principal holds WITH
 * GRANT OPTION (data filters need SELECT with grant option on the table:
 * https://docs.aws.amazon.com/lake-formation/latest/dg/managing-filters.html). The contract reconciler uses it. Settings,
 * registration and LF-tag administration (PutDataLakeSettings, RegisterResource, CreateLFTag...) are never opted out.
 */
export const LF_GRANT_OPT_OUT_SID = "LakeFormationGrantOptionBounded";
const LF_GRANT_OPT_OUT_ACTIONS: readonly string[] = [
    "lakeformation:GrantPermissions",
    "lakeformation:RevokePermissions",
    "lakeformation:BatchGrantPermissions",
    "lakeformation:BatchRevokePermissions",
    "lakeformation:CreateDataCellsFilter",
    "lakeformation:GetDataCellsFilter",
    "lakeformation:UpdateDataCellsFilter",
    "lakeformation:DeleteDataCellsFilter",
    "lakeformation:ListDataCellsFilter",
].map((a) => a.toLowerCase());

/**
 * True when `resource` is every resource of the account: `"*"`, or an ARN whose resource part is a wildcard for the
 * whole resource type (`arn:aws:s3:::*`, `arn:aws:s3:::*\/*`, `...:key/*`, `...:table/*`, `...:secret:*`, `...:*`).
 * Name-prefix patterns (`arn:aws:s3:::cdp-raw-*`, `...:table/cdp_*`) scope by naming convention and are accepted.
 */
function isAccountWideResource(resource: string): boolean {
    const r = resource.trim();
    if (r === "*" || r === "arn:*") return true;
    const parts = r.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return /^\*/.test(r);
    const service = parts[2];
    const rest = parts.slice(5).join(":");
    if (service === "*") return true;
    // S3: a bucket pattern without a name fragment (`*`, `*/*`, `*-*`) matches every bucket; one that names a
    // fragment (`*aws-data-exchange*`, AWS Data Exchange's own buckets) does not.
    if (service === "s3")
        return rest.startsWith("*") && !/[A-Za-z0-9]{3}/.test(rest.split("/")[0].replace(/[*?]/g, " "));
    return /^([A-Za-z0-9_-]+[/:])?\*([/:].*)?$/.test(rest);
}

const iamNoWildcardResourceDataKms = definePolicy({
    name: "iam-no-wildcard-resource-data-kms",
    description:
        'IAM identity policies (aws.iam.Policy, RolePolicy, UserPolicy, GroupPolicy and a role\'s inlinePolicies) do not allow actions of data or KMS services (s3, kms, dynamodb, kinesis, firehose, glue, lakeformation, secretsmanager, sqs, sns, redshift-data, athena, dax) on "*" or on an account-wide ARN wildcard (arn:aws:s3:::*, key/*, table/*...), nor with NotResource, nor with NotAction (service names compared case-insensitively) (FSBP KMS.1, KMS.2 for kms:Decrypt/ReEncryptFrom; cdk-nag AwsSolutions-IAM5; platform rule for the other services). Actions AWS only authorises on "*" and that reach no data (s3:ListAllMyBuckets, kms:ListAliases, kms:CreateKey, lakeformation:GetDataAccess, redshift-data statement calls...) are exempt; conditions do not exempt a statement. Lake Formation grant administration (GrantPermissions, RevokePermissions, the data cells filter actions) is accepted on "*" only in a statement with the named opt-out Sid LakeFormationGrantOptionBounded.',
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
    validateResource: forTypes(IDENTITY_POLICY_TYPES, (args, reportViolation) => {
        const extra = args.getConfig<{ additionalExemptActions?: string[] }>().additionalExemptActions ?? [];
        const exempt = new Set([...RESOURCE_STAR_EXEMPT_ACTIONS, ...extra].map((a) => a.toLowerCase()));
        const services: readonly string[] = DATA_SERVICES;
        forEachAllowStatement(args, reportViolation, (s) => {
            const resource = s.resource ?? { not: false, patterns: [] };
            const wideResources = resource.not ? [] : resource.patterns.filter(isAccountWideResource);
            if (wideResources.length === 0 && !resource.not) return undefined;
            const optedOut = s.label === `statement ${LF_GRANT_OPT_OUT_SID}`;
            const offending = s.action.not
                ? [`(NotAction ${JSON.stringify(s.action.patterns)}: every other action)`]
                : s.action.patterns.filter((a) => {
                      const service = serviceOf(a);
                      if (service === "*") return true;
                      if (!services.some((d) => canMatchService(a, d))) return false;
                      if (optedOut && LF_GRANT_OPT_OUT_ACTIONS.includes(a.trim().toLowerCase())) return false;
                      return /[*?]/.test(a) || !exempt.has(a.trim().toLowerCase());
                  });
            if (offending.length === 0) return undefined;
            const on = resource.not
                ? `NotResource ${JSON.stringify(resource.patterns)}`
                : wideResources.map((r) => `"${r}"`).join(", ");
            return `${s.label} allows ${offending.map((a) => (a.startsWith("(") ? a : `"${a}"`)).join(", ")} on ${on} (every resource of the account)`;
        });
    }),
});

/** AWS-managed policies that grant administrator or IAM-administrator rights. */
const DEFAULT_DENIED_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** The AWS-managed policy name of `arn` (any partition, any path), or undefined when it is not AWS-managed. */
function awsManagedPolicyName(arn: unknown): string | undefined {
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

const iamNoAwsManagedAdmin = definePolicy({
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
    validateResource: forTypes(ATTACHMENT_TYPES, (args, reportViolation) => {
        const denied =
            args.getConfig<{ deniedPolicies?: string[] }>().deniedPolicies ?? DEFAULT_DENIED_MANAGED_POLICIES;
        const props = propsOf<AttachmentProps>(args);
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
    }),
});

/** The props iam-role-trust-not-public reads of an aws.iam.Role. */
interface TrustProps {
    assumeRolePolicy?: unknown;
}

/**
 * The web-identity (OIDC) provider a Federated principal names: a bare provider host (cognito-identity.amazonaws.com,
 * accounts.google.com...) or the host of an oidc-provider ARN; undefined for SAML providers (the account's own IdP).
 */
function oidcProviderHost(federated: string): string | undefined {
    const arn = /^arn:[^:]+:iam::\d{12}:(oidc-provider|saml-provider)\/(.+)$/.exec(federated.trim());
    if (arn) return arn[1] === "oidc-provider" ? arn[2].toLowerCase() : undefined;
    return federated.trim().toLowerCase();
}

/** Why a trust statement lets callers in who are not confined, or undefined. */
function trustProblem(s: ParsedStatement): string | undefined {
    const reach = allowReach(s);
    if (reach.open) return `${s.label} ${reach.why}`;
    for (const f of reach.federated) {
        const host = oidcProviderHost(f);
        if (!host) continue;
        // Without a test on the provider's own keys any identity the provider issues a token to can assume the role
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).
        const tests = s.conditions.filter((t) => t.key.startsWith(`${host}:`));
        const confining = tests.filter(
            (t) => whyNotConfiningProvider(t.operator, t.ifExists, t.set, t.values) === undefined,
        );
        if (confining.length === 0) {
            const near = tests.map((t) => whyNotConfiningProvider(t.operator, t.ifExists, t.set, t.values));
            return `${s.label} trusts the identity provider ${f} without a condition on its keys (${host}:aud, ${host}:sub...) naming who may assume the role${near.length ? ` (${near.join("; ")})` : ""}`;
        }
    }
    return undefined;
}

/** Like whyNotConfining, for identity-provider keys, whose values are audiences and subjects, not accounts. */
function whyNotConfiningProvider(
    operator: string,
    ifExists: boolean,
    set: string | undefined,
    values: string[],
): string | undefined {
    const base = operator
        .replace(/^for(any|all)values:/i, "")
        .replace(/ifexists$/i, "")
        .toLowerCase();
    if (ifExists || set === "forallvalues") return `${operator} also passes tokens without the key`;
    if (!["stringequals", "stringequalsignorecase", "stringlike"].includes(base))
        return `${operator} does not name the allowed values`;
    if (values.length === 0 || values.some((v) => /^[*?]+$/.test(v.trim()))) return `${operator} admits any value`;
    return undefined;
}

const iamRoleTrustNotPublic = definePolicy({
    name: "iam-role-trust-not-public",
    description:
        'IAM role trust policies (aws.iam.Role assumeRolePolicy) allow no principal to every caller ("*", a "*" among other principals, NotPrincipal) unless a positive condition (not IfExists, not ForAllValues, no wildcard value) confines it to a named organisation or account (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn...), and trust a web-identity (OIDC) provider only with a positive condition on its own keys (<provider>:aud, :sub) that admits not just any value (platform rule; FSBP IAM.1 spirit). Service principals are accepted without source conditions (whether a service sends aws:SourceAccount on AssumeRole is per service); unreadable statements count as open; documents unknown at preview are judged when `pulumi up` resolves them.',
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the assumeRolePolicy name the account, role or service principals that may assume the role; if "*" is unavoidable, confine it with StringEquals on aws:PrincipalOrgID or aws:PrincipalAccount; for a Federated OIDC provider add StringEquals "<provider>:aud" and StringLike "<provider>:sub" naming the allowed audience and subjects.',
    cdp: { concern: "governance", controls: ["platform rule", "FSBP IAM.1"], inspects: [...TYPES.iamRole] },
    validateResource: forTypes(TYPES.iamRole, (args, reportViolation) => {
        const parsed = parsePolicy(() => propsOf<TrustProps>(args).assumeRolePolicy);
        if (!parsed.known) return;
        for (const u of parsed.unreadable) reportViolation(`${args.name}: assumeRolePolicy cannot be judged: ${u}`);
        for (const s of parsed.statements) {
            if (s.effect === "Deny" && s.unreadable.length === 0) continue;
            const problem = trustProblem(s);
            if (problem) reportViolation(`${args.name}: assumeRolePolicy: ${problem}`);
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const iamPolicies: CdpPolicy[] = [
    iamNoWildcardAction,
    iamNoWildcardResourceDataKms,
    iamNoAwsManagedAdmin,
    iamRoleTrustNotPublic,
];
