import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { isBlank, propsOf } from "../lib/props";
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

/** The props stepfunctions-log-group-cmk reads of an aws.cloudwatch.LogGroup. */
interface LogGroupProps {
    kmsKeyId?: string;
}

const stepFunctionsLogGroupCmk = definePolicy({
    name: "stepfunctions-log-group-cmk",
    description:
        "Step Functions state machines log to a CloudWatch log group of the same stack that is encrypted with a customer-managed KMS key: execution data (inputs, outputs, errors) ends up in the logs (platform rule; no FSBP or cdk-nag control).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the log group in the stack with kmsKeyId set to a customer-managed key whose policy admits logs.<region>.amazonaws.com (createLogGroup), and set loggingConfiguration.logDestination to `${logGroup.arn}:*`.",
    cdp: {
        concern: "encryption",
        controls: ["platform rule"],
        inspects: [...TYPES.sfnStateMachine, ...TYPES.logGroup],
    },
    validateStack: (args, reportViolation) => {
        const groups = args.resources.filter((r) => isType(r.type, TYPES.logGroup));
        for (const machine of args.resources.filter((r) => isType(r.type, TYPES.sfnStateMachine))) {
            const deps = new Set((machine.propertyDependencies.loggingConfiguration ?? []).map((d) => d.urn));
            const destinations = groups.filter((g) => deps.has(g.urn));
            if (destinations.length === 0) {
                reportViolation(
                    `state machine ${machine.name}: its log destination is not a log group of this stack (its encryption cannot be checked)`,
                    machine.urn,
                );
                continue;
            }
            for (const group of destinations) {
                const problem = cmkProblem("kmsKeyId", propsOf<LogGroupProps>(group).kmsKeyId);
                if (problem) {
                    reportViolation(
                        `state machine ${machine.name}: its log group ${group.name}: ${problem}`,
                        machine.urn,
                    );
                }
            }
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const stepfunctionsPolicies: CdpPolicy[] = [stepFunctionsLoggingXray, stepFunctionsLogGroupCmk];
