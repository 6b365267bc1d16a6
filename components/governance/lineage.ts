import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { envVariables } from "../../model/env/kit";
import { lineageEnv } from "../../model/env/lineage";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE } from "../../model/lineage";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { createAlarm } from "../shared/alarms";
import { type AwsContext, awsContext } from "../shared/context";
import type { PolicyStatement } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import type { Naming } from "../shared/naming";
import { createRuleDeadLetters, eventBridgeDeadLetterKeyStatement } from "../shared/queues";
import { NEPTUNE_PORT } from "./lineage-graph";

/**
 * Key-policy statement of the CMK encrypting the lineage failure queue: EventBridge sends undeliverable events to the
 * encrypted dead-letter queue and needs the key for it (`eventBridgeDeadLetterKeyStatement`, components/shared/queues.ts).
 */
export function lineageKeyStatement(ctx: AwsContext): PolicyStatement {
    return eventBridgeDeadLetterKeyStatement(ctx);
}

export interface LineageWriterArgs {
    /** Naming scope of the governance plane (function, queue, rule). */
    naming: Naming;
    /** The graph: writer endpoint, IAM data-access ARN, the client security group the function carries. */
    graph: {
        endpoint: pulumi.Input<string>;
        dataAccessArn: pulumi.Input<string>;
        clientSecurityGroupId: pulumi.Input<string>;
    };
    /** Private subnets the function runs in (the graph's VPC). */
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Governance CMK: function environment, logs and the failure queue (its policy has `lineageKeyStatement`). */
    kmsKeyArn: pulumi.Input<string>;
    /** The encrypted topic the writer's alarms notify. */
    alarmTopicArn: pulumi.Input<string>;
    /** Days the function's log group keeps logs. */
    logRetentionDays: number;
    /**
     * Bus the lineage events arrive on (this account's).
     * @default "default"
     */
    eventBusName?: pulumi.Input<string>;
}

/**
 * OpenLineage run events (EventBridge source `cdp.lineage`, detail-type `OpenLineage RunEvent`) → the lineage Lambda
 * (functions/lineage) in the graph's VPC, which upserts them into Neptune with Gremlin over an IAM-authenticated
 * connection. Events EventBridge cannot deliver (after its retries) go to the encrypted failure queue, as do events
 * the function rejects or fails on after Lambda's two asynchronous retries (its on-failure destination, with the
 * error). Alarms on function errors, failed rule invocations and queued failures.
 */
export class LineageWriter extends pulumi.ComponentResource {
    public readonly function: NodeFunction;
    public readonly rule: aws.cloudwatch.EventRule;
    /** Undelivered and rejected events (EventBridge dead letters, Lambda on-failure records). */
    public readonly failures: aws.sqs.Queue;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: LineageWriterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:LineageWriter", name, {}, opts);
        const ctx = awsContext(this);
        const bus = args.eventBusName ?? "default";
        this.rule = new aws.cloudwatch.EventRule(
            `${name}-events`,
            {
                name: args.naming.name("generic", "lineage-events"),
                description: "OpenLineage run events to the lineage graph",
                eventBusName: bus,
                eventPattern: JSON.stringify({ source: [LINEAGE_EVENT_SOURCE], "detail-type": [LINEAGE_DETAIL_TYPE] }),
            },
            { parent: this },
        );
        const deadLetters = createRuleDeadLetters(`${name}-failures`, this, {
            queueName: args.naming.name("sqsQueue", "lineage-failures"),
            kmsKeyArn: args.kmsKeyArn,
            ruleArn: this.rule.arn,
            alarmTopicArn: args.alarmTopicArn,
            alarmDescription:
                "Lineage events are waiting in the failure queue (undelivered or rejected): inspect and redrive",
            accessId: "lineage/rule-dead-letters",
            why: "events the rule cannot deliver go to the encrypted failure queue",
            ctx,
        });
        this.failures = deadLetters.queue;
        const sqsVia = pulumi.interpolate`sqs.${ctx.region}.${ctx.dnsSuffix}`;
        const neptuneActions = ["neptune-db:connect", "neptune-db:ReadDataViaQuery", "neptune-db:WriteDataViaQuery"];
        this.function = new NodeFunction(
            `${name}-function`,
            {
                bundle: lineageEnv.function,
                functionName: args.naming.name("lambdaFunction", "lineage"),
                description: "Writes OpenLineage run events to the Neptune lineage graph",
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                timeout: 60,
                environment: envVariables(lineageEnv, {
                    NEPTUNE_ENDPOINT: args.graph.endpoint,
                    NEPTUNE_PORT: lineageEnv.variables.NEPTUNE_PORT.format(NEPTUNE_PORT),
                }),
                vpc: {
                    subnetIds: args.privateSubnetIds,
                    securityGroupIds: [args.graph.clientSecurityGroupId],
                },
                statements: [
                    {
                        // IAM database authentication: connect, then read and write with queries, on this cluster only
                        // (https://docs.aws.amazon.com/neptune/latest/userguide/iam-dp-actions.html).
                        Sid: "LineageGraph",
                        Effect: "Allow",
                        Action: neptuneActions,
                        Resource: args.graph.dataAccessArn,
                    },
                    {
                        // The on-failure destination is sent with the function's role
                        // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
                        Sid: "FailedInvocations",
                        Effect: "Allow",
                        Action: "sqs:SendMessage",
                        Resource: this.failures.arn,
                    },
                    {
                        Sid: "EncryptedFailures",
                        Effect: "Allow",
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: args.kmsKeyArn,
                        Condition: { StringEquals: { "kms:ViaService": sqsVia } },
                    },
                ],
            },
            { parent: this },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            name,
            {
                functionName: this.function.name,
                // A malformed event fails the same way each time: two retries at most, then the failure queue.
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 6 * 3600,
                destinationConfig: { onFailure: { destination: this.failures.arn } },
            },
            { parent: this },
        );
        new aws.lambda.Permission(
            `${name}-events`,
            {
                action: "lambda:InvokeFunction",
                function: this.function.name,
                principal: "events.amazonaws.com",
                sourceArn: this.rule.arn,
                sourceAccount: ctx.accountId,
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-events`,
            {
                rule: this.rule.name,
                eventBusName: bus,
                arn: this.function.arn,
                deadLetterConfig: deadLetters.deadLetterConfig,
                retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
            },
            { parent: this },
        );
        createAlarm(`${name}-errors`, this, args.alarmTopicArn, {
            description: "The lineage writer failed on events (malformed, or Neptune unreachable); see its logs",
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: this.function.name },
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
        });
        createAlarm(`${name}-failed-invocations`, this, args.alarmTopicArn, {
            description: "EventBridge could not invoke the lineage writer",
            namespace: "AWS/Events",
            metricName: "FailedInvocations",
            dimensions: { RuleName: this.rule.name },
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
        });
        const role = this.function.role.arn;
        const eventsContext = { "aws:SourceArn": this.rule.arn, "aws:SourceAccount": ctx.accountId };
        const access: RequiredAccessInput[] = [
            {
                id: "lineage/rule-invokes-writer",
                principal: "events.amazonaws.com",
                requests: [{ actions: ["lambda:InvokeFunction"], resource: this.function.arn, context: eventsContext }],
                doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions",
                why: "the lineage rule invokes the writer with each run event",
            },
            deadLetters.access,
            {
                id: "lineage/writer-to-graph",
                principal: role,
                requests: [
                    {
                        actions: neptuneActions,
                        resource: pulumi
                            .output(args.graph.dataAccessArn)
                            .apply((arn) => arn.replace(/\/\*$/, "/database")),
                    },
                ],
                doc: "https://docs.aws.amazon.com/neptune/latest/userguide/iam-data-access-policies.html",
                why: "the writer connects to Neptune with IAM authentication and upserts with Gremlin",
            },
            {
                id: "lineage/writer-on-failure",
                principal: role,
                requests: [
                    { actions: ["sqs:SendMessage"], resource: this.failures.arn },
                    {
                        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": sqsVia },
                    },
                ],
                doc: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
                why: "failed invocations go to the encrypted failure queue, sent with the writer's role",
            },
        ];
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({ functionArn: this.function.arn, requiredAccess: this.requiredAccess });
    }
}
