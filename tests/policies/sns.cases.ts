import * as aws from "@pulumi/aws";
import { doc, json, key, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the SNS rules (rules/sns.ts). */

function topic(p: aws.Provider, broken?: "no-key" | "aws-key"): void {
    const cmk = key(p);
    new aws.sns.Topic(
        "alerts",
        { kmsMasterKeyId: broken === "no-key" ? undefined : broken === "aws-key" ? "alias/aws/sns" : cmk.keyArn },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "sns-topic-kms",
        title: "topic without a KMS key",
        violating: (p) => topic(p, "no-key"),
        compliant: (p) => topic(p),
    },
    {
        policy: "sns-topic-kms",
        title: "topic on the AWS-managed alias/aws/sns key",
        violating: (p) => topic(p, "aws-key"),
        compliant: (p) => topic(p),
    },
    ...notPublicCases("sns-topic-policy-not-public", (p, grant) => {
        const t = new aws.sns.Topic("alerts", { kmsMasterKeyId: key(p).keyArn }, { provider: p });
        new aws.sns.TopicPolicy(
            "alerts",
            {
                arn: t.arn,
                policy: json(
                    doc({ Sid: "Publish", Effect: "Allow", Action: "sns:Publish", Resource: t.arn, ...grant }),
                ),
            },
            { provider: p },
        );
    }),
    {
        policy: "sns-topic-policy-not-public",
        title: "the topic's inline policy is judged too",
        violating: (p) =>
            void new aws.sns.Topic(
                "inline",
                {
                    kmsMasterKeyId: key(p).keyArn,
                    policy: JSON.stringify(
                        doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "SNS:Subscribe", Resource: "*" }),
                    ),
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.sns.Topic(
                "inline",
                {
                    kmsMasterKeyId: key(p).keyArn,
                    policy: JSON.stringify(
                        doc({
                            Effect: "Allow",
                            Principal: { AWS: "111122223333" },
                            Action: "SNS:Subscribe",
                            Resource: "*",
                        }),
                    ),
                },
                { provider: p },
            ),
    },
];
