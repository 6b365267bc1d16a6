import { type PolicyResource, validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { isBlank, propsOf, refValue } from "../lib/props";
import { TYPES } from "../lib/types";

/** API Gateway (REST): method authorization and request validation, stage access logs, X-Ray and execution logging. */

/** The props apigateway-execution-logging reads of an aws.apigateway.Stage and its aws.apigateway.MethodSettings. */
interface StageProps {
    /** The REST API: its id, or a resource reference. */
    restApi?: unknown;
    stageName?: string;
}

interface MethodSettingsProps extends StageProps {
    methodPath?: string;
    settings?: { loggingLevel?: unknown };
}

/** Execution-log levels that satisfy FSBP APIGateway.1. */
const EXECUTION_LOG_LEVELS = ["INFO", "ERROR"];

/** Whether an API Gateway method is a CORS preflight (`OPTIONS`), which browsers send without credentials. */
function isPreflight(httpMethod: unknown): boolean {
    return typeof httpMethod === "string" && httpMethod.toUpperCase() === "OPTIONS";
}

/** True when two API Gateway resources name the same REST API (shared property dependency, else equal id). */
function sameRestApi(a: PolicyResource, b: PolicyResource): boolean {
    const depsA = (a.propertyDependencies.restApi ?? []).map((d) => d.urn);
    const depsB = (b.propertyDependencies.restApi ?? []).map((d) => d.urn);
    if (depsA.some((u) => depsB.includes(u))) return true;
    const va = refValue(propsOf<StageProps>(a).restApi);
    return va !== undefined && va === refValue(propsOf<StageProps>(b).restApi);
}

/** The MethodSettings of a stage: those whose stageName comes from the stage, or name it on the same REST API. */
function methodSettingsOf(resources: readonly PolicyResource[], stage: PolicyResource): PolicyResource[] {
    return resources.filter((r) => {
        if (!isType(r.type, TYPES.apigatewayMethodSettings)) return false;
        if ((r.propertyDependencies.stageName ?? []).some((d) => d.urn === stage.urn)) return true;
        const stageName = propsOf<MethodSettingsProps>(r).stageName;
        return (
            typeof stageName === "string" && stageName === propsOf<StageProps>(stage).stageName && sameRestApi(r, stage)
        );
    });
}

const apiGatewayMethodAuthorized = definePolicy({
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

const apiGatewayRequestValidation = definePolicy({
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

const apiGatewayStageLoggingXray = definePolicy({
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

const apiGatewayExecutionLogging = definePolicy({
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
            const label = `API Gateway stage ${stage.name} (${propsOf<StageProps>(stage).stageName ?? "?"})`;
            const settings = methodSettingsOf(args.resources, stage);
            const levelOf = (s: PolicyResource) => {
                const level = propsOf<MethodSettingsProps>(s).settings?.loggingLevel;
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
                    `${label}: method settings ${s.name} (methodPath ${propsOf<MethodSettingsProps>(s).methodPath ?? "?"}) turn execution logging off (settings.loggingLevel OFF)`,
                    s.urn,
                );
            }
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const apigatewayPolicies: CdpPolicy[] = [
    apiGatewayMethodAuthorized,
    apiGatewayRequestValidation,
    apiGatewayStageLoggingXray,
    apiGatewayExecutionLogging,
];
