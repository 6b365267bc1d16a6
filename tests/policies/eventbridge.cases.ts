import * as aws from "@pulumi/aws";
import { ACCOUNT, doc, json, key, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the EventBridge rules (rules/eventbridge.ts). */

const ORG_ID = "o-a1b2c3d4e5";

function bus(p: aws.Provider): aws.cloudwatch.EventBus {
    return new aws.cloudwatch.EventBus(
        "domain-events",
        { name: "pol-test-domain-events", kmsKeyIdentifier: key(p).keyArn },
        { provider: p },
    );
}

function busPolicy(p: aws.Provider, statement: Record<string, unknown>): void {
    const b = bus(p);
    new aws.cloudwatch.EventBusPolicy(
        "domain-events",
        {
            eventBusName: b.name,
            policy: json(
                doc({ Sid: "PutEvents", Effect: "Allow", Action: "events:PutEvents", Resource: b.arn, ...statement }),
            ),
        },
        { provider: p },
    );
}

const compliantEventBridge = (p: aws.Provider) => {
    busPolicy(p, { Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } });
    new aws.cloudwatch.EventPermission(
        "partner",
        { principal: "210987654321", statementId: "Partner" },
        { provider: p },
    );
    new aws.cloudwatch.EventPermission(
        "org",
        {
            principal: "*",
            statementId: "Organisation",
            condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: ORG_ID },
        },
        { provider: p },
    );
};

const MACHINE_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:pol-test-etl`;
const STARTER_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/pol-test-starter`;

/** A rule → state machine target and a schedule → state machine, each with (or without) its encrypted DLQ. */
function targets(p: aws.Provider, withDeadLetters: { rule: boolean; schedule: boolean }): void {
    const cmk = key(p);
    const dlq = (name: string) =>
        new aws.sqs.Queue(name, { name: `pol-test-${name}`, kmsMasterKeyId: cmk.keyArn }, { provider: p });
    const rule = new aws.cloudwatch.EventRule(
        "arrivals",
        { eventPattern: JSON.stringify({ source: ["aws.s3"] }) },
        { provider: p },
    );
    new aws.cloudwatch.EventTarget(
        "arrivals",
        {
            rule: rule.name,
            arn: MACHINE_ARN,
            roleArn: STARTER_ROLE_ARN,
            deadLetterConfig: withDeadLetters.rule ? { arn: dlq("arrivals-dlq").arn } : undefined,
            retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
        },
        { provider: p },
    );
    new aws.scheduler.Schedule(
        "nightly",
        {
            scheduleExpression: "cron(0 2 * * ? *)",
            flexibleTimeWindow: { mode: "OFF" },
            kmsKeyArn: cmk.keyArn,
            target: {
                arn: MACHINE_ARN,
                roleArn: STARTER_ROLE_ARN,
                deadLetterConfig: withDeadLetters.schedule ? { arn: dlq("nightly-dlq").arn } : undefined,
            },
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // eventbridge-target-dead-letter
    {
        policy: "eventbridge-target-dead-letter",
        title: "rule target without a dead-letter queue",
        violating: (p) => targets(p, { rule: false, schedule: true }),
        compliant: (p) => targets(p, { rule: true, schedule: true }),
    },
    {
        policy: "eventbridge-target-dead-letter",
        title: "schedule without a dead-letter queue",
        violating: (p) => targets(p, { rule: true, schedule: false }),
        compliant: (p) => targets(p, { rule: true, schedule: true }),
    },
    // eventbridge-bus-policy-not-open
    {
        policy: "eventbridge-bus-policy-not-open",
        title: "bus policy letting any account put events",
        violating: (p) => busPolicy(p, { Principal: "*" }),
        compliant: compliantEventBridge,
    },
    {
        policy: "eventbridge-bus-policy-not-open",
        title: "bus policy with a negated organisation condition",
        violating: (p) =>
            busPolicy(p, { Principal: { AWS: "*" }, Condition: { StringNotEquals: { "aws:PrincipalOrgID": ORG_ID } } }),
        compliant: compliantEventBridge,
    },
    {
        policy: "eventbridge-bus-policy-not-open",
        title: 'event permission for principal "*" without condition',
        violating: (p) =>
            void new aws.cloudwatch.EventPermission(
                "anyone",
                { principal: "*", statementId: "Anyone" },
                { provider: p },
            ),
        compliant: compliantEventBridge,
    },
    ...notPublicCases("eventbridge-bus-policy-not-open", (p, grant) => busPolicy(p, grant)),
    {
        policy: "eventbridge-bus-policy-not-open",
        title: "event permission with a wildcard organisation id",
        violating: (p) =>
            void new aws.cloudwatch.EventPermission(
                "org",
                {
                    principal: "*",
                    statementId: "Organisation",
                    condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: "*" },
                },
                { provider: p },
            ),
        compliant: compliantEventBridge,
    },
];
