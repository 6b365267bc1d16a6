import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, encryptedLogGroup, key, type PolicyCase, roleArn } from "./kit";

/** Cases of the CloudTrail rules (rules/cloudtrail.ts). */

type TrailFlaw = "no-key" | "no-validation" | "single-region" | "no-cloudwatch";

function trail(p: aws.Provider, broken?: TrailFlaw): void {
    const cmk = key(p);
    const logs = encryptedLogGroup(p, "trail-logs", cmk);
    new aws.cloudtrail.Trail(
        "audit",
        {
            s3BucketName: `pol-test-audit-${ACCOUNT}-eu-west-1`,
            isMultiRegionTrail: broken !== "single-region",
            includeGlobalServiceEvents: true,
            kmsKeyId: broken === "no-key" ? undefined : cmk.keyArn,
            enableLogFileValidation: broken !== "no-validation",
            cloudWatchLogsGroupArn: broken === "no-cloudwatch" ? undefined : pulumi.interpolate`${logs.arn}:*`,
            cloudWatchLogsRoleArn: broken === "no-cloudwatch" ? undefined : roleArn("trail-to-logs"),
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "cloudtrail-kms-validation",
        title: "trail without SSE-KMS",
        violating: (p) => trail(p, "no-key"),
        compliant: (p) => trail(p),
    },
    {
        policy: "cloudtrail-kms-validation",
        title: "trail without log file validation",
        violating: (p) => trail(p, "no-validation"),
        compliant: (p) => trail(p),
    },
    {
        policy: "cloudtrail-multi-region-cloudwatch",
        title: "single-region trail",
        violating: (p) => trail(p, "single-region"),
        compliant: (p) => trail(p),
    },
    {
        policy: "cloudtrail-multi-region-cloudwatch",
        title: "trail without CloudWatch Logs delivery",
        violating: (p) => trail(p, "no-cloudwatch"),
        compliant: (p) => trail(p),
    },
];
