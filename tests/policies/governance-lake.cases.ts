import * as aws from "@pulumi/aws";
import { key, naming, type PolicyCase } from "./kit";

/*
 * Cases of the Lake Formation / tagging group. Compliant programs do not use `lake(p)` (its databases have no LF-tags
 * yet): they build a minimal governed database (empty default permissions + LF-tags) instead.
 */

const ACCOUNT = "123456789012";
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ADMINS = [role("cdp-lake-admin")];
const AUDITORS = [role("cdp-lake-auditor")];

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

type DatabaseOptions = {
    /** createTableDefaultPermissions of the database; `"absent"` leaves it unset. Default []. */
    defaults?: aws.glue.CatalogDatabaseArgs["createTableDefaultPermissions"] | "absent";
    /** LF-tag keys attached to the database. Default domain and classification. */
    lfTagKeys?: string[];
    /** Attach the tags with one singular ResourceLfTag per key instead of one ResourceLfTags. */
    singular?: boolean;
    /** Name the attachment's database.name uses; default the database's own name. */
    taggedName?: string;
};

const LF_TAG_VALUES: Record<string, [string, string[]]> = {
    domain: ["sales", ["sales", "marketing"]],
    classification: ["internal", ["internal", "confidential"]],
};

/** A Glue database governed the platform way: no default table permissions, LF-tags for the required keys. */
function governedDatabase(p: aws.Provider, options: DatabaseOptions = {}): aws.glue.CatalogDatabase {
    const opts = { provider: p };
    const defaults = options.defaults ?? [];
    const db = new aws.glue.CatalogDatabase(
        "sales",
        {
            name: naming.name("glueDatabase", "sales"),
            description: "policy test database",
            ...(defaults === "absent" ? {} : { createTableDefaultPermissions: defaults }),
        },
        opts,
    );
    const keys = options.lfTagKeys ?? ["domain", "classification"];
    const tags = keys.map((k) => {
        const [value, values] = LF_TAG_VALUES[k.toLowerCase()] ?? ["x", ["x"]];
        return {
            name: k.toLowerCase(),
            tag: new aws.lakeformation.LfTag(k.toLowerCase(), { key: k, values }, opts),
            value,
        };
    });
    const name = options.taggedName ?? db.name;
    if (options.singular) {
        for (const t of tags)
            new aws.lakeformation.ResourceLfTag(
                `sales-${t.name}`,
                { database: { name }, lfTag: { key: t.tag.key, value: t.value } },
                opts,
            );
    } else if (tags.length) {
        new aws.lakeformation.ResourceLfTags(
            "sales",
            { database: { name }, lfTags: tags.map((t) => ({ key: t.tag.key, value: t.value })) },
            opts,
        );
    }
    return db;
}

/** A provider with no default tags (the kit's provider has the required ones). */
function untaggedProvider(): aws.Provider {
    return new aws.Provider("untagged", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
}

const REQUIRED_TAGS = { Project: "policy-test", Environment: "test", Owner: "platform", CostCenter: "CC-1" };

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
        compliant: (p) => settings(p, { admins: [...ADMINS, role("cdp-lake-breakglass")] }),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "a wildcard administrator",
        violating: (p) => settings(p, { admins: [role("*")] }),
        compliant: (p) => settings(p),
    },
    {
        policy: "lakeformation-admins-explicit-roles",
        title: "more administrators than the configured maximum (5)",
        violating: (p) => settings(p, { admins: [1, 2, 3, 4, 5, 6].map((i) => role(`cdp-lake-admin-${i}`)) }),
        compliant: (p) => settings(p, { admins: [1, 2, 3, 4, 5].map((i) => role(`cdp-lake-admin-${i}`)) }),
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
                    principal: role("cdp-analyst"),
                    permissions: ["SELECT", "DESCRIBE"],
                    lfTagPolicy: { resourceType: "TABLE", expressions: [{ key: "domain", values: ["sales"] }] },
                },
                { provider: p },
            );
        },
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "createTableDefaultPermissions left unset (account default applies)",
        violating: (p) => void governedDatabase(p, { defaults: "absent" }),
        compliant: (p) => void governedDatabase(p),
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "new tables granted ALL to IAM_ALLOWED_PRINCIPALS",
        violating: (p) =>
            void governedDatabase(p, {
                defaults: [
                    { principal: { dataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" }, permissions: ["ALL"] },
                ],
            }),
        compliant: (p) => void governedDatabase(p, { defaults: [] }),
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "new tables granted to a named role outside the LF-tag model",
        violating: (p) =>
            void governedDatabase(p, {
                defaults: [{ principal: { dataLakePrincipalIdentifier: role("cdp-etl") }, permissions: ["ALL"] }],
            }),
        compliant: (p) => void governedDatabase(p),
    },
    // LF-4
    {
        policy: "glue-database-required-lf-tags",
        title: "database without LF-tags",
        violating: (p) => void governedDatabase(p, { lfTagKeys: [] }),
        compliant: (p) => void governedDatabase(p),
    },
    {
        policy: "glue-database-required-lf-tags",
        title: "database missing the classification LF-tag",
        violating: (p) => void governedDatabase(p, { lfTagKeys: ["domain"] }),
        // Keys compare lower-case; singular ResourceLfTag attachments count too.
        compliant: (p) => void governedDatabase(p, { lfTagKeys: ["Domain", "Classification"], singular: true }),
    },
    {
        policy: "glue-database-required-lf-tags",
        title: "LF-tags attached to another database's name",
        violating: (p) => void governedDatabase(p, { taggedName: "pol_test_other" }),
        compliant: (p) => void governedDatabase(p),
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
                { arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1", roleArn: role("cdp-lake-data-access") },
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
                    roleArn: role("cdp-lake-data-access"),
                    useServiceLinkedRole: true,
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.lakeformation.Resource(
                "raw",
                {
                    arn: "arn:aws:s3:::pol-test-raw-123456789012-eu-west-1",
                    roleArn: role("cdp-lake-data-access"),
                    useServiceLinkedRole: false,
                },
                { provider: p },
            ),
    },
    // Tags
    {
        policy: "required-tags",
        title: "resources on a provider without default tags",
        violating: () => void key(untaggedProvider()),
        // The kit provider's defaultTags supply every required key.
        compliant: (p) => {
            key(p);
            governedDatabase(p);
        },
    },
    {
        policy: "required-tags",
        title: "a required tag overridden with an empty value",
        violating: (p) =>
            void new aws.glue.CatalogDatabase(
                "blank-owner",
                { name: "pol_test_blank", createTableDefaultPermissions: [], tags: { Owner: "" } },
                { provider: p },
            ),
        // Own tags alone satisfy the rule where the provider has no default tags.
        compliant: () => {
            const p = untaggedProvider();
            new aws.kms.Key(
                "tagged",
                { description: "policy test", enableKeyRotation: true, deletionWindowInDays: 30, tags: REQUIRED_TAGS },
                { provider: p },
            );
        },
    },
];
