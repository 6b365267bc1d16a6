import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { TYPES } from "../lib/types";

/** Security Hub: every hub account runs the AWS Foundational Security Best Practices standard. */

const FSBP = "standards/aws-foundational-security-best-practices/";

interface AccountProps {
    enableDefaultStandards?: boolean;
}
interface SubscriptionProps {
    standardsArn?: string;
}

const securityhubFsbp = definePolicy({
    name: "securityhub-fsbp",
    description:
        "Every Security Hub account (aws.securityhub.Account) is subscribed to the AWS Foundational Security Best Practices standard: an aws.securityhub.StandardsSubscription to it in the same account (same provider), or enableDefaultStandards (platform rule: the FSBP controls this pack cites are only evaluated where the standard runs).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add an aws.securityhub.StandardsSubscription {standardsArn: arn:<partition>:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0} with dependsOn the aws.securityhub.Account, on the same provider.",
    cdp: {
        concern: "governance",
        controls: ["platform rule"],
        inspects: [...TYPES.securityhubAccount, ...TYPES.securityhubStandardsSubscription],
    },
    validateStack: (args, reportViolation) => {
        const subscriptions = args.resources.filter(
            (r) =>
                isType(r.type, TYPES.securityhubStandardsSubscription) &&
                String(propsOf<SubscriptionProps>(r).standardsArn ?? "").includes(FSBP),
        );
        for (const hub of args.resources.filter((r) => isType(r.type, TYPES.securityhubAccount))) {
            if (propsOf<AccountProps>(hub).enableDefaultStandards === true) continue;
            const subscribed = subscriptions.some(
                (s) =>
                    s.dependencies.some((d) => d.urn === hub.urn) ||
                    (s.provider !== undefined && s.provider.urn === hub.provider?.urn),
            );
            if (!subscribed)
                reportViolation(
                    `${hub.name}: no aws.securityhub.StandardsSubscription to the FSBP standard in its account`,
                    hub.urn,
                );
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const securityhubPolicies: CdpPolicy[] = [securityhubFsbp];
