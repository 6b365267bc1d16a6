import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { asList } from "../lib/stack";
import { effectiveTags } from "../lib/tags";
import { TYPES } from "../lib/types";

/*
 * Lake Formation and tagging governance. Security Hub FSBP and cdk-nag have no Lake Formation controls: the LF-n ids
 * are the platform's own, taken from AWS Lake Formation guidance (/work/shared/reference/aws-controls.md).
 */

/** Lake Formation's identifier for "whoever IAM allows": grants to it switch Lake Formation permissions off. */
export const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

/** Both resources that attach LF-tags to a Data Catalog resource (v7 has the plural and the newer singular one). */
const LF_TAG_ATTACHMENTS: readonly string[] = [
    ...TYPES.lakeformationResourceLfTags,
    ...TYPES.lakeformationResourceLfTag,
];

/**
 * Reads a value that may be unknown during a real `pulumi preview` (the policy SDK's proxy throws
 * `UnknownValueError` on access, which would abort the whole policy): unknown reads as undefined.
 */
function known<T>(read: () => T): T | undefined {
    const r = probe(read);
    return r.known ? r.value : undefined;
}

/** Like `known`, telling an unknown value (`known: false`) apart from an absent one. */
function probe<T>(read: () => T): { known: true; value: T } | { known: false } {
    try {
        return { known: true, value: read() };
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") return { known: false };
        throw e;
    }
}

function isIamAllowedPrincipals(principal: unknown): boolean {
    return typeof principal === "string" && principal.trim().toUpperCase() === IAM_ALLOWED_PRINCIPALS;
}

/** A Glue database that is a resource link (points at a database of another catalog): it holds no tables of its own. */
function isResourceLink(props: Record<string, unknown>): boolean {
    return known(() => props.targetDatabase !== undefined && props.targetDatabase !== null) ?? false;
}

// ---------------------------------------------------------------------------------------------------------------
// LF-1: no IAMAllowedPrincipals in the account's default permissions for new databases and tables.

export const lakeformationNoDefaultIamAllowedPrincipals = definePolicy({
    name: "lakeformation-no-default-iam-allowed-principals",
    description:
        "Lake Formation data lake settings grant nothing to IAM_ALLOWED_PRINCIPALS in createDatabaseDefaultPermissions or createTableDefaultPermissions, so new databases and tables are governed by Lake Formation permissions instead of IAM alone (LF-1; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control). Omitted lists are accepted: Lake Formation stores empty defaults when they are left out of the settings.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.lakeformation.DataLakeSettings set createDatabaseDefaultPermissions: [] and createTableDefaultPermissions: []; grant access with aws.lakeformation.Permissions on LF-tag policies instead.",
    cdp: {
        concern: "governance",
        controls: ["LF-1", "platform rule"],
        inspects: [...TYPES.lakeformationDataLakeSettings],
    },
    validateResource: validateResourceOfType(aws.lakeformation.DataLakeSettings, (settings, args, reportViolation) => {
        const report = (message: string) => reportViolation(`${args.name}: ${message}`);
        const lists = {
            createDatabaseDefaultPermissions: known(() => settings.createDatabaseDefaultPermissions) ?? [],
            createTableDefaultPermissions: known(() => settings.createTableDefaultPermissions) ?? [],
        };
        for (const [property, entries] of Object.entries(lists)) {
            for (let i = 0; i < entries.length; i++) {
                if (!isIamAllowedPrincipals(known(() => entries[i].principal))) continue;
                const permissions = known(() => asList(entries[i].permissions)) ?? [];
                report(
                    `${property}[${i}] grants ${permissions.length ? permissions.join(", ") : "default permissions"} to ${IAM_ALLOWED_PRINCIPALS}: new ${property.startsWith("createDatabase") ? "databases" : "tables"} would be open to any IAM principal`,
                );
            }
        }
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// LF-3: data lake administrators are a small explicit set of IAM roles.

/** Why an administrator entry is not an explicit IAM role ARN, or undefined when it is one. */
function adminProblem(principal: string): string | undefined {
    if (principal.includes("*")) return "contains a wildcard";
    if (/^arn:[^:]+:iam::\d{12}:user\//.test(principal)) return "is an IAM user, not a role";
    if (!/^arn:[^:]+:iam::\d{12}:role\/.+/.test(principal))
        return "is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)";
    return undefined;
}

export const lakeformationAdminsExplicitRoles = definePolicy({
    name: "lakeformation-admins-explicit-roles",
    description:
        "Lake Formation data lake administrators (admins) are a small, non-empty, explicit set of IAM role ARNs — no IAM users, no wildcards — and read-only administrators (readOnlyAdmins, for auditors) are roles too; administrators hold implicit grant rights on the whole catalog (LF-3; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.lakeformation.DataLakeSettings set admins to the ARNs of the platform's data lake administrator roles (arn:aws:iam::<account>:role/<name>, at most the configured maximum), replace IAM users and wildcards with roles, and put auditors in readOnlyAdmins as roles.",
    configSchema: { properties: { maxAdmins: { type: "integer", minimum: 1, default: 5 } } },
    cdp: {
        concern: "governance",
        controls: ["LF-3", "platform rule"],
        inspects: [...TYPES.lakeformationDataLakeSettings],
    },
    validateResource: validateResourceOfType(aws.lakeformation.DataLakeSettings, (settings, args, reportViolation) => {
        const report = (message: string) => reportViolation(`${args.name}: ${message}`);
        const maxAdmins = args.getConfig<{ maxAdmins?: number }>().maxAdmins ?? 5;
        const admins = probe(() => settings.admins ?? []);
        if (admins.known) {
            // Absent admins is as bad as []: the provider writes the settings whole, leaving no administrator.
            if (admins.value.length === 0)
                report("admins is not set or empty: name at least one data lake administrator role explicitly");
            if (admins.value.length > maxAdmins)
                report(
                    `admins lists ${admins.value.length} principals; at most ${maxAdmins} administrators are allowed`,
                );
        }
        const lists = {
            admins: admins.known ? admins.value : [],
            readOnlyAdmins: known(() => settings.readOnlyAdmins) ?? [],
        };
        for (const [property, entries] of Object.entries(lists)) {
            for (let i = 0; i < entries.length; i++) {
                const principal = known(() => entries[i]);
                if (typeof principal !== "string") continue; // computed at preview: checked on update
                const problem = adminProblem(principal);
                if (problem) report(`${property}[${i}] "${principal}" ${problem}`);
            }
        }
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// LF-2: no explicit grant to IAMAllowedPrincipals; Glue databases do not hand new tables to it either.

export const lakeformationNoIamAllowedPrincipalsGrant = definePolicy({
    name: "lakeformation-no-iam-allowed-principals-grant",
    description:
        "No Lake Formation permission is granted to IAM_ALLOWED_PRINCIPALS, which would let IAM policies alone decide access and bypass Lake Formation (LF-2; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set principal on the aws.lakeformation.Permissions to an explicit IAM role ARN (or an account/organisation for sharing), preferably granting on an lfTagPolicy, and remove the IAM_ALLOWED_PRINCIPALS grant.",
    cdp: { concern: "governance", controls: ["LF-2", "platform rule"], inspects: [...TYPES.lakeformationPermissions] },
    validateResource: validateResourceOfType(aws.lakeformation.Permissions, (grant, args, reportViolation) => {
        const report = (message: string) => reportViolation(`${args.name}: ${message}`);
        if (!isIamAllowedPrincipals(known(() => grant.principal))) return;
        const permissions = known(() => asList(grant.permissions)) ?? [];
        report(
            `grants ${permissions.join(", ") || "permissions"} to ${IAM_ALLOWED_PRINCIPALS}: access would be decided by IAM alone`,
        );
    }),
});

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
export const glueDatabaseNoDefaultPermissions = definePolicy({
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
        if (isResourceLink(db as Record<string, unknown>)) return;
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

// ---------------------------------------------------------------------------------------------------------------
// LF-4: every Glue database carries the required LF-tags.

const DEFAULT_LF_TAG_KEYS = ["domain", "classification"];

/** The `{key, value}` pairs an LF-tag attachment resource assigns (plural `lfTags` or singular `lfTag`). */
function lfTagPairs(r: PolicyResource): Array<{ key: string; value: unknown }> {
    const raw = known(() => (isType(r.type, TYPES.lakeformationResourceLfTag) ? [r.props.lfTag] : r.props.lfTags));
    return (Array.isArray(raw) ? raw : [])
        .map((t) => known(() => ({ key: (t as { key?: unknown })?.key, value: (t as { value?: unknown })?.value })))
        .filter((t): t is { key: string; value: unknown } => typeof t?.key === "string");
}

/**
 * True when the LF-tag attachment `r` tags the database itself (not one of its tables): by equal `database.name`
 * (and catalog, when both name one) when the name is known, else by the property dependency of `database`.
 */
function tagsDatabase(r: PolicyResource, db: PolicyResource): boolean {
    const target = known(() => r.props.database as { name?: unknown; catalogId?: unknown } | undefined);
    if (!target) return false;
    const name = known(() => target.name);
    const dbName = known(() => db.props.name);
    if (typeof name === "string" && typeof dbName === "string") {
        const catalog = known(() => target.catalogId);
        const dbCatalog = known(() => db.props.catalogId);
        return (
            name === dbName && (typeof catalog !== "string" || typeof dbCatalog !== "string" || catalog === dbCatalog)
        );
    }
    return (r.propertyDependencies.database ?? []).some((d) => d.urn === db.urn);
}

export const glueDatabaseRequiredLfTags = definePolicy({
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
            if (isResourceLink(db.props)) continue;
            const present = new Set(
                attachments
                    .filter((a) => tagsDatabase(a, db))
                    .flatMap(lfTagPairs)
                    .filter((t) => t.value === undefined || (typeof t.value === "string" && t.value !== ""))
                    .map((t) => t.key.toLowerCase()),
            );
            const missing = required.filter((k) => !present.has(k));
            if (missing.length) {
                const dbName = known(() => db.props.name);
                reportViolation(
                    `${db.name}: Glue database ${typeof dbName === "string" ? `"${dbName}" ` : ""}has no LF-tag for ${missing.join(", ")} (no ResourceLfTags on database.name assigns ${missing.length > 1 ? "them" : "it"})`,
                    db.urn,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------------------
// LF-5: registered S3 locations use a custom data access role.

export const lakeformationLocationCustomRole = definePolicy({
    name: "lakeformation-location-custom-role",
    description:
        "S3 locations registered with Lake Formation use a custom data access role (roleArn), not the Lake Formation service-linked role, which does not fit KMS-encrypted, cross-account or EMR-read locations and cannot be scoped per location (LF-5; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.lakeformation.Resource set roleArn to a dedicated IAM role allowed to read/write the location and use its KMS key, and remove useServiceLinkedRole (or set it false).",
    cdp: { concern: "governance", controls: ["LF-5", "platform rule"], inspects: [...TYPES.lakeformationResource] },
    validateResource: validateResourceOfType(aws.lakeformation.Resource, (location, args, reportViolation) => {
        const report = (message: string) => reportViolation(`${args.name}: ${message}`);
        const where = known(() => location.arn) ?? "the location";
        if (known(() => location.useServiceLinkedRole) === true) {
            report(`location ${where} is registered with the service-linked role (useServiceLinkedRole is true)`);
        }
        const roleArn = probe(() => location.roleArn);
        if (!roleArn.known) return; // a role created in the same stack: its ARN is known on update
        if (roleArn.value === undefined || roleArn.value === null || roleArn.value === "") {
            report(`location ${where}: roleArn is not set, so Lake Formation uses its service-linked role`);
        } else if (/:role\/aws-service-role\//.test(roleArn.value)) {
            report(
                `location ${where}: roleArn ${roleArn.value} is a service-linked role, not a custom data access role`,
            );
        }
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// Required cost-allocation / ownership tags.

const DEFAULT_REQUIRED_TAGS = ["Project", "Environment", "Owner", "CostCenter"];

/**
 * Resource types the policy checks. An explicit list, because v7 inputs carry `tags` only when the program sets
 * them (default tags live on the provider), so a type's taggability cannot be read from its inputs. These are the
 * taggable types the platform deploys, with the deprecated twin where v7 has one (S3 BucketV2). Extend it when the
 * platform adopts a new taggable service.
 */
export const TAGGABLE_TYPES: readonly string[] = [
    ...TYPES.bucket,
    ...TYPES.kmsKey,
    ...TYPES.dynamodbTable,
    ...TYPES.kinesisStream,
    ...TYPES.firehoseDeliveryStream,
    ...TYPES.sqsQueue,
    ...TYPES.snsTopic,
    ...TYPES.logGroup,
    ...TYPES.lambdaFunction,
    ...TYPES.iamRole,
    ...TYPES.secretsmanagerSecret,
    ...TYPES.glueCatalogDatabase,
    ...TYPES.glueJob,
    ...TYPES.glueCrawler,
    ...TYPES.sfnStateMachine,
    ...TYPES.redshiftCluster,
    ...TYPES.redshiftServerlessNamespace,
    ...TYPES.redshiftServerlessWorkgroup,
    ...TYPES.neptuneCluster,
    ...TYPES.sagemakerNotebookInstance,
    ...TYPES.sagemakerDomain,
    ...TYPES.athenaWorkgroup,
    ...TYPES.eventBus,
    ...TYPES.transferServer,
    ...TYPES.daxCluster,
    ...TYPES.apigatewayRestApi,
    ...TYPES.apigatewayStage,
    ...TYPES.cloudtrailTrail,
];

export const requiredTags = definePolicy({
    name: "required-tags",
    description:
        "Taggable AWS resources carry the required tag keys (default Project, Environment, Owner, CostCenter) with non-empty values, counting their own tags merged over their provider's defaultTags (platform rule; cost allocation and ownership). The taggable types are an explicit list (TAGGABLE_TYPES) of the types the platform deploys.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the resource with the platform's aws.Provider, whose defaultTags.tags set Project, Environment, Owner and CostCenter, or set the missing keys in the resource's tags; do not override a required key with an empty value.",
    configSchema: {
        properties: { requiredKeys: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS } },
    },
    cdp: { concern: "governance", controls: ["platform rule"], inspects: [...TAGGABLE_TYPES] },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, TAGGABLE_TYPES)) return;
        const required = args.getConfig<{ requiredKeys?: string[] }>().requiredKeys ?? DEFAULT_REQUIRED_TAGS;
        const merged = probe(() => effectiveTags(args.props, args.provider));
        if (!merged.known) return; // a tag value computed at preview: checked on update
        const tags = merged.value;
        const missing = required.filter((k) => !(k in tags));
        const empty = required.filter((k) => k in tags && String(tags[k] ?? "").trim() === "");
        const problems = [
            ...(missing.length ? [`missing ${missing.join(", ")}`] : []),
            ...(empty.length ? [`empty ${empty.join(", ")}`] : []),
        ];
        if (problems.length) {
            const hasDefaults = args.provider !== undefined && Object.keys(effectiveTags({}, args.provider)).length > 0;
            const source = args.provider
                ? `provider ${args.provider.name} defaultTags${hasDefaults ? "" : " (none set)"}`
                : "the default provider (no defaultTags seen)";
            reportViolation(`${args.name}: required tags ${problems.join("; ")} (own tags merged over ${source})`);
        }
    },
});

/** Policies of this group (see policies/README.md for the coverage table). */
export const governanceLakePolicies: CdpPolicy[] = [
    lakeformationNoDefaultIamAllowedPrincipals,
    lakeformationAdminsExplicitRoles,
    lakeformationNoIamAllowedPrincipalsGrant,
    glueDatabaseNoDefaultPermissions,
    glueDatabaseRequiredLfTags,
    lakeformationLocationCustomRole,
    requiredTags,
];
