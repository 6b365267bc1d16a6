/**
 * The EventBridge event AWS Data Exchange sends to a subscriber when the
 * provider publishes revisions to an entitled data set:
 *
 *   {
 *     "version": "0", "id": "<event id>",
 *     "detail-type": "Revision Published To Data Set",
 *     "source": "aws.dataexchange",
 *     "account": "<subscriber account>", "time": "...", "region": "...",
 *     "resources": ["<DataSetId>"],
 *     "detail": { "RevisionIds": ["<RevisionId>", ...] }
 *   }
 *
 * Anything else is a wiring error (wrong rule pattern, hand-crafted test
 * event): it is rejected with a MalformedEventError so the failure is
 * visible (async retries, then the DLQ) instead of being silently ignored.
 */
import type { EventBridgeEvent } from "aws-lambda";
import { DATA_EXCHANGE_ID } from "../../model/names";

export const DETAIL_TYPE = "Revision Published To Data Set";
export const SOURCE = "aws.dataexchange";

export type RevisionPublishedEvent = EventBridgeEvent<typeof DETAIL_TYPE, { RevisionIds: string[] }>;

export interface RevisionPublished {
    /** EventBridge event id, for correlation in logs. */
    readonly eventId?: string;
    readonly dataSetId: string;
    /** Distinct revision ids, in event order. */
    readonly revisionIds: readonly string[];
}

export class MalformedEventError extends Error {
    constructor(detail: string) {
        super(`malformed "${DETAIL_TYPE}" event: ${detail}`);
        this.name = "MalformedEventError";
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Short, safe rendering of an unexpected value for an error message. */
function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

export function parseRevisionEvent(event: unknown): RevisionPublished {
    if (!isRecord(event)) throw new MalformedEventError(`expected an EventBridge event object, got ${shown(event)}`);
    if (event.source !== SOURCE)
        throw new MalformedEventError(`"source" must be "${SOURCE}", got ${shown(event.source)}`);
    if (event["detail-type"] !== DETAIL_TYPE) {
        throw new MalformedEventError(`"detail-type" must be "${DETAIL_TYPE}", got ${shown(event["detail-type"])}`);
    }
    const resources = event.resources;
    if (!Array.isArray(resources) || resources.length !== 1) {
        throw new MalformedEventError(`"resources" must hold exactly one data set id, got ${shown(resources)}`);
    }
    const dataSetId = resources[0];
    if (typeof dataSetId !== "string" || !DATA_EXCHANGE_ID.test(dataSetId)) {
        throw new MalformedEventError(`"resources[0]" is not a data set id: ${shown(dataSetId)}`);
    }
    if (!isRecord(event.detail))
        throw new MalformedEventError(`"detail" must be an object, got ${shown(event.detail)}`);
    const revisionIds = event.detail.RevisionIds;
    if (!Array.isArray(revisionIds) || revisionIds.length === 0) {
        throw new MalformedEventError(`"detail.RevisionIds" must be a non-empty array, got ${shown(revisionIds)}`);
    }
    revisionIds.forEach((id, i) => {
        if (typeof id !== "string" || !DATA_EXCHANGE_ID.test(id)) {
            throw new MalformedEventError(`"detail.RevisionIds[${i}]" is not a revision id: ${shown(id)}`);
        }
    });
    return {
        eventId: typeof event.id === "string" ? event.id : undefined,
        dataSetId,
        revisionIds: [...new Set(revisionIds as string[])],
    };
}
