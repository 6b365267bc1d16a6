import * as aws from "@pulumi/aws";
import { ACCOUNT, key, type PolicyCase } from "./kit";

/** Cases of the CloudTrail rules (rules/cloudtrail.ts). */

function trail(p: aws.Provider, broken?: "no-key" | "no-validation"): void {
    const cmk = key(p);
    new aws.cloudtrail.Trail(
        "audit",
        {
            s3BucketName: `pol-test-audit-${ACCOUNT}-eu-west-1`,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            kmsKeyId: broken === "no-key" ? undefined : cmk.keyArn,
            enableLogFileValidation: broken !== "no-validation",
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
];
