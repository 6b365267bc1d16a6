import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { stringify as stringifyYaml } from "yaml";
import { ACCOUNT, doc, encryptedLogGroup, json, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the API Gateway rules (rules/apigateway.ts): a REST API compliant with the whole pack, minus one flaw. */

type ApiFlaw =
    | "none"
    | "no-auth"
    | "no-validator"
    | "no-access-logs"
    | "no-xray"
    | "no-method-settings"
    | "logging-off"
    | "method-path-off";

/**
 * A REST API with one resource, an IAM-authorised and validated GET, a MOCK integration, a deployment, a stage with
 * KMS-encrypted access logs and X-Ray, and execution logging at INFO — minus the one thing `flaw` breaks.
 */
function restApi(p: aws.Provider, flaw: ApiFlaw = "none", withPreflight = false): void {
    const opts = { provider: p };
    const api = new aws.apigateway.RestApi(
        "api",
        { description: "policy test", endpointConfiguration: { types: "REGIONAL" } },
        opts,
    );
    const items = new aws.apigateway.Resource(
        "items",
        { restApi: api.id, parentId: api.rootResourceId, pathPart: "items" },
        opts,
    );
    const validator = new aws.apigateway.RequestValidator(
        "api",
        { restApi: api.id, name: "validate-all", validateRequestBody: true, validateRequestParameters: true },
        opts,
    );
    const get = new aws.apigateway.Method(
        "get-items",
        {
            restApi: api.id,
            resourceId: items.id,
            httpMethod: "GET",
            authorization: flaw === "no-auth" ? "NONE" : "AWS_IAM",
            ...(flaw === "no-validator" ? {} : { requestValidatorId: validator.id }),
        },
        opts,
    );
    const integration = new aws.apigateway.Integration(
        "get-items",
        {
            restApi: api.id,
            resourceId: items.id,
            httpMethod: get.httpMethod,
            type: "MOCK",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
        },
        opts,
    );
    const dependsOn: pulumi.Resource[] = [get, integration];
    if (withPreflight) {
        // CORS preflight: unauthenticated and unvalidated by design, exempt from both method rules.
        const options = new aws.apigateway.Method(
            "options-items",
            { restApi: api.id, resourceId: items.id, httpMethod: "OPTIONS", authorization: "NONE" },
            opts,
        );
        dependsOn.push(
            options,
            new aws.apigateway.Integration(
                "options-items",
                {
                    restApi: api.id,
                    resourceId: items.id,
                    httpMethod: options.httpMethod,
                    type: "MOCK",
                    requestTemplates: { "application/json": '{"statusCode": 200}' },
                },
                opts,
            ),
        );
    }
    const deployment = new aws.apigateway.Deployment(
        "api",
        { restApi: api.id, triggers: { redeployment: "v1" } },
        { ...opts, dependsOn },
    );
    const accessLogs = encryptedLogGroup(p, "api-access");
    const stage = new aws.apigateway.Stage(
        "v1",
        {
            restApi: api.id,
            deployment: deployment.id,
            stageName: "v1",
            xrayTracingEnabled: flaw !== "no-xray",
            ...(flaw === "no-access-logs"
                ? {}
                : {
                      accessLogSettings: {
                          destinationArn: accessLogs.arn,
                          format: JSON.stringify({
                              requestId: "$context.requestId",
                              ip: "$context.identity.sourceIp",
                              status: "$context.status",
                          }),
                      },
                  }),
        },
        opts,
    );
    if (flaw !== "no-method-settings") {
        new aws.apigateway.MethodSettings(
            "v1-all",
            {
                restApi: api.id,
                stageName: stage.stageName,
                methodPath: "*/*",
                settings: { loggingLevel: flaw === "logging-off" ? "OFF" : "INFO", metricsEnabled: true },
            },
            opts,
        );
    }
    if (flaw === "method-path-off") {
        new aws.apigateway.MethodSettings(
            "v1-items-get",
            { restApi: api.id, stageName: stage.stageName, methodPath: "items/GET", settings: { loggingLevel: "OFF" } },
            opts,
        );
    }
}

/** What bodyApi varies in its OpenAPI definition. */
interface BodyOptions {
    /** Security requirements of the operation (undefined: none). Default [{sigv4: []}]. */
    security?: unknown[];
    /** Validator the operation names (undefined: none). Default "all". */
    validator?: string;
    /** HTTP method of the operation. Default get. */
    method?: string;
    /** Write the body as YAML instead of JSON. */
    yaml?: boolean;
    /** x-amazon-apigateway-policy of the body. */
    policy?: unknown;
}

/** A REST API defined by an OpenAPI body (one operation), with the given flaws. */
function bodyApi(p: aws.Provider, options: BodyOptions): void {
    const o: BodyOptions = { security: [{ sigv4: [] }], validator: "all", ...options };
    const operation: Record<string, unknown> = {
        ...(o.security ? { security: o.security } : {}),
        ...(o.validator ? { "x-amazon-apigateway-request-validator": o.validator } : {}),
        "x-amazon-apigateway-integration": {
            type: "mock",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
        },
    };
    const definition = {
        openapi: "3.0.1",
        info: { title: "pol-test", version: "1" },
        paths: { "/items": { [o.method ?? "get"]: operation } },
        components: {
            securitySchemes: {
                sigv4: {
                    type: "apiKey",
                    name: "Authorization",
                    in: "header",
                    "x-amazon-apigateway-authtype": "awsSigv4",
                },
                apiKey: { type: "apiKey", name: "x-api-key", in: "header" },
            },
        },
        "x-amazon-apigateway-request-validators": {
            all: { validateRequestBody: true, validateRequestParameters: true },
        },
        ...(o.policy ? { "x-amazon-apigateway-policy": o.policy } : {}),
    };
    const body = o.yaml ? stringifyYaml(definition) : JSON.stringify(definition);
    new aws.apigateway.RestApi("body-api", { body, endpointConfiguration: { types: "REGIONAL" } }, { provider: p });
}

export const cases: PolicyCase[] = [
    {
        policy: "apigateway-method-authorized",
        title: "method with authorization NONE (OPTIONS preflight exempt)",
        violating: (p) => restApi(p, "no-auth"),
        compliant: (p) => restApi(p, "none", true),
    },
    {
        policy: "apigateway-request-validation",
        title: "method without a request validator (OPTIONS preflight exempt)",
        violating: (p) => restApi(p, "no-validator"),
        compliant: (p) => restApi(p, "none", true),
    },
    {
        policy: "apigateway-stage-logging-xray",
        title: "stage without access logs",
        violating: (p) => restApi(p, "no-access-logs"),
        compliant: (p) => restApi(p),
    },
    {
        policy: "apigateway-stage-logging-xray",
        title: "stage without X-Ray tracing",
        violating: (p) => restApi(p, "no-xray"),
        compliant: (p) => restApi(p),
    },
    {
        policy: "apigateway-execution-logging",
        title: "stage without method settings",
        violating: (p) => restApi(p, "no-method-settings"),
        compliant: (p) => restApi(p),
    },
    {
        policy: "apigateway-execution-logging",
        title: "stage whose method settings set loggingLevel OFF",
        violating: (p) => restApi(p, "logging-off"),
        compliant: (p) => restApi(p),
    },
    {
        policy: "apigateway-execution-logging",
        title: "per-method settings turning execution logging off",
        violating: (p) => restApi(p, "method-path-off"),
        compliant: (p) => restApi(p),
    },
    {
        policy: "apigateway-method-authorized",
        title: "OpenAPI body operation without security / with an IAM (sigv4) scheme",
        violating: (p) => bodyApi(p, { security: undefined }),
        compliant: (p) => bodyApi(p, {}),
    },
    {
        policy: "apigateway-method-authorized",
        title: "OpenAPI body with an empty security requirement (anonymous alternative)",
        violating: (p) => bodyApi(p, { security: [{ sigv4: [] }, {}] }),
        compliant: (p) => bodyApi(p, { method: "options", security: undefined }),
    },
    {
        policy: "apigateway-method-authorized",
        title: "OpenAPI body secured by an API key only (YAML body)",
        violating: (p) => bodyApi(p, { security: [{ apiKey: [] }], yaml: true }),
        compliant: (p) => bodyApi(p, { yaml: true }),
    },
    {
        policy: "apigateway-request-validation",
        title: "OpenAPI body operation without a request validator",
        violating: (p) => bodyApi(p, { validator: undefined }),
        compliant: (p) => bodyApi(p, {}),
    },
    {
        policy: "apigateway-request-validation",
        title: "OpenAPI body naming a validator it does not define",
        violating: (p) => bodyApi(p, { validator: "missing" }),
        compliant: (p) => bodyApi(p, {}),
    },
    ...notPublicCases("apigateway-rest-api-policy-not-public", (p, grant) => {
        const arn = `arn:aws:execute-api:eu-west-1:${ACCOUNT}:a1b2c3d4e5/*`;
        new aws.apigateway.RestApiPolicy(
            "api",
            {
                restApiId: "a1b2c3d4e5",
                policy: json(
                    doc({ Sid: "Invoke", Effect: "Allow", Action: "execute-api:Invoke", Resource: arn, ...grant }),
                ),
            },
            { provider: p },
        );
    }),
    {
        policy: "apigateway-rest-api-policy-not-public",
        title: "x-amazon-apigateway-policy in the OpenAPI body is judged too",
        violating: (p) =>
            bodyApi(p, {
                policy: doc({
                    Effect: "Allow",
                    Principal: "*",
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*",
                }),
            }),
        compliant: (p) =>
            bodyApi(p, {
                policy: doc({
                    Effect: "Allow",
                    Principal: "*",
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*",
                    Condition: { StringEquals: { "aws:SourceVpce": "vpce-0123456789abcdef0" } },
                }),
            }),
    },
];
