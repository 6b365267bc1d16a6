import * as aws from "@pulumi/aws";
import { ACCOUNT_ROOT, doc, key, notPublicCases, ORG_ID, type PolicyCase } from "./kit";

/** Cases of the KMS rules (rules/kms.ts). */

/** A key policy with the account-root administration statement and `extra`. */
function keyPolicy(...extra: Array<Record<string, unknown>>) {
    return doc(
        { Sid: "AccountAdmin", Effect: "Allow", Principal: { AWS: ACCOUNT_ROOT }, Action: "kms:*", Resource: "*" },
        ...extra,
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "kms-key-rotation",
        title: "key without rotation",
        violating: (p) => void new aws.kms.Key("norotate", { enableKeyRotation: false }, { provider: p }),
        compliant: (p) => void key(p),
    },
    {
        policy: "kms-key-deletion-window",
        title: "deletion window below the minimum",
        violating: (p) =>
            void new aws.kms.Key("short", { enableKeyRotation: true, deletionWindowInDays: 5 }, { provider: p }),
        compliant: (p) =>
            void new aws.kms.Key("short", { enableKeyRotation: true, deletionWindowInDays: 7 }, { provider: p }),
    },
    {
        policy: "kms-key-policy-not-public",
        title: "key policy open to everyone",
        violating: (p) =>
            void new aws.kms.Key(
                "public",
                {
                    enableKeyRotation: true,
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "Open",
                                Effect: "Allow",
                                Principal: { AWS: "*" },
                                Action: "kms:Decrypt",
                                Resource: "*",
                            },
                        ],
                    }),
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.kms.Key(
                "public",
                {
                    enableKeyRotation: true,
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "OrgOnly",
                                Effect: "Allow",
                                Principal: { AWS: "*" },
                                Action: "kms:Decrypt",
                                Resource: "*",
                                Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
                            },
                        ],
                    }),
                },
                { provider: p },
            ),
    },
    ...notPublicCases("kms-key-policy-not-public", (p, grant) => {
        new aws.kms.Key(
            "shared",
            {
                enableKeyRotation: true,
                policy: JSON.stringify(
                    keyPolicy({ Sid: "Use", Effect: "Allow", Action: "kms:Decrypt", Resource: "*", ...grant }),
                ),
            },
            { provider: p },
        );
    }),
    {
        policy: "kms-key-policy-not-public",
        title: "replica keys carry their own policy / a confined replica key",
        violating: (p) =>
            void new aws.kms.ReplicaKey(
                "replica",
                {
                    primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/mrk-1234abcd",
                    policy: JSON.stringify(
                        keyPolicy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }),
                    ),
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.kms.ReplicaKey(
                "replica",
                {
                    primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/mrk-1234abcd",
                    policy: JSON.stringify(keyPolicy()),
                },
                { provider: p },
            ),
    },
    {
        policy: "kms-key-policy-not-public",
        title: "an aws.kms.KeyPolicy resource is judged like the key's own policy",
        violating: (p) =>
            void new aws.kms.KeyPolicy(
                "separate",
                {
                    keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
                    policy: JSON.stringify(
                        keyPolicy({
                            Effect: "Allow",
                            NotPrincipal: { AWS: ACCOUNT_ROOT },
                            Action: "kms:Decrypt",
                            Resource: "*",
                        }),
                    ),
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.kms.KeyPolicy(
                "separate",
                { keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", policy: JSON.stringify(keyPolicy()) },
                { provider: p },
            ),
    },
    {
        policy: "kms-key-deletion-window",
        title: "replica key with a short deletion window",
        violating: (p) =>
            void new aws.kms.ReplicaKey(
                "replica",
                { primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/mrk-1234abcd", deletionWindowInDays: 5 },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.kms.ReplicaKey(
                "replica",
                { primaryKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/mrk-1234abcd", deletionWindowInDays: 30 },
                { provider: p },
            ),
    },
];
