import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
