import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { encryptedLogGroup, key, serviceRole, type PolicyCase } from "./kit";

/** Cases of the Step Functions rules (rules/stepfunctions.ts). */

type MachineFlaw =
    | "none"
    | "level-error"
    | "no-destination"
    | "no-tracing"
    | "log-group-aws-key"
    | "log-group-outside-stack";

/** A state machine with a KMS-encrypted log group with retention, logging ALL, X-Ray — minus `flaw`. */
function stateMachine(p: aws.Provider, flaw: MachineFlaw = "none"): void {
    const cmk = key(p);
    const logs =
        flaw === "log-group-aws-key"
            ? new aws.cloudwatch.LogGroup("machine", { retentionInDays: 365 }, { provider: p })
            : encryptedLogGroup(p, "machine", cmk);
    const destination =
        flaw === "log-group-outside-stack"
            ? "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/elsewhere:*"
            : pulumi.interpolate`${logs.arn}:*`;
    const role = serviceRole(p, "machine", "states.amazonaws.com");
    new aws.sfn.StateMachine(
        "machine",
        {
            roleArn: role.arn,
            definition: JSON.stringify({ StartAt: "Done", States: { Done: { Type: "Pass", End: true } } }),
            encryptionConfiguration: {
                type: "CUSTOMER_MANAGED_KMS_KEY",
                kmsKeyId: cmk.keyArn,
                kmsDataKeyReusePeriodSeconds: 300,
            },
            loggingConfiguration: {
                level: flaw === "level-error" ? "ERROR" : "ALL",
                includeExecutionData: true,
                ...(flaw === "no-destination" ? {} : { logDestination: destination }),
            },
            ...(flaw === "no-tracing" ? {} : { tracingConfiguration: { enabled: true } }),
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "stepfunctions-logging-xray",
        title: "state machine logging ERROR only",
        violating: (p) => stateMachine(p, "level-error"),
        compliant: (p) => stateMachine(p),
    },
    {
        policy: "stepfunctions-logging-xray",
        title: "state machine without a log destination",
        violating: (p) => stateMachine(p, "no-destination"),
        compliant: (p) => stateMachine(p),
    },
    {
        policy: "stepfunctions-logging-xray",
        title: "state machine without X-Ray tracing",
        violating: (p) => stateMachine(p, "no-tracing"),
        compliant: (p) => stateMachine(p),
    },
    {
        policy: "stepfunctions-log-group-cmk",
        title: "state machine logging to a log group without a customer-managed key",
        violating: (p) => stateMachine(p, "log-group-aws-key"),
        compliant: (p) => stateMachine(p),
    },
    {
        policy: "stepfunctions-log-group-cmk",
        title: "state machine logging to a log group outside the stack",
        violating: (p) => stateMachine(p, "log-group-outside-stack"),
        compliant: (p) => stateMachine(p),
    },
];
