import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/** Cases of the CloudWatch Logs rules (rules/logs.ts). */

function logGroup(p: aws.Provider, broken?: "no-key" | "no-retention" | "never-expire"): void {
    const cmk = key(p);
    new aws.cloudwatch.LogGroup(
        "app",
        {
            kmsKeyId: broken === "no-key" ? undefined : cmk.keyArn,
            retentionInDays: broken === "no-retention" ? undefined : broken === "never-expire" ? 0 : 30,
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "log-group-kms-retention",
        title: "log group without a KMS key",
        violating: (p) => logGroup(p, "no-key"),
        compliant: (p) => logGroup(p),
    },
    {
        policy: "log-group-kms-retention",
        title: "log group without retentionInDays",
        violating: (p) => logGroup(p, "no-retention"),
        compliant: (p) => logGroup(p),
    },
    {
        policy: "log-group-kms-retention",
        title: "log group with retentionInDays 0 (never expire)",
        violating: (p) => logGroup(p, "never-expire"),
        compliant: (p) => logGroup(p),
    },
];
