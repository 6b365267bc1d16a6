import * as aws from "@pulumi/aws";
import type { PolicyCase } from "./kit";

/** Cases of the GuardDuty rules (rules/guardduty.ts). */

function detector(p: aws.Provider, flaw?: "disabled" | "no-s3" | "lambda-disabled"): void {
    const d = new aws.guardduty.Detector("detector", { enable: flaw !== "disabled" }, { provider: p });
    if (flaw !== "no-s3")
        new aws.guardduty.DetectorFeature(
            "s3",
            { detectorId: d.id, name: "S3_DATA_EVENTS", status: "ENABLED" },
            { provider: p },
        );
    new aws.guardduty.DetectorFeature(
        "lambda",
        { detectorId: d.id, name: "LAMBDA_NETWORK_LOGS", status: flaw === "lambda-disabled" ? "DISABLED" : "ENABLED" },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "guardduty-protections",
        title: "detector disabled",
        violating: (p) => detector(p, "disabled"),
        compliant: (p) => detector(p),
    },
    {
        policy: "guardduty-protections",
        title: "no S3 protection feature",
        violating: (p) => detector(p, "no-s3"),
        compliant: (p) => detector(p),
    },
    {
        policy: "guardduty-protections",
        title: "Lambda protection feature disabled",
        violating: (p) => detector(p, "lambda-disabled"),
        compliant: (p) => detector(p),
    },
];
