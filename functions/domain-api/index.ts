/**
 * Publishing API Lambda of a business domain (`ProducerDomain`): API Gateway REST proxy integration in front of the
 * domain's DynamoDB tables, optionally through DAX. See README.md in this folder for the routes, the environment
 * contract and the IAM permissions.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { loadConfig } from "./config";
import { createHandler } from "./handler";
import { createDaxStore, createDynamoStore } from "./store";

const config = loadConfig();

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? `${config.domain}-domain-api` });

const store = config.daxEndpoint
    ? createDaxStore({ endpoint: config.daxEndpoint, region: config.region })
    : createDynamoStore({ region: config.region });

export const handler = createHandler({ config, store, logger });
