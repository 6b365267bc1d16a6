/**
 * Kinesis Data Firehose data-transformation Lambda of the ingestion hub:
 * cleans and normalises records on their way to the S3 raw zone.
 * See README.md in this folder for the contract and the record schemas.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { loadConfig } from "./config";
import { createHandler } from "./handler";
import { createEngine } from "./normalise";
import { createIdentifierHasher } from "./privacy";

const config = loadConfig();

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "preprocess" });

const engine = createEngine({
    hashIdentifier:
        config.hashIdentifiers && config.hashSalt !== undefined ? createIdentifierHasher(config.hashSalt) : undefined,
});

export const handler = createHandler({ logger, engine, maxFailureLogs: config.maxFailureLogs });
