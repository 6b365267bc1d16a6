import * as aws from "@pulumi/aws";
import { ACCOUNT, doc, json, key, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the DynamoDB rules (rules/dynamodb.ts). */

const REPLICA_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-4333-a444-555555555555`;

function encryptedTable(
    p: aws.Provider,
    broken?: "no-sse" | "aws-managed" | "replica-no-key" | "replica-resource-no-key",
    withReplicas = false,
): void {
    const cmk = key(p);
    const replicated = withReplicas || broken === "replica-no-key";
    const t = new aws.dynamodb.Table(
        "orders",
        {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            pointInTimeRecovery: { enabled: true },
            deletionProtectionEnabled: true,
            serverSideEncryption:
                broken === "no-sse"
                    ? undefined
                    : { enabled: true, kmsKeyArn: broken === "aws-managed" ? undefined : cmk.keyArn },
            streamEnabled: replicated || undefined,
            streamViewType: replicated ? "NEW_AND_OLD_IMAGES" : undefined,
            replicas: replicated
                ? [
                      {
                          regionName: "eu-central-1",
                          kmsKeyArn: broken === "replica-no-key" ? undefined : REPLICA_KEY_ARN,
                          pointInTimeRecovery: true,
                          deletionProtectionEnabled: true,
                      },
                  ]
                : undefined,
        },
        { provider: p },
    );
    if (broken === "replica-resource-no-key" || (withReplicas && broken === undefined)) {
        new aws.dynamodb.TableReplica(
            "orders-replica",
            {
                globalTableArn: t.arn,
                region: "eu-north-1",
                kmsKeyArn:
                    broken === "replica-resource-no-key"
                        ? undefined
                        : `arn:aws:kms:eu-north-1:${ACCOUNT}:key/11111111-2222-4333-a444-666666666666`,
                pointInTimeRecovery: true,
                deletionProtectionEnabled: true,
            },
            { provider: p },
        );
    }
}

interface TableOptions {
    pitr?: boolean;
    protect?: boolean;
    deletionProtection?: boolean;
}

/** A DynamoDB table encrypted with a customer-managed key. */
function recoverableTable(p: aws.Provider, options: TableOptions = {}): void {
    const cmk = key(p);
    new aws.dynamodb.Table(
        "orders",
        {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "id",
            attributes: [{ name: "id", type: "S" }],
            serverSideEncryption: { enabled: true, kmsKeyArn: cmk.keyArn },
            pointInTimeRecovery: { enabled: options.pitr ?? true },
            ...(options.deletionProtection ? { deletionProtectionEnabled: true } : {}),
        },
        { provider: p, protect: options.protect ?? false },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "dynamodb-table-cmk",
        title: "table on the AWS-owned key",
        violating: (p) => encryptedTable(p, "no-sse"),
        compliant: (p) => encryptedTable(p),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "table on the AWS-managed key (no kmsKeyArn)",
        violating: (p) => encryptedTable(p, "aws-managed"),
        compliant: (p) => encryptedTable(p),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "inline replica without kmsKeyArn",
        violating: (p) => encryptedTable(p, "replica-no-key"),
        compliant: (p) => encryptedTable(p, undefined, true),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "TableReplica without kmsKeyArn",
        violating: (p) => encryptedTable(p, "replica-resource-no-key"),
        compliant: (p) => encryptedTable(p, undefined, true),
    },
    {
        policy: "dynamodb-pitr",
        title: "table without point-in-time recovery",
        violating: (p) => recoverableTable(p, { pitr: false }),
        compliant: (p) => recoverableTable(p),
    },
    {
        policy: "dynamodb-pitr",
        title: "protected table without deletion protection",
        violating: (p) => recoverableTable(p, { protect: true }),
        compliant: (p) => recoverableTable(p, { protect: true, deletionProtection: true }),
    },
    ...notPublicCases("dynamodb-resource-policy-not-public", (p, grant) => {
        const arn = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders`;
        new aws.dynamodb.ResourcePolicy(
            "orders",
            {
                resourceArn: arn,
                policy: json(
                    doc({ Sid: "Read", Effect: "Allow", Action: "dynamodb:GetItem", Resource: arn, ...grant }),
                ),
            },
            { provider: p },
        );
    }),
];
