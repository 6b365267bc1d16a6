import { known } from "../lib/unknown";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
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
    validateResource: (args, reportViolation) => {
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
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const eventbridgePolicies: CdpPolicy[] = [eventbridgeBusPolicyNotOpen];
