/**
 * AWS Data Exchange exporter Lambda of the ingestion hub: on "Revision
 * Published To Data Set" (EventBridge), exports the new revisions of the
 * configured data sets to the raw zone, `<PREFIX>/<dataset>/...`, SSE-KMS.
 * See README.md in this folder for the event, configuration, key pattern,
 * idempotency and IAM permissions.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DataExchangeClient } from "@aws-sdk/client-dataexchange";
import { loadConfig } from "./config";
import { createHandler } from "./handler";

const config = loadConfig();

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "dataexchange-export" });

export const handler = createHandler({ config, client: new DataExchangeClient({}), logger });
