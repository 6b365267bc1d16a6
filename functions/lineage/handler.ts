/**
 * The EventBridge handler: checks the event (source, detail-type, OpenLineage RunEvent), writes it to the graph in
 * one traversal, retries a write Neptune rejected for a concurrent modification (two events of one run at once), and
 * re-opens the connection after a connection error. A malformed event is logged with its reasons and fails the
 * invocation with them: Lambda's asynchronous retries (bounded) then its on-failure destination keep it, never a
 * half-written run. Kept free of module-level state so tests build handlers with their own connection.
 */
import type { Context, EventBridgeEvent } from "aws-lambda";
import type { LineageConfig } from "../../model/env/lineage";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE, lineageIds, validateRunEvent } from "../../model/lineage";
import type { GraphConnection } from "./connection";
import { writeRunEvent } from "./graph";

export interface LineageLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
    addContext?(context: Context): void;
}

export interface HandlerDependencies {
    readonly config: Pick<LineageConfig, "writeAttempts">;
    readonly connection: GraphConnection;
    readonly logger: LineageLogger;
    readonly sleep?: (ms: number) => Promise<void>;
}

/** An event the platform does not accept; `reasons` name each problem. Not worth retrying. */
export class MalformedLineageEventError extends Error {
    constructor(public readonly reasons: readonly string[]) {
        super(`Malformed lineage event: ${reasons.join("; ")}`);
        this.name = "MalformedLineageEventError";
    }
}

export interface WriteResult {
    readonly run: string;
    readonly job: string;
    readonly eventType: string;
    readonly attempts: number;
}

/** Neptune's (and TinkerTransactionGraph's) answer to two transactions writing the same elements: retry. */
export function isConflict(error: unknown): boolean {
    const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
    // "… with id already exists": two transactions inserted the same id at once (TinkerTransactionGraph, and an
    // upsert race on Neptune surfaces as ConcurrentModificationException); the retry's mergeV/mergeE then matches it.
    return /ConcurrentModification|Conflict|modified in another transaction|TransactionException|with id already exists/i.test(
        text,
    );
}

/** The connection is gone (closed socket, refused, expired): open a new one. */
export function isConnectionError(error: unknown): boolean {
    const text = error instanceof Error ? `${(error as { code?: string }).code ?? ""} ${error.message}` : "";
    return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket|WebSocket|not open|closed|connection/i.test(text);
}

export type LineageHandler = (event: EventBridgeEvent<string, unknown>, context?: Context) => Promise<WriteResult>;

export function createHandler(deps: HandlerDependencies): LineageHandler {
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    return async (event, context) => {
        if (context) deps.logger.addContext?.(context);
        const envelope: string[] = [];
        if (event?.source !== LINEAGE_EVENT_SOURCE)
            envelope.push(`source must be ${LINEAGE_EVENT_SOURCE}, got ${JSON.stringify(event?.source)}`);
        if (event?.["detail-type"] !== LINEAGE_DETAIL_TYPE)
            envelope.push(`detail-type must be ${LINEAGE_DETAIL_TYPE}, got ${JSON.stringify(event?.["detail-type"])}`);
        const checked = validateRunEvent(event?.detail);
        const reasons = [...envelope, ...(checked.ok ? [] : checked.reasons)];
        if (!checked.ok || reasons.length > 0) {
            deps.logger.error("Lineage event rejected", { eventId: event?.id, reasons });
            throw new MalformedLineageEventError(reasons);
        }
        const run = checked.event;
        const ids = { run: lineageIds.run(run.run.runId), job: lineageIds.job(run.job) };
        let reconnected = false;
        for (let attempt = 1; ; attempt++) {
            try {
                await writeRunEvent(await deps.connection.source(), run);
                deps.logger.info("Lineage event written", {
                    eventId: event.id,
                    ...ids,
                    eventType: run.eventType,
                    attempt,
                });
                return { ...ids, eventType: run.eventType, attempts: attempt };
            } catch (error) {
                if (isConflict(error) && attempt < deps.config.writeAttempts) {
                    // Jittered exponential backoff (Neptune: "retry with backoff on ConcurrentModificationException").
                    const delay = Math.min(2000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random());
                    deps.logger.warn("Concurrent modification, retrying", {
                        ...ids,
                        attempt,
                        delayMs: Math.round(delay),
                    });
                    await sleep(delay);
                    continue;
                }
                if (!reconnected && !isConflict(error) && isConnectionError(error)) {
                    reconnected = true;
                    deps.logger.warn("Connection error, reconnecting", { ...ids, error: String(error) });
                    await deps.connection.reset();
                    continue;
                }
                deps.logger.error("Lineage write failed", { eventId: event.id, ...ids, attempt, error: String(error) });
                throw error;
            }
        }
    };
}
