import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/** Cases of the KMS rules (rules/kms.ts). */

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
                                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
                            },
                        ],
                    }),
                },
                { provider: p },
            ),
    },
];
