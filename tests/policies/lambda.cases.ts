import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, encryptedLogGroup, key, type PolicyCase, serviceRole } from "./kit";

/** Cases of the Lambda rules (rules/lambda.ts). */

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/pol-test-service`;

function envFunction(p: aws.Provider, variant: "cmk" | "no-variables" | "no-key"): void {
    const cmk = key(p);
    new aws.lambda.Function(
        "handler",
        {
            role: ROLE_ARN,
            runtime: "nodejs22.x",
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({
                "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});"),
            }),
            environment: variant === "no-variables" ? undefined : { variables: { TABLE_NAME: "orders" } },
            kmsKeyArn: variant === "cmk" ? cmk.keyArn : undefined,
        },
        { provider: p },
    );
}

interface FunctionOptions {
    runtime?: string;
    packageType?: "Zip" | "Image";
}

/** A compliant Lambda function: scoped role, KMS-encrypted log group with retention, supported runtime. */
function lambdaFunction(p: aws.Provider, name = "fn", options: FunctionOptions = {}): aws.lambda.Function {
    const logs = encryptedLogGroup(p, name);
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
        policy: "lambda-environment-cmk",
        title: "environment variables without kmsKeyArn",
        violating: (p) => envFunction(p, "no-key"),
        compliant: (p) => envFunction(p, "cmk"),
    },
    {
        policy: "lambda-environment-cmk",
        title: "function without environment variables needs no kmsKeyArn",
        violating: (p) => envFunction(p, "no-key"),
        compliant: (p) => envFunction(p, "no-variables"),
    },
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
        policy: "lambda-no-public-access",
        title: "service principal without sourceArn/sourceAccount / with both",
        violating: (p) => {
            const fn = lambdaFunction(p);
            new aws.lambda.Permission(
                "s3-invoke",
                { function: fn.name, action: "lambda:InvokeFunction", principal: "s3.amazonaws.com" },
                { provider: p },
            );
        },
        compliant: scopedPermission,
    },
    {
        policy: "lambda-no-public-access",
        title: "service principal with a sourceArn of any account / principal * confined by principalOrgId",
        violating: (p) => {
            const fn = lambdaFunction(p);
            new aws.lambda.Permission(
                "events-invoke",
                {
                    function: fn.name,
                    action: "lambda:InvokeFunction",
                    principal: "events.amazonaws.com",
                    sourceArn: "arn:aws:events:eu-west-1:*:rule/*",
                },
                { provider: p },
            );
        },
        compliant: (p) => {
            const fn = lambdaFunction(p);
            new aws.lambda.Permission(
                "org-invoke",
                { function: fn.name, action: "lambda:InvokeFunction", principal: "*", principalOrgId: "o-a1b2c3d4e5" },
                { provider: p },
            );
        },
    },
    {
        policy: "lambda-no-public-access",
        title: "public function-URL permission (functionUrlAuthType NONE)",
        violating: (p) => {
            const fn = lambdaFunction(p);
            new aws.lambda.Permission(
                "url-invoke",
                {
                    function: fn.name,
                    action: "lambda:InvokeFunctionUrl",
                    principal: "123456789012",
                    functionUrlAuthType: "NONE",
                },
                { provider: p },
            );
        },
        compliant: scopedPermission,
    },
];
