import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { isBlank, propsOf, refValue } from "../lib/props";
import { TYPES } from "../lib/types";

/** Lambda: environment variables under a customer-managed key, no public invocation, supported runtimes. */

/** The props lambda-no-public-access reads of an aws.lambda.Permission. */
interface PermissionProps {
    principal?: string;
    principalOrgId?: string;
    /** The function: a name or ARN, or a resource reference. */
    function?: unknown;
    action?: string;
}

/** The props lambda-no-public-access reads of an aws.lambda.FunctionUrl. */
interface FunctionUrlProps {
    authorizationType?: string;
    functionName?: string;
}

/** Runtimes the platform allows by default (supported by AWS, not scheduled for deprecation soon). */
const DEFAULT_ALLOWED_RUNTIMES = ["nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "java21", "provided.al2023"];

const lambdaEnvironmentCmk = definePolicy({
    name: "lambda-environment-cmk",
    description:
        "Lambda functions with environment variables encrypt them under a customer-managed KMS key (kmsKeyArn) instead of the AWS-managed aws/lambda key (platform rule; serverless best practice).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.lambda.Function set kmsKeyArn to a customer-managed key ARN (the execution role needs kms:Decrypt on it), or move secrets out of environment.variables into Secrets Manager.",
    cdp: { concern: "encryption", controls: ["platform rule"], inspects: [...TYPES.lambdaFunction] },
    validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
        const variables = fn.environment?.variables ?? {};
        if (Object.keys(variables).length === 0) return;
        const problem = cmkProblem("kmsKeyArn", fn.kmsKeyArn);
        if (problem) reportViolation(`${args.name}: has environment variables but ${problem}`);
    }),
});

const lambdaNoPublicAccess = definePolicy({
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
            const props = propsOf<PermissionProps>(args);
            const principal = props.principal;
            if (principal === "*" && isBlank(props.principalOrgId)) {
                const fn = refValue(props.function) ?? "its function";
                reportViolation(
                    `Lambda permission ${args.name} grants ${props.action ?? "invocation"} on ${fn} to the public principal "*"`,
                );
            }
        } else if (isType(args.type, TYPES.lambdaFunctionUrl)) {
            const props = propsOf<FunctionUrlProps>(args);
            if (props.authorizationType === "NONE") {
                reportViolation(
                    `Lambda function URL ${args.name} has authorizationType NONE: anyone can invoke ${props.functionName ?? "the function"}`,
                );
            }
        }
    },
});

const lambdaSupportedRuntime = definePolicy({
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

/** Policies of this service (see policies/README.md for the coverage table). */
export const lambdaPolicies: CdpPolicy[] = [lambdaEnvironmentCmk, lambdaNoPublicAccess, lambdaSupportedRuntime];
