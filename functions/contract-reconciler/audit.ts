/**
 * Audit events: one EventBridge event per Lake Formation change and per rejected contract, on the governance
 * account's bus, source `cdp.governance.contracts`. EventBridge rather than a log line: security tooling subscribes
 * with a rule (to a SIEM, an archive, a notification) without reading the function's logs, and the event carries the
 * contract's context (id, version, consumer, columns, row filter) that CloudTrail's GrantPermissions record lacks.
 * CloudTrail still records every grant and revoke as the authoritative API trail.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { Outcome } from "./reconcile";

export const AUDIT_SOURCE = "cdp.governance.contracts";

export const DETAIL_TYPES = {
    change: "Contract grant changed",
    rejected: "Contract rejected",
} as const;

/** The audit entries of one reconciliation (none when nothing changed and the contract is valid). */
export function auditEntries(busArn: string, outcome: Outcome): PutEventsRequestEntry[] {
    const common = { contractId: outcome.contractId, version: outcome.version, status: outcome.status };
    const entries: PutEventsRequestEntry[] = outcome.changes.map((change) => ({
        EventBusName: busArn,
        Source: AUDIT_SOURCE,
        DetailType: DETAIL_TYPES.change,
        Detail: JSON.stringify({ ...common, ...change }),
    }));
    if (outcome.status === "rejected") {
        entries.push({
            EventBusName: busArn,
            Source: AUDIT_SOURCE,
            DetailType: DETAIL_TYPES.rejected,
            Detail: JSON.stringify({ ...common, reasons: outcome.reasons.slice(0, 50) }),
        });
    }
    return entries;
}

/** Sends the entries (10 per PutEvents, the API's limit); throws when any entry fails. */
export async function sendAudit(
    client: Pick<EventBridgeClient, "send">,
    entries: PutEventsRequestEntry[],
): Promise<void> {
    for (let i = 0; i < entries.length; i += 10) {
        const batch = entries.slice(i, i + 10);
        const out = await client.send(new PutEventsCommand({ Entries: batch }));
        if ((out.FailedEntryCount ?? 0) > 0) {
            const failed = (out.Entries ?? [])
                .filter((e) => e.ErrorCode)
                .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
            throw new Error(
                `audit: ${out.FailedEntryCount} of ${batch.length} events not accepted (${failed.join("; ")})`,
            );
        }
    }
}
