import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { isBlank } from "../lib/props";
import { TYPES } from "../lib/types";

/** Step Functions: state machines log all events and trace executions with X-Ray. */

const stepFunctionsLoggingXray = definePolicy({
    name: "stepfunctions-logging-xray",
    description:
        "Step Functions state machines log ALL events to a CloudWatch Logs destination and trace executions with X-Ray (FSBP StepFunctions.1; cdk-nag AwsSolutions-SF1, AwsSolutions-SF2).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.sfn.StateMachine set loggingConfiguration { level: "ALL", includeExecutionData: true, logDestination: `${logGroup.arn}:*` } (a KMS-encrypted log group with retention) and tracingConfiguration { enabled: true }.',
    cdp: {
        concern: "governance",
        controls: ["FSBP StepFunctions.1", "cdk-nag AwsSolutions-SF1", "cdk-nag AwsSolutions-SF2"],
        inspects: [...TYPES.sfnStateMachine],
    },
    validateResource: validateResourceOfType(aws.sfn.StateMachine, (machine, args, reportViolation) => {
        const logging = machine.loggingConfiguration;
        if (logging?.level !== "ALL") {
            reportViolation(
                `state machine ${args.name}: loggingConfiguration.level is ${logging?.level ?? "not set"}, not ALL`,
            );
        }
        if (isBlank(logging?.logDestination)) {
            reportViolation(`state machine ${args.name}: loggingConfiguration.logDestination is not set`);
        }
        if (machine.tracingConfiguration?.enabled !== true) {
            reportViolation(
                `state machine ${args.name}: X-Ray tracing is not enabled (tracingConfiguration.enabled is not true)`,
            );
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const stepfunctionsPolicies: CdpPolicy[] = [stepFunctionsLoggingXray];
