/**
 * A business domain's own Pulumi project: the loyalty domain deploys the platform's ProducerDomain blueprint into its
 * account and publishes its changes to the central hub. Plan it offline from the platform repository:
 *
 *   npm run plan -- --program examples/loyalty-domain --stack dev
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
// In a domain's own repository this is the installed package; here the package refers to itself.
import { AccountBaseline, type EntityDefinition, Naming, ProducerDomain } from "customer-data-platform-as-code";

const config = new pulumi.Config();
const stack = pulumi.getStack();

// Everything lands in the domain's account, tagged for cost and ownership.
const provider = new aws.Provider("loyalty", {
    region: config.require("region") as aws.Region,
    allowedAccountIds: [config.require("accountId")],
    defaultTags: {
        tags: {
            Project: "loyalty",
            Environment: stack,
            Owner: "loyalty-team",
            CostCenter: "CC-3100",
            DataDomain: "loyalty",
        },
    },
});

const entities: EntityDefinition[] = [
    {
        name: "member",
        partitionKey: "memberId",
        attributes: {
            memberId: { type: "string", required: true },
            email: { type: "email", required: true, pii: true },
            tier: { type: "string", required: true, enum: ["bronze", "silver", "gold"] },
            points: { type: "integer", minimum: 0 },
            joinedAt: { type: "timestamp", required: true },
        },
        indexes: [{ name: "byTier", partitionKey: "tier" }],
    },
    {
        name: "reward",
        partitionKey: "memberId",
        sortKey: "rewardId",
        attributes: {
            memberId: { type: "string", required: true },
            rewardId: { type: "string", required: true },
            points: { type: "integer", required: true, minimum: 1 },
            expiresAt: { type: "integer" },
        },
        ttlAttribute: "expiresAt",
    },
];

// Once per account: the API Gateway logging role every REST API stage needs (add `lakeFormation` to publish data
// products). If the platform stack already manages this account's baseline, import that setting instead.
const baseline = new AccountBaseline("loyalty-account", { apiGatewayLogging: true }, { provider });

const loyalty = new ProducerDomain(
    "loyalty",
    {
        domain: "loyalty",
        naming: new Naming("acme", stack, "loyalty"),
        entities,
        hub: {
            streamArn: config.require("hubStreamArn"),
            busArn: config.require("hubBusArn"),
            hubKeyArn: config.require("hubKeyArn"),
        },
        logRetentionDays: 90,
        dataProtection: stack === "prod",
        baseline,
    },
    { provider },
);

export const apiUrl = loyalty.apiUrl;
export const openApi = loyalty.openApi;
