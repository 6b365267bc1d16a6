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

/** Policies of this service (see policies/README.md for the coverage table). */
export const cloudtrailPolicies: CdpPolicy[] = [cloudtrailKmsValidation];
