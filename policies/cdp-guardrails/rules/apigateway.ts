import { type PolicyResource, type ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";
import { parse as parseYaml } from "yaml";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, forTypes, isType } from "../lib/policy";
import { isBlank, propsOf, refValue } from "../lib/props";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";
import { probe } from "../lib/unknown";

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

/** The props the method rules read of an aws.apigateway.RestApi: its OpenAPI definition and inline policy. */
interface RestApiProps {
    /** OpenAPI 3 or Swagger 2 definition, JSON or YAML. */
    body?: string;
    policy?: string;
}

type OpenApiObject = Record<string, unknown>;

/** An operation of an OpenAPI body, with what the method rules need of it. */
interface BodyOperation {
    /** `GET /path`, for messages. */
    label: string;
    method: string;
    operation: OpenApiObject;
}

const OPENAPI_METHODS = [
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
];

/**
 * The OpenAPI definition of a REST API (`body`), parsed; `undefined` when absent or unknown at preview (the
 * definition is then judged when `pulumi up` resolves it), `{error}` when it does not parse.
 */
function openApiBody(args: ResourceValidationArgs): OpenApiObject | { error: string } | undefined {
    if (!isType(args.type, TYPES.apigatewayRestApi)) return undefined;
    const body = probe(() => propsOf<RestApiProps>(args).body);
    if (!body.known || isBlank(body.value)) return undefined;
    try {
        const doc: unknown = parseYaml(String(body.value));
        return doc && typeof doc === "object" ? (doc as OpenApiObject) : { error: "body is not an OpenAPI object" };
    } catch (e) {
        return { error: `body does not parse as JSON or YAML (${e instanceof Error ? e.message : String(e)})` };
    }
}

function objectAt(value: unknown): OpenApiObject {
    return value && typeof value === "object" && !Array.isArray(value) ? (value as OpenApiObject) : {};
}

/** Every operation the body defines (API Gateway creates one method per operation on import). */
function bodyOperations(doc: OpenApiObject): BodyOperation[] {
    return Object.entries(objectAt(doc.paths)).flatMap(([path, item]) =>
        Object.entries(objectAt(item))
            .filter(([m]) => OPENAPI_METHODS.includes(m.toLowerCase()))
            .map(([m, op]) => ({
                label: `${m.toLowerCase() === "x-amazon-apigateway-any-method" ? "ANY" : m.toUpperCase()} ${path}`,
                method: m.toUpperCase(),
                operation: objectAt(op),
            })),
    );
}

/**
 * Why an operation of the body is not authorized, or undefined: the security requirements that apply (the
 * operation's, else the document's) must all name a scheme API Gateway enforces (x-amazon-apigateway-authtype or
 * x-amazon-apigateway-authorizer: IAM, Cognito, Lambda authorizer); an empty requirement `{}` admits anonymous
 * callers, an API key alone is not authorization
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html).
 */
function bodyAuthorizationProblem(doc: OpenApiObject, op: OpenApiObject): string | undefined {
    const security = op.security ?? doc.security;
    if (!Array.isArray(security) || security.length === 0) return "no security requirement (authorization NONE)";
    const schemes = { ...objectAt(doc.securityDefinitions), ...objectAt(objectAt(doc.components).securitySchemes) };
    for (const requirement of security) {
        const names = Object.keys(objectAt(requirement));
        if (names.length === 0) return "a security requirement {} admits anonymous callers";
        const enforced = names.some((n) => {
            const scheme = objectAt(schemes[n]);
            return "x-amazon-apigateway-authtype" in scheme || "x-amazon-apigateway-authorizer" in scheme;
        });
        if (!enforced)
            return `security requirement ${names.join(" + ")} names no API Gateway authorizer (x-amazon-apigateway-authtype / x-amazon-apigateway-authorizer)`;
    }
    return undefined;
}

/**
 * Why an operation of the body is not validated, or undefined: x-amazon-apigateway-request-validator (the
 * operation's, else the document's) must name a validator of x-amazon-apigateway-request-validators that validates
 * the body or the parameters
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-request-validators.html).
 */
function bodyValidationProblem(doc: OpenApiObject, op: OpenApiObject): string | undefined {
    const name = op["x-amazon-apigateway-request-validator"] ?? doc["x-amazon-apigateway-request-validator"];
    if (typeof name !== "string" || name === "") return "no x-amazon-apigateway-request-validator";
    const validator = objectAt(objectAt(doc["x-amazon-apigateway-request-validators"])[name]);
    if (validator.validateRequestBody !== true && validator.validateRequestParameters !== true) {
        return `request validator ${JSON.stringify(name)} is not defined in x-amazon-apigateway-request-validators or validates nothing`;
    }
    return undefined;
}

/** Reports `problem` for each non-preflight operation of a RestApi body. */
function checkBody(
    args: ResourceValidationArgs,
    reportViolation: (m: string) => void,
    problem: (doc: OpenApiObject, op: OpenApiObject) => string | undefined,
): void {
    const doc = openApiBody(args);
    if (!doc) return;
    if ("error" in doc && typeof doc.error === "string") {
        reportViolation(`API Gateway REST API ${args.name}: cannot be judged: ${doc.error}`);
        return;
    }
    for (const op of bodyOperations(doc as OpenApiObject)) {
        if (isPreflight(op.method)) continue;
        const p = problem(doc as OpenApiObject, op.operation);
        if (p) reportViolation(`API Gateway REST API ${args.name}: body operation ${op.label}: ${p}`);
    }
}

const apiGatewayMethodAuthorized = definePolicy({
    name: "apigateway-method-authorized",
    description:
        "API Gateway REST methods require authorization (AWS_IAM, COGNITO_USER_POOLS or CUSTOM), never NONE, whether defined as aws.apigateway.Method resources or as operations of a RestApi OpenAPI body (every security requirement that applies names an x-amazon-apigateway-authtype/authorizer scheme; none is empty; an API key alone is not authorization); CORS preflight OPTIONS methods are exempt (cdk-nag AwsSolutions-APIG4, AwsSolutions-COG4).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set authorization on the aws.apigateway.Method to "AWS_IAM" (preferred for service callers) or to "COGNITO_USER_POOLS"/"CUSTOM" with authorizerId naming an aws.apigateway.Authorizer.',
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-APIG4", "cdk-nag AwsSolutions-COG4"],
        inspects: [...TYPES.apigatewayMethod, ...TYPES.apigatewayRestApi],
    },
    validateResource: forTypes([...TYPES.apigatewayMethod, ...TYPES.apigatewayRestApi], (args, reportViolation) => {
        checkBody(args, reportViolation, bodyAuthorizationProblem);
        methodAuthorized(args, reportViolation);
    }),
});

const methodAuthorized = validateResourceOfType(aws.apigateway.Method, (method, args, reportViolation) => {
    if (isPreflight(method.httpMethod)) return;
    const authorization = method.authorization as string | undefined;
    if (isBlank(authorization) || String(authorization).toUpperCase() === "NONE") {
        reportViolation(
            `API Gateway method ${args.name} (${method.httpMethod}) has authorization ${authorization ?? "unset"}: callers are not authenticated`,
        );
    }
});

const apiGatewayRequestValidation = definePolicy({
    name: "apigateway-request-validation",
    description:
        "API Gateway REST methods validate requests with a request validator, whether defined as aws.apigateway.Method resources (requestValidatorId) or as operations of a RestApi OpenAPI body (x-amazon-apigateway-request-validator naming a validator that validates the body or parameters); CORS preflight OPTIONS methods are exempt (cdk-nag AwsSolutions-APIG2).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an aws.apigateway.RequestValidator (validateRequestBody and validateRequestParameters true) for the REST API and set requestValidatorId on the aws.apigateway.Method to its id.",
    cdp: {
        concern: "governance",
        controls: ["cdk-nag AwsSolutions-APIG2"],
        inspects: [...TYPES.apigatewayMethod, ...TYPES.apigatewayRestApi],
    },
    validateResource: forTypes([...TYPES.apigatewayMethod, ...TYPES.apigatewayRestApi], (args, reportViolation) => {
        checkBody(args, reportViolation, bodyValidationProblem);
        methodValidated(args, reportViolation);
    }),
});

const methodValidated = validateResourceOfType(aws.apigateway.Method, (method, args, reportViolation) => {
    if (isPreflight(method.httpMethod)) return;
    if (isBlank(method.requestValidatorId)) {
        reportViolation(
            `API Gateway method ${args.name} (${method.httpMethod}): requestValidatorId is not set, requests are not validated`,
        );
    }
});

const apiGatewayRestApiPolicyNotPublic = resourcePolicyNotPublic({
    name: "apigateway-rest-api-policy-not-public",
    subject:
        "API Gateway REST API resource policies (aws.apigateway.RestApiPolicy, the RestApi's policy, and x-amazon-apigateway-policy in its OpenAPI body)",
    controls: ["platform rule"],
    remediation:
        'In the REST API resource policy name the accounts or roles that may invoke it, or keep Principal "*" only with a StringEquals aws:PrincipalOrgID / aws:PrincipalAccount or aws:SourceVpce (private API) condition.',
    sources: [
        policyProperty(TYPES.apigatewayRestApiPolicy),
        policyProperty(TYPES.apigatewayRestApi),
        {
            types: TYPES.apigatewayRestApi,
            documents: (props) => {
                const body = propsOf<RestApiProps>({ props }).body;
                if (isBlank(body)) return [];
                try {
                    const doc = objectAt(parseYaml(String(body)));
                    const policy = doc["x-amazon-apigateway-policy"];
                    return policy === undefined ? [] : [{ where: "body x-amazon-apigateway-policy", document: policy }];
                } catch {
                    return []; // reported by the method rules
                }
            },
        },
    ],
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
    apiGatewayRestApiPolicyNotPublic,
];
