import * as aws from "@pulumi/aws";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { lambdaBundleDir, packageRoot } from "../../model/package-root";
import { awsContext } from "./context";
import { ValidationError } from "./errors";
import type { PolicyStatement } from "./iam";
import { createLogGroup, logWriteStatement } from "./logs";
import { serviceRole } from "./roles";
import { dashboardCollector } from "./dashboards";

/** The Lambda runtime of every platform function. */
export const LAMBDA_RUNTIME = "nodejs24.x";

/**
 * The deployment archive of a function bundled by `npm run build` (esbuild, `functions/<name>/index.ts` →
 * `dist/lambda/<name>/index.js`). A missing bundle is a clear error, not an empty deployment.
 */
export function functionCode(bundle: string): pulumi.asset.FileArchive {
    const dir = lambdaBundleDir(packageRoot(__dirname), bundle);
    if (!fs.existsSync(path.join(dir, "index.js"))) {
        throw new ValidationError(`Lambda bundle "${bundle}" is missing`, [
            {
                key: `dist/lambda/${bundle}/index.js`,
                value: undefined,
                expected: "the esbuild bundle: run `npm run build` before `pulumi up`",
            },
        ]);
    }
    return new pulumi.asset.FileArchive(dir);
}

export interface NodeFunctionArgs {
    /** Bundle name: `functions/<bundle>/index.ts`, deployed from `dist/lambda/<bundle>`. */
    bundle: string;
    /** Physical function name (naming rules `lambdaFunction`). */
    functionName: string;
    /** Function description shown in the console. */
    description: string;
    /** Customer-managed key for the environment variables and the log group. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the function's log group keeps logs (a value CloudWatch Logs accepts). */
    logRetentionDays: number;
    /**
     * Environment variables; `NODE_OPTIONS=--enable-source-maps` is always added to them.
     * @default none besides `NODE_OPTIONS`
     */
    environment?: Record<string, pulumi.Input<string>>;
    /**
     * Least-privilege statements the function needs besides writing its own logs and traces (and, with `vpc`, managing
     * its network interfaces).
     * @default none
     */
    statements?: PolicyStatement[];
    /**
     * Memory in MB.
     * @default 256
     */
    memorySize?: number;
    /**
     * Timeout in seconds.
     * @default 60
     */
    timeout?: number;
    /**
     * Reserved concurrency.
     * @default none: unreserved, from the account's pool
     */
    reservedConcurrency?: number;
    /**
     * Run in a VPC (to reach DAX or other private endpoints).
     * @default none: no VPC
     */
    vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<string>[] };
}

/**
 * A Node.js Lambda function the platform's way: runtime `nodejs24.x` on arm64, its own role (trusting Lambda of this
 * account only) with exactly the given statements plus its log group and X-Ray, environment encrypted with the CMK,
 * JSON logs in an encrypted log group with retention, active tracing.
 */
export class NodeFunction extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly function: aws.lambda.Function;
    public readonly arn: pulumi.Output<string>;
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:shared:NodeFunction", name, {}, opts);
        const ctx = awsContext(this);
        const code = functionCode(args.bundle);
        this.logGroup = createLogGroup(name, this, {
            name: `/aws/lambda/${args.functionName}`,
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });
        this.role = serviceRole(name, this, {
            service: "lambda.amazonaws.com",
            accountId: ctx.accountId,
            description: `Execution role of ${args.functionName}`,
            statements: [
                logWriteStatement(this.logGroup.arn),
                {
                    Sid: "Tracing",
                    Effect: "Allow",
                    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                    Resource: "*",
                },
                ...(args.vpc
                    ? [
                          {
                              // Lambda's VPC attachment: these EC2 actions have no resource-level permissions.
                              Sid: "VpcNetworkInterfaces",
                              Effect: "Allow" as const,
                              Action: [
                                  "ec2:CreateNetworkInterface",
                                  "ec2:DescribeNetworkInterfaces",
                                  "ec2:DeleteNetworkInterface",
                                  "ec2:AssignPrivateIpAddresses",
                                  "ec2:UnassignPrivateIpAddresses",
                              ],
                              Resource: "*",
                          },
                      ]
                    : []),
                ...(args.statements ?? []),
            ],
        }).role;
        this.function = new aws.lambda.Function(
            name,
            {
                name: args.functionName,
                description: args.description,
                runtime: LAMBDA_RUNTIME,
                architectures: ["arm64"],
                handler: "index.handler",
                code,
                role: this.role.arn,
                memorySize: args.memorySize ?? 256,
                timeout: args.timeout ?? 60,
                reservedConcurrentExecutions: args.reservedConcurrency,
                kmsKeyArn: args.kmsKeyArn,
                // Source maps for every function's stack traces (the bundles ship linked maps).
                environment: { variables: { NODE_OPTIONS: "--enable-source-maps", ...(args.environment ?? {}) } },
                loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
                tracingConfig: { mode: "Active" },
                vpcConfig: args.vpc
                    ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
                    : undefined,
            },
            { parent: this, dependsOn: [this.logGroup] },
        );
        this.arn = this.function.arn;
        this.name = this.function.name;
        const fn = { FunctionName: this.function.name };
        dashboardCollector(this).add("Lambda functions", {
            kind: "metrics",
            title: args.functionName,
            metrics: [
                { namespace: "AWS/Lambda", metricName: "Invocations", dimensions: fn },
                { namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn },
                { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn },
            ],
        });
        this.registerOutputs({ arn: this.arn });
    }
}
