import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { TYPES } from "../lib/types";

/** CloudTrail: trails encrypt log files with a customer-managed key and validate their integrity. */

const cloudtrailKmsValidation = definePolicy({
    name: "cloudtrail-kms-validation",
    description:
        "CloudTrail trails encrypt log files with SSE-KMS under a customer-managed key and enable log file integrity validation (FSBP CloudTrail.2, CloudTrail.4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.cloudtrail.Trail set kmsKeyId to a customer-managed key ARN (its key policy must allow cloudtrail.amazonaws.com to GenerateDataKey*) and enableLogFileValidation: true.",
    cdp: {
        concern: "encryption",
        controls: ["FSBP CloudTrail.2", "FSBP CloudTrail.4"],
        inspects: [...TYPES.cloudtrailTrail],
    },
    validateResource: validateResourceOfType(aws.cloudtrail.Trail, (trail, args, reportViolation) => {
        const problem = cmkProblem("kmsKeyId", trail.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
        if (trail.enableLogFileValidation !== true)
            reportViolation(`${args.name}: enableLogFileValidation is not true`);
    }),
});

const cloudtrailMultiRegionCloudwatch = definePolicy({
    name: "cloudtrail-multi-region-cloudwatch",
    description:
        "CloudTrail trails are multi-region with global service events (FSBP CloudTrail.1) and deliver to CloudWatch Logs through a role (FSBP CloudTrail.5), where metric filters and alarms watch them.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.cloudtrail.Trail set isMultiRegionTrail: true, includeGlobalServiceEvents: true, cloudWatchLogsGroupArn (the encrypted log group's ARN followed by :*) and cloudWatchLogsRoleArn (a role CloudTrail assumes with logs:CreateLogStream and logs:PutLogEvents on that group).",
    cdp: {
        concern: "governance",
        controls: ["FSBP CloudTrail.1", "FSBP CloudTrail.5"],
        inspects: [...TYPES.cloudtrailTrail],
    },
    validateResource: validateResourceOfType(aws.cloudtrail.Trail, (trail, args, reportViolation) => {
        if (trail.isMultiRegionTrail !== true) reportViolation(`${args.name}: isMultiRegionTrail is not true`);
        if (trail.includeGlobalServiceEvents === false)
            reportViolation(
                `${args.name}: includeGlobalServiceEvents is false (IAM, STS and other global events lost)`,
            );
        if (!trail.cloudWatchLogsGroupArn || !trail.cloudWatchLogsRoleArn)
            reportViolation(`${args.name}: cloudWatchLogsGroupArn or cloudWatchLogsRoleArn is not set`);
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const cloudtrailPolicies: CdpPolicy[] = [cloudtrailKmsValidation, cloudtrailMultiRegionCloudwatch];
