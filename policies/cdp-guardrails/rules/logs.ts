import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { TYPES } from "../lib/types";

/** CloudWatch Logs: log groups encrypt under a customer-managed key and expire their events. */

/** Default minimum retention of log groups: 1 day, i.e. a retention must merely be set. */
const DEFAULT_MINIMUM_LOG_RETENTION_DAYS = 1;

const logGroupKmsRetention = definePolicy({
    name: "log-group-kms-retention",
    description:
        "CloudWatch log groups encrypt under a customer-managed KMS key and expire their events after an explicit retention of at least the configured minimum (default 1 day, i.e. set; 0 = never expire counts as unset) (platform rule; cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted, Serverless-CloudWatchLogGroupRetentionPeriod).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.cloudwatch.LogGroup set kmsKeyId to a customer-managed key ARN (its key policy must allow the logs.<region>.amazonaws.com principal) and retentionInDays to a supported value of at least the configured minimum.",
    configSchema: {
        properties: {
            minimumRetentionDays: { type: "integer", minimum: 1, default: DEFAULT_MINIMUM_LOG_RETENTION_DAYS },
        },
    },
    cdp: {
        concern: "encryption",
        controls: [
            "platform rule",
            "cdk-nag NIST.800.53.R5-CloudWatchLogGroupEncrypted",
            "cdk-nag Serverless-CloudWatchLogGroupRetentionPeriod",
        ],
        inspects: [...TYPES.logGroup],
    },
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
        const minimum =
            args.getConfig<{ minimumRetentionDays?: number }>().minimumRetentionDays ??
            DEFAULT_MINIMUM_LOG_RETENTION_DAYS;
        const problem = cmkProblem("kmsKeyId", group.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
        const retention = group.retentionInDays;
        if (retention === undefined || retention === null || retention === 0) {
            reportViolation(`${args.name}: retentionInDays is not set (events never expire)`);
        } else if (retention < minimum) {
            reportViolation(`${args.name}: retentionInDays is ${retention}; at least ${minimum} required`);
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const logsPolicies: CdpPolicy[] = [logGroupKmsRetention];
