/**
 * The documented trust policy of each AWS service the platform creates roles for: one table for the components
 * (components/shared/roles.ts builds trust policies from it) and the plan's access proof (which reads which roles are
 * guarded by iam:PassRole). Pulumi-free.
 */

/**
 * What a service's documented trust policy pins when the service assumes a role (the confused-deputy guard):
 * - `sourceAccount`: the service sends `aws:SourceAccount` (and `aws:SourceArn`) when it assumes the role;
 * - `externalIdAccount`: the service passes the resource owner's account id as `sts:ExternalId`;
 * - `passRole`: the documented trust names the service principal only. The service does not document sending
 *   `aws:SourceAccount`, and a condition on a key the service does not send denies every AssumeRole; the guard is
 *   `iam:PassRole`, which only principals of the role's own account can be given, so no other account can make the
 *   service use the role.
 */
export type TrustGuard = "sourceAccount" | "externalIdAccount" | "passRole";

export interface ServiceTrust {
    readonly guard: TrustGuard;
    /** The service documents `aws:SourceArn` in the trust policy (pass the resource ARN as `trustCondition`). */
    readonly sourceArn: boolean;
    /** The AWS page that shows the trust policy. */
    readonly doc: string;
}

/**
 * The trust policy of each service the platform creates roles for, as its documentation shows it. A role for a service
 * not listed here is refused: add the service with the page that documents its trust policy.
 */
export const SERVICE_TRUST: Readonly<Record<string, ServiceTrust>> = {
    "lambda.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    },
    "apigateway.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    },
    "dax.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.access-control.html",
    },
    "entityresolution.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/entityresolution/latest/userguide/create-workflow-job-role.html",
    },
    "lakeformation.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html",
    },
    // Glue crawlers, jobs and Data Quality runs: "Step 2: Create an IAM role for AWS Glue" shows the trust with the
    // service principal only; Glue documents no aws:SourceAccount for the role it assumes, so iam:PassRole is the guard
    // (CreateCrawler, CreateJob and StartDataQualityRulesetEvaluationRun pass the role).
    "glue.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html",
    },
    // "Allow Firehose to assume an IAM role": sts:ExternalId is the account id, "so that only you can request
    // Firehose to assume the role".
    "firehose.amazonaws.com": {
        guard: "externalIdAccount",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role",
    },
    "transfer.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/transfer/latest/userguide/confused-deputy.html",
    },
    // aws:SourceArn is the schedule group's ARN, never a schedule's.
    "scheduler.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
    },
    // "Prevent cross-service confused deputy issue": the trust policy pins aws:SourceAccount and aws:SourceArn (the
    // state machine's ARN).
    "states.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
    },
    // EventBridge rule targets: aws:SourceAccount kept as it was; not among the services the issue-10 review checked
    // against their pages.
    "events.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    },
    // CloudTrail's CloudWatch Logs delivery role: the documented trust names the service principal only ("Sending
    // events to CloudWatch Logs" creates the role with a trust in cloudtrail.amazonaws.com and no condition); the trail
    // is given the role with iam:PassRole in the role's account.
    "cloudtrail.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
    },
    // VPC Flow Logs publishing to CloudWatch Logs: the trust policy with aws:SourceAccount and aws:SourceArn (the
    // flow log's ARN, arn:aws:ec2:<region>:<account>:vpc-flow-log/*) "to help prevent the confused deputy problem".
    "vpc-flow-logs.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    },
};
