import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";

/** SNS: topics encrypt under a customer-managed key. */

const snsTopicKms = definePolicy({
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

const snsTopicPolicyNotPublic = resourcePolicyNotPublic({
    name: "sns-topic-policy-not-public",
    subject: "SNS topic policies (aws.sns.TopicPolicy and the topic's inline policy)",
    controls: ["FSBP SNS.4", "platform rule"],
    remediation:
        'In the topic policy name the accounts or roles that may publish or subscribe, and give service principals (cloudwatch.amazonaws.com, events.amazonaws.com...) an aws:SourceAccount or aws:SourceArn condition; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount.',
    sources: [policyProperty(TYPES.snsTopicPolicy), policyProperty(TYPES.snsTopic)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const snsPolicies: CdpPolicy[] = [snsTopicKms, snsTopicPolicyNotPublic];
