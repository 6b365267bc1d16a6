import * as aws from "@pulumi/aws";
import type { PolicyCase } from "./kit";

/** Cases of the Macie rules (rules/macie.ts). */

function macie(p: aws.Provider, status?: string): void {
    new aws.macie2.Account("macie", { findingPublishingFrequency: "FIFTEEN_MINUTES", status }, { provider: p });
}

export const cases: PolicyCase[] = [
    {
        policy: "macie-enabled",
        title: "Macie paused",
        violating: (p) => macie(p, "PAUSED"),
        compliant: (p) => macie(p, "ENABLED"),
    },
];
