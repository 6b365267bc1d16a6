import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { asList, isPublicPrincipal, type Statement, statementLabel, statementsOf } from "../lib/stack";
import { TYPES } from "../lib/types";

/** EventBridge: event bus policies and permissions are not open to every AWS account. */

/** The props eventbridge-bus-policy-not-open reads (aws.cloudwatch.EventBusPolicy, aws.cloudwatch.EventPermission). */
interface BusPolicyProps {
    /** EventBusPolicy: the policy document. */
    policy?: string;
    /** EventPermission: the account allowed to put events, "*" for any, and its organisation condition. */
    principal?: string;
    condition?: { key?: string; type?: string; value?: string };
}

/** Condition keys that confine a public principal to an account or organisation. */
const SCOPING_CONDITION_KEYS = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourceorgid",
];

/** True when the statement's condition confines it to accounts or an organisation (a positive, non-wildcard test). */
function isScoped(condition: Statement["Condition"]): boolean {
    if (!condition || typeof condition !== "object") return false;
    return Object.entries(condition).some(([operator, tests]) => {
        if (/not|^null$/i.test(operator) || !tests || typeof tests !== "object") return false;
        return Object.entries(tests).some(
            ([k, v]) =>
                SCOPING_CONDITION_KEYS.includes(k.toLowerCase()) && asList(v).length > 0 && !asList(v).includes("*"),
        );
    });
}

const eventbridgeBusPolicyNotOpen = definePolicy({
    name: "eventbridge-bus-policy-not-open",
    description:
        'EventBridge event bus policies and permissions grant nothing to a public principal ("*") unless a condition confines it to an organisation or accounts (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount...) (cdk-nag AwsSolutions-EVB1; complements FSBP EventBridge.3, which asks custom buses to have a resource policy).',
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
        const props = propsOf<BusPolicyProps>(args);
        if (isType(args.type, TYPES.eventBusPolicy)) {
            statementsOf(props.policy).forEach((s, i) => {
                if (s.Effect === "Allow" && isPublicPrincipal(s.Principal) && !isScoped(s.Condition)) {
                    reportViolation(
                        `${args.name}: ${statementLabel(s, i)} allows a public principal without an aws:PrincipalOrgID / aws:PrincipalAccount / aws:SourceAccount condition`,
                    );
                }
            });
        } else if (isType(args.type, TYPES.eventPermission)) {
            const condition = props.condition;
            const scoped =
                condition &&
                String(condition.key ?? "").toLowerCase() === "aws:principalorgid" &&
                condition.value &&
                condition.value !== "*";
            if (props.principal === "*" && !scoped) {
                reportViolation(
                    `${args.name}: principal is "*" and no aws:PrincipalOrgID condition is set (any AWS account can put events)`,
                );
            }
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const eventbridgePolicies: CdpPolicy[] = [eventbridgeBusPolicyNotOpen];
