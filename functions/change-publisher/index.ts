/**
 * Change publisher of a business domain: a DynamoDB Streams-triggered Lambda
 * that publishes every change of the domain's tables, exactly once, as an
 * event with a stable envelope to the hub's Kinesis stream and EventBridge
 * bus (cross-account, by ARN). See README.md in this folder for the
 * envelope, configuration, idempotency design and IAM permissions.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { loadConfig } from "./config";
import { createHandler } from "./handler";

const config = loadConfig();

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "change-publisher" });

export const handler = createHandler({
    config,
    // The hub's stream and bus may live in another region than the function.
    kinesis: new KinesisClient({ region: config.streamRegion }),
    eventBridge: new EventBridgeClient({ region: config.eventBusRegion }),
    dynamodb: new DynamoDBClient({}),
    logger,
});
