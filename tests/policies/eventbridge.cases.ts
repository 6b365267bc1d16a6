import * as aws from "@pulumi/aws";
import { doc, json, key, notPublicCases, type PolicyCase } from "./kit";

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

export const cases: PolicyCase[] = [
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
