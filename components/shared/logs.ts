import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./context";
import type { PolicyStatement } from "./iam";

export interface LogGroupSpec {
    /** Physical log group name (e.g. `/aws/lambda/<fn>`, `/aws/kinesisfirehose/<stream>`). */
    name: pulumi.Input<string>;
    /** Customer-managed key the log group is encrypted with (its policy must admit CloudWatch Logs: `logsKeyStatement`). */
    kmsKeyArn: pulumi.Input<string>;
    /** Retention in days (one of the values CloudWatch accepts). */
    retentionDays: number;
}

/** An encrypted log group with an explicit retention: the only way the platform creates log groups. */
export function createLogGroup(name: string, parent: pulumi.Resource, spec: LogGroupSpec): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        name,
        { name: spec.name, kmsKeyId: spec.kmsKeyArn, retentionInDays: spec.retentionDays },
        { parent },
    );
}

/** Key-policy statement letting CloudWatch Logs of this account and region use the key for its log groups. */
export function logsKeyStatement(ctx: AwsContext): PolicyStatement {
    return {
        Sid: "AllowCloudWatchLogs",
        Effect: "Allow",
        Principal: { Service: pulumi.interpolate`logs.${ctx.region}.${ctx.dnsSuffix}` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: {
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*`,
            },
        },
    };
}

/** Identity-policy statement to write to one log group (Lambda, Firehose, Step Functions...). */
export function logWriteStatement(logGroupArn: pulumi.Input<string>, sid = "WriteOwnLogs"): PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroupArn}:*`,
    };
}
