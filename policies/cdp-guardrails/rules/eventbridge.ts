import { known, probe } from "../lib/unknown";
import { type CdpPolicy, definePolicy, forTypes, isType } from "../lib/policy";
import { block, isBlank, propsOf } from "../lib/props";
import { judgeResourcePolicies, NOT_PUBLIC_PROMISE, openGrantProblems, policyProperty } from "../lib/resource-policy";
import { parsePolicy } from "../lib/iam";
import { TYPES } from "../lib/types";

/** EventBridge: event bus policies and permissions are not open to every AWS account. */

/** The props eventbridge-bus-policy-not-open reads of an aws.cloudwatch.EventPermission. */
interface EventPermissionProps {
    /** The account allowed to put events, "*" for any. */
    principal?: string;
    /** The condition the permission adds (EventBridge accepts one: aws:PrincipalOrgID with StringEquals). */
    condition?: { key?: string; type?: string; value?: string };
    action?: string;
}

/**
 * The statement an aws.cloudwatch.EventPermission adds to the bus policy (PutPermission builds it from principal,
 * action and condition: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html), so
 * that it is judged like a policy document.
 */
function permissionStatement(props: EventPermissionProps): object {
    const principal = props.principal === "*" ? "*" : { AWS: props.principal };
    const c = props.condition;
    return {
        Version: "2012-10-17",
        Statement: {
            Sid: "EventPermission",
            Effect: "Allow",
            Principal: principal,
            Action: props.action ?? "events:PutEvents",
            Resource: "*",
            ...(c?.key ? { Condition: { [c.type ?? "StringEquals"]: { [c.key]: c.value ?? "" } } } : {}),
        },
    };
}

const eventbridgeBusPolicyNotOpen = definePolicy({
    name: "eventbridge-bus-policy-not-open",
    description: `EventBridge event bus policies (aws.cloudwatch.EventBusPolicy) and permissions (aws.cloudwatch.EventPermission, judged as the statement PutPermission adds) ${NOT_PUBLIC_PROMISE} (cdk-nag AwsSolutions-EVB1; complements FSBP EventBridge.3, which asks custom buses to have a resource policy).`,
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'In the aws.cloudwatch.EventBusPolicy policy name the account or role principals that may put events, or keep Principal "*" with Condition {StringEquals: {"aws:PrincipalOrgID": "o-..."}}; on an aws.cloudwatch.EventPermission set principal to an account id, or set condition {key: "aws:PrincipalOrgID", type: "StringEquals", value: "o-..."} when principal is "*".',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-EVB1"],
        inspects: [...TYPES.eventBusPolicy, ...TYPES.eventPermission],
    },
    validateResource: forTypes([...TYPES.eventBusPolicy, ...TYPES.eventPermission], (args, reportViolation) => {
        judgeResourcePolicies(args, [policyProperty(TYPES.eventBusPolicy)], reportViolation);
        if (isType(args.type, TYPES.eventPermission)) {
            const props = known(() => {
                const p = propsOf<EventPermissionProps>(args);
                return { principal: p.principal, action: p.action, condition: p.condition && { ...p.condition } };
            });
            if (!props) return;
            for (const problem of openGrantProblems(parsePolicy(permissionStatement(props)))) {
                reportViolation(`${args.name}: principal ${JSON.stringify(props.principal)}: ${problem}`);
            }
        }
    }),
});

/** The props eventbridge-target-dead-letter reads of a rule target or a schedule. */
interface DeadLetterTargetProps {
    /** aws.cloudwatch.EventTarget. */
    deadLetterConfig?: { arn?: unknown };
    /** aws.scheduler.Schedule. */
    target?: { deadLetterConfig?: { arn?: unknown } };
}

const eventbridgeTargetDeadLetter = definePolicy({
    name: "eventbridge-target-dead-letter",
    description:
        "EventBridge rule targets (aws.cloudwatch.EventTarget) and EventBridge Scheduler schedules (aws.scheduler.Schedule) name a dead-letter queue (deadLetterConfig.arn): an event or invocation that still fails after the retry policy is kept and can be alarmed on and redriven, instead of being dropped (platform rule; EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html, Scheduler: https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an encrypted SQS queue (createRuleDeadLetters in components/shared/queues.ts for a rule: queue policy admitting events.amazonaws.com with aws:SourceArn = the rule, depth alarm) and set deadLetterConfig: {arn: queue.arn} on the aws.cloudwatch.EventTarget, or target.deadLetterConfig on the aws.scheduler.Schedule (its execution role needs sqs:SendMessage on the queue).",
    cdp: {
        concern: "governance",
        controls: ["platform rule"],
        inspects: [...TYPES.eventTarget, ...TYPES.schedulerSchedule],
    },
    validateResource: forTypes([...TYPES.schedulerSchedule, ...TYPES.eventTarget], (args, reportViolation) => {
        const isSchedule = isType(args.type, TYPES.schedulerSchedule);
        // An ARN not known yet (a queue created in the same update) counts as set.
        const arn = probe(() => {
            const p = propsOf<DeadLetterTargetProps>(args);
            return isSchedule ? block(block(p.target)?.deadLetterConfig)?.arn : block(p.deadLetterConfig)?.arn;
        });
        if (arn.known && isBlank(arn.value)) {
            reportViolation(
                `${args.name}: ${isSchedule ? "target.deadLetterConfig" : "deadLetterConfig"} is not set: events that fail after the retries are dropped`,
            );
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const eventbridgePolicies: CdpPolicy[] = [eventbridgeBusPolicyNotOpen, eventbridgeTargetDeadLetter];
