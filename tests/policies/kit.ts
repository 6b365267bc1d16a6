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
