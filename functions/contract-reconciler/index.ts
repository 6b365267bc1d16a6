/**
 * Contract reconciler: the contracts table's stream → Lake Formation grants and revokes for the approved consumers
 * of each data contract, with an audit event for every change. See README.md in this folder.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LakeFormationClient } from "@aws-sdk/client-lakeformation";
import { contractReconcilerEnv } from "../../model/env/contract-reconciler";
import { createHandler } from "./handler";

const config = contractReconcilerEnv.load(process.env);
const lakeFormation = new LakeFormationClient({});

export const handler = createHandler({
    config,
    dynamodb: new DynamoDBClient({}),
    lakeFormation,
    filters: lakeFormation,
    eventBridge: new EventBridgeClient({ region: config.auditBusRegion }),
    logger: new Logger({ serviceName: "contract-reconciler" }),
});
