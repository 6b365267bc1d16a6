import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { IAM_ALLOWED_PRINCIPALS, isIamAllowedPrincipals } from "../lib/lakeformation";
import { type CdpPolicy, definePolicy, forTypes, isType, onType } from "../lib/policy";
import { type Block, block, defined, propsOf } from "../lib/props";
import { asList } from "../lib/stack";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";
import { known, probe } from "../lib/unknown";

/**
 * Glue: security configurations (S3, CloudWatch and job bookmark encryption with a customer-managed key) and the jobs
 * and crawlers that use them, Data Catalog encryption, Glue versions, and the Lake Formation governance of Data
 * Catalog databases (no default table permissions, required LF-tags: LF-2, LF-4, see lakeformation.ts).
 */

/** The props the rules read of an aws.glue.SecurityConfiguration. */
interface SecurityConfigurationProps {
    name?: string;
    id?: string;
    encryptionConfiguration?: Block<{
        s3Encryption?: Block<{ s3EncryptionMode?: string; kmsKeyArn?: string }>;
        cloudwatchEncryption?: Block<{ cloudwatchEncryptionMode?: string; kmsKeyArn?: string }>;
        jobBookmarksEncryption?: Block<{ jobBookmarksEncryptionMode?: string; kmsKeyArn?: string }>;
    }>;
}

/** The props the rules read of an aws.glue.Job or aws.glue.Crawler. */
interface WorkloadProps {
    securityConfiguration?: string;
}

/** The props glue-version reads of an aws.glue.Job. */
interface JobProps {
    command?: { name?: string };
    glueVersion?: string;
}

/** The props glue-catalog-encryption reads (aws.glue.DataCatalogEncryptionSettings). */
interface CatalogEncryptionProps {
    dataCatalogEncryptionSettings?: Block<{
        encryptionAtRest?: Block<{
            catalogEncryptionMode?: string;
            sseAwsKmsKeyId?: string;
            catalogEncryptionServiceRole?: string;
        }>;
        connectionPasswordEncryption?: Block<{ returnConnectionPasswordEncrypted?: boolean; awsKmsKeyId?: string }>;
    }>;
}

/** The props the LF rules read of an aws.glue.CatalogDatabase. */
interface DatabaseProps {
    name?: string;
    catalogId?: string;
    targetDatabase?: unknown;
}

/** An LF-tag as an attachment assigns it. */
interface LfTagPair {
    key?: unknown;
    value?: unknown;
}

/** The props of an aws.lakeformation.ResourceLfTags (`lfTags`) or ResourceLfTag (`lfTag`). */
interface LfTagAttachmentProps {
    database?: { name?: unknown; catalogId?: unknown };
    lfTag?: LfTagPair;
    lfTags?: LfTagPair[];
}

/** Problems of a Glue security configuration's encryptionConfiguration (S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS). */
function glueSecurityConfigurationProblems(props: SecurityConfigurationProps): string[] {
    const config = block(props.encryptionConfiguration);
    if (!config) return ["encryptionConfiguration is not set"];
    const problems: string[] = [];
    const s3 = block(config.s3Encryption);
    if (s3?.s3EncryptionMode !== "SSE-KMS") {
        problems.push(
            `encryptionConfiguration.s3Encryption.s3EncryptionMode is ${s3?.s3EncryptionMode ?? "unset (DISABLED)"}, not SSE-KMS`,
        );
    } else {
        problems.push(...defined(cmkProblem("encryptionConfiguration.s3Encryption.kmsKeyArn", s3.kmsKeyArn)));
    }
    const cw = block(config.cloudwatchEncryption);
    if (cw?.cloudwatchEncryptionMode !== "SSE-KMS") {
        problems.push(
            `encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode is ${cw?.cloudwatchEncryptionMode ?? "unset (DISABLED)"}, not SSE-KMS`,
        );
    } else {
        problems.push(...defined(cmkProblem("encryptionConfiguration.cloudwatchEncryption.kmsKeyArn", cw.kmsKeyArn)));
    }
    const bookmarks = block(config.jobBookmarksEncryption);
    if (bookmarks?.jobBookmarksEncryptionMode !== "CSE-KMS") {
        problems.push(
            `encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode is ${bookmarks?.jobBookmarksEncryptionMode ?? "unset (DISABLED)"}, not CSE-KMS`,
        );
    } else {
        problems.push(
            ...defined(cmkProblem("encryptionConfiguration.jobBookmarksEncryption.kmsKeyArn", bookmarks.kmsKeyArn)),
        );
    }
    return problems;
}

const glueSecurityConfiguration = definePolicy({
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
    validateResource: onType(
        TYPES.glueSecurityConfiguration,
        "Glue security configuration",
        (props: SecurityConfigurationProps) => glueSecurityConfigurationProblems(props),
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
    const value = propsOf<WorkloadProps>(user).securityConfiguration;
    return typeof value === "string"
        ? configs.find((c) => {
              const config = propsOf<SecurityConfigurationProps>(c);
              return (config.name ?? config.id) === value;
          })
        : undefined;
}

const glueJobsUseSecurityConfiguration = definePolicy({
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
            const value = propsOf<WorkloadProps>(user).securityConfiguration;
            const config = securityConfigurationOf(args.resources, user);
            if (config) {
                const problems = glueSecurityConfigurationProblems(propsOf<SecurityConfigurationProps>(config));
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

const glueCatalogEncryption = definePolicy({
    name: "glue-catalog-encryption",
    description:
        "The Glue Data Catalog is encrypted at rest with a customer-managed KMS key and returns connection passwords encrypted with a customer-managed key (platform rule; no FSBP or cdk-nag control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.glue.DataCatalogEncryptionSettings set dataCatalogEncryptionSettings.encryptionAtRest {catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: <CMK ARN>} and dataCatalogEncryptionSettings.connectionPasswordEncryption {returnConnectionPasswordEncrypted: true, awsKmsKeyId: <CMK ARN>}.',
    cdp: { concern: "encryption", controls: ["platform rule"], inspects: [...TYPES.glueCatalogEncryption] },
    validateResource: onType(
        TYPES.glueCatalogEncryption,
        "Glue Data Catalog encryption settings",
        (props: CatalogEncryptionProps) => {
            const settings = block(props.dataCatalogEncryptionSettings);
            if (!settings) return ["dataCatalogEncryptionSettings is not set"];
            const problems: string[] = [];
            const atRest = block(settings.encryptionAtRest);
            const mode = atRest?.catalogEncryptionMode;
            if (mode !== "SSE-KMS" && mode !== "SSE-KMS-WITH-SERVICE-ROLE") {
                problems.push(`encryptionAtRest.catalogEncryptionMode is ${mode ?? "unset"}, not SSE-KMS`);
            } else {
                problems.push(...defined(cmkProblem("encryptionAtRest.sseAwsKmsKeyId", atRest?.sseAwsKmsKeyId)));
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
                problems.push(
                    ...defined(cmkProblem("connectionPasswordEncryption.awsKmsKeyId", passwords.awsKmsKeyId)),
                );
            }
            return problems;
        },
    ),
});

/** Minimum Glue version of Spark, streaming and Ray jobs; Python shell jobs top out at 3.0. */
const DEFAULT_MINIMUM_GLUE_VERSION = "4.0";

const DEFAULT_MINIMUM_PYTHON_SHELL_GLUE_VERSION = "3.0";

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

const glueVersion = definePolicy({
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
    validateResource: forTypes(TYPES.glueJob, (args, reportViolation) => {
        const config = args.getConfig<{ minimumVersion?: string; minimumPythonShellVersion?: string }>();
        const props = propsOf<JobProps>(args);
        const kind = String(props.command?.name ?? "glueetl");
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
    }),
});

/** The props glue-job-continuous-logging reads of an aws.glue.Job. */
interface JobArgumentsProps {
    command?: { name?: string };
    defaultArguments?: Record<string, unknown>;
    nonOverridableArguments?: Record<string, unknown>;
}

/** Job kinds that run Spark (continuous logging applies to them; Python shell and Ray jobs log otherwise). */
const SPARK_JOB_KINDS = ["glueetl", "gluestreaming"];

const glueJobContinuousLogging = definePolicy({
    name: "glue-job-continuous-logging",
    description:
        "Glue Spark jobs (glueetl, gluestreaming) turn on continuous logging to CloudWatch Logs (--enable-continuous-cloudwatch-log true), so a failed or slow run can be diagnosed from its driver and executor logs, encrypted by the job's security configuration (platform rule; no FSBP or cdk-nag control).",
    severity: "low",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.glue.Job set defaultArguments (or nonOverridableArguments) "--enable-continuous-cloudwatch-log": "true", optionally with "--continuous-log-logGroup" naming a KMS-encrypted log group with retention.',
    cdp: { concern: "governance", controls: ["platform rule"], inspects: [...TYPES.glueJob] },
    validateResource: forTypes(TYPES.glueJob, (args, reportViolation) => {
        const props = propsOf<JobArgumentsProps>(args);
        const kind = known(() => props.command?.name) ?? "glueetl";
        if (typeof kind !== "string" || !SPARK_JOB_KINDS.includes(kind)) return;
        const flag = "--enable-continuous-cloudwatch-log";
        const value = known(() => props.nonOverridableArguments?.[flag] ?? props.defaultArguments?.[flag]);
        if (value === undefined)
            return void reportViolation(`${args.name}: ${flag} is not set: the job has no continuous logging`);
        if (String(value).toLowerCase() !== "true") {
            reportViolation(`${args.name}: ${flag} is ${JSON.stringify(value)}, not "true"`);
        }
    }),
});

/** Both resources that attach LF-tags to a Data Catalog resource (v7 has the plural and the newer singular one). */
const LF_TAG_ATTACHMENTS: readonly string[] = [
    ...TYPES.lakeformationResourceLfTags,
    ...TYPES.lakeformationResourceLfTag,
];

/** A Glue database that is a resource link (points at a database of another catalog): it holds no tables of its own. */
function isResourceLink(props: Pick<DatabaseProps, "targetDatabase">): boolean {
    return known(() => props.targetDatabase !== undefined && props.targetDatabase !== null) ?? false;
}

/*
 * Decision for glue-database-no-default-permissions: createTableDefaultPermissions must be PRESENT and EMPTY.
 * - Absent: Glue then applies the account's default (Lake Formation's factory default is ALL to IAMAllowedPrincipals),
 *   and whether LF-1 settings are in force cannot be seen from this stack (DataLakeSettings is an account-wide
 *   singleton, usually owned elsewhere). The platform's DataLake sets [] explicitly, so requiring it costs nothing.
 * - IAM_ALLOWED_PRINCIPALS: always a violation (the LF-2 bypass).
 * - Another explicit principal: also a violation by default, because it is an implicit grant outside the LF-tag
 *   model (LF-4: grants go through lfTagPolicy); `allowNamedPrincipals: true` relaxes this to the LF-2 minimum.
 * Resource links (targetDatabase) hold no tables of their own and are exempt.
 */
const glueDatabaseNoDefaultPermissions = definePolicy({
    name: "glue-database-no-default-permissions",
    description:
        "Glue Data Catalog databases set createTableDefaultPermissions explicitly to an empty list, so new tables get no implicit grant (Lake Formation's default is ALL to IAM_ALLOWED_PRINCIPALS) and access goes through Lake Formation LF-tag grants (LF-2; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control). Resource links are exempt.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set createTableDefaultPermissions: [] on the aws.glue.CatalogDatabase (the DataLake component does) and grant table access with aws.lakeformation.Permissions on an lfTagPolicy.",
    configSchema: { properties: { allowNamedPrincipals: { type: "boolean", default: false } } },
    cdp: { concern: "governance", controls: ["LF-2", "platform rule"], inspects: [...TYPES.glueCatalogDatabase] },
    validateResource: validateResourceOfType(aws.glue.CatalogDatabase, (db, args, reportViolation) => {
        const report = (message: string) => reportViolation(`${args.name}: ${message}`);
        if (isResourceLink(db)) return;
        const allowNamed = args.getConfig<{ allowNamedPrincipals?: boolean }>().allowNamedPrincipals ?? false;
        const read = probe(() => db.createTableDefaultPermissions);
        if (!read.known) return;
        const entries = read.value;
        if (entries === undefined || entries === null) {
            report(
                `createTableDefaultPermissions is not set: new tables inherit the account default (${IAM_ALLOWED_PRINCIPALS} ALL unless the data lake settings say otherwise)`,
            );
            return;
        }
        for (let i = 0; i < entries.length; i++) {
            const principal = known(() => entries[i].principal?.dataLakePrincipalIdentifier);
            const permissions = known(() => asList(entries[i].permissions)) ?? [];
            if (isIamAllowedPrincipals(principal)) {
                report(
                    `createTableDefaultPermissions[${i}] grants ${permissions.join(", ") || "permissions"} on new tables to ${IAM_ALLOWED_PRINCIPALS}`,
                );
            } else if (!allowNamed) {
                report(
                    `createTableDefaultPermissions[${i}] grants ${permissions.join(", ") || "permissions"} on new tables to ${principal ?? "a principal"}: default permissions must be empty (grant through LF-tag policies)`,
                );
            }
        }
    }),
});

// LF-4: every Glue database carries the required LF-tags.

const DEFAULT_LF_TAG_KEYS = ["domain", "classification"];

/** The `{key, value}` pairs an LF-tag attachment resource assigns (plural `lfTags` or singular `lfTag`). */
function lfTagPairs(r: PolicyResource): Array<{ key: string; value: unknown }> {
    const props = propsOf<LfTagAttachmentProps>(r);
    const raw = known(() => (isType(r.type, TYPES.lakeformationResourceLfTag) ? [props.lfTag] : props.lfTags));
    return (Array.isArray(raw) ? raw : [])
        .map((t) => known(() => ({ key: t?.key, value: t?.value })))
        .filter((t): t is { key: string; value: unknown } => typeof t?.key === "string");
}

/**
 * True when the LF-tag attachment `r` tags the database itself (not one of its tables): by equal `database.name`
 * (and catalog, when both name one) when the name is known, else by the property dependency of `database`.
 */
function tagsDatabase(r: PolicyResource, db: PolicyResource): boolean {
    const target = known(() => propsOf<LfTagAttachmentProps>(r).database);
    if (!target) return false;
    const dbProps = propsOf<DatabaseProps>(db);
    const name = known(() => target.name);
    const dbName = known(() => dbProps.name);
    if (typeof name === "string" && typeof dbName === "string") {
        const catalog = known(() => target.catalogId);
        const dbCatalog = known(() => dbProps.catalogId);
        return (
            name === dbName && (typeof catalog !== "string" || typeof dbCatalog !== "string" || catalog === dbCatalog)
        );
    }
    return (r.propertyDependencies.database ?? []).some((d) => d.urn === db.urn);
}

const glueDatabaseRequiredLfTags = definePolicy({
    name: "glue-database-required-lf-tags",
    description:
        "Every Glue Data Catalog database carries the required LF-tags (default keys: domain, classification) through aws.lakeformation.ResourceLfTags/ResourceLfTag, so LF-tag policies can govern it (LF-4; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control). Keys compare lower-case, as Lake Formation stores them.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Define the keys with aws.lakeformation.LfTag and attach them to the database with an aws.lakeformation.ResourceLfTags whose database.name is the database's name and whose lfTags hold one { key, value } per required key (domain, classification by default).",
    configSchema: {
        properties: { requiredKeys: { type: "array", items: { type: "string" }, default: DEFAULT_LF_TAG_KEYS } },
    },
    cdp: {
        concern: "governance",
        controls: ["LF-4", "platform rule"],
        inspects: [
            ...TYPES.glueCatalogDatabase,
            ...TYPES.lakeformationResourceLfTags,
            ...TYPES.lakeformationResourceLfTag,
        ],
    },
    validateStack: (args, reportViolation) => {
        const required = (args.getConfig<{ requiredKeys?: string[] }>().requiredKeys ?? DEFAULT_LF_TAG_KEYS).map((k) =>
            k.toLowerCase(),
        );
        const attachments = args.resources.filter((r) => LF_TAG_ATTACHMENTS.includes(r.type));
        for (const db of args.resources.filter((r) => isType(r.type, TYPES.glueCatalogDatabase))) {
            if (isResourceLink(propsOf<DatabaseProps>(db))) continue;
            const present = new Set(
                attachments
                    .filter((a) => tagsDatabase(a, db))
                    .flatMap(lfTagPairs)
                    .filter((t) => t.value === undefined || (typeof t.value === "string" && t.value !== ""))
                    .map((t) => t.key.toLowerCase()),
            );
            const missing = required.filter((k) => !present.has(k));
            if (missing.length) {
                const dbName = known(() => propsOf<DatabaseProps>(db).name);
                reportViolation(
                    `${db.name}: Glue database ${typeof dbName === "string" ? `"${dbName}" ` : ""}has no LF-tag for ${missing.join(", ")} (no ResourceLfTags on database.name assigns ${missing.length > 1 ? "them" : "it"})`,
                    db.urn,
                );
            }
        }
    },
});

/** The props glue-crawler-never-deletes reads of an aws.glue.Crawler. */
interface CrawlerProps {
    schemaChangePolicy?: Block<{ deleteBehavior?: string; updateBehavior?: string }>;
}

const glueCrawlerNeverDeletes = definePolicy({
    name: "glue-crawler-never-deletes",
    description:
        "Glue crawlers never delete catalog tables when objects disappear from S3 (schemaChangePolicy.deleteBehavior is not DELETE_FROM_DATABASE): a governed table carries LF-tags and grants that a delete loses, and an emptied prefix is not a retired dataset (platform rule; no FSBP or cdk-nag control). Unset means DEPRECATE_IN_DATABASE and is accepted.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.glue.Crawler set schemaChangePolicy.deleteBehavior to "LOG" (required with recrawlPolicy CRAWL_NEW_FOLDERS_ONLY) or "DEPRECATE_IN_DATABASE".',
    cdp: { concern: "governance", controls: ["platform rule"], inspects: [...TYPES.glueCrawler] },
    validateResource: onType(TYPES.glueCrawler, "Glue crawler", (props: CrawlerProps) => {
        const behavior = known(() => block(props.schemaChangePolicy)?.deleteBehavior);
        return behavior === "DELETE_FROM_DATABASE"
            ? ["schemaChangePolicy.deleteBehavior is DELETE_FROM_DATABASE: the crawler would delete catalog tables"]
            : [];
    }),
});

const glueResourcePolicyNotPublic = resourcePolicyNotPublic({
    name: "glue-resource-policy-not-public",
    subject: "Glue Data Catalog resource policies (aws.glue.ResourcePolicy)",
    controls: ["platform rule"],
    remediation:
        'In the aws.glue.ResourcePolicy name the consumer accounts or roles; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount (cross-account catalog sharing through Lake Formation grants needs no open policy).',
    sources: [policyProperty(TYPES.glueResourcePolicy)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const gluePolicies: CdpPolicy[] = [
    glueSecurityConfiguration,
    glueJobsUseSecurityConfiguration,
    glueCatalogEncryption,
    glueVersion,
    glueJobContinuousLogging,
    glueDatabaseNoDefaultPermissions,
    glueDatabaseRequiredLfTags,
    glueResourcePolicyNotPublic,
    glueCrawlerNeverDeletes,
];
