import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
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

/** Policies of this service (see policies/README.md for the coverage table). */
export const snsPolicies: CdpPolicy[] = [snsTopicKms];
