/**
 * Shared fixtures for the Data Exchange exporter tests: a "Revision Published
 * To Data Set" event written from the documented shape, a valid environment,
 * a recording logger and a stateful fake of the Data Exchange jobs API on top
 * of aws-sdk-client-mock.
 */
import {
    CreateJobCommand,
    type DataExchangeClient,
    ListJobsCommand,
    StartJobCommand,
    type CreateJobCommandInput,
    type JobEntry,
} from "@aws-sdk/client-dataexchange";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { ExportLogger } from "../../../functions/dataexchange-export/handler";

/** Data Exchange ids are 32 lower-case hex characters. */
export const DATA_SET_ID = "aae4c2cd145a48454f9369d4a4db5c66";
export const OTHER_DATA_SET_ID = "0f5e8f5b8d1c4e3aa2b1c0d9e8f7a6b5";
export const UNKNOWN_DATA_SET_ID = "99999999999999999999999999999999";
export const REVISION_ID = "3afc623a56da4b3a35a0a5cd6c7fe5f9";
export const REVISION_ID_2 = "7be1d2c3b4a5968778695a4b3c2d1e0f";
export const BUCKET = "cdp-prod-raw-111122223333-eu-west-1";
export const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

export const ENV: Readonly<Record<string, string>> = {
    RAW_BUCKET: BUCKET,
    RAW_KMS_KEY_ARN: KMS_KEY_ARN,
    DATASETS: JSON.stringify({ [DATA_SET_ID]: "credit-scores", [OTHER_DATA_SET_ID]: "fx-rates" }),
};

/** The documented key pattern for the `credit-scores` dataset with the default PREFIX. */
export const CREDIT_SCORES_KEY_PATTERN =
    "thirdparty/credit-scores/year=${Revision.CreatedAt.Year}/month=${Revision.CreatedAt.Month}/" +
    "day=${Revision.CreatedAt.Day}/revision=${Revision.Id}/${Asset.Name}";

/** A "Revision Published To Data Set" event as Data Exchange sends it to EventBridge. */
export function revisionEvent(
    revisionIds: unknown = [REVISION_ID],
    dataSetId: string = DATA_SET_ID,
): Record<string, unknown> {
    return {
        version: "0",
        id: "dc529cb6-2e28-4b3f-9b47-ed2e8e5a5c21",
        "detail-type": "Revision Published To Data Set",
        source: "aws.dataexchange",
        account: "111122223333",
        time: "2024-06-01T08:00:00Z",
        region: "eu-west-1",
        resources: [dataSetId],
        detail: { RevisionIds: revisionIds },
    };
}

export interface LogLine {
    readonly level: "info" | "warn" | "error";
    readonly message: string;
    readonly attributes: Record<string, unknown>;
}

export function recordingLogger(): ExportLogger & { lines: LogLine[] } {
    const lines: LogLine[] = [];
    return {
        lines,
        info: (message, attributes) => lines.push({ level: "info", message, attributes }),
        warn: (message, attributes) => lines.push({ level: "warn", message, attributes }),
        error: (message, attributes) => lines.push({ level: "error", message, attributes }),
    };
}

/** A job as ListJobs returns it, exporting `revisionId` with the given destination. */
export function exportJob(
    id: string,
    state: string,
    revisionId: string = REVISION_ID,
    destination: { bucket?: string; keyPattern?: string; dataSetId?: string; eventActionArn?: string } = {},
): JobEntry {
    const now = new Date("2024-06-01T08:00:05Z");
    return {
        Arn: `arn:aws:dataexchange:eu-west-1:111122223333:jobs/${id}`,
        Id: id,
        State: state as JobEntry["State"],
        Type: "EXPORT_REVISIONS_TO_S3",
        CreatedAt: now,
        UpdatedAt: now,
        Details: {
            ExportRevisionsToS3: {
                DataSetId: destination.dataSetId ?? DATA_SET_ID,
                Encryption: { Type: "aws:kms", KmsKeyArn: KMS_KEY_ARN },
                RevisionDestinations: [
                    {
                        Bucket: destination.bucket ?? BUCKET,
                        KeyPattern: destination.keyPattern ?? CREDIT_SCORES_KEY_PATTERN,
                        RevisionId: revisionId,
                    },
                ],
                EventActionArn: destination.eventActionArn,
            },
        },
    };
}

/** Id of the n-th (1-based) job the fake creates; 32 characters like real job ids. */
export function fakeJobId(n: number): string {
    return `job${String(n).padStart(29, "0")}`;
}

export interface FakeJobsOptions {
    /** Jobs that exist before the first call. */
    readonly initial?: JobEntry[];
    /** ListJobs page size. Default 25. */
    readonly pageSize?: number;
    /** Error to throw from the n-th (1-based) CreateJob call, if any. */
    readonly createFault?: (call: number) => Error | undefined;
    /** Error to throw from the n-th (1-based) StartJob call, if any. */
    readonly startFault?: (call: number) => Error | undefined;
}

/**
 * A stateful fake of CreateJob / StartJob / ListJobs: jobs are created
 * WAITING, StartJob moves them to IN_PROGRESS, ListJobs filters by
 * DataSetId and RevisionId and pages `pageSize` jobs at a time.
 */
export function fakeJobsApi(mock: AwsClientStub<DataExchangeClient>, options: FakeJobsOptions = {}): JobEntry[] {
    const jobs: JobEntry[] = [...(options.initial ?? [])];
    const pageSize = options.pageSize ?? 25;
    let sequence = 0;
    let createCalls = 0;
    let startCalls = 0;
    mock.on(CreateJobCommand).callsFake((input: CreateJobCommandInput) => {
        const fault = options.createFault?.(++createCalls);
        if (fault !== undefined) throw fault;
        const details = input.Details?.ExportRevisionsToS3;
        const destination = details?.RevisionDestinations?.[0];
        const job = exportJob(fakeJobId(++sequence), "WAITING", destination?.RevisionId, {
            bucket: destination?.Bucket,
            keyPattern: destination?.KeyPattern,
            dataSetId: details?.DataSetId,
        });
        jobs.push(job);
        return { ...job };
    });
    mock.on(StartJobCommand).callsFake(({ JobId }: { JobId: string }) => {
        const fault = options.startFault?.(++startCalls);
        if (fault !== undefined) throw fault;
        const job = jobs.find((j) => j.Id === JobId);
        if (job === undefined) throw new Error(`no job ${JobId}`);
        job.State = "IN_PROGRESS";
        return {};
    });
    mock.on(ListJobsCommand).callsFake(({ DataSetId, RevisionId, NextToken }) => {
        const matching = jobs.filter((job) => {
            const details = job.Details?.ExportRevisionsToS3;
            return (
                (DataSetId === undefined || details?.DataSetId === DataSetId) &&
                (RevisionId === undefined ||
                    (details?.RevisionDestinations ?? []).some((d) => d.RevisionId === RevisionId))
            );
        });
        const start = NextToken === undefined ? 0 : Number(NextToken);
        const next = start + pageSize;
        return { Jobs: matching.slice(start, next), NextToken: next < matching.length ? String(next) : undefined };
    });
    return jobs;
}
