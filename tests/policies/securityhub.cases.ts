import * as aws from "@pulumi/aws";
import type { PolicyCase } from "./kit";

/** Cases of the Security Hub rules (rules/securityhub.ts). */

const FSBP_ARN = "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS_ARN = "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0";

function hub(p: aws.Provider, standardsArn?: string): void {
    const account = new aws.securityhub.Account(
        "hub",
        { enableDefaultStandards: false, controlFindingGenerator: "SECURITY_CONTROL" },
        { provider: p },
    );
    if (standardsArn)
        new aws.securityhub.StandardsSubscription("standard", { standardsArn }, { provider: p, dependsOn: [account] });
}

export const cases: PolicyCase[] = [
    {
        policy: "securityhub-fsbp",
        title: "hub without any standard",
        violating: (p) => hub(p),
        compliant: (p) => hub(p, FSBP_ARN),
    },
    {
        policy: "securityhub-fsbp",
        title: "hub subscribed to CIS only",
        violating: (p) => hub(p, CIS_ARN),
        compliant: (p) => hub(p, FSBP_ARN),
    },
];
