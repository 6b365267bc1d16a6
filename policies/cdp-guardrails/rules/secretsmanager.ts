import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";

/** Secrets Manager: secrets and their replicas encrypt under a customer-managed key. */

const secretsmanagerSecretCmk = definePolicy({
    name: "secretsmanager-secret-cmk",
    description:
        "Secrets Manager secrets and their replicas encrypt under a customer-managed KMS key, not aws/secretsmanager (platform rule; cdk-nag NIST.800.53.R5-SecretsManagerUsingKMSKey, AWS Config secretsmanager-using-cmk). FSBP SecretsManager.1/4 and cdk-nag AwsSolutions-SMG4 cover rotation, not the key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.secretsmanager.Secret set kmsKeyId to a customer-managed key ARN or alias (not alias/aws/secretsmanager), and kmsKeyId on every replicas entry (a key of the replica's region).",
    cdp: {
        concern: "encryption",
        controls: ["platform rule", "cdk-nag NIST.800.53.R5-SecretsManagerUsingKMSKey"],
        inspects: [...TYPES.secretsmanagerSecret],
    },
    validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, args, reportViolation) => {
        const problem = cmkProblem("kmsKeyId", secret.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
        for (const replica of secret.replicas ?? []) {
            const replicaProblem = cmkProblem("kmsKeyId", replica.kmsKeyId);
            if (replicaProblem) reportViolation(`${args.name}: replica in ${replica.region}: ${replicaProblem}`);
        }
    }),
});

const secretsmanagerSecretPolicyNotPublic = resourcePolicyNotPublic({
    name: "secretsmanager-secret-policy-not-public",
    subject: "Secrets Manager secret policies (aws.secretsmanager.SecretPolicy and the secret's inline policy)",
    controls: ["platform rule"],
    remediation:
        'In the secret policy name the roles that may read the secret; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount (aws.secretsmanager.SecretPolicy blockPublicPolicy: true also makes AWS refuse public policies).',
    sources: [policyProperty(TYPES.secretsmanagerSecretPolicy), policyProperty(TYPES.secretsmanagerSecret)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const secretsmanagerPolicies: CdpPolicy[] = [secretsmanagerSecretCmk, secretsmanagerSecretPolicyNotPublic];
