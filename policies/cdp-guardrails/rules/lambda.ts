import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, forTypes, isType } from "../lib/policy";
import { isBlank, propsOf, refValue } from "../lib/props";
import { parsePolicy } from "../lib/iam";
import { openGrantProblems } from "../lib/resource-policy";
import { TYPES } from "../lib/types";
import { known } from "../lib/unknown";

/** Lambda: environment variables under a customer-managed key, no public invocation, supported runtimes. */

/** The props lambda-no-public-access reads of an aws.lambda.Permission. */
interface PermissionProps {
    principal?: string;
    principalOrgId?: string;
    sourceArn?: string;
    sourceAccount?: string;
    functionUrlAuthType?: string;
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

/**
 * The statement an aws.lambda.Permission adds to the function policy (AddPermission turns principal, sourceArn,
 * sourceAccount and principalOrgId into Principal and conditions:
 * https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html), so that it is judged like a policy document.
 */
function permissionStatement(props: PermissionProps): object {
    const principal = String(props.principal ?? "");
    const conditions: Record<string, Record<string, string>> = {};
    const add = (operator: string, key: string, value: unknown) => {
        if (isBlank(value)) return;
        conditions[operator] = { ...(conditions[operator] ?? {}), [key]: String(value) };
    };
    add("ArnLike", "AWS:SourceArn", props.sourceArn);
    add("StringEquals", "AWS:SourceAccount", props.sourceAccount);
    add("StringEquals", "aws:PrincipalOrgID", props.principalOrgId);
    return {
        Version: "2012-10-17",
        Statement: {
            Sid: "Permission",
            Effect: "Allow",
            Principal:
                principal === "*"
                    ? "*"
                    : /\.amazonaws\.com(\.cn)?$/.test(principal)
                      ? { Service: principal }
                      : { AWS: principal },
            Action: props.action ?? "lambda:InvokeFunction",
            Resource: "*",
            ...(Object.keys(conditions).length ? { Condition: conditions } : {}),
        },
    };
}

const lambdaNoPublicAccess = definePolicy({
    name: "lambda-no-public-access",
    description:
        'Lambda functions cannot be invoked by anyone: the statement each aws.lambda.Permission adds (principal, sourceArn, sourceAccount, principalOrgId) allows no public principal ("*") unless principalOrgId or sourceAccount confines it, and grants a service principal only with sourceArn naming one account\'s resource or sourceAccount; no permission (functionUrlAuthType) or function URL (authorizationType) uses authorization type NONE (FSBP Lambda.1).',
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.lambda.Permission set principal to the calling service (e.g. "apigateway.amazonaws.com", "events.amazonaws.com") or account, and restrict a service with sourceArn and sourceAccount (or principalOrgId for an organisation-wide grant); on the aws.lambda.FunctionUrl (and functionUrlAuthType of the permission) use "AWS_IAM".',
    cdp: {
        concern: "governance",
        controls: ["FSBP Lambda.1"],
        inspects: [...TYPES.lambdaPermission, ...TYPES.lambdaFunctionUrl],
    },
    validateResource: forTypes([...TYPES.lambdaPermission, ...TYPES.lambdaFunctionUrl], (args, reportViolation) => {
        if (isType(args.type, TYPES.lambdaPermission)) {
            const props = known(() => {
                const p = propsOf<PermissionProps>(args);
                return {
                    principal: p.principal,
                    principalOrgId: p.principalOrgId,
                    sourceArn: p.sourceArn,
                    sourceAccount: p.sourceAccount,
                    functionUrlAuthType: p.functionUrlAuthType,
                    action: p.action,
                    function: refValue(p.function),
                };
            });
            if (!props) return;
            const fn = props.function ?? "its function";
            // Lambda: "other accounts could configure resources in their account to invoke your function" unless
            // the service grant names the source (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html).
            for (const problem of openGrantProblems(parsePolicy(permissionStatement(props)))) {
                reportViolation(
                    `Lambda permission ${args.name} (${props.action ?? "lambda:InvokeFunction"} on ${fn}, principal ${JSON.stringify(props.principal)}): ${problem.replace(/^statement Permission /, "")}`,
                );
            }
            if (String(props.functionUrlAuthType ?? "").toUpperCase() === "NONE") {
                reportViolation(
                    `Lambda permission ${args.name}: functionUrlAuthType is NONE: the function URL of ${fn} takes unauthenticated calls`,
                );
            }
        } else if (isType(args.type, TYPES.lambdaFunctionUrl)) {
            const props = propsOf<FunctionUrlProps>(args);
            const type = known(() => props.authorizationType);
            if (String(type ?? "").toUpperCase() === "NONE") {
                reportViolation(
                    `Lambda function URL ${args.name} has authorizationType NONE: anyone can invoke ${known(() => props.functionName) ?? "the function"}`,
                );
            }
        }
    }),
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
