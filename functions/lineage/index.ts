/**
 * Lineage writer of the governance plane: an EventBridge-triggered Lambda (source `cdp.lineage`, detail-type
 * `OpenLineage RunEvent`) that upserts datasets, jobs, runs and their edges into the Neptune lineage graph with
 * Gremlin, over an IAM-authenticated (SigV4) WebSocket reused across invocations. See README.md in this folder.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { loadConfig } from "./config";
import { createConnection } from "./connection";
import { createHandler } from "./handler";
import { lambdaCredentials } from "./signer";

const config = loadConfig();

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "lineage" });

const connection = createConnection(config, {
    region: process.env.AWS_REGION ?? "",
    credentials: lambdaCredentials,
});

export const handler = createHandler({ config, connection, logger });
