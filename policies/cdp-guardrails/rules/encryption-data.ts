import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { TYPES } from "../lib/types";

export const kinesisStreamEncrypted = definePolicy({
    name: "kinesis-stream-encrypted",
    description:
        "Kinesis data streams encrypt at rest with server-side encryption under a customer-managed KMS key (FSBP Kinesis.1; cdk-nag AwsSolutions-KDS1). AwsSolutions-KDS3, which demands the AWS-managed aws/kinesis key, is deliberately not ported.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.kinesis.Stream set encryptionType: "KMS" and kmsKeyId to a customer-managed key ARN or alias (e.g. KmsKey.keyArn), not alias/aws/kinesis.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP Kinesis.1", "cdk-nag AwsSolutions-KDS1"],
        inspects: [...TYPES.kinesisStream],
    },
    validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, args, reportViolation) => {
        if (stream.encryptionType !== "KMS") {
            reportViolation(`${args.name}: encryptionType is ${stream.encryptionType ?? "unset (NONE)"}, not KMS`);
            return;
        }
        const problem = cmkProblem("kmsKeyId", stream.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
    }),
});

export const firehoseSse = definePolicy({
    name: "firehose-sse",
    description:
        "Direct PUT Firehose delivery streams encrypt at rest with server-side encryption under a customer-managed KMS key (FSBP DataFirehose.1; cdk-nag AwsSolutions-KDF1, adapted). Streams with a kinesisSourceConfiguration are exempt: they do not store data at rest and inherit the source stream's encryption (kinesis-stream-encrypted).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.kinesis.FirehoseDeliveryStream set serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: <customer-managed key ARN> } — or read from an encrypted Kinesis stream through kinesisSourceConfiguration.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP DataFirehose.1", "cdk-nag AwsSolutions-KDF1"],
        inspects: [...TYPES.firehoseDeliveryStream],
    },
    validateResource: validateResourceOfType(aws.kinesis.FirehoseDeliveryStream, (stream, args, reportViolation) => {
        if (stream.kinesisSourceConfiguration) return;
        const sse = stream.serverSideEncryption;
        if (sse?.enabled !== true) {
            reportViolation(
                `${args.name}: serverSideEncryption.enabled is not true (the delivery stream is not encrypted at rest)`,
            );
        } else if (sse.keyType !== "CUSTOMER_MANAGED_CMK") {
            reportViolation(
                `${args.name}: serverSideEncryption.keyType is ${sse.keyType ?? "unset (AWS_OWNED_CMK)"}, not CUSTOMER_MANAGED_CMK`,
            );
        } else {
            const problem = cmkProblem("serverSideEncryption.keyArn", sse.keyArn);
            if (problem) reportViolation(`${args.name}: ${problem}`);
        }
    }),
});

export const dynamodbTableCmk = definePolicy({
    name: "dynamodb-table-cmk",
    description:
        "DynamoDB tables and their replicas encrypt at rest under a customer-managed KMS key, not the AWS-owned or AWS-managed (alias/aws/dynamodb) key (platform rule).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.dynamodb.Table set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }, and kmsKeyArn on every entry of replicas (a key of the replica's region) and on every aws.dynamodb.TableReplica.",
    cdp: {
        concern: "encryption",
        controls: ["platform rule"],
        inspects: [...TYPES.dynamodbTable, ...TYPES.dynamodbTableReplica],
    },
    validateResource: [
        validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
            const sse = table.serverSideEncryption;
            if (sse?.enabled !== true) {
                reportViolation(
                    `${args.name}: serverSideEncryption.enabled is not true (the table uses the AWS-owned key)`,
                );
            } else {
                const problem = cmkProblem("serverSideEncryption.kmsKeyArn", sse.kmsKeyArn);
                if (problem) reportViolation(`${args.name}: ${problem}`);
            }
            for (const replica of table.replicas ?? []) {
                const problem = cmkProblem("kmsKeyArn", replica.kmsKeyArn);
                if (problem)
                    reportViolation(
                        `${args.name}: replica in ${replica.regionName}: ${problem} (the replica uses alias/aws/dynamodb)`,
                    );
            }
        }),
        validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
            const problem = cmkProblem("kmsKeyArn", replica.kmsKeyArn);
            if (problem) reportViolation(`${args.name}: ${problem} (the replica uses alias/aws/dynamodb)`);
        }),
    ],
});

export const daxEncryption = definePolicy({
    name: "dax-encryption",
    description:
        "DAX clusters encrypt at rest and serve their cluster endpoint over TLS (FSBP DynamoDB.3, DynamoDB.7; cdk-nag AwsSolutions-DDB4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.dax.Cluster set serverSideEncryption: { enabled: true } and clusterEndpointEncryptionType: "TLS" (both force a new cluster).',
    cdp: {
        concern: "encryption",
        controls: ["FSBP DynamoDB.3", "FSBP DynamoDB.7", "cdk-nag AwsSolutions-DDB4"],
        inspects: [...TYPES.daxCluster],
    },
    validateResource: validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
        if (cluster.serverSideEncryption?.enabled !== true) {
            reportViolation(
                `${args.name}: serverSideEncryption.enabled is not true (the cluster is not encrypted at rest)`,
            );
        }
        if (cluster.clusterEndpointEncryptionType !== "TLS") {
            reportViolation(
                `${args.name}: clusterEndpointEncryptionType is ${cluster.clusterEndpointEncryptionType ?? "unset (NONE)"}, not TLS`,
            );
        }
    }),
});

export const sqsQueueKms = definePolicy({
    name: "sqs-queue-kms",
    description:
        "SQS queues encrypt with SSE-KMS under a customer-managed key; SQS-managed SSE (sqsManagedSseEnabled) and alias/aws/sqs are not enough (platform rule, stricter than FSBP SQS.1 and cdk-nag AwsSolutions-SQS2).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.sqs.Queue (dead-letter queues included) set kmsMasterKeyId to a customer-managed key ARN or alias, not alias/aws/sqs, and drop sqsManagedSseEnabled.",
    cdp: {
        concern: "encryption",
        controls: ["platform rule", "FSBP SQS.1", "cdk-nag AwsSolutions-SQS2"],
        inspects: [...TYPES.sqsQueue],
    },
    validateResource: validateResourceOfType(aws.sqs.Queue, (queue, args, reportViolation) => {
        const problem = cmkProblem("kmsMasterKeyId", queue.kmsMasterKeyId);
        if (!problem) return;
        const managed =
            queue.sqsManagedSseEnabled === true && !queue.kmsMasterKeyId
                ? " (only SQS-managed SSE, sqsManagedSseEnabled, is on)"
                : "";
        reportViolation(`${args.name}: ${problem}${managed}`);
    }),
});

export const snsTopicKms = definePolicy({
    name: "sns-topic-kms",
    description:
        "SNS topics encrypt with SSE-KMS under a customer-managed key, not alias/aws/sns (platform rule; FSBP SNS.1 was retired in 2024 and cdk-nag AwsSolutions-SNS2 removed; cdk-nag NIST.800.53.R5-SNSEncryptedKMS).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.sns.Topic set kmsMasterKeyId to a customer-managed key ARN or alias (not alias/aws/sns) whose key policy lets the publishing services use it.",
    cdp: {
        concern: "encryption",
        controls: ["platform rule", "cdk-nag NIST.800.53.R5-SNSEncryptedKMS"],
        inspects: [...TYPES.snsTopic],
    },
    validateResource: validateResourceOfType(aws.sns.Topic, (topic, args, reportViolation) => {
        const problem = cmkProblem("kmsMasterKeyId", topic.kmsMasterKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
    }),
});

/** Default minimum retention of log groups: 1 day, i.e. a retention must merely be set. */
export const DEFAULT_MINIMUM_LOG_RETENTION_DAYS = 1;

export const logGroupKmsRetention = definePolicy({
    name: "log-group-kms-retention",
    description:
        "CloudWatch log groups encrypt under a customer-managed KMS key and expire their events after an explicit retention of at least the configured minimum (default 1 day, i.e. set; 0 = never expire counts as unset) (platform rule; cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted, Serverless-CloudWatchLogGroupRetentionPeriod).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.cloudwatch.LogGroup set kmsKeyId to a customer-managed key ARN (its key policy must allow the logs.<region>.amazonaws.com principal) and retentionInDays to a supported value of at least the configured minimum.",
    configSchema: {
        properties: {
            minimumRetentionDays: { type: "integer", minimum: 1, default: DEFAULT_MINIMUM_LOG_RETENTION_DAYS },
        },
    },
    cdp: {
        concern: "encryption",
        controls: [
            "platform rule",
            "cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted",
            "cdk-nag Serverless-CloudWatchLogGroupRetentionPeriod",
        ],
        inspects: [...TYPES.logGroup],
    },
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
        const minimum =
            args.getConfig<{ minimumRetentionDays?: number }>().minimumRetentionDays ??
            DEFAULT_MINIMUM_LOG_RETENTION_DAYS;
        const problem = cmkProblem("kmsKeyId", group.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
        const retention = group.retentionInDays;
        if (retention === undefined || retention === null || retention === 0) {
            reportViolation(`${args.name}: retentionInDays is not set (events never expire)`);
        } else if (retention < minimum) {
            reportViolation(`${args.name}: retentionInDays is ${retention}; at least ${minimum} required`);
        }
    }),
});

export const lambdaEnvironmentCmk = definePolicy({
    name: "lambda-environment-cmk",
    description:
        "Lambda functions with environment variables encrypt them under a customer-managed KMS key (kmsKeyArn) instead of the AWS-managed aws/lambda key (platform rule; serverless best practice).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.lambda.Function set kmsKeyArn to a customer-managed key ARN (the execution role needs kms:Decrypt on it), or move secrets out of environment.variables into Secrets Manager.",
    cdp: { concern: "encryption", controls: ["platform rule"], inspects: [...TYPES.lambdaFunction] },
    validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
        const variables = fn.environment?.variables ?? {};
        if (Object.keys(variables).length === 0) return;
        const problem = cmkProblem("kmsKeyArn", fn.kmsKeyArn);
        if (problem) reportViolation(`${args.name}: has environment variables but ${problem}`);
    }),
});

export const secretsmanagerSecretCmk = definePolicy({
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

export const cloudtrailKmsValidation = definePolicy({
    name: "cloudtrail-kms-validation",
    description:
        "CloudTrail trails encrypt log files with SSE-KMS under a customer-managed key and enable log file integrity validation (FSBP CloudTrail.2, CloudTrail.4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.cloudtrail.Trail set kmsKeyId to a customer-managed key ARN (its key policy must allow cloudtrail.amazonaws.com to GenerateDataKey*) and enableLogFileValidation: true.",
    cdp: {
        concern: "encryption",
        controls: ["FSBP CloudTrail.2", "FSBP CloudTrail.4"],
        inspects: [...TYPES.cloudtrailTrail],
    },
    validateResource: validateResourceOfType(aws.cloudtrail.Trail, (trail, args, reportViolation) => {
        const problem = cmkProblem("kmsKeyId", trail.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
        if (trail.enableLogFileValidation !== true)
            reportViolation(`${args.name}: enableLogFileValidation is not true`);
    }),
});

/** Policies of this group (see policies/README.md for the coverage table). */
export const encryptionDataPolicies: CdpPolicy[] = [
    kinesisStreamEncrypted,
    firehoseSse,
    dynamodbTableCmk,
    daxEncryption,
    sqsQueueKms,
    snsTopicKms,
    logGroupKmsRetention,
    lambdaEnvironmentCmk,
    secretsmanagerSecretCmk,
    cloudtrailKmsValidation,
];
