import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { key, type PolicyCase } from "./kit";

/**
 * Cases for the data-service encryption rules (rules/encryption-data.ts). Each subject is built by one helper that
 * yields a resource compliant with the whole pack unless `broken` names the one condition to break. Roles, buckets
 * and streams the subjects only point at are literal ARNs, so the programs create nothing else to police.
 */
const ACCOUNT = "123456789012";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/pol-test-service`;
const BUCKET_ARN = `arn:aws:s3:::pol-test-raw-${ACCOUNT}-eu-west-1`;
const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/pol-test-events`;
const REPLICA_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-4333-a444-555555555555`;

function kinesisStream(p: aws.Provider, broken?: "no-encryption" | "aws-key"): void {
    const cmk = key(p);
    new aws.kinesis.Stream(
        "events",
        {
            shardCount: 1,
            retentionPeriod: 168,
            encryptionType: broken === "no-encryption" ? "NONE" : "KMS",
            kmsKeyId: broken === "no-encryption" ? undefined : broken === "aws-key" ? "alias/aws/kinesis" : cmk.keyArn,
        },
        { provider: p },
    );
}

function firehose(p: aws.Provider, variant: "cmk" | "kinesis-source" | "no-sse" | "aws-owned"): void {
    const cmk = key(p);
    const destination = {
        destination: "extended_s3",
        extendedS3Configuration: { roleArn: ROLE_ARN, bucketArn: BUCKET_ARN },
    };
    if (variant === "kinesis-source") {
        new aws.kinesis.FirehoseDeliveryStream(
            "delivery",
            { ...destination, kinesisSourceConfiguration: { kinesisStreamArn: STREAM_ARN, roleArn: ROLE_ARN } },
            { provider: p },
        );
        return;
    }
    const serverSideEncryption =
        variant === "no-sse"
            ? undefined
            : variant === "aws-owned"
              ? { enabled: true, keyType: "AWS_OWNED_CMK" }
              : { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: cmk.keyArn };
    new aws.kinesis.FirehoseDeliveryStream("delivery", { ...destination, serverSideEncryption }, { provider: p });
}

function table(
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

function daxCluster(p: aws.Provider, broken?: "no-sse" | "no-tls"): void {
    new aws.dax.Cluster(
        "cache",
        {
            clusterName: "pol-test-cache",
            iamRoleArn: ROLE_ARN,
            nodeType: "dax.t3.small",
            replicationFactor: 1,
            serverSideEncryption: broken === "no-sse" ? undefined : { enabled: true },
            clusterEndpointEncryptionType: broken === "no-tls" ? undefined : "TLS",
        },
        { provider: p },
    );
}

/** A work queue and its dead-letter queue, both on the CMK unless `broken` says otherwise for the work queue. */
function queues(p: aws.Provider, broken?: "no-key" | "sqs-managed" | "aws-key"): void {
    const cmk = key(p);
    const dlq = new aws.sqs.Queue(
        "work-dlq",
        { kmsMasterKeyId: cmk.keyArn, messageRetentionSeconds: 1209600 },
        { provider: p },
    );
    new aws.sqs.Queue(
        "work",
        {
            kmsMasterKeyId:
                broken === "no-key" || broken === "sqs-managed"
                    ? undefined
                    : broken === "aws-key"
                      ? "alias/aws/sqs"
                      : cmk.keyArn,
            sqsManagedSseEnabled: broken === "sqs-managed" ? true : undefined,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        },
        { provider: p },
    );
}

function topic(p: aws.Provider, broken?: "no-key" | "aws-key"): void {
    const cmk = key(p);
    new aws.sns.Topic(
        "alerts",
        { kmsMasterKeyId: broken === "no-key" ? undefined : broken === "aws-key" ? "alias/aws/sns" : cmk.keyArn },
        { provider: p },
    );
}

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

function lambdaFunction(p: aws.Provider, variant: "cmk" | "no-variables" | "no-key"): void {
    const cmk = key(p);
    new aws.lambda.Function(
        "handler",
        {
            role: ROLE_ARN,
            runtime: "nodejs22.x",
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
            }),
            environment: variant === "no-variables" ? undefined : { variables: { TABLE_NAME: "orders" } },
            kmsKeyArn: variant === "cmk" ? cmk.keyArn : undefined,
        },
        { provider: p },
    );
}

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
        policy: "kinesis-stream-encrypted",
        title: "stream without encryption",
        violating: (p) => kinesisStream(p, "no-encryption"),
        compliant: (p) => kinesisStream(p),
    },
    {
        policy: "kinesis-stream-encrypted",
        title: "stream on the AWS-managed alias/aws/kinesis key",
        violating: (p) => kinesisStream(p, "aws-key"),
        compliant: (p) => kinesisStream(p),
    },

    {
        policy: "firehose-sse",
        title: "Direct PUT delivery stream without SSE",
        violating: (p) => firehose(p, "no-sse"),
        compliant: (p) => firehose(p, "cmk"),
    },
    {
        policy: "firehose-sse",
        title: "delivery stream on the AWS-owned key",
        violating: (p) => firehose(p, "aws-owned"),
        compliant: (p) => firehose(p, "cmk"),
    },
    {
        policy: "firehose-sse",
        title: "Kinesis-sourced delivery stream is exempt (inherits the stream's encryption)",
        violating: (p) => firehose(p, "no-sse"),
        compliant: (p) => firehose(p, "kinesis-source"),
    },

    {
        policy: "dynamodb-table-cmk",
        title: "table on the AWS-owned key",
        violating: (p) => table(p, "no-sse"),
        compliant: (p) => table(p),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "table on the AWS-managed key (no kmsKeyArn)",
        violating: (p) => table(p, "aws-managed"),
        compliant: (p) => table(p),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "inline replica without kmsKeyArn",
        violating: (p) => table(p, "replica-no-key"),
        compliant: (p) => table(p, undefined, true),
    },
    {
        policy: "dynamodb-table-cmk",
        title: "TableReplica without kmsKeyArn",
        violating: (p) => table(p, "replica-resource-no-key"),
        compliant: (p) => table(p, undefined, true),
    },

    {
        policy: "dax-encryption",
        title: "cluster not encrypted at rest",
        violating: (p) => daxCluster(p, "no-sse"),
        compliant: (p) => daxCluster(p),
    },
    {
        policy: "dax-encryption",
        title: "cluster endpoint without TLS",
        violating: (p) => daxCluster(p, "no-tls"),
        compliant: (p) => daxCluster(p),
    },

    {
        policy: "sqs-queue-kms",
        title: "queue without a KMS key",
        violating: (p) => queues(p, "no-key"),
        compliant: (p) => queues(p),
    },
    {
        policy: "sqs-queue-kms",
        title: "queue on SQS-managed SSE only",
        violating: (p) => queues(p, "sqs-managed"),
        compliant: (p) => queues(p),
    },
    {
        policy: "sqs-queue-kms",
        title: "queue on the AWS-managed alias/aws/sqs key",
        violating: (p) => queues(p, "aws-key"),
        compliant: (p) => queues(p),
    },

    {
        policy: "sns-topic-kms",
        title: "topic without a KMS key",
        violating: (p) => topic(p, "no-key"),
        compliant: (p) => topic(p),
    },
    {
        policy: "sns-topic-kms",
        title: "topic on the AWS-managed alias/aws/sns key",
        violating: (p) => topic(p, "aws-key"),
        compliant: (p) => topic(p),
    },

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

    {
        policy: "lambda-environment-cmk",
        title: "environment variables without kmsKeyArn",
        violating: (p) => lambdaFunction(p, "no-key"),
        compliant: (p) => lambdaFunction(p, "cmk"),
    },
    {
        policy: "lambda-environment-cmk",
        title: "function without environment variables needs no kmsKeyArn",
        violating: (p) => lambdaFunction(p, "no-key"),
        compliant: (p) => lambdaFunction(p, "no-variables"),
    },

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
