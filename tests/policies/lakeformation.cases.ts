import * as aws from "@pulumi/aws";
import { ACCOUNT, governedDatabase, roleArn, type PolicyCase } from "./kit";

/**
 * Cases of the Lake Formation rules (rules/lakeformation.ts). Compliant programs do not use `lake(p)` (its
 * databases have no LF-tags yet): they build a minimal governed database (governedDatabase) instead.
 */

const ADMINS = [roleArn("cdp-lake-admin")];

const AUDITORS = [roleArn("cdp-lake-auditor")];

type SettingsArgs = aws.lakeformation.DataLakeSettingsArgs;

/** Data lake settings compliant with LF-1 and LF-3, with `override` applied. */
function settings(p: aws.Provider, override: Partial<SettingsArgs> = {}): void {
    new aws.lakeformation.DataLakeSettings(
        "settings",
        {
            admins: ADMINS,
            readOnlyAdmins: AUDITORS,
            createDatabaseDefaultPermissions: [],
            createTableDefaultPermissions: [],
            ...override,
        },
        { provider: p },
    );
}

/** A named-table grant to a role of the stack trusted by `principal`. */
function namedGrantTo(p: aws.Provider, principal: Record<string, string>): void {
    const db = governedDatabase(p);
    const grantee = new aws.iam.Role(
        "grantee",
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
            }),
        },
        { provider: p },
    );
    new aws.lakeformation.Permissions(
        "input-table",
        { principal: grantee.arn, permissions: ["SELECT"], table: { databaseName: db.name, name: "customer" } },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // LF-1
    {
        policy: "lakeformation-no-default-iam-allowed-principals",
        title: "new databases default to ALL for IAM_ALLOWED_PRINCIPALS",
        violating: (p) =>
            settings(p, {
                createDatabaseDefaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
            }),
        compliant: (p) => settings(p),
    },
    {
        policy: "lakeformation-no-default-iam-allowed-principals",
        title: "new tables default to ALL for IAM_ALLOWED_PRINCIPALS",
        violating: (p) =>
            settings(p, {
                createTableDefaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
            }),
        // Omitted lists: the provider writes empty defaults.
        compliant: (p) =>
            void new aws.lakeformation.DataLakeSettings(
                "settings",
                { admins: ADMINS, readOnlyAdmins: AUDITORS },
                { provider: p },
            ),
    },
    // LF-3
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "no data lake administrator named",
        violating: (p) => settings(p, { admins: [] }),
        compliant: (p) => settings(p),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "an IAM user as administrator",
        violating: (p) => settings(p, { admins: [...ADMINS, `arn:aws:iam::${ACCOUNT}:user/alice`] }),
        compliant: (p) => settings(p, { admins: [...ADMINS, roleArn("cdp-lake-breakglass")] }),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "a wildcard administrator",
        violating: (p) => settings(p, { admins: [roleArn("*")] }),
        compliant: (p) => settings(p),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "more administrators than the configured maximum (5)",
        violating: (p) => settings(p, { admins: [1, 2, 3, 4, 5, 6].map((i) => roleArn(`cdp-lake-admin-${i}`)) }),
        compliant: (p) => settings(p, { admins: [1, 2, 3, 4, 5].map((i) => roleArn(`cdp-lake-admin-${i}`)) }),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "an IAM user as read-only administrator",
        violating: (p) => settings(p, { readOnlyAdmins: [`arn:aws:iam::${ACCOUNT}:user/auditor`] }),
        compliant: (p) => settings(p, { readOnlyAdmins: [] }),
    },
    // LF-2
    {
        policy: "lakeformation-no-iam-allowed-principals-grant",
        title: "a grant to IAM_ALLOWED_PRINCIPALS",
        violating: (p) => {
            const db = governedDatabase(p);
            new aws.lakeformation.Permissions(
                "open",
                { principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"], database: { name: db.name } },
                { provider: p },
            );
        },
        compliant: (p) => {
            governedDatabase(p);
            new aws.lakeformation.Permissions(
                "analysts",
                {
                    principal: roleArn("cdp-analyst"),
                    permissions: ["SELECT", "DESCRIBE"],
                    lfTagPolicy: { resourceType: "TABLE", expressions: [{ key: "domain", values: ["sales"] }] },
                },
                { provider: p },
            );
        },
    },
    // LF-5
    {
        policy: "lakeformation-location-custom-role",
        title: "location registered without roleArn (service-linked role)",
        violating: (p) =>
            void new aws.lakeformation.Resource(
                "raw",
                { arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1" },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.lakeformation.Resource(
                "raw",
                { arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1", roleArn: roleArn("cdp-lake-data-access") },
                { provider: p },
            ),
    },
    {
        policy: "lakeformation-location-custom-role",
        title: "location registered with useServiceLinkedRole",
        violating: (p) =>
            void new aws.lakeformation.Resource(
                "raw",
                {
                    arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1",
                    roleArn: roleArn("cdp-lake-data-access"),
                    useServiceLinkedRole: true,
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.lakeformation.Resource(
                "raw",
                {
                    arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1",
                    roleArn: roleArn("cdp-lake-data-access"),
                    useServiceLinkedRole: false,
                },
                { provider: p },
            ),
    },
    // LF-4 (grants)
    {
        policy: "lakeformation-grants-by-tag",
        title: "SELECT granted on a named table",
        violating: (p) => {
            const db = governedDatabase(p);
            new aws.lakeformation.Permissions(
                "analysts",
                {
                    principal: roleArn("cdp-analyst"),
                    permissions: ["SELECT"],
                    table: { databaseName: db.name, name: "customer" },
                },
                { provider: p },
            );
        },
        compliant: (p) => {
            governedDatabase(p);
            new aws.lakeformation.Permissions(
                "analysts",
                {
                    principal: roleArn("cdp-analyst"),
                    permissions: ["SELECT", "DESCRIBE"],
                    lfTagPolicy: { resourceType: "TABLE", expressions: [{ key: "domain", values: ["sales"] }] },
                },
                { provider: p },
            );
            // Data location grants are not catalog grants.
            new aws.lakeformation.Permissions(
                "crawler-location",
                {
                    principal: roleArn("cdp-crawler"),
                    permissions: ["DATA_LOCATION_ACCESS"],
                    dataLocation: { arn: "arn:aws:s3:::pol-test-processed-123456789012-eu-west-1" },
                },
                { provider: p },
            );
        },
    },
    {
        policy: "lakeformation-grants-by-tag",
        title: "a named-table grant to a role people assume (only integration service roles are exempt)",
        violating: (p) => namedGrantTo(p, { AWS: `arn:aws:iam::${ACCOUNT}:root` }),
        compliant: (p) => namedGrantTo(p, { Service: "entityresolution.amazonaws.com" }),
    },
    // LF-6
    {
        policy: "lakeformation-tag-grants-exclude-contract-only",
        title: "a tag grant covering classification pii",
        violating: (p) => {
            governedDatabase(p);
            new aws.lakeformation.Permissions(
                "analysts",
                {
                    principal: roleArn("cdp-analyst"),
                    permissions: ["SELECT"],
                    lfTagPolicy: {
                        resourceType: "TABLE",
                        expressions: [{ key: "classification", values: ["internal", "pii"] }],
                    },
                },
                { provider: p },
            );
        },
        compliant: (p) => {
            governedDatabase(p);
            new aws.lakeformation.Permissions(
                "analysts",
                {
                    principal: roleArn("cdp-analyst"),
                    permissions: ["SELECT"],
                    lfTagPolicy: {
                        resourceType: "TABLE",
                        expressions: [{ key: "classification", values: ["public", "internal"] }],
                    },
                },
                { provider: p },
            );
        },
    },
];
