/**
 * Exports every revision named in a "Revision Published To Data Set" event
 * to the raw zone with a Data Exchange EXPORT_REVISIONS_TO_S3 job (SSE-KMS),
 * one job per revision, skipping revisions already exported (idempotent on
 * retried or duplicated events). Kept free of module-level state so tests
 * build handlers with their own client, logger and configuration.
 */
import {
    CreateJobCommand,
    ListJobsCommand,
    StartJobCommand,
    type DataExchangeClient,
    type JobEntry,
    type RevisionDestinationEntry,
} from "@aws-sdk/client-dataexchange";
import type { Context } from "aws-lambda";
import type { ExportConfig } from "../../model/env/dataexchange-export";
import { keyPatternFor } from "./config";
import { MalformedEventError, parseRevisionEvent, type RevisionPublished } from "./event";

/** The subset of the Powertools Logger used here. */
export interface ExportLogger {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
    error(message: string, attributes: Record<string, unknown>): void;
    addContext?(context: Context): void;
}

export interface HandlerDependencies {
    readonly config: ExportConfig;
    readonly client: Pick<DataExchangeClient, "send">;
    readonly logger: ExportLogger;
}

export const EXPORT_JOB_TYPE = "EXPORT_REVISIONS_TO_S3";

/** States of an existing export job that make a new one unnecessary. */
const DONE_OR_RUNNING: ReadonlySet<string> = new Set(["IN_PROGRESS", "COMPLETED"]);

export interface SkippedRevision {
    readonly revisionId: string;
    /** `export-exists`: an export job to the same destination is running or done; `unknown-data-set`: not in DATASETS. */
    readonly reason: "export-exists" | "unknown-data-set";
    readonly jobId?: string;
    readonly state?: string;
}

export interface ExportSummary {
    readonly dataSetId: string;
    /** Configured dataset name; absent for a data set missing from DATASETS. */
    readonly dataset?: string;
    readonly revisionIds: readonly string[];
    /** Export jobs started by this invocation (created, or created earlier and left WAITING). */
    readonly jobIds: readonly string[];
    readonly skipped: readonly SkippedRevision[];
}

export type ExportHandler = (event: unknown, context?: Context) => Promise<ExportSummary>;

interface Destination {
    readonly dataSetId: string;
    readonly revisionId: string;
    readonly bucket: string;
    readonly keyPattern: string;
}

/** Does this job export `destination.revisionId` to the same bucket and key pattern? */
function exportsTo(job: JobEntry, destination: Destination): boolean {
    if (job.Type !== EXPORT_JOB_TYPE || job.Id === undefined) return false;
    const details = job.Details?.ExportRevisionsToS3;
    if (details === undefined || details.DataSetId !== destination.dataSetId) return false;
    return (details.RevisionDestinations ?? []).some(
        (d: RevisionDestinationEntry) =>
            d.RevisionId === destination.revisionId &&
            d.Bucket === destination.bucket &&
            d.KeyPattern === destination.keyPattern,
    );
}

/**
 * The existing export job of this revision to this destination that matters:
 * a running or completed one if any (nothing to do), else one created but
 * never started (WAITING: start it), else none (ERROR, CANCELLED, TIMED_OUT
 * and jobs to other destinations, e.g. an auto-export event action, are
 * ignored so a failed export is retried).
 */
async function findExistingExport(
    client: HandlerDependencies["client"],
    destination: Destination,
): Promise<JobEntry | undefined> {
    let waiting: JobEntry | undefined;
    let nextToken: string | undefined;
    const seenTokens = new Set<string>();
    do {
        const page = await client.send(
            new ListJobsCommand({
                DataSetId: destination.dataSetId,
                RevisionId: destination.revisionId,
                NextToken: nextToken,
            }),
        );
        for (const job of page.Jobs ?? []) {
            if (!exportsTo(job, destination)) continue;
            if (DONE_OR_RUNNING.has(job.State ?? "")) return job;
            if (job.State === "WAITING" && waiting === undefined) waiting = job;
        }
        nextToken = page.NextToken;
        if (nextToken !== undefined) {
            if (seenTokens.has(nextToken))
                throw new Error(`ListJobs returned the pagination token "${nextToken}" twice`);
            seenTokens.add(nextToken);
        }
    } while (nextToken);
    return waiting;
}

export function createHandler(deps: HandlerDependencies): ExportHandler {
    const { config, client, logger } = deps;

    return async (event, context) => {
        if (context !== undefined) logger.addContext?.(context);

        let parsed: RevisionPublished;
        try {
            parsed = parseRevisionEvent(event);
        } catch (error) {
            if (error instanceof MalformedEventError)
                logger.error("malformed event rejected", { error: error.message });
            throw error;
        }
        const { eventId, dataSetId, revisionIds } = parsed;

        const dataset = config.datasets.get(dataSetId);
        if (dataset === undefined) {
            logger.warn("event ignored: data set not configured in DATASETS", { eventId, dataSetId, revisionIds });
            return {
                dataSetId,
                revisionIds,
                jobIds: [],
                skipped: revisionIds.map((revisionId) => ({ revisionId, reason: "unknown-data-set" as const })),
            };
        }

        const keyPattern = keyPatternFor(config.prefix, dataset);
        const jobIds: string[] = [];
        const skipped: SkippedRevision[] = [];
        for (const revisionId of revisionIds) {
            const destination: Destination = { dataSetId, revisionId, bucket: config.bucket, keyPattern };
            const log = { eventId, dataSetId, dataset, revisionId, bucket: config.bucket, keyPattern };

            const existing = await findExistingExport(client, destination);
            if (existing !== undefined && existing.State !== "WAITING") {
                logger.info("export skipped: revision already exported or being exported (idempotent retry)", {
                    ...log,
                    existingJobId: existing.Id,
                    existingJobState: existing.State,
                });
                skipped.push({ revisionId, reason: "export-exists", jobId: existing.Id, state: existing.State });
                continue;
            }

            let jobId: string;
            if (existing !== undefined) {
                // Created by an earlier attempt that failed before StartJob: starting
                // it (rather than skipping it) is what gets the revision exported.
                jobId = existing.Id as string; // defined: exportsTo() requires it
                logger.info("export job found WAITING (created but never started): starting it", { ...log, jobId });
            } else {
                const created = await client.send(
                    new CreateJobCommand({
                        Type: EXPORT_JOB_TYPE,
                        Details: {
                            ExportRevisionsToS3: {
                                DataSetId: dataSetId,
                                RevisionDestinations: [
                                    { Bucket: config.bucket, KeyPattern: keyPattern, RevisionId: revisionId },
                                ],
                                Encryption: { Type: "aws:kms", KmsKeyArn: config.kmsKeyArn },
                            },
                        },
                    }),
                );
                if (created.Id === undefined)
                    throw new Error(`CreateJob returned no job id for revision ${revisionId}`);
                jobId = created.Id;
                logger.info("export job created", { ...log, jobId });
            }
            await client.send(new StartJobCommand({ JobId: jobId }));
            logger.info("export job started", { ...log, jobId });
            jobIds.push(jobId);
        }

        const summary: ExportSummary = { dataSetId, dataset, revisionIds, jobIds, skipped };
        logger.info("revision event processed", { eventId, ...summary });
        return summary;
    };
}
