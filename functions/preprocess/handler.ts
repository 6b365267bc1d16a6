/**
 * Lambda wiring around processBatch: timing, structured logging and the
 * Firehose handler signature. Kept free of module-level state so tests can
 * build handlers with their own logger and configuration.
 */
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { processBatch } from "./batch";
import type { FailureReason } from "./failures";
import type { Engine } from "./normalise";
import { formatTimestamp } from "./timestamp";

/** The subset of the Powertools Logger used here. */
export interface BatchLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
    addContext?(context: Context): void;
}

export interface HandlerDependencies {
    readonly logger: BatchLogger;
    readonly engine: Engine;
    /** Per-batch cap on "record rejected" lines; the summary counts them all. */
    readonly maxFailureLogs: number;
    readonly now?: () => number;
    readonly responseLimitBytes?: number;
}

export type PreprocessHandler = (
    event: FirehoseTransformationEvent,
    context?: Context,
) => Promise<FirehoseTransformationResult>;

const MAX_LOGGED_FIELD_LENGTH = 64;

/** Field names can come from the payload (unknown keys): keep them short. */
function loggedField(field: string | undefined): string | undefined {
    return field !== undefined && field.length > MAX_LOGGED_FIELD_LENGTH
        ? `${field.slice(0, MAX_LOGGED_FIELD_LENGTH)}...`
        : field;
}

export function createHandler(deps: HandlerDependencies): PreprocessHandler {
    const { logger, engine, maxFailureLogs } = deps;
    const now = deps.now ?? Date.now;

    return async (event, context) => {
        if (context !== undefined) logger.addContext?.(context);
        const started = performance.now();
        const result = processBatch(event, {
            engine,
            processedAt: formatTimestamp(now()),
            responseLimitBytes: deps.responseLimitBytes,
        });

        const failuresByReason: Partial<Record<FailureReason, number>> = {};
        for (const { failure } of result.failures) {
            failuresByReason[failure.reason] = (failuresByReason[failure.reason] ?? 0) + 1;
        }
        const logged = result.failures.slice(0, maxFailureLogs);
        for (const { recordId, failure } of logged) {
            logger.warn("record rejected", {
                recordId,
                reason: failure.reason,
                field: loggedField(failure.field),
                detail: failure.detail,
            });
        }
        const summary = {
            invocationId: event.invocationId,
            deliveryStreamArn: event.deliveryStreamArn,
            records: event.records.length,
            ok: result.okCount,
            failed: result.failures.length,
            failuresByReason,
            unloggedFailures: result.failures.length - logged.length,
            responseBytes: result.responseBytes,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
        };
        if (result.overLimit) {
            logger.error("response exceeds the Firehose limit even with every record failed", summary);
        } else {
            logger.info("batch processed", summary);
        }
        return result.response;
    };
}
