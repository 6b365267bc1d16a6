import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { IAM_ALLOWED_PRINCIPALS, isIamAllowedPrincipals } from "../lib/lakeformation";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { asList } from "../lib/stack";
import { TYPES } from "../lib/types";
import { known, probe } from "../lib/unknown";

/*
 * Lake Formation: data lake settings, grants and registered locations (LF-1 to LF-6; the Glue database
 * rules LF-2 and LF-4 are in glue.ts). Security Hub FSBP and cdk-nag have no Lake Formation controls: the LF-n ids
 * are the platform's own, taken from AWS Lake Formation guidance (/work/shared/reference/aws-controls.md).
 */

// LF-1: no IAMAllowedPrincipals in the account's default permissions for new databases and tables.

const lakeformationNoDefaultIamAllowedPrincipals = definePolicy({
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

// LF-3: data lake administrators are a small explicit set of IAM roles.

/** Why an administrator entry is not an explicit IAM role ARN, or undefined when it is one. */
function adminProblem(principal: string): string | undefined {
    if (principal.includes("*")) return "contains a wildcard";
    if (/^arn:[^:]+:iam::\d{12}:user\//.test(principal)) return "is an IAM user, not a role";
    if (!/^arn:[^:]+:iam::\d{12}:role\/.+/.test(principal))
        return "is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)";
    return undefined;
}

const lakeformationAdminsExplicitRoles = definePolicy({
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

// LF-2: no explicit grant to IAMAllowedPrincipals (Glue databases not handing new tables to it: glue.ts).

const lakeformationNoIamAllowedPrincipalsGrant = definePolicy({
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

// LF-5: registered S3 locations use a custom data access role.

const lakeformationLocationCustomRole = definePolicy({
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

// LF-4 (grants): catalog permissions go through LF-tag expressions, never named databases, tables or columns.

/** The named-resource blocks of an aws.lakeformation.Permissions that LF-4 rejects. */
const NAMED_CATALOG_RESOURCES = ["database", "table", "tableWithColumns", "dataCellsFilter"] as const;

/** True when `role` (an aws.iam.Role of the stack) can be assumed by AWS services only: an integration's role. */
function isServiceOnlyRole(role: PolicyResource): boolean {
    const text = known(() => propsOf<{ assumeRolePolicy?: unknown }>(role).assumeRolePolicy);
    if (typeof text !== "string") return false;
    try {
        const raw = (JSON.parse(text) as { Statement?: unknown }).Statement;
        const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ Principal?: unknown }>;
        return (
            statements.length > 0 &&
            statements.every(
                (st) =>
                    typeof st.Principal === "object" &&
                    st.Principal !== null &&
                    Object.keys(st.Principal).every((k) => k === "Service"),
            )
        );
    } catch {
        return false;
    }
}

const lakeformationGrantsByTag = definePolicy({
    name: "lakeformation-grants-by-tag",
    description:
        "Lake Formation catalog permissions to people, consumers, producers and other accounts are granted on LF-tag expressions (lfTagPolicy), never on named databases, tables, columns or data cells filters, so access follows the tags a resource carries and new tables are governed without new grants (LF-4; platform rule from AWS Lake Formation guidance, no FSBP or cdk-nag control). Exempt: a role of the stack that only AWS services assume (an integration such as Entity Resolution reading its one input table), data location, LF-tag and catalog grants; the column-level grants a data contract approves are made at run time by the contract reconciler.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Replace database/table/tableWithColumns/dataCellsFilter on the aws.lakeformation.Permissions with lfTagPolicy {resourceType: DATABASE or TABLE, expressions: [{key, values}]} over the domain, zone and classification LF-tags; tag the resources with aws.lakeformation.ResourceLfTags. Column-level access for a consumer goes through a data contract.",
    cdp: {
        concern: "governance",
        controls: ["LF-4", "platform rule"],
        inspects: [...TYPES.lakeformationPermissions, ...TYPES.iamRole],
    },
    validateStack: (args, reportViolation) => {
        const roles = args.resources.filter((r) => isType(r.type, TYPES.iamRole));
        for (const grant of args.resources.filter((r) => isType(r.type, TYPES.lakeformationPermissions))) {
            const props = propsOf<Record<string, unknown>>(grant);
            const named = NAMED_CATALOG_RESOURCES.filter((k) => {
                const value = known(() => props[k]);
                return value !== undefined && value !== null;
            });
            if (named.length === 0) continue;
            const principal = known(() => props.principal);
            const deps = (grant.propertyDependencies.principal ?? []).map((d) => d.urn);
            const role = roles.find(
                (r) =>
                    deps.includes(r.urn) ||
                    (typeof principal === "string" && known(() => propsOf<{ arn?: unknown }>(r).arn) === principal),
            );
            if (role && isServiceOnlyRole(role)) continue;
            reportViolation(
                `${grant.name}: grants ${known(() => asList(props.permissions))?.join(", ") || "permissions"} to ${typeof principal === "string" ? principal : "a principal"} on a named ${named.join(", ")} instead of an LF-tag expression (lfTagPolicy)`,
                grant.urn,
            );
        }
    },
});

// LF-6: a tag grant never covers pii or restricted data: only a data contract grants it, column by column.

/** Classification LF-tag values only a data contract may grant (the platform's `CONTRACT_ONLY_CLASSIFICATIONS`). */
const CONTRACT_ONLY = ["pii", "restricted"];

const lakeformationTagGrantsExcludeContractOnly = definePolicy({
    name: "lakeformation-tag-grants-exclude-contract-only",
    description:
        "No LF-tag grant names the classification values pii or restricted: personal and restricted data (pii columns carry classification=pii) is granted only through a data contract that approves the consumer, column by column (LF-6; platform rule, no FSBP or cdk-nag control).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove pii and restricted from the classification values of the lfTagPolicy expression; approve the consumer in the data product's contract instead, which grants the approved columns.",
    configSchema: {
        properties: {
            classificationKey: { type: "string", default: "classification" },
            contractOnlyValues: { type: "array", items: { type: "string" }, default: CONTRACT_ONLY },
        },
    },
    cdp: { concern: "governance", controls: ["LF-6", "platform rule"], inspects: [...TYPES.lakeformationPermissions] },
    validateResource: validateResourceOfType(aws.lakeformation.Permissions, (grant, args, reportViolation) => {
        const config = args.getConfig<{ classificationKey?: string; contractOnlyValues?: string[] }>();
        const key = (config.classificationKey ?? "classification").toLowerCase();
        const forbidden = config.contractOnlyValues ?? CONTRACT_ONLY;
        const expressions = known(() => grant.lfTagPolicy?.expressions) ?? [];
        for (const expression of expressions) {
            const tagKey = known(() => expression.key);
            if (typeof tagKey !== "string" || tagKey.toLowerCase() !== key) continue;
            const values = known(() => asList(expression.values)) ?? [];
            const hit = values.filter((v) => typeof v === "string" && forbidden.includes(v));
            if (hit.length > 0)
                reportViolation(
                    `${args.name}: the LF-tag grant to ${known(() => grant.principal) ?? "a principal"} covers ${key} ${hit.join(", ")}, which only a data contract may grant`,
                );
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const lakeformationPolicies: CdpPolicy[] = [
    lakeformationNoDefaultIamAllowedPrincipals,
    lakeformationAdminsExplicitRoles,
    lakeformationNoIamAllowedPrincipalsGrant,
    lakeformationLocationCustomRole,
    lakeformationGrantsByTag,
    lakeformationTagGrantsExcludeContractOnly,
];
