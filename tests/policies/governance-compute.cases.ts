import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { key, type PolicyCase } from "./kit";

/** A customer-managed key and a log group encrypted with it, with a retention period. */
function logGroup(p: aws.Provider, name: string, cmk = key(p)): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(name, { retentionInDays: 365, kmsKeyId: cmk.keyArn }, { provider: p });
}

/** A role the given service assumes, with (optionally) one least-privilege inline policy. */
function serviceRole(
    p: aws.Provider,
    name: string,
    service: string,
    statements?: pulumi.Input<unknown>[],
): aws.iam.Role {
    const role = new aws.iam.Role(
        name,
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
            }),
        },
        { provider: p },
    );
    if (statements) {
        new aws.iam.RolePolicy(
            name,
            { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
            { provider: p },
        );
    }
    return role;
}

interface FunctionOptions {
    runtime?: string;
    packageType?: "Zip" | "Image";
}

/** A compliant Lambda function: scoped role, KMS-encrypted log group with retention, supported runtime. */
function lambdaFunction(p: aws.Provider, name = "fn", options: FunctionOptions = {}): aws.lambda.Function {
    const logs = logGroup(p, name);
    const role = serviceRole(p, name, "lambda.amazonaws.com", [
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${logs.arn}:*`,
        },
    ]);
    const image = options.packageType === "Image";
    return new aws.lambda.Function(
        name,
        {
            role: role.arn,
            loggingConfig: { logFormat: "JSON", logGroup: logs.name },
            tracingConfig: { mode: "Active" },
            ...(image
                ? { packageType: "Image", imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/pol-test-fn:1.0.0" }
                : {
                      packageType: "Zip",
                      runtime: options.runtime ?? "nodejs22.x",
                      handler: "index.handler",
                      code: new pulumi.asset.AssetArchive({
                          "index.js": new pulumi.asset.StringAsset(
                              "exports.handler = async () => ({ statusCode: 200 });",
                          ),
                      }),
                  }),
        },
        { provider: p },
    );
}

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
    const accessLogs = logGroup(p, "api-access");
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

type MachineFlaw = "none" | "level-error" | "no-destination" | "no-tracing";

/** A state machine with a KMS-encrypted log group with retention, logging ALL, X-Ray — minus `flaw`. */
function stateMachine(p: aws.Provider, flaw: MachineFlaw = "none"): void {
    const cmk = key(p);
    const logs = logGroup(p, "machine", cmk);
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
                ...(flaw === "no-destination" ? {} : { logDestination: pulumi.interpolate`${logs.arn}:*` }),
            },
            ...(flaw === "no-tracing" ? {} : { tracingConfiguration: { enabled: true } }),
        },
        { provider: p },
    );
}

interface TableOptions {
    pitr?: boolean;
    protect?: boolean;
    deletionProtection?: boolean;
}

/** A DynamoDB table encrypted with a customer-managed key. */
function table(p: aws.Provider, options: TableOptions = {}): void {
    const cmk = key(p);
    new aws.dynamodb.Table(
        "orders",
        {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "id",
            attributes: [{ name: "id", type: "S" }],
            serverSideEncryption: { enabled: true, kmsKeyArn: cmk.keyArn },
            pointInTimeRecovery: { enabled: options.pitr ?? true },
            ...(options.deletionProtection ? { deletionProtectionEnabled: true } : {}),
        },
        { provider: p, protect: options.protect ?? false },
    );
}

/** A Lambda function invoked by one API Gateway API, through a scoped service-principal permission. */
function scopedPermission(p: aws.Provider): void {
    const fn = lambdaFunction(p);
    new aws.lambda.Permission(
        "api-invoke",
        {
            function: fn.name,
            action: "lambda:InvokeFunction",
            principal: "apigateway.amazonaws.com",
            sourceArn: "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/GET/items",
        },
        { provider: p },
    );
}

const fnUrl = (p: aws.Provider, authorizationType: "NONE" | "AWS_IAM") =>
    void new aws.lambda.FunctionUrl("fn", { functionName: lambdaFunction(p).name, authorizationType }, { provider: p });

export const cases: PolicyCase[] = [
    {
        policy: "lambda-no-public-access",
        title: "permission granting invoke to the public principal",
        violating: (p) => {
            const fn = lambdaFunction(p);
            new aws.lambda.Permission(
                "public-invoke",
                { function: fn.name, action: "lambda:InvokeFunction", principal: "*" },
                { provider: p },
            );
        },
        compliant: scopedPermission,
    },
    {
        policy: "lambda-no-public-access",
        title: "function URL without authentication",
        violating: (p) => fnUrl(p, "NONE"),
        compliant: (p) => fnUrl(p, "AWS_IAM"),
    },
    {
        policy: "lambda-supported-runtime",
        title: "function on a runtime outside the allowed list",
        violating: (p) => void lambdaFunction(p, "fn", { runtime: "python3.9" }),
        compliant: (p) => void lambdaFunction(p, "fn", { runtime: "python3.13" }),
    },
    {
        policy: "lambda-supported-runtime",
        title: "zip function without a runtime (container images are exempt)",
        violating: (p) => {
            const role = serviceRole(p, "bare", "lambda.amazonaws.com");
            new aws.lambda.Function(
                "bare",
                {
                    role: role.arn,
                    handler: "index.handler",
                    code: new pulumi.asset.AssetArchive({
                        "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;"),
                    }),
                },
                { provider: p },
            );
        },
        compliant: (p) => void lambdaFunction(p, "fn", { packageType: "Image" }),
    },
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
        policy: "dynamodb-pitr",
        title: "table without point-in-time recovery",
        violating: (p) => table(p, { pitr: false }),
        compliant: (p) => table(p),
    },
    {
        policy: "dynamodb-pitr",
        title: "protected table without deletion protection",
        violating: (p) => table(p, { protect: true }),
        compliant: (p) => table(p, { protect: true, deletionProtection: true }),
    },
];
