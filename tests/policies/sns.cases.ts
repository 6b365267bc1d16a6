import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

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
];
