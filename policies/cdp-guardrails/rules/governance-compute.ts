import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { TYPES } from "../lib/types";

/**
 * Governance of the platform's compute and API surface: Lambda, API Gateway (REST), Step Functions and DynamoDB.
 * pulumi-aws v7 has no deprecated twins for these types, so each policy matches one token per resource kind.
 */

/** Runtimes the platform allows by default (supported by AWS, not scheduled for deprecation soon). */
export const DEFAULT_ALLOWED_RUNTIMES = [
    "nodejs22.x",
    "nodejs24.x",
    "python3.12",
    "python3.13",
    "java21",
    "provided.al2023",
];

/** Execution-log levels that satisfy FSBP APIGateway.1. */
const EXECUTION_LOG_LEVELS = ["INFO", "ERROR"];

/** Whether an API Gateway method is a CORS preflight (`OPTIONS`), which browsers send without credentials. */
function isPreflight(httpMethod: unknown): boolean {
    return typeof httpMethod === "string" && httpMethod.toUpperCase() === "OPTIONS";
}

function isBlank(value: unknown): boolean {
    return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A reference input (`restApi`: an id, or a resource reference object) as a comparable string. */
function refValue(value: unknown): string | undefined {
    if (typeof value === "string") return value;
    if (typeof value === "object" && value !== null) {
        const ref = value as { id?: unknown; urn?: unknown };
        if (typeof ref.id === "string" && ref.id) return ref.id;
        if (typeof ref.urn === "string") return ref.urn;
    }
    return undefined;
}

/** True when two API Gateway resources name the same REST API (shared property dependency, else equal id). */
function sameRestApi(a: PolicyResource, b: PolicyResource): boolean {
    const depsA = (a.propertyDependencies.restApi ?? []).map((d) => d.urn);
    const depsB = (b.propertyDependencies.restApi ?? []).map((d) => d.urn);
    if (depsA.some((u) => depsB.includes(u))) return true;
    const va = refValue(a.props.restApi);
    return va !== undefined && va === refValue(b.props.restApi);
}

/** The MethodSettings of a stage: those whose stageName comes from the stage, or name it on the same REST API. */
function methodSettingsOf(resources: readonly PolicyResource[], stage: PolicyResource): PolicyResource[] {
    return resources.filter((r) => {
        if (!isType(r.type, TYPES.apigatewayMethodSettings)) return false;
        if ((r.propertyDependencies.stageName ?? []).some((d) => d.urn === stage.urn)) return true;
        return (
            typeof r.props.stageName === "string" &&
            r.props.stageName === stage.props.stageName &&
            sameRestApi(r, stage)
        );
    });
}

export const lambdaNoPublicAccess = definePolicy({
    name: "lambda-no-public-access",
    description:
        'Lambda functions cannot be invoked by anyone: no resource-based permission for the public principal "*" (unless scoped to the organisation with principalOrgId) and no function URL without authentication (FSBP Lambda.1).',
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.lambda.Permission set principal to the calling service (e.g. "apigateway.amazonaws.com", "s3.amazonaws.com") or account and restrict it with sourceArn/sourceAccount (or principalOrgId for an organisation-wide grant); on the aws.lambda.FunctionUrl set authorizationType "AWS_IAM".',
    cdp: {
        concern: "governance",
        controls: ["FSBP Lambda.1"],
        inspects: [...TYPES.lambdaPermission, ...TYPES.lambdaFunctionUrl],
    },
    validateResource: (args, reportViolation) => {
        if (isType(args.type, TYPES.lambdaPermission)) {
            const principal = args.props.principal;
            if (principal === "*" && isBlank(args.props.principalOrgId)) {
                const fn = refValue(args.props.function) ?? "its function";
                reportViolation(
                    `Lambda permission ${args.name} grants ${args.props.action ?? "invocation"} on ${fn} to the public principal "*"`,
                );
            }
        } else if (isType(args.type, TYPES.lambdaFunctionUrl)) {
            if (args.props.authorizationType === "NONE") {
                reportViolation(
                    `Lambda function URL ${args.name} has authorizationType NONE: anyone can invoke ${args.props.functionName ?? "the function"}`,
                );
            }
        }
    },
});

export const lambdaSupportedRuntime = definePolicy({
    name: "lambda-supported-runtime",
    description:
        "Zip-packaged Lambda functions use a supported runtime from the platform's allowed list (FSBP Lambda.2; cdk-nag AwsSolutions-L1). Container-image functions (packageType Image) carry their own runtime and are exempt.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: `Set runtime on the aws.lambda.Function to one of the allowed runtimes (default: ${DEFAULT_ALLOWED_RUNTIMES.join(", ")}), e.g. aws.lambda.Runtime.NodeJS22dX.`,
    configSchema: {
        properties: {
            allowedRuntimes: {
                type: "array",
                items: { type: "string" },
                minItems: 1,
                default: DEFAULT_ALLOWED_RUNTIMES,
            },
        },
    },
    cdp: {
        concern: "governance",
        controls: ["FSBP Lambda.2", "cdk-nag AwsSolutions-L1"],
        inspects: [...TYPES.lambdaFunction],
    },
    validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
        if (fn.packageType === "Image") return;
        const allowed = args.getConfig<{ allowedRuntimes?: string[] }>().allowedRuntimes ?? DEFAULT_ALLOWED_RUNTIMES;
        const runtime = fn.runtime as string | undefined;
        if (isBlank(runtime)) {
            reportViolation(`Lambda function ${args.name}: runtime is not set (allowed: ${allowed.join(", ")})`);
        } else if (!allowed.includes(runtime as string)) {
            reportViolation(
                `Lambda function ${args.name}: runtime ${runtime} is not in the allowed list (${allowed.join(", ")})`,
            );
        }
    }),
});

export const apiGatewayMethodAuthorized = definePolicy({
    name: "apigateway-method-authorized",
    description:
        "API Gateway REST methods require authorization (AWS_IAM, COGNITO_USER_POOLS or CUSTOM), never NONE; CORS preflight OPTIONS methods are exempt (cdk-nag AwsSolutions-APIG4, AwsSolutions-COG4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set authorization on the aws.apigateway.Method to "AWS_IAM" (preferred for service callers) or to "COGNITO_USER_POOLS"/"CUSTOM" with authorizerId naming an aws.apigateway.Authorizer.',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-APIG4", "cdk-nag AwsSolutions-COG4"],
        inspects: [...TYPES.apigatewayMethod],
    },
    validateResource: validateResourceOfType(aws.apigateway.Method, (method, args, reportViolation) => {
        if (isPreflight(method.httpMethod)) return;
        const authorization = method.authorization as string | undefined;
        if (isBlank(authorization) || String(authorization).toUpperCase() === "NONE") {
            reportViolation(
                `API Gateway method ${args.name} (${method.httpMethod}) has authorization ${authorization ?? "unset"}: callers are not authenticated`,
            );
        }
    }),
});

export const apiGatewayRequestValidation = definePolicy({
    name: "apigateway-request-validation",
    description:
        "API Gateway REST methods validate requests with a request validator; CORS preflight OPTIONS methods are exempt (cdk-nag AwsSolutions-APIG2).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an aws.apigateway.RequestValidator (validateRequestBody and validateRequestParameters true) for the REST API and set requestValidatorId on the aws.apigateway.Method to its id.",
    cdp: { concern: "governance", controls: ["cdk-nag AwsSolutions-APIG2"], inspects: [...TYPES.apigatewayMethod] },
    validateResource: validateResourceOfType(aws.apigateway.Method, (method, args, reportViolation) => {
        if (isPreflight(method.httpMethod)) return;
        if (isBlank(method.requestValidatorId)) {
            reportViolation(
                `API Gateway method ${args.name} (${method.httpMethod}): requestValidatorId is not set, requests are not validated`,
            );
        }
    }),
});

export const apiGatewayStageLoggingXray = definePolicy({
    name: "apigateway-stage-logging-xray",
    description:
        "API Gateway REST stages write access logs to CloudWatch Logs or Firehose and trace requests with X-Ray (cdk-nag AwsSolutions-APIG1; FSBP APIGateway.3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.apigateway.Stage set accessLogSettings { destinationArn: <KMS-encrypted log group ARN with retention>, format: <JSON access-log format> } and xrayTracingEnabled: true.",
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-APIG1", "FSBP APIGateway.3"],
        inspects: [...TYPES.apigatewayStage],
    },
    validateResource: validateResourceOfType(aws.apigateway.Stage, (stage, args, reportViolation) => {
        const stageName = `API Gateway stage ${args.name} (${stage.stageName ?? "?"})`;
        if (isBlank(stage.accessLogSettings?.destinationArn)) {
            reportViolation(
                `${stageName}: access logging is not enabled (accessLogSettings.destinationArn is not set)`,
            );
        }
        if (stage.xrayTracingEnabled !== true) {
            reportViolation(`${stageName}: X-Ray tracing is not enabled (xrayTracingEnabled is not true)`);
        }
    }),
});

export const apiGatewayExecutionLogging = definePolicy({
    name: "apigateway-execution-logging",
    description:
        "Every API Gateway REST stage has execution logging at INFO or ERROR level through an aws.apigateway.MethodSettings for its REST API and stage name, and no method settings of the stage turn it OFF (FSBP APIGateway.1; cdk-nag AwsSolutions-APIG6).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add an aws.apigateway.MethodSettings with restApi and stageName of the stage (stageName: stage.stageName), methodPath "*/*" and settings.loggingLevel "INFO" (or "ERROR"), metricsEnabled true; the account needs an aws.apigateway.Account with a CloudWatch role.',
    cdp: {
        concern: "governance",
        controls: ["FSBP APIGateway.1", "cdk-nag AwsSolutions-APIG6"],
        inspects: [...TYPES.apigatewayStage, ...TYPES.apigatewayMethodSettings],
    },
    validateStack: (args, reportViolation) => {
        for (const stage of args.resources.filter((r) => isType(r.type, TYPES.apigatewayStage))) {
            const label = `API Gateway stage ${stage.name} (${stage.props.stageName ?? "?"})`;
            const settings = methodSettingsOf(args.resources, stage);
            const levelOf = (s: PolicyResource) => {
                const level = (s.props.settings as { loggingLevel?: unknown } | undefined)?.loggingLevel;
                return typeof level === "string" ? level.toUpperCase() : undefined;
            };
            const enabling = settings.filter((s) => EXECUTION_LOG_LEVELS.includes(levelOf(s) ?? ""));
            if (enabling.length === 0) {
                const why =
                    settings.length === 0
                        ? "it has no aws.apigateway.MethodSettings"
                        : "no method settings set settings.loggingLevel to INFO or ERROR";
                reportViolation(`${label}: execution logging is not enabled (${why})`, stage.urn);
                continue;
            }
            for (const s of settings.filter((x) => levelOf(x) === "OFF")) {
                reportViolation(
                    `${label}: method settings ${s.name} (methodPath ${s.props.methodPath ?? "?"}) turn execution logging off (settings.loggingLevel OFF)`,
                    s.urn,
                );
            }
        }
    },
});

export const stepFunctionsLoggingXray = definePolicy({
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

export const dynamoDbPitr = definePolicy({
    name: "dynamodb-pitr",
    description:
        "DynamoDB tables have point-in-time recovery enabled (FSBP DynamoDB.2; cdk-nag AwsSolutions-DDB3), and tables the program protects (the platform protects data stores when data protection is on) also have deletion protection enabled (FSBP DynamoDB.6).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.dynamodb.Table set pointInTimeRecovery { enabled: true }; when the table is protected (dataProtection on, `protect: true`) also set deletionProtectionEnabled: true.",
    cdp: {
        concern: "governance",
        controls: ["FSBP DynamoDB.2", "cdk-nag AwsSolutions-DDB3", "FSBP DynamoDB.6"],
        inspects: [...TYPES.dynamodbTable],
    },
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
        if (table.pointInTimeRecovery?.enabled !== true) {
            reportViolation(
                `DynamoDB table ${args.name}: point-in-time recovery is not enabled (pointInTimeRecovery.enabled is not true)`,
            );
        }
        if (args.opts.protect === true && table.deletionProtectionEnabled !== true) {
            reportViolation(`DynamoDB table ${args.name} is protected but deletionProtectionEnabled is not true`);
        }
    }),
});

/** Policies of this group (see policies/README.md for the coverage table). */
export const governanceComputePolicies: CdpPolicy[] = [
    lambdaNoPublicAccess,
    lambdaSupportedRuntime,
    apiGatewayMethodAuthorized,
    apiGatewayRequestValidation,
    apiGatewayStageLoggingXray,
    apiGatewayExecutionLogging,
    stepFunctionsLoggingXray,
    dynamoDbPitr,
];
