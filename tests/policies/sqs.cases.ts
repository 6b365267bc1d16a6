import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, doc, json, key, notPublicCases, type PolicyCase, REGION } from "./kit";

/** Cases of the SQS rules (rules/sqs.ts): queues under a CMK, each with a dead-letter queue. */

/** A work queue and its dead-letter queue, both on the CMK unless `broken` says otherwise for the work queue. */
function encryptedQueues(p: aws.Provider, broken?: "no-key" | "sqs-managed" | "aws-key"): void {
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

/** A source queue and its dead-letter queue, both under a CMK; `variant` picks how they are linked. */
function linkedQueues(p: aws.Provider, variant: "inline" | "resources" | "no-dlq"): void {
    const cmk = key(p);
    const opts = { provider: p };
    if (variant === "no-dlq") {
        new aws.sqs.Queue("jobs", { name: "pol-test-jobs", kmsMasterKeyId: cmk.keyArn }, opts);
        return;
    }
    const dlq = new aws.sqs.Queue(
        "jobs-dlq",
        { name: "pol-test-jobs-dlq", kmsMasterKeyId: cmk.keyArn, messageRetentionSeconds: 1209600 },
        opts,
    );
    if (variant === "inline") {
        new aws.sqs.Queue(
            "jobs",
            {
                name: "pol-test-jobs",
                kmsMasterKeyId: cmk.keyArn,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
            },
            opts,
        );
        return;
    }
    const source = new aws.sqs.Queue("jobs", { name: "pol-test-jobs", kmsMasterKeyId: cmk.keyArn }, opts);
    new aws.sqs.RedrivePolicy(
        "jobs",
        {
            queueUrl: source.url,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        },
        opts,
    );
    new aws.sqs.RedriveAllowPolicy(
        "jobs-dlq",
        {
            queueUrl: dlq.url,
            redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [source.arn] }),
        },
        opts,
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "sqs-queue-kms",
        title: "queue without a KMS key",
        violating: (p) => encryptedQueues(p, "no-key"),
        compliant: (p) => encryptedQueues(p),
    },
    {
        policy: "sqs-queue-kms",
        title: "queue on SQS-managed SSE only",
        violating: (p) => encryptedQueues(p, "sqs-managed"),
        compliant: (p) => encryptedQueues(p),
    },
    {
        policy: "sqs-queue-kms",
        title: "queue on the AWS-managed alias/aws/sqs key",
        violating: (p) => encryptedQueues(p, "aws-key"),
        compliant: (p) => encryptedQueues(p),
    },
    // sqs-dlq
    {
        policy: "sqs-dlq",
        title: "queue without a dead-letter queue",
        violating: (p) => linkedQueues(p, "no-dlq"),
        compliant: (p) => linkedQueues(p, "inline"),
    },
    {
        policy: "sqs-dlq",
        title: "a queue that is the dead-letter queue of an EventBridge target is a DLQ",
        violating: (p) =>
            void new aws.sqs.Queue(
                "target-dlq",
                { name: "pol-test-target-dlq", kmsMasterKeyId: key(p).keyArn },
                { provider: p },
            ),
        compliant: (p) => {
            const dlq = new aws.sqs.Queue(
                "target-dlq",
                { name: "pol-test-target-dlq", kmsMasterKeyId: key(p).keyArn },
                { provider: p },
            );
            const rule = new aws.cloudwatch.EventRule(
                "nightly",
                { scheduleExpression: "rate(1 day)" },
                { provider: p },
            );
            new aws.cloudwatch.EventTarget(
                "nightly",
                {
                    rule: rule.name,
                    arn: `arn:aws:sns:${REGION}:${ACCOUNT}:pol-test-topic`,
                    deadLetterConfig: { arn: dlq.arn },
                },
                { provider: p },
            );
        },
    },
    {
        policy: "sqs-dlq",
        title: "queue whose redrivePolicy names no deadLetterTargetArn (DLQ linked by RedrivePolicy/RedriveAllowPolicy resources is fine)",
        violating: (p) =>
            void new aws.sqs.Queue(
                "jobs",
                {
                    name: "pol-test-jobs",
                    kmsMasterKeyId: key(p).keyArn,
                    redrivePolicy: JSON.stringify({ maxReceiveCount: 5 }),
                },
                { provider: p },
            ),
        compliant: (p) => linkedQueues(p, "resources"),
    },
    ...notPublicCases("sqs-queue-policy-not-public", (p, grant) => {
        const q = new aws.sqs.Queue(
            "shared",
            {
                kmsMasterKeyId: key(p).keyArn,
                redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }),
            },
            { provider: p },
        );
        new aws.sqs.QueuePolicy(
            "shared",
            {
                queueUrl: q.url,
                policy: json(
                    doc({ Sid: "Send", Effect: "Allow", Action: "sqs:SendMessage", Resource: q.arn, ...grant }),
                ),
            },
            { provider: p },
        );
    }),
    {
        policy: "sqs-queue-policy-not-public",
        title: "the queue's inline policy is judged too",
        violating: (p) =>
            void new aws.sqs.Queue(
                "inline",
                {
                    kmsMasterKeyId: key(p).keyArn,
                    redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }),
                    policy: JSON.stringify(doc({ Effect: "Allow", Principal: "*", Action: "sqs:*", Resource: "*" })),
                },
                { provider: p },
            ),
        compliant: (p) =>
            void new aws.sqs.Queue(
                "inline",
                {
                    kmsMasterKeyId: key(p).keyArn,
                    redriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }),
                    policy: JSON.stringify(
                        doc({
                            Effect: "Allow",
                            Principal: { AWS: "111122223333" },
                            Action: "sqs:SendMessage",
                            Resource: "*",
                        }),
                    ),
                },
                { provider: p },
            ),
    },
    {
        policy: "sqs-dlq",
        title: "a queue named only by an SNS subscription's redrivePolicy is a dead-letter queue",
        violating: (p) => {
            const cmk = key(p);
            new aws.sqs.Queue("sub-dlq", { kmsMasterKeyId: cmk.keyArn }, { provider: p });
            const topic = new aws.sns.Topic("events", { kmsMasterKeyId: cmk.keyArn }, { provider: p });
            new aws.sns.TopicSubscription(
                "events",
                { topic: topic.arn, protocol: "lambda", endpoint: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f` },
                { provider: p },
            );
        },
        compliant: (p) => {
            const cmk = key(p);
            const dlq = new aws.sqs.Queue("sub-dlq", { kmsMasterKeyId: cmk.keyArn }, { provider: p });
            const topic = new aws.sns.Topic("events", { kmsMasterKeyId: cmk.keyArn }, { provider: p });
            new aws.sns.TopicSubscription(
                "events",
                {
                    topic: topic.arn,
                    protocol: "lambda",
                    endpoint: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:f`,
                    redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn }),
                },
                { provider: p },
            );
        },
    },
];
