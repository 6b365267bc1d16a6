import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, doc, GRANT_VARIANTS, json, key, type PolicyCase, REGION, role } from "./kit";

/** Cases of the IAM rules (rules/iam.ts). Compliant programs use roles with narrow inline policies. */

const DATA_BUCKET = `pol-test-data-${ACCOUNT}-${REGION}`;

/** Least-privilege statements on one bucket and one key. */
function narrowStatements(keyArn: pulumi.Input<string>): Array<Record<string, unknown>> {
    return [
        {
            Sid: "ReadObjects",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: `arn:aws:s3:::${DATA_BUCKET}/raw/*`,
        },
        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:aws:s3:::${DATA_BUCKET}` },
        { Sid: "UseKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: keyArn },
    ];
}

/** Where a policy document is placed. */
type Holder = "policy" | "role-policy" | "role-inline" | "user-policy" | "group-policy";

function holdDocument(p: aws.Provider, holder: Holder, policy: pulumi.Input<string>): void {
    const opts = { provider: p };
    switch (holder) {
        case "policy":
            new aws.iam.Policy("subject", { name: "pol-test-subject", policy }, opts);
            return;
        case "role-policy":
            new aws.iam.RolePolicy("subject", { role: role(p, "subject").id, policy }, opts);
            return;
        case "role-inline":
            role(p, "subject", "lambda.amazonaws.com", { inlinePolicies: [{ name: "subject", policy }] });
            return;
        case "user-policy":
            new aws.iam.UserPolicy("subject", { user: "pol-test-operator", policy }, opts);
            return;
        case "group-policy":
            new aws.iam.GroupPolicy("subject", { group: "pol-test-operators", policy }, opts);
            return;
    }
}

/** Compliant documents in every holder, plus Deny wildcards (allowed) and exempt "*" listing actions. */
const compliantIam = (p: aws.Provider) => {
    const cmk = key(p);
    const opts = { provider: p };
    new aws.iam.Policy("reader", { name: "pol-test-reader", policy: json(doc(...narrowStatements(cmk.keyArn))) }, opts);
    const r = role(p, "worker", "lambda.amazonaws.com", {
        inlinePolicies: [
            {
                name: "queue",
                policy: json(
                    doc({
                        Effect: "Allow",
                        Action: ["sqs:SendMessage"],
                        Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:pol-test-jobs`,
                    }),
                ),
            },
        ],
    });
    new aws.iam.RolePolicy(
        "worker",
        {
            role: r.id,
            policy: json(
                doc(
                    ...narrowStatements(cmk.keyArn),
                    // Actions AWS only authorises on "*", reaching no data.
                    {
                        Sid: "Listings",
                        Effect: "Allow",
                        Action: [
                            "s3:ListAllMyBuckets",
                            "kms:ListAliases",
                            "lakeformation:GetDataAccess",
                            "kms:CreateKey",
                        ],
                        Resource: "*",
                    },
                    // "*" on a service outside the data/KMS list.
                    { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" },
                    // Name-prefix patterns scope by naming convention.
                    {
                        Sid: "Tables",
                        Effect: "Allow",
                        Action: ["dynamodb:GetItem", "dynamodb:Query"],
                        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/pol-test-*`,
                    },
                    // Wildcards in Deny statements only restrict.
                    {
                        Sid: "NoDeletes",
                        Effect: "Deny",
                        Action: ["s3:*"],
                        Resource: "*",
                        Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                    },
                ),
            ),
        },
        opts,
    );
    new aws.iam.UserPolicy(
        "operator",
        {
            user: "pol-test-operator",
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: ["athena:StartQueryExecution"],
                    Resource: `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/pol-test`,
                }),
            ),
        },
        opts,
    );
    new aws.iam.GroupPolicy(
        "operators",
        {
            group: "pol-test-operators",
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:pol-test/db-AbCdEf`,
                }),
            ),
        },
        opts,
    );
};

/** A customer-managed policy attached to a role, the compliant alternative to AWS-managed admin policies. */
const compliantAttachments = (p: aws.Provider) => {
    const cmk = key(p);
    const opts = { provider: p };
    const policy = new aws.iam.Policy(
        "reader",
        { name: "pol-test-reader", policy: json(doc(...narrowStatements(cmk.keyArn))) },
        opts,
    );
    const r = role(p, "worker");
    new aws.iam.RolePolicyAttachment("worker-reader", { role: r.name, policyArn: policy.arn }, opts);
    new aws.iam.PolicyAttachment("operators-reader", { policyArn: policy.arn, groups: ["pol-test-operators"] }, opts);
    role(p, "reporting", "lambda.amazonaws.com", { managedPolicyArns: [policy.arn] });
};

const wildcard = (statement: Record<string, unknown>) => json(doc({ Effect: "Allow", ...statement }));

/** A role whose trust policy has one Allow statement with the given principal and condition. */
function trustRole(p: aws.Provider, grant: Record<string, unknown>): void {
    new aws.iam.Role(
        "trusted",
        { assumeRolePolicy: JSON.stringify(doc({ Effect: "Allow", Action: "sts:AssumeRole", ...grant })) },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // iam-no-wildcard-action
    {
        policy: "iam-no-wildcard-action",
        title: 'managed policy allowing "*" on "*" (administrator)',
        violating: (p) => holdDocument(p, "policy", wildcard({ Action: "*", Resource: "*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "role policy allowing a service wildcard (s3:*) on one bucket",
        violating: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({
                    Action: ["s3:*"],
                    Resource: [`arn:aws:s3:::${DATA_BUCKET}`, `arn:aws:s3:::${DATA_BUCKET}/*`],
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "role inlinePolicies allowing dynamodb:* on one table",
        violating: (p) =>
            holdDocument(
                p,
                "role-inline",
                wildcard({
                    Action: "dynamodb:*",
                    Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/pol-test-orders`,
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "group policy allowing everything but IAM through NotAction",
        violating: (p) =>
            holdDocument(
                p,
                "group-policy",
                wildcard({ NotAction: ["iam:*"], Resource: `arn:aws:s3:::${DATA_BUCKET}/*` }),
            ),
        compliant: compliantIam,
    },
    // iam-no-wildcard-resource-data-kms
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: 'managed policy allowing kms:Decrypt on every key ("*")',
        violating: (p) => holdDocument(p, "policy", wildcard({ Action: ["kms:Decrypt"], Resource: "*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "role policy reading every bucket's objects (arn:aws:s3:::*/*)",
        violating: (p) =>
            holdDocument(p, "role-policy", wildcard({ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::*/*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "a bucket pattern without a name fragment (arn:aws:s3:::*-*/*) still matches every bucket",
        violating: (p) =>
            holdDocument(p, "role-policy", wildcard({ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::*-*/*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "role inlinePolicies reading every table of the account (table/*)",
        violating: (p) =>
            holdDocument(
                p,
                "role-inline",
                wildcard({ Action: ["dynamodb:GetItem"], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/*` }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "user policy reading every secret, even with a condition",
        violating: (p) =>
            holdDocument(
                p,
                "user-policy",
                wildcard({
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:ResourceTag/Project": "policy-test" } },
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: 'Lake Formation permission administration on "*" is not exempt (GetDataAccess is)',
        violating: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({ Action: ["lakeformation:GetDataAccess", "lakeformation:GrantPermissions"], Resource: "*" }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "the Lake Formation grant opt-out Sid does not cover settings administration (PutDataLakeSettings)",
        violating: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({
                    Sid: "LakeFormationGrantOptionBounded",
                    Action: ["lakeformation:GrantPermissions", "lakeformation:PutDataLakeSettings"],
                    Resource: "*",
                }),
            ),
        // The named opt-out: grant administration only, bounded by the principal's grant options.
        compliant: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({
                    Sid: "LakeFormationGrantOptionBounded",
                    Action: [
                        "lakeformation:GrantPermissions",
                        "lakeformation:RevokePermissions",
                        "lakeformation:CreateDataCellsFilter",
                        "lakeformation:UpdateDataCellsFilter",
                        "lakeformation:DeleteDataCellsFilter",
                    ],
                    Resource: "*",
                }),
            ),
    },
    // iam-no-aws-managed-admin
    {
        policy: "iam-no-aws-managed-admin",
        title: "AdministratorAccess attached to a role",
        violating: (p) =>
            void new aws.iam.RolePolicyAttachment(
                "admin",
                { role: role(p, "worker").name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                { provider: p },
            ),
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "PowerUserAccess in a role's managedPolicyArns (GovCloud partition)",
        violating: (p) =>
            void role(p, "reporting", "lambda.amazonaws.com", {
                managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"],
            }),
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "IAMFullAccess through a PolicyAttachment and a GroupPolicyAttachment",
        violating: (p) => {
            new aws.iam.PolicyAttachment(
                "iam-admins",
                { policyArn: "arn:aws:iam::aws:policy/IAMFullAccess", groups: ["pol-test-operators"] },
                { provider: p },
            );
            new aws.iam.GroupPolicyAttachment(
                "iam-admins",
                { group: "pol-test-operators", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" },
                { provider: p },
            );
        },
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "AdministratorAccess attached to a user",
        violating: (p) =>
            void new aws.iam.UserPolicyAttachment(
                "admin",
                { user: "pol-test-operator", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                { provider: p },
            ),
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-wildcard-action",
        title: 'case-varied service wildcard ("S3:*") hidden in an Action list',
        violating: (p) =>
            holdDocument(
                p,
                "user-policy",
                wildcard({ Action: ["s3:GetObject", "S3:*"], Resource: `arn:aws:s3:::${DATA_BUCKET}/*` }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: 'action pattern spanning services ("*:Get*")',
        violating: (p) =>
            holdDocument(p, "role-inline", wildcard({ Action: "*:Get*", Resource: `arn:aws:s3:::${DATA_BUCKET}/*` })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: 'case-varied data action ("KMS:Decrypt") on "*"',
        violating: (p) => holdDocument(p, "group-policy", wildcard({ Action: "KMS:Decrypt", Resource: "*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "NotAction on an account-wide resource (reaches data services)",
        violating: (p) => holdDocument(p, "policy", wildcard({ NotAction: "iam:*", Resource: "*" })),
        compliant: compliantIam,
    },
    // iam-role-trust-not-public
    ...GRANT_VARIANTS.filter((v) => !JSON.stringify(v.open).includes("Service")).map((v) => ({
        policy: "iam-role-trust-not-public",
        title: v.title,
        violating: (p: aws.Provider) => trustRole(p, v.open),
        compliant: (p: aws.Provider) => trustRole(p, v.confined),
    })),
    {
        policy: "iam-role-trust-not-public",
        title: "OIDC provider without a condition on its keys / with aud and sub",
        violating: (p) =>
            trustRole(p, {
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
                Action: "sts:AssumeRoleWithWebIdentity",
            }),
        compliant: (p) =>
            trustRole(p, {
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                    StringLike: { "token.actions.githubusercontent.com:sub": "repo:example/cdp:ref:refs/heads/main" },
                },
            }),
    },
    {
        policy: "iam-role-trust-not-public",
        title: "web identity with a wildcard audience / a service principal (no source condition needed)",
        violating: (p) =>
            trustRole(p, {
                Principal: { Federated: "cognito-identity.amazonaws.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringLike: { "cognito-identity.amazonaws.com:aud": "*" } },
            }),
        compliant: (p) => trustRole(p, { Principal: { Service: "lambda.amazonaws.com" } }),
    },
];
