import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KmsKey } from "../../components/shared/kms";
import { Naming } from "../../components/shared/naming";
import { LakeFormation } from "../../components/governance/lake-formation";
import { DataLake } from "../../components/storage/data-lake";

/**
 * Building blocks for policy-case programs. Compliant cases must trigger no policy at all, so they build on these
 * (a provider with the required default tags, platform components) instead of bare resources.
 */
export const naming = new Naming("pol", "test");

/** A provider pinned to one account with the platform's required default tags. */
export function provider(name = "aws-policy-test"): aws.Provider {
    return new aws.Provider(name, {
        region: "eu-west-1",
        allowedAccountIds: ["123456789012"],
        defaultTags: { tags: { Project: "policy-test", Environment: "test", Owner: "platform", CostCenter: "CC-1" } },
    });
}

/** A compliant customer-managed key. */
export function key(p: aws.Provider, name = "cmk"): KmsKey {
    return new KmsKey(
        name,
        { description: "policy test", alias: naming.name("kmsAlias", name), dataProtection: false },
        { provider: p },
    );
}

/** A compliant data lake (Lake Formation settings and LF-tags, zones, access-log bucket, tagged catalog databases). */
export function lake(p: aws.Provider): DataLake {
    const lakeFormation = new LakeFormation(
        "lf",
        { adminRoleArns: ["arn:aws:iam::123456789012:role/lf-admin"], domains: [] },
        { provider: p },
    );
    return new DataLake("lake", { naming, dataProtection: false, lakeFormation }, { provider: p });
}

/** A policy-case program: builds resources on the given provider. */
export type CaseProgram = (p: aws.Provider) => void;

/** One violating and one compliant program for a policy. */
export interface PolicyCase {
    /** Policy name (must exist in the pack). */
    policy: string;
    /** What the case shows, for the test title. */
    title: string;
    /** Must make `policy` fire (and it is enough that it fires). */
    violating: CaseProgram;
    /** Must make no policy of the pack fire. */
    compliant: CaseProgram;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared by the service case files (<service>.cases.ts).

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const SCRIPTS_BUCKET = `pol-test-scripts-${ACCOUNT}-${REGION}`;

export type KeyArn = pulumi.Input<string>;

/**
 * A role `service` can assume, with one inline policy on named resources only (no wildcard action or resource): read
 * the job script in SCRIPTS_BUCKET, use `keyArn`.
 */
export function scriptRole(p: aws.Provider, name: string, service: string, keyArn: KeyArn): aws.iam.Role {
    const role = new aws.iam.Role(
        name,
        {
            name: `pol-test-${name}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
            }),
        },
        { provider: p },
    );
    new aws.iam.RolePolicy(
        name,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadScript",
                        Effect: "Allow",
                        Action: ["s3:GetObject"],
                        Resource: `arn:aws:s3:::${SCRIPTS_BUCKET}/jobs/etl.py`,
                    },
                    {
                        Sid: "UseKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: keyArn,
                    },
                ],
            }),
        },
        { provider: p },
    );
    return role;
}

/** A customer-managed key and a log group encrypted with it, with a retention period. */
export function encryptedLogGroup(p: aws.Provider, name: string, cmk = key(p)): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(name, { retentionInDays: 365, kmsKeyId: cmk.keyArn }, { provider: p });
}

/** A role the given service assumes, with (optionally) one least-privilege inline policy. */
export function serviceRole(
    p: aws.Provider,
    name: string,
    service: string,
    statements?: pulumi.Input<unknown>[],
): aws.iam.Role {
    const role = new aws.iam.Role(
        name,
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
            }),
        },
        { provider: p },
    );
    if (statements) {
        new aws.iam.RolePolicy(
            name,
            { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
            { provider: p },
        );
    }
    return role;
}

export const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

export type DatabaseOptions = {
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
export function governedDatabase(p: aws.Provider, options: DatabaseOptions = {}): aws.glue.CatalogDatabase {
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

export type Doc = { Version: "2012-10-17"; Statement: Array<Record<string, unknown>> };

export const doc = (...statements: Array<Record<string, unknown>>): Doc => ({
    Version: "2012-10-17",
    Statement: statements,
});

export const json = (d: Doc) => pulumi.jsonStringify(d);

/** A role `service` can assume, with no permissions of its own. */
export function role(
    p: aws.Provider,
    name: string,
    service = "lambda.amazonaws.com",
    extra: Partial<aws.iam.RoleArgs> = {},
): aws.iam.Role {
    return new aws.iam.Role(
        name,
        {
            name: `pol-test-${name}`,
            assumeRolePolicy: JSON.stringify(
                doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }),
            ),
            ...extra,
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Resource-policy openness (the <service>-...-not-public policies and kms-key-policy-not-public).

export const ORG_ID = "o-a1b2c3d4e5";
export const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** The principal and condition of an Allow statement: an evasion an attacker would try, and a compliant twin. */
export interface GrantVariant {
    title: string;
    open: Record<string, unknown>;
    confined: Record<string, unknown>;
}

/**
 * The evasions every not-public policy must catch (each beside a compliant variant it must accept): judged with IAM
 * semantics, not by the shape of the statement.
 */
export const GRANT_VARIANTS: GrantVariant[] = [
    {
        title: 'Principal "*" without a condition / a named account',
        open: { Principal: "*" },
        confined: { Principal: { AWS: ACCOUNT_ROOT } },
    },
    {
        title: '"*" hidden among named accounts / "*" confined to the organisation',
        open: { Principal: { AWS: [ACCOUNT_ROOT, "*"] } },
        confined: { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } },
    },
    {
        title: "organisation condition with a wildcard value (o-*) / an organisation path",
        open: { Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } },
        confined: {
            Principal: "*",
            Condition: { StringLike: { "aws:PrincipalOrgPaths": `${ORG_ID}/r-ab12/ou-ab12-11111111/*` } },
        },
    },
    {
        title: "IfExists on the organisation condition / ForAnyValue on organisation paths",
        open: { Principal: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG_ID } } },
        confined: {
            Principal: "*",
            Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${ORG_ID}/*`] } },
        },
    },
    {
        title: "negated organisation condition / case-varied account key",
        open: { Principal: { AWS: "*" }, Condition: { StringNotEquals: { "aws:PrincipalOrgID": ORG_ID } } },
        confined: { Principal: { AWS: "*" }, Condition: { StringEquals: { "AWS:PRINCIPALACCOUNT": ACCOUNT } } },
    },
    {
        title: "ForAllValues account test (true without the key) / several named principals",
        open: { Principal: "*", Condition: { "ForAllValues:StringEquals": { "aws:PrincipalAccount": ACCOUNT } } },
        confined: { Principal: { AWS: [ACCOUNT_ROOT, `arn:aws:iam::${ACCOUNT}:role/reader`] } },
    },
    {
        title: "NotPrincipal / an account principal with an unrelated extra condition",
        open: { NotPrincipal: { AWS: ACCOUNT_ROOT } },
        confined: { Principal: { AWS: ACCOUNT }, Condition: { Bool: { "aws:SecureTransport": "true" } } },
    },
    {
        title: "service principal without a source condition / with an ArnLike source ARN",
        open: { Principal: { Service: "events.amazonaws.com" } },
        confined: {
            Principal: { Service: "events.amazonaws.com" },
            Condition: { ArnLike: { "aws:SourceArn": `arn:aws:events:${REGION}:${ACCOUNT}:rule/*` } },
        },
    },
    {
        title: "service principal with a source ARN of any account / with aws:SourceAccount",
        open: {
            Principal: { Service: "events.amazonaws.com" },
            Condition: { ArnLike: { "aws:SourceArn": `arn:aws:events:${REGION}:*:rule/*` } },
        },
        confined: {
            Principal: { Service: "events.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        },
    },
];

/**
 * The cases of a not-public policy: `build` creates the resource carrying a policy whose Allow statement has the
 * given principal and condition (its own Sid, Effect, Action and Resource).
 */
export function notPublicCases(
    policy: string,
    build: (p: aws.Provider, grant: Record<string, unknown>) => void,
): PolicyCase[] {
    return GRANT_VARIANTS.map((v) => ({
        policy,
        title: v.title,
        violating: (p) => build(p, v.open),
        compliant: (p) => build(p, v.confined),
    }));
}
