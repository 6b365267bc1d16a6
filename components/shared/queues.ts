import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccessInput } from "./access";
import { createAlarm } from "./alarms";
import type { AwsContext } from "./context";
import { policyJson, type PolicyStatement } from "./iam";

/** A service that may send to a queue, from the listed source ARNs only (e.g. EventBridge rules). */
export interface QueueSender {
    service: string;
    sourceArns: pulumi.Input<string>[];
}

export interface QueueSpec {
    /** Physical queue name (naming rules `sqsQueue`). */
    queueName: string;
    /** Customer-managed key the queue is encrypted with. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Services allowed to send, from the listed sources only.
     * @default none: identity policies of the account only
     */
    senders?: QueueSender[];
    /**
     * Seconds messages are kept (of the work queue only: the dead-letter queue of `createQueueWithDlq` keeps 14 days).
     * @default 1209600 (14 days) for dead-letter queues, 345600 (4 days) for work queues
     */
    retentionSeconds?: number;
}

function queuePolicy(queueArn: pulumi.Output<string>, senders: QueueSender[]): pulumi.Output<string> {
    const statements: PolicyStatement[] = [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queueArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        ...senders.map(
            (s, i): PolicyStatement => ({
                Sid: `AllowSender${i}`,
                Effect: "Allow",
                Principal: { Service: s.service },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": s.sourceArns } },
            }),
        ),
    ];
    return policyJson(statements);
}

/** An encrypted (CMK), TLS-only queue; with senders, a queue policy admitting only them. */
function createQueue(
    name: string,
    parent: pulumi.Resource,
    spec: QueueSpec,
    extra: Partial<aws.sqs.QueueArgs>,
): aws.sqs.Queue {
    const queue = new aws.sqs.Queue(
        name,
        { name: spec.queueName, kmsMasterKeyId: spec.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300, ...extra },
        { parent },
    );
    new aws.sqs.QueuePolicy(
        name,
        { queueUrl: queue.url, policy: queuePolicy(queue.arn, spec.senders ?? []) },
        { parent },
    );
    return queue;
}

/** A dead-letter queue (14-day retention) for targets that deliver asynchronously (EventBridge, Scheduler, Lambda). */
export function createDeadLetterQueue(name: string, parent: pulumi.Resource, spec: QueueSpec): aws.sqs.Queue {
    return createQueue(name, parent, spec, { messageRetentionSeconds: spec.retentionSeconds ?? 1209600 });
}

/** A work queue with its own dead-letter queue (`<name>-dlq`), moved there after `maxReceiveCount` receives. */
export function createQueueWithDlq(
    name: string,
    parent: pulumi.Resource,
    spec: QueueSpec & { maxReceiveCount?: number },
): { queue: aws.sqs.Queue; dlq: aws.sqs.Queue } {
    // Senders reach the DLQ too: EventBridge and Scheduler deliver failed events to it directly.
    const dlq = createDeadLetterQueue(`${name}-dlq`, parent, {
        queueName: `${spec.queueName}-dlq`,
        kmsKeyArn: spec.kmsKeyArn,
        senders: spec.senders,
    });
    const queue = createQueue(name, parent, spec, {
        messageRetentionSeconds: spec.retentionSeconds ?? 345600,
        redrivePolicy: pulumi.jsonStringify({
            deadLetterTargetArn: dlq.arn,
            maxReceiveCount: spec.maxReceiveCount ?? 5,
        }),
    });
    return { queue, dlq };
}

/**
 * Key-policy statement of a CMK encrypting the dead-letter queue of an EventBridge rule target: EventBridge sends the
 * events it cannot deliver to the encrypted queue itself and needs the key for it ("Using dead-letter queues to
 * process undelivered events", encrypted queues: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms).
 */
export function eventBridgeDeadLetterKeyStatement(ctx: AwsContext): PolicyStatement {
    return {
        Sid: "AllowEventBridgeEncryptedDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
    };
}

/** An alarm when messages wait in a dead-letter queue (`ApproximateNumberOfMessagesVisible` > 0). */
export function deadLetterDepthAlarm(
    name: string,
    parent: pulumi.Resource,
    alarmTopicArn: pulumi.Input<string>,
    queue: aws.sqs.Queue,
    description: string,
): aws.cloudwatch.MetricAlarm {
    return createAlarm(name, parent, alarmTopicArn, {
        description,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
    });
}

export interface RuleDeadLettersSpec {
    /** Physical queue name (naming rules `sqsQueue`). */
    queueName: string;
    /** Customer-managed key of the queue; its policy needs `eventBridgeDeadLetterKeyStatement`. */
    kmsKeyArn: pulumi.Input<string>;
    /** The rule whose target sends undeliverable events here (the queue policy admits only it). */
    ruleArn: pulumi.Input<string>;
    /** Topic the queue-depth alarm notifies. */
    alarmTopicArn: pulumi.Input<string>;
    /** The alarm's description: what waits in the queue and what to do. */
    alarmDescription: string;
    /** Id of the required access (`<component>/<what>`): EventBridge sends to the queue with the key. */
    accessId: string;
    /** Why the access is needed (the access proof's report). */
    why: string;
    ctx: AwsContext;
}

/** The dead letters of one EventBridge rule target: the queue, its depth alarm and the access EventBridge needs. */
export interface RuleDeadLetters {
    queue: aws.sqs.Queue;
    /** `deadLetterConfig` of the rule's `EventTarget`. */
    deadLetterConfig: { arn: pulumi.Output<string> };
    /** EventBridge → queue, with the key (principal `events.amazonaws.com`, source the rule). */
    access: RequiredAccessInput;
}

/**
 * The dead-letter queue of an EventBridge rule target (encrypted with a CMK, TLS only, a queue policy admitting
 * `events.amazonaws.com` for `sqs:SendMessage` only with `aws:SourceArn` = the rule) and an alarm on its depth
 * (`ApproximateNumberOfMessagesVisible` > 0): events EventBridge could not deliver after the target's retry policy
 * wait there, and someone is told (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 * The alarm is `<name>-queued`.
 */
export function createRuleDeadLetters(
    name: string,
    parent: pulumi.Resource,
    spec: RuleDeadLettersSpec,
): RuleDeadLetters {
    const queue = createDeadLetterQueue(name, parent, {
        queueName: spec.queueName,
        kmsKeyArn: spec.kmsKeyArn,
        senders: [{ service: "events.amazonaws.com", sourceArns: [spec.ruleArn] }],
    });
    deadLetterDepthAlarm(`${name}-queued`, parent, spec.alarmTopicArn, queue, spec.alarmDescription);
    const eventsContext = { "aws:SourceArn": spec.ruleArn, "aws:SourceAccount": spec.ctx.accountId };
    return {
        queue,
        deadLetterConfig: { arn: queue.arn },
        access: {
            id: spec.accessId,
            principal: "events.amazonaws.com",
            requests: [
                { actions: ["sqs:SendMessage"], resource: queue.arn, context: eventsContext },
                { actions: ["kms:GenerateDataKey", "kms:Decrypt"], resource: spec.kmsKeyArn, context: eventsContext },
            ],
            doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
            why: spec.why,
        },
    };
}
