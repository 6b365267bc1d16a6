import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { attachedTo, parseDocument } from "../lib/stack";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";

/** SQS: queues encrypt under a customer-managed key and have a dead-letter queue (or are one). */

const sqsQueueKms = definePolicy({
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

/** The props sqs-dlq reads of queues (all of them) and of aws.sqs.RedrivePolicy / RedriveAllowPolicy (their JSON). */
interface RedriveProps {
    arn?: string;
    redrivePolicy?: string;
    redriveAllowPolicy?: string;
}

/** The JSON of a redrivePolicy. */
interface RedrivePolicyDocument {
    deadLetterTargetArn?: unknown;
}

/** The JSON of a redriveAllowPolicy. */
interface RedriveAllowPolicyDocument {
    redrivePermission?: unknown;
}

/** Where a resource of any type names its dead-letter or on-failure destination. */
interface DeadLetterProps {
    deadLetterConfig?: { arn?: unknown; targetArn?: unknown };
    target?: { deadLetterConfig?: { arn?: unknown } };
    destinationConfig?: { onFailure?: { destination?: unknown; destinationArn?: unknown } };
}

/** The deadLetterTargetArn a redrivePolicy (JSON) names. */
function deadLetterTargetArn(redrivePolicy: unknown): unknown {
    return parseDocument<RedrivePolicyDocument>(redrivePolicy)?.deadLetterTargetArn;
}

function queueRefersToDlq(resource: PolicyResource, dlq: PolicyResource): boolean {
    if ((resource.propertyDependencies.redrivePolicy ?? []).some((d) => d.urn === dlq.urn)) return true;
    const target = deadLetterTargetArn(propsOf<RedriveProps>(resource).redrivePolicy);
    return typeof target === "string" && target !== "" && target === propsOf<RedriveProps>(dlq).arn;
}

function allowsRedrive(value: unknown): boolean {
    const permission = parseDocument<RedriveAllowPolicyDocument>(value)?.redrivePermission;
    return permission === "allowAll" || permission === "byQueue";
}

/**
 * ARNs a resource names as its dead-letter or on-failure destination: EventBridge targets and buses, Scheduler
 * schedules, Lambda functions and async-invoke configs, event source mappings. A queue so named is a DLQ.
 */
function deadLetterTargets(r: { props: Record<string, unknown> }): string[] {
    const p = propsOf<DeadLetterProps>(r);
    return [
        p.deadLetterConfig?.arn,
        p.deadLetterConfig?.targetArn,
        p.target?.deadLetterConfig?.arn,
        p.destinationConfig?.onFailure?.destination,
        p.destinationConfig?.onFailure?.destinationArn,
    ].filter((v): v is string => typeof v === "string" && v !== "");
}

const sqsDlq = definePolicy({
    name: "sqs-dlq",
    description:
        "Every SQS queue has a dead-letter queue (a redrivePolicy with deadLetterTargetArn, inline or through an aws.sqs.RedrivePolicy), or is itself a dead-letter queue: the target of another queue's or an SNS subscription's (aws.sns.TopicSubscription) redrive policy, the dead-letter or on-failure destination of an EventBridge target, schedule, Lambda function or event source mapping, or open to redrive through a redriveAllowPolicy (cdk-nag AwsSolutions-SQS3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create an encrypted dead-letter aws.sqs.Queue and set redrivePolicy on the source queue to JSON {deadLetterTargetArn: dlq.arn, maxReceiveCount: 5} (or add an aws.sqs.RedrivePolicy with queueUrl: queue.url); optionally give the DLQ a redriveAllowPolicy {redrivePermission: "byQueue", sourceQueueArns: [...]}.',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-SQS3"],
        inspects: [
            ...TYPES.sqsQueue,
            ...TYPES.sqsRedrivePolicy,
            ...TYPES.sqsRedriveAllowPolicy,
            ...TYPES.snsTopicSubscription,
        ],
    },
    validateStack: (args, reportViolation) => {
        const queues = args.resources.filter((r) => isType(r.type, TYPES.sqsQueue));
        // aws.sqs.RedrivePolicy resources and SNS subscriptions (their redrivePolicy names the subscription's DLQ:
        // https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html) name dead-letter queues too.
        const redrives = args.resources.filter((r) =>
            isType(r.type, [...TYPES.sqsRedrivePolicy, ...TYPES.snsTopicSubscription]),
        );
        for (const queue of queues) {
            const props = propsOf<RedriveProps>(queue);
            const inline = deadLetterTargetArn(props.redrivePolicy);
            const hasRedrive =
                (typeof inline === "string" && inline !== "") ||
                attachedTo(args.resources, queue, TYPES.sqsRedrivePolicy, "queueUrl", "url").some((r) => {
                    const target = deadLetterTargetArn(propsOf<RedriveProps>(r).redrivePolicy);
                    return typeof target === "string" && target !== "";
                });
            if (hasRedrive) continue;
            const isDlq =
                [...queues.filter((q) => q !== queue), ...redrives].some((source) => queueRefersToDlq(source, queue)) ||
                args.resources.some((r) => deadLetterTargets(r).includes(String(props.arn))) ||
                allowsRedrive(props.redriveAllowPolicy) ||
                attachedTo(args.resources, queue, TYPES.sqsRedriveAllowPolicy, "queueUrl", "url").some((r) =>
                    allowsRedrive(propsOf<RedriveProps>(r).redriveAllowPolicy),
                );
            if (!isDlq) {
                const why = props.redrivePolicy
                    ? "its redrivePolicy names no deadLetterTargetArn"
                    : "redrivePolicy is not set and no aws.sqs.RedrivePolicy names it";
                reportViolation(
                    `${queue.name}: has no dead-letter queue (${why}) and is not the dead-letter queue of another queue`,
                    queue.urn,
                );
            }
        }
    },
});

const sqsQueuePolicyNotPublic = resourcePolicyNotPublic({
    name: "sqs-queue-policy-not-public",
    subject: "SQS queue policies (aws.sqs.QueuePolicy and the queue's inline policy)",
    controls: ["FSBP SQS.3", "platform rule"],
    remediation:
        'In the queue policy name the accounts or roles that may use the queue, and give service principals (events.amazonaws.com, sns.amazonaws.com...) an ArnEquals aws:SourceArn condition naming the rule or topic; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount.',
    sources: [policyProperty(TYPES.sqsQueuePolicy), policyProperty(TYPES.sqsQueue)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const sqsPolicies: CdpPolicy[] = [sqsQueueKms, sqsDlq, sqsQueuePolicyNotPublic];
