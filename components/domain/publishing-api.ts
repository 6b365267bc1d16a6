import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import type { PolicyStatement } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import { createLogGroup } from "../shared/logs";
import { apiAccessLogGroupName, type Naming } from "../shared/naming";
import type { EntityDefinition } from "../../model/entities";
import { domainApiEnv } from "../../model/env/domain-api";
import { envVariables } from "../../model/env/kit";
import { daxEndpointUrl } from "../../model/names";
import { entityJsonSchema, openApiDocument } from "../../model/openapi";
import { dashboardCollector } from "../shared/dashboards";

export interface PublishingApiArgs {
    /** Naming scope of the domain (API and handler names). */
    naming: Naming;
    /** Domain name (API description, OpenAPI document, handler environment). */
    domain: string;
    /** The entities the API publishes, one collection each. */
    entities: EntityDefinition[];
    /** The entities' DynamoDB tables, by entity name. */
    tables: Readonly<Record<string, aws.dynamodb.Table>>;
    /** The domain CMK: tables, handler environment, log groups. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the handler's and the access log groups keep logs. */
    logRetentionDays: number;
    /**
     * `AWS_IAM` (SigV4) or a Cognito user pool.
     * @default { kind: "AWS_IAM" }
     */
    authorization?: { kind: "AWS_IAM" } | { kind: "COGNITO"; userPoolArn: pulumi.Input<string> };
    /**
     * Stage throttling, requests per second and burst.
     * @default { rateLimit: 100, burstLimit: 200 }
     */
    throttle?: { rateLimit: number; burstLimit: number };
    /**
     * Read and write through DAX (the handler then runs in the cluster's subnets).
     * @default none: DynamoDB directly, no VPC
     */
    dax?: { cluster: aws.dax.Cluster; clientSecurityGroup: aws.ec2.SecurityGroup; subnetIds: pulumi.Input<string>[] };
    /**
     * The account's API Gateway settings with its CloudWatch Logs role (`AccountBaseline.apiGatewayAccount`): the
     * stage writes execution logs, which fails until the account has that role, so the stage depends on it.
     */
    apiGatewayAccount: pulumi.Resource;
}

/** Arguments that only tie a part to the API or to another part: ids, unknown until deployed, not its shape. */
const ID_REFERENCES = new Set(["restApi", "restApiId", "resourceId", "parentId", "requestValidatorId", "authorizerId"]);

/**
 * The parts of a REST API that a deployment snapshots. `add` creates a part and records its arguments under a stable
 * key; `definition` is the canonical JSON of all of them.
 */
class ApiShape {
    readonly parts: pulumi.Resource[] = [];
    private readonly recorded: Record<string, pulumi.Input<Record<string, unknown>>> = {};

    add<A extends object, R extends pulumi.Resource>(
        key: string,
        kind: new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R,
        name: string,
        args: A,
        opts: pulumi.CustomResourceOptions,
    ): R {
        if (key in this.recorded) throw new Error(`API part "${key}" recorded twice`);
        this.recorded[key] = Object.fromEntries(Object.entries(args).filter(([k]) => !ID_REFERENCES.has(k)));
        const part = new kind(name, args, opts);
        this.parts.push(part);
        return part;
    }

    definition(openApi: string): pulumi.Output<string> {
        return pulumi.jsonStringify(pulumi.output({ openApi, parts: this.recorded }));
    }
}

/** `customer` → `Customer`, `payment-method` → `PaymentMethod` (model names are alphanumeric). */
function pascal(name: string): string {
    return name
        .split("-")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("");
}

/**
 * A regional REST API publishing the domain's entities: IAM (SigV4) authorisation by default, request validation with
 * JSON-schema models generated from the entity definitions, a Lambda proxy integration (through DAX when configured),
 * access logs to an encrypted log group, INFO execution logging, X-Ray and stage throttling. The OpenAPI document of the
 * same definitions is an output.
 */
export class PublishingApi extends pulumi.ComponentResource {
    public readonly api: aws.apigateway.RestApi;
    public readonly stage: aws.apigateway.Stage;
    public readonly handler: NodeFunction;
    public readonly openApi: string;
    public readonly url: pulumi.Output<string>;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;
    /**
     * The canonical JSON of everything that shapes the deployed API (each part's arguments without the ids that tie
     * it to the API, and the OpenAPI document); the deployment's trigger is its SHA-256.
     */
    public readonly definition: pulumi.Output<string>;

    constructor(name: string, args: PublishingApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:PublishingApi", name, {}, opts);
        const ctx = awsContext(this);
        this.openApi = JSON.stringify(openApiDocument(args.domain, args.entities));
        const tableArns = Object.values(args.tables).map((t) => t.arn);
        const statements: PolicyStatement[] = [
            {
                Sid: "DomainTables",
                Effect: "Allow",
                Action: [
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:ConditionCheckItem",
                ],
                Resource: [...tableArns, ...tableArns.map((a) => pulumi.interpolate`${a}/index/*`)],
            },
            {
                Sid: "DomainKeyViaDynamoDb",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: args.kmsKeyArn,
                Condition: {
                    StringEquals: { "kms:ViaService": pulumi.interpolate`dynamodb.${ctx.region}.${ctx.dnsSuffix}` },
                },
            },
        ];
        if (args.dax) {
            statements.push({
                Sid: "DomainDax",
                Effect: "Allow",
                Action: [
                    "dax:GetItem",
                    "dax:Query",
                    "dax:Scan",
                    "dax:PutItem",
                    "dax:UpdateItem",
                    "dax:DeleteItem",
                    "dax:ConditionCheckItem",
                ],
                Resource: args.dax.cluster.arn,
            });
        }
        this.handler = new NodeFunction(
            `${name}-handler`,
            {
                bundle: "domain-api",
                functionName: args.naming.name("lambdaFunction", "api"),
                description: `Publishing API of the ${args.domain} domain`,
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                memorySize: 512,
                timeout: 29,
                environment: envVariables(domainApiEnv, {
                    DOMAIN: args.domain,
                    ENTITIES: domainApiEnv.variables.ENTITIES.format(args.entities),
                    TABLES: pulumi
                        .all(Object.fromEntries(Object.entries(args.tables).map(([k, t]) => [k, t.name])))
                        .apply(domainApiEnv.variables.TABLES.format),
                    DAX_ENDPOINT: args.dax?.cluster.clusterAddress.apply(daxEndpointUrl),
                }),
                statements,
                vpc: args.dax
                    ? { subnetIds: args.dax.subnetIds, securityGroupIds: [args.dax.clientSecurityGroup.id] }
                    : undefined,
            },
            { parent: this },
        );

        this.api = new aws.apigateway.RestApi(
            name,
            {
                name: args.naming.name("generic", "api"),
                description: `Publishing API of the ${args.domain} domain`,
                endpointConfiguration: { types: "REGIONAL" },
            },
            { parent: this },
        );
        // Everything that shapes the deployed API, recorded as it is created: the deployment's trigger hashes it and the
        // deployment depends on every part (see the Deployment below).
        const shape = new ApiShape();
        const validator = shape.add(
            `validator ${name}`,
            aws.apigateway.RequestValidator,
            name,
            {
                restApi: this.api.id,
                name: "body-and-parameters",
                validateRequestBody: true,
                validateRequestParameters: true,
            },
            { parent: this },
        );
        // Validation failures answer in the API's own error format, naming what API Gateway rejected.
        for (const responseType of ["BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS"]) {
            shape.add(
                `response ${responseType}`,
                aws.apigateway.Response,
                `${name}-${responseType.toLowerCase().replace(/_/g, "-")}`,
                {
                    restApiId: this.api.id,
                    responseType,
                    statusCode: "400",
                    responseTemplates: {
                        "application/json":
                            '{"error":{"code":"ValidationError","message":"$context.error.validationErrorString"}}',
                    },
                },
                { parent: this },
            );
        }
        let authorizerId: pulumi.Output<string> | undefined;
        const auth = args.authorization ?? { kind: "AWS_IAM" };
        if (auth.kind === "COGNITO") {
            authorizerId = shape.add(
                "authorizer",
                aws.apigateway.Authorizer,
                name,
                { restApi: this.api.id, name: "cognito", type: "COGNITO_USER_POOLS", providerArns: [auth.userPoolArn] },
                { parent: this },
            ).id;
        }
        const method = (
            id: string,
            resource: aws.apigateway.Resource,
            httpMethod: string,
            extra: Partial<aws.apigateway.MethodArgs>,
        ) => {
            const m = shape.add(
                `method ${id}`,
                aws.apigateway.Method,
                `${name}-${id}`,
                {
                    restApi: this.api.id,
                    resourceId: resource.id,
                    httpMethod,
                    authorization: auth.kind === "AWS_IAM" ? "AWS_IAM" : "COGNITO_USER_POOLS",
                    authorizerId,
                    requestValidatorId: validator.id,
                    ...extra,
                },
                { parent: this },
            );
            shape.add(
                `integration ${id}`,
                aws.apigateway.Integration,
                `${name}-${id}`,
                {
                    restApi: this.api.id,
                    resourceId: resource.id,
                    httpMethod: m.httpMethod,
                    type: "AWS_PROXY",
                    integrationHttpMethod: "POST",
                    uri: this.handler.function.invokeArn,
                },
                { parent: this },
            );
        };
        for (const entity of args.entities) {
            const models = (["create", "update"] as const).map((mode) =>
                shape.add(
                    `model ${entity.name}-${mode}`,
                    aws.apigateway.Model,
                    `${name}-${entity.name}-${mode}`,
                    {
                        restApi: this.api.id,
                        name: `${pascal(entity.name)}${pascal(mode)}`,
                        contentType: "application/json",
                        schema: JSON.stringify(entityJsonSchema(entity, mode)),
                    },
                    { parent: this },
                ),
            );
            const collection = shape.add(
                `resource ${entity.name}`,
                aws.apigateway.Resource,
                `${name}-${entity.name}`,
                { restApi: this.api.id, parentId: this.api.rootResourceId, pathPart: `${entity.name}s` },
                { parent: this },
            );
            const item = shape.add(
                `resource ${entity.name}-pk`,
                aws.apigateway.Resource,
                `${name}-${entity.name}-pk`,
                { restApi: this.api.id, parentId: collection.id, pathPart: `{${entity.partitionKey}}` },
                { parent: this },
            );
            const leaf = entity.sortKey
                ? shape.add(
                      `resource ${entity.name}-sk`,
                      aws.apigateway.Resource,
                      `${name}-${entity.name}-sk`,
                      { restApi: this.api.id, parentId: item.id, pathPart: `{${entity.sortKey}}` },
                      { parent: this },
                  )
                : item;
            const paths = [entity.partitionKey, ...(entity.sortKey ? [entity.sortKey] : [])];
            const pathParams = Object.fromEntries(paths.map((p) => [`method.request.path.${p}`, true]));
            method(`${entity.name}-create`, collection, "POST", {
                requestModels: { "application/json": models[0].name },
            });
            method(`${entity.name}-query`, collection, "GET", {
                requestParameters: {
                    ...(entity.sortKey ? { [`method.request.querystring.${entity.partitionKey}`]: true } : {}),
                    "method.request.querystring.limit": false,
                    "method.request.querystring.nextToken": false,
                },
            });
            method(`${entity.name}-get`, leaf, "GET", { requestParameters: pathParams });
            method(`${entity.name}-update`, leaf, "PUT", {
                requestParameters: pathParams,
                requestModels: { "application/json": models[1].name },
            });
            method(`${entity.name}-delete`, leaf, "DELETE", {
                requestParameters: { ...pathParams, "method.request.querystring.version": false },
            });
        }
        new aws.lambda.Permission(
            `${name}-invoke`,
            {
                action: "lambda:InvokeFunction",
                function: this.handler.name,
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
                sourceAccount: ctx.accountId,
            },
            { parent: this },
        );
        // A deployment is a snapshot: API Gateway serves what existed when it was created. It is replaced (a new
        // snapshot) whenever anything that shapes the API changes: resources, methods (authorization kind, authorizer,
        // validator, parameters, models), integrations, models, validators and gateway responses, not only the OpenAPI
        // document ("Deploy REST APIs in API Gateway": after changing an API, deploy it again,
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html). It depends on every part,
        // so the first snapshot already holds the gateway responses and validators.
        this.definition = shape.definition(this.openApi);
        const deployment = new aws.apigateway.Deployment(
            name,
            {
                restApi: this.api.id,
                triggers: { definitions: this.definition.apply((d) => createHash("sha256").update(d).digest("hex")) },
            },
            { parent: this, dependsOn: shape.parts },
        );
        const accessLogs = createLogGroup(`${name}-access`, this, {
            name: this.api.name.apply(apiAccessLogGroupName),
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });
        this.stage = new aws.apigateway.Stage(
            name,
            {
                restApi: this.api.id,
                deployment: deployment.id,
                stageName: "v1",
                xrayTracingEnabled: true,
                accessLogSettings: {
                    destinationArn: accessLogs.arn,
                    format: JSON.stringify({
                        requestId: "$context.requestId",
                        ip: "$context.identity.sourceIp",
                        caller: "$context.identity.caller",
                        user: "$context.identity.userArn",
                        requestTime: "$context.requestTime",
                        httpMethod: "$context.httpMethod",
                        resourcePath: "$context.resourcePath",
                        status: "$context.status",
                        responseLength: "$context.responseLength",
                        integrationError: "$context.integrationErrorMessage",
                    }),
                },
            },
            { parent: this, dependsOn: [args.apiGatewayAccount] },
        );
        const throttle = args.throttle ?? { rateLimit: 100, burstLimit: 200 };
        new aws.apigateway.MethodSettings(
            name,
            {
                restApi: this.api.id,
                stageName: this.stage.stageName,
                methodPath: "*/*",
                settings: {
                    loggingLevel: "INFO",
                    metricsEnabled: true,
                    dataTraceEnabled: false,
                    throttlingRateLimit: throttle.rateLimit,
                    throttlingBurstLimit: throttle.burstLimit,
                },
            },
            { parent: this },
        );
        this.url = this.stage.invokeUrl;
        const stageDims = { ApiName: this.api.name, Stage: this.stage.stageName };
        dashboardCollector(this).add("APIs", {
            kind: "metrics",
            title: `${args.domain} API`,
            metrics: ["Count", "4XXError", "5XXError"].map((metricName) => ({
                namespace: "AWS/ApiGateway",
                metricName,
                dimensions: stageDims,
            })),
        });
        const access: RequiredAccessInput[] = [
            {
                id: `api-${args.domain}/invoke-handler`,
                principal: "apigateway.amazonaws.com",
                requests: [
                    {
                        actions: ["lambda:InvokeFunction"],
                        resource: this.handler.arn,
                        context: {
                            "aws:SourceArn": pulumi.interpolate`${this.api.executionArn}/v1/GET/access-proof`,
                            "aws:SourceAccount": ctx.accountId,
                        },
                    },
                ],
                doc: "https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html",
                why: "the REST API's Lambda proxy integration invokes the handler",
            },
            {
                id: `api-${args.domain}/handler-tables`,
                principal: this.handler.role.arn,
                requests: [
                    ...Object.values(args.tables).map((t) => ({
                        actions: [
                            "dynamodb:GetItem",
                            "dynamodb:Query",
                            "dynamodb:PutItem",
                            "dynamodb:UpdateItem",
                            "dynamodb:DeleteItem",
                        ],
                        resource: t.arn,
                    })),
                    {
                        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": pulumi.interpolate`dynamodb.${ctx.region}.${ctx.dnsSuffix}` },
                    },
                ],
                doc: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
                why: "the handler reads and writes the domain's tables, encrypted with the domain key",
            },
        ];
        // Access logs are written with the account's API Gateway CloudWatch Logs role ("Permissions for CloudWatch
        // logging": CreateLogStream, PutLogEvents... on the log group the stage names).
        if (aws.apigateway.Account.isInstance(args.apiGatewayAccount)) {
            access.push({
                id: `api-${args.domain}/access-logs`,
                principal: args.apiGatewayAccount.cloudwatchRoleArn.apply((arn) => arn ?? ""),
                requests: [
                    { actions: ["logs:CreateLogStream", "logs:DescribeLogStreams"], resource: accessLogs.arn },
                    {
                        actions: ["logs:PutLogEvents"],
                        resource: pulumi.interpolate`${accessLogs.arn}:log-stream:access-proof`,
                    },
                ],
                doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html#set-up-access-logging-permissions",
                why: "the stage writes its access logs (the audit trail) with the account's CloudWatch Logs role",
            });
        }
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({ url: this.url, requiredAccess: this.requiredAccess });
    }
}
