import * as aws from "@pulumi/aws";
import { ACCOUNT, type PolicyCase } from "./kit";

/** Cases of the Inspector rules (rules/inspector.ts). */

function enabler(p: aws.Provider, resourceTypes: string[]): void {
    new aws.inspector2.Enabler("inspector", { accountIds: [ACCOUNT], resourceTypes }, { provider: p });
}

export const cases: PolicyCase[] = [
    {
        policy: "inspector-lambda-scanning",
        title: "Lambda standard scanning without code scanning",
        violating: (p) => enabler(p, ["LAMBDA"]),
        compliant: (p) => enabler(p, ["LAMBDA", "LAMBDA_CODE"]),
    },
    {
        policy: "inspector-lambda-scanning",
        title: "ECR only",
        violating: (p) => enabler(p, ["ECR"]),
        compliant: (p) => enabler(p, ["ECR", "LAMBDA", "LAMBDA_CODE"]),
    },
];
