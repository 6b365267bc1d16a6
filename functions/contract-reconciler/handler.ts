/**
 * The contracts table's stream handler: every record names a contract (its key); each contract of the batch is
 * reconciled once (records of one contract collapse: the reconciler re-reads the item anyway), its audit events sent,
 * and failures reported per record (ReportBatchItemFailures) so only the failed contracts' records are retried.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { CONTRACTS_TABLE_KEY } from "../../model/contracts";
import type { ReconcilerConfig } from "../../model/env/contract-reconciler";
import { auditEntries, sendAudit } from "./audit";
import type { LakeFormationApi } from "./lakeformation";
import { type Outcome, reconcileContract, UnknownContractError } from "./reconcile";

export interface ReconcilerLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
}

export interface HandlerDependencies {
    readonly config: ReconcilerConfig;
    readonly dynamodb: Pick<DynamoDBClient, "send">;
    readonly lakeFormation: LakeFormationApi;
    /** Data cells filter definitions (the same client as `lakeFormation` in production). */
    readonly filters: LakeFormationApi;
    readonly eventBridge: Pick<EventBridgeClient, "send">;
    readonly logger: ReconcilerLogger;
}

export type ReconcilerHandler = (
    event: DynamoDBStreamEvent,
) => Promise<DynamoDBBatchResponse & { outcomes: Outcome[] }>;

export function createHandler(deps: HandlerDependencies): ReconcilerHandler {
    return async (event) => {
        const byContract = new Map<string, string[]>();
        for (const record of event.Records ?? []) {
            const id = record.dynamodb?.Keys?.[CONTRACTS_TABLE_KEY]?.S;
            const sequence = record.dynamodb?.SequenceNumber;
            if (!id || !sequence) {
                // Not a contracts table record: nothing to reconcile, and retrying cannot help.
                deps.logger.error("record without a contract key skipped", { eventID: record.eventID });
                continue;
            }
            byContract.set(id, [...(byContract.get(id) ?? []), sequence]);
        }
        const failed: string[] = [];
        const outcomes: Outcome[] = [];
        for (const [id, sequences] of byContract) {
            try {
                const outcome = await reconcileContract(deps, id);
                outcomes.push(outcome);
                const entries = auditEntries(deps.config.auditBusArn, outcome);
                try {
                    await sendAudit(deps.eventBridge, entries);
                } catch (error) {
                    // The changes are made; the events go to the log so the audit trail keeps them, and the record
                    // fails so the alarm on the failure queue tells someone.
                    deps.logger.error("audit events not delivered", { contractId: id, entries, error: String(error) });
                    throw error;
                }
                const log = outcome.status === "rejected" ? deps.logger.warn : deps.logger.info;
                log.call(deps.logger, outcome.status === "rejected" ? "contract rejected" : "contract reconciled", {
                    contractId: id,
                    status: outcome.status,
                    version: outcome.version,
                    reasons: outcome.reasons,
                    changes: outcome.changes.length,
                });
            } catch (error) {
                if (error instanceof UnknownContractError) {
                    deps.logger.error("contract of no configured domain skipped", {
                        contractId: id,
                        error: error.message,
                    });
                    continue;
                }
                deps.logger.error("contract not reconciled", { contractId: id, error: String(error) });
                failed.push(...sequences);
            }
        }
        return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })), outcomes };
    };
}
