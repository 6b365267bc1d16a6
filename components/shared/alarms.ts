import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./context";
import { dashboardCollector } from "./dashboards";
import { policyJson, type PolicyStatement } from "./iam";

/** An SNS topic for alarms, encrypted with a CMK, that only CloudWatch alarms of this account may publish to. */
export function createAlarmTopic(
    name: string,
    parent: pulumi.Resource,
    spec: { topicName: string; kmsKeyArn: pulumi.Input<string>; ctx: AwsContext },
): aws.sns.Topic {
    const topic = new aws.sns.Topic(name, { name: spec.topicName, kmsMasterKeyId: spec.kmsKeyArn }, { parent });
    new aws.sns.TopicPolicy(
        name,
        {
            arn: topic.arn,
            policy: policyJson([
                {
                    Sid: "AllowCloudWatchAlarms",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { StringEquals: { "aws:SourceAccount": spec.ctx.accountId } },
                },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]),
        },
        { parent },
    );
    return topic;
}

/** Key-policy statement letting CloudWatch alarms publish to topics encrypted with the key. */
export function alarmsKeyStatement(ctx: AwsContext): PolicyStatement {
    return {
        Sid: "AllowCloudWatchAlarmsToEncryptedTopics",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
    };
}

export interface AlarmSpec {
    /** What the alarm means, shown in its notifications. */
    description: string;
    /** Metric namespace, e.g. `AWS/Kinesis`. */
    namespace: string;
    /** Metric name, e.g. `GetRecords.IteratorAgeMilliseconds`. */
    metricName: string;
    /** Metric dimensions, e.g. `{ StreamName: ... }`. */
    dimensions: Record<string, pulumi.Input<string>>;
    /** Statistic compared with the threshold. */
    statistic: "Average" | "Maximum" | "Minimum" | "Sum";
    /** How the statistic is compared with `threshold`. */
    comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    /** Threshold in the metric's unit. */
    threshold: number;
    /**
     * Seconds per period.
     * @default 300
     */
    period?: number;
    /**
     * Periods that must breach.
     * @default 1
     */
    evaluationPeriods?: number;
    /**
     * How missing data counts.
     * @default "notBreaching"
     */
    treatMissingData?: "notBreaching" | "breaching" | "missing" | "ignore";
    /**
     * Section of the program's dashboard whose alarm-status widget shows the alarm (see dashboards.ts).
     * @default the metric's service: `Kinesis` for `AWS/Kinesis`, else the namespace
     */
    dashboardSection?: string;
}

/**
 * A metric alarm that notifies `topicArn` when it fires and when it recovers; it shows on the program's dashboard
 * (`dashboardCollector`).
 */
export function createAlarm(
    name: string,
    parent: pulumi.Resource,
    topicArn: pulumi.Input<string>,
    spec: AlarmSpec,
): aws.cloudwatch.MetricAlarm {
    const alarm = new aws.cloudwatch.MetricAlarm(
        name,
        {
            alarmDescription: spec.description,
            namespace: spec.namespace,
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.statistic,
            comparisonOperator: spec.comparison,
            threshold: spec.threshold,
            period: spec.period ?? 300,
            evaluationPeriods: spec.evaluationPeriods ?? 1,
            treatMissingData: spec.treatMissingData ?? "notBreaching",
            alarmActions: [topicArn],
            okActions: [topicArn],
        },
        { parent },
    );
    dashboardCollector(parent).addAlarm(spec.dashboardSection ?? spec.namespace.replace(/^AWS\//, ""), alarm.arn);
    return alarm;
}
