import * as aws from "@pulumi/aws";
import { ACCOUNT, doc, json, key, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the Secrets Manager rules (rules/secretsmanager.ts). */

const REPLICA_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-4333-a444-555555555555`;

function secret(p: aws.Provider, broken?: "no-key" | "aws-key" | "replica-no-key", withReplica = false): void {
    const cmk = key(p);
    new aws.secretsmanager.Secret(
        "db-credentials",
        {
            kmsKeyId: broken === "no-key" ? undefined : broken === "aws-key" ? "alias/aws/secretsmanager" : cmk.keyArn,
            replicas:
                withReplica || broken === "replica-no-key"
                    ? [{ region: "eu-central-1", kmsKeyId: broken === "replica-no-key" ? undefined : REPLICA_KEY_ARN }]
                    : undefined,
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "secretsmanager-secret-cmk",
        title: "secret on the default key",
        violating: (p) => secret(p, "no-key"),
        compliant: (p) => secret(p),
    },
    {
        policy: "secretsmanager-secret-cmk",
        title: "secret on alias/aws/secretsmanager",
        violating: (p) => secret(p, "aws-key"),
        compliant: (p) => secret(p),
    },
    {
        policy: "secretsmanager-secret-cmk",
        title: "replica without kmsKeyId",
        violating: (p) => secret(p, "replica-no-key"),
        compliant: (p) => secret(p, undefined, true),
    },
    ...notPublicCases("secretsmanager-secret-policy-not-public", (p, grant) => {
        const arn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`;
        new aws.secretsmanager.SecretPolicy(
            "db",
            {
                secretArn: arn,
                policy: json(
                    doc({
                        Sid: "Read",
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: "*",
                        ...grant,
                    }),
                ),
            },
            { provider: p },
        );
    }),
];
