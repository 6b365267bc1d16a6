/**
 * The ETL pipeline's Step Functions definition (Amazon States Language, JSONPath), built by a typed function so that
 * the component (components/processing/etl-pipeline.ts) and the tests (validated with asl-validator, run with a local
 * ASL interpreter) use the same definition. Pulumi-free: every ARN and name is a plain string here.
 *
 * The flow: skip when another execution is running → raw → processed Glue job (`.sync`) → the partition crawler
 * registers the new partitions (optional; start, wait/poll) → Glue Data Quality evaluation of the tables holding the
 * contracts' datasets (SDK integration, wait/poll loop) → processed → curated Glue job (`.sync`) →
 * optionally refresh the Redshift marts (Redshift Data API, wait/poll loop) → publish the completion event on
 * EventBridge. Each job's OpenLineage `COMPLETE` RunEvent is published as soon as its run succeeds (the raw job's
 * before the data-quality checks, which may stop the pipeline; the curated job's with the completion event). Every task retries with backoff; every failure is caught,
 * published to the SNS alarm topic and ends in a Fail state; a job that fails after its retries first publishes an
 * OpenLineage `FAIL` RunEvent of its run. The lineage events follow the lineage contract (model/lineage.ts: source,
 * detail-type, schema URL, `validateRunEvent`), which the lineage writer's rule matches.
 */
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE, OPENLINEAGE_SCHEMA_URL } from "./lineage";

/** `source` of the pipeline's own events (completion, skipped runs). */
export const ETL_EVENT_SOURCE = "cdp.processing";
/** `detail-type` of the completion event. */
export const ETL_COMPLETED_DETAIL_TYPE = "ETL Pipeline Succeeded";
/** The OpenLineage facet a FAIL run event carries: the Step Functions error name of the failed job run. */
export const ERROR_MESSAGE_FACET_SCHEMA_URL =
    "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";

/** State names (the tests and the docs refer to them). */
export const STATE = {
    checkRunning: "CheckAlreadyRunning",
    alreadyRunning: "AlreadyRunning?",
    skipped: "SkippedAnotherRunInProgress",
    rawToProcessed: "RawToProcessed",
    rawLineage: "PublishRawToProcessedLineage",
    partitionsStart: "RegisterPartitions",
    partitionsWait: "WaitForPartitions",
    partitionsGet: "GetPartitionCrawler",
    partitionsReady: "PartitionCrawlerReady?",
    partitionsDone: "PartitionsRegistered?",
    partitionsFailed: "PartitionRegistrationFailed",
    loadQuality: "LoadQualityChecks",
    quality: "DataQuality",
    qualityStart: "StartQualityEvaluation",
    qualityWait: "WaitForQualityEvaluation",
    qualityGet: "GetQualityEvaluation",
    qualityDone: "QualityEvaluationDone?",
    qualityResults: "GetQualityResults",
    qualityVerdict: "QualityVerdict",
    qualityPassed: "QualityPassed?",
    qualityOk: "QualityPassed",
    qualityFailed: "DataQualityFailed",
    qualityRunFailed: "QualityEvaluationFailed",
    processedToCurated: "ProcessedToCurated",
    martsStart: "RefreshMarts",
    martsWait: "WaitForMartsRefresh",
    martsGet: "GetMartsRefresh",
    martsDone: "MartsRefreshDone?",
    martsFailed: "MartsRefreshFailed",
    publish: "PublishCompletion",
    rawToProcessedFailed: "RawToProcessedFailed",
    processedToCuratedFailed: "ProcessedToCuratedFailed",
    publishFailure: "PublishFailureLineage",
    succeeded: "Succeeded",
    notify: "NotifyFailure",
    failed: "Failed",
} as const;

/** Error names the pipeline raises itself (in Fail states). */
export const ETL_ERRORS = {
    dataQuality: "DataQuality.RulesFailed",
    qualityRun: "DataQuality.EvaluationFailed",
    partitions: "DataQuality.PartitionsFailed",
    marts: "Redshift.RefreshFailed",
    pipeline: "EtlPipeline.Failed",
} as const;

/** One Glue job the pipeline runs, with the datasets it reads and writes (for its lineage event). */
export interface EtlJobStep {
    /** Glue job name. */
    jobName: string;
    /** Datasets it reads: OpenLineage `{namespace, name}` (e.g. `s3://<bucket>`, `streams/`). */
    inputs: Array<{ namespace: string; name: string }>;
    /** Datasets it writes. */
    outputs: Array<{ namespace: string; name: string }>;
}

/** One Glue Data Quality evaluation of a processed table. */
export interface QualityCheck {
    /** Glue Data Catalog database of the table. */
    database: string;
    table: string;
    /** Glue Data Quality ruleset names evaluated against the table (at least one). */
    rulesetNames: string[];
}

/** Retry settings of the task states. */
export interface EtlRetry {
    /** Retries of a failed task (`States.TaskFailed`, e.g. a failed Glue job run). */
    maxAttempts: number;
    /** Seconds before the first retry. */
    intervalSeconds: number;
    /** Multiplier of the interval per retry. */
    backoffRate: number;
}

/** The Redshift marts refresh (Redshift Data API on a Redshift Serverless workgroup). */
export interface MartsRefresh {
    /** Redshift Serverless workgroup name. */
    workgroupName: string;
    database: string;
    /** The statement that refreshes the marts, e.g. `CALL marts.refresh()`. */
    sql: string;
}

export interface EtlStateMachineSpec {
    /** ARN of this state machine (for the already-running check: `states:ListExecutions`). */
    stateMachineArn: string;
    rawToProcessed: EtlJobStep;
    processedToCurated: EtlJobStep;
    /** Evaluations between the stages; none: the data-quality stage is left out. */
    qualityChecks: QualityCheck[];
    /**
     * Glue crawler that registers the new partitions of the evaluated tables (catalog targets): run, and waited for,
     * before the evaluations, so they see what the raw → processed job just wrote. Absent: the evaluations see the
     * partitions registered so far.
     */
    partitionCrawlerName?: string;
    /** Role Glue Data Quality runs the evaluations with (passed to `StartDataQualityRulesetEvaluationRun`). */
    qualityRoleArn: string;
    /** Seconds between polls of a data-quality evaluation or a Redshift statement. */
    pollSeconds: number;
    /** The marts refresh; absent: the step is left out (the switch is off). */
    refreshMarts?: MartsRefresh;
    /** Event bus of completion and lineage events (ARN or name). */
    eventBusName: string;
    /** SNS topic failures are published to. */
    alarmTopicArn: string;
    /** OpenLineage job namespace, e.g. `cdp-prod`. */
    lineageNamespace: string;
    /** OpenLineage `producer`: a URI naming the code. */
    lineageProducer: string;
    retry: EtlRetry;
}

type State = Record<string, unknown>;

/** Errors of AWS APIs worth retrying whatever the task: throttling and transient service errors. */
const TRANSIENT_ERRORS = [
    "Glue.ConcurrentRunsExceededException",
    "Glue.ThrottlingException",
    "Glue.InternalServiceException",
    "Glue.OperationTimeoutException",
    "States.Timeout",
];

/**
 * The Retry block of a task: transient AWS errors (throttling, concurrent runs, timeouts) with full jitter, then
 * `States.TaskFailed` (a failed job run, a failed API call) as configured. Retriers are matched in order, each with its
 * own attempt count (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
function retryBlock(retry: EtlRetry, extra: string[] = []): State[] {
    return [
        {
            ErrorEquals: [...TRANSIENT_ERRORS, ...extra],
            IntervalSeconds: 30,
            BackoffRate: 2,
            MaxAttempts: 5,
            MaxDelaySeconds: 900,
            JitterStrategy: "FULL",
        },
        ...(retry.maxAttempts > 0
            ? [
                  {
                      ErrorEquals: ["States.TaskFailed"],
                      IntervalSeconds: retry.intervalSeconds,
                      BackoffRate: retry.backoffRate,
                      MaxAttempts: retry.maxAttempts,
                  },
              ]
            : []),
    ];
}

/** Every error, caught into `$.error` and sent to the failure notification. */
const CATCH_ALL: State[] = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: STATE.notify }];

/**
 * A `glue:startJobRun.sync` task: Step Functions waits for the run and fails the task when the run fails; a failure
 * after the retries goes to the job's FAIL lineage event (`RawToProcessedFailed`, `ProcessedToCuratedFailed`), then
 * the notification.
 */
function glueJobState(spec: EtlStateMachineSpec, job: EtlJobStep, resultPath: string, next: string): State {
    const failed = job === spec.rawToProcessed ? STATE.rawToProcessedFailed : STATE.processedToCuratedFailed;
    return {
        Type: "Task",
        Comment: `Glue job ${job.jobName} (run .sync: waits for the job run to finish)`,
        // Optimised Glue integration, Run a Job (.sync):
        // https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
        Resource: "arn:aws:states:::glue:startJobRun.sync",
        Parameters: { JobName: job.jobName },
        // Only fields every finished run has: a missing path would be a States.Runtime error, which no Catch handles.
        ResultSelector: { "JobRunId.$": "$.Id", "JobRunState.$": "$.JobRunState" },
        ResultPath: resultPath,
        Retry: retryBlock(spec.retry),
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: failed }],
        Next: next,
    };
}

/**
 * The FAIL run event of a job whose run failed (a Pass state: intrinsic functions only, nothing that can fail at
 * runtime; `$.error.Error` is always in a caught error), kept in `$.lineageFailure` for `PublishFailureLineage`.
 */
function jobFailedState(spec: EtlStateMachineSpec, job: EtlJobStep): State {
    return {
        Type: "Pass",
        Comment: `OpenLineage FAIL RunEvent of ${job.jobName}`,
        Parameters: {
            entry: {
                EventBusName: spec.eventBusName,
                Source: LINEAGE_EVENT_SOURCE,
                DetailType: LINEAGE_DETAIL_TYPE,
                Detail: {
                    eventType: "FAIL",
                    "eventTime.$": "$$.State.EnteredTime",
                    run: {
                        "runId.$": "States.UUID()",
                        facets: {
                            errorMessage: {
                                _producer: spec.lineageProducer,
                                _schemaURL: ERROR_MESSAGE_FACET_SCHEMA_URL,
                                "message.$": "$.error.Error",
                                programmingLanguage: "Amazon States Language",
                            },
                        },
                    },
                    job: { namespace: spec.lineageNamespace, name: job.jobName },
                    inputs: job.inputs,
                    outputs: job.outputs,
                    producer: spec.lineageProducer,
                    schemaURL: OPENLINEAGE_SCHEMA_URL,
                },
            },
        },
        ResultPath: "$.lineageFailure",
        Next: STATE.publishFailure,
    };
}

/** Publishes the FAIL run event, then the failure notification (whether or not publishing worked). */
function publishFailureState(spec: EtlStateMachineSpec): State {
    return {
        Type: "Task",
        Comment: "The failed job's OpenLineage FAIL RunEvent; the alarm notification follows either way",
        // https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
        Resource: "arn:aws:states:::events:putEvents",
        Parameters: { "Entries.$": "States.Array($.lineageFailure.entry)" },
        ResultSelector: { "FailedEntryCount.$": "$.FailedEntryCount" },
        ResultPath: "$.lineageFailure.published",
        Retry: retryBlock(spec.retry, ["EventBridge.InternalException"]),
        // Keep `$.error` (the job's failure) for the notification.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.lineageFailure.error", Next: STATE.notify }],
        Next: STATE.notify,
    };
}

/** The data-quality stage: a Map over the checks, each a start → wait → poll → results → verdict loop. */
function qualityStates(spec: EtlStateMachineSpec, next: string): Record<string, State> {
    // Glue Data Quality has no optimised Step Functions integration: the AWS SDK service integration calls the API
    // (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html) and the state machine polls
    // GetDataQualityRulesetEvaluationRun until the run ends
    // (https://docs.aws.amazon.com/glue/latest/webapi/API_StartDataQualityRulesetEvaluationRun.html).
    const sdk = (action: string) => `arn:aws:states:::aws-sdk:glue:${action}`;
    const processor: Record<string, State> = {
        [STATE.qualityStart]: {
            Type: "Task",
            Resource: sdk("startDataQualityRulesetEvaluationRun"),
            Parameters: {
                DataSource: { GlueTable: { "DatabaseName.$": "$.database", "TableName.$": "$.table" } },
                Role: spec.qualityRoleArn,
                "RulesetNames.$": "$.rulesetNames",
                AdditionalRunOptions: { CloudWatchMetricsEnabled: true },
            },
            ResultSelector: { "RunId.$": "$.RunId" },
            ResultPath: "$.run",
            Retry: retryBlock(spec.retry),
            Next: STATE.qualityWait,
        },
        [STATE.qualityWait]: { Type: "Wait", Seconds: spec.pollSeconds, Next: STATE.qualityGet },
        [STATE.qualityGet]: {
            Type: "Task",
            Resource: sdk("getDataQualityRulesetEvaluationRun"),
            Parameters: { "RunId.$": "$.run.RunId" },
            ResultPath: "$.evaluation",
            Retry: retryBlock(spec.retry),
            Next: STATE.qualityDone,
        },
        [STATE.qualityDone]: {
            Type: "Choice",
            Choices: [
                { Variable: "$.evaluation.Status", StringEquals: "SUCCEEDED", Next: STATE.qualityResults },
                {
                    Or: ["FAILED", "STOPPED", "TIMEOUT", "ERROR"].map((s) => ({
                        Variable: "$.evaluation.Status",
                        StringEquals: s,
                    })),
                    Next: STATE.qualityRunFailed,
                },
            ],
            // STARTING, RUNNING, STOPPING, WAITING: poll again.
            Default: STATE.qualityWait,
        },
        [STATE.qualityRunFailed]: {
            Type: "Fail",
            Error: ETL_ERRORS.qualityRun,
            Cause: "The Glue Data Quality evaluation run did not succeed (FAILED, STOPPED, TIMEOUT or ERROR)",
        },
        [STATE.qualityResults]: {
            Type: "Task",
            Resource: sdk("batchGetDataQualityResult"),
            Parameters: { "ResultIds.$": "$.evaluation.ResultIds" },
            ResultSelector: { "outcomes.$": "$.Results[*].RuleResults[*].Result" },
            ResultPath: "$.results",
            Retry: retryBlock(spec.retry),
            Next: STATE.qualityVerdict,
        },
        [STATE.qualityVerdict]: {
            Type: "Pass",
            Parameters: {
                "database.$": "$.database",
                "table.$": "$.table",
                "runId.$": "$.run.RunId",
                "failed.$": "States.ArrayContains($.results.outcomes, 'FAIL')",
                "errored.$": "States.ArrayContains($.results.outcomes, 'ERROR')",
            },
            Next: STATE.qualityPassed,
        },
        [STATE.qualityPassed]: {
            Type: "Choice",
            Choices: [
                {
                    And: [
                        { Variable: "$.failed", BooleanEquals: false },
                        { Variable: "$.errored", BooleanEquals: false },
                    ],
                    Next: STATE.qualityOk,
                },
            ],
            Default: STATE.qualityFailed,
        },
        [STATE.qualityOk]: { Type: "Pass", End: true },
        [STATE.qualityFailed]: {
            Type: "Fail",
            Error: ETL_ERRORS.dataQuality,
            Cause: "A Glue Data Quality rule failed or errored on a processed table: the curated stage does not run",
        },
    };
    return {
        [STATE.quality]: {
            Type: "Map",
            Comment: "Glue Data Quality rulesets on the processed tables; any failed rule stops the pipeline",
            ItemsPath: "$.qualityChecks",
            MaxConcurrency: 5,
            ItemProcessor: {
                ProcessorConfig: { Mode: "INLINE" },
                StartAt: STATE.qualityStart,
                States: processor,
            },
            ResultPath: "$.quality",
            Catch: CATCH_ALL,
            Next: next,
        },
    };
}

/**
 * Registers the partitions the raw → processed job just wrote: StartCrawler on the partition crawler (catalog targets),
 * then GetCrawler until it is READY again, its last crawl SUCCEEDED. A crawl already running (its schedule) is waited
 * out by the retrier and ours started after it, so the crawl sees the new folders
 * (https://docs.aws.amazon.com/glue/latest/webapi/API_StartCrawler.html: CrawlerRunningException;
 * https://docs.aws.amazon.com/glue/latest/webapi/API_Crawler.html: State READY, RUNNING, STOPPING; LastCrawl.Status
 * SUCCEEDED, CANCELLED, FAILED).
 */
function partitionStates(spec: EtlStateMachineSpec, crawler: string, next: string): Record<string, State> {
    const sdk = (action: string) => `arn:aws:states:::aws-sdk:glue:${action}`;
    return {
        [STATE.partitionsStart]: {
            Type: "Task",
            Comment: `Register the new partitions of the evaluated tables (crawler ${crawler})`,
            Resource: sdk("startCrawler"),
            Parameters: { Name: crawler },
            ResultPath: null,
            Retry: [
                {
                    ErrorEquals: ["Glue.CrawlerRunningException"],
                    IntervalSeconds: spec.pollSeconds,
                    MaxAttempts: 30,
                    BackoffRate: 1.5,
                    MaxDelaySeconds: 900,
                },
                ...retryBlock(spec.retry),
            ],
            Catch: CATCH_ALL,
            Next: STATE.partitionsWait,
        },
        [STATE.partitionsWait]: { Type: "Wait", Seconds: spec.pollSeconds, Next: STATE.partitionsGet },
        [STATE.partitionsGet]: {
            Type: "Task",
            Resource: sdk("getCrawler"),
            Parameters: { Name: crawler },
            ResultSelector: { "Crawler.$": "$.Crawler" },
            ResultPath: "$.partitions",
            Retry: retryBlock(spec.retry),
            Catch: CATCH_ALL,
            Next: STATE.partitionsReady,
        },
        [STATE.partitionsReady]: {
            Type: "Choice",
            Choices: [{ Variable: "$.partitions.Crawler.State", StringEquals: "READY", Next: STATE.partitionsDone }],
            // RUNNING, STOPPING: poll again.
            Default: STATE.partitionsWait,
        },
        [STATE.partitionsDone]: {
            Type: "Choice",
            Choices: [{ Variable: "$.partitions.Crawler.LastCrawl.Status", StringEquals: "SUCCEEDED", Next: next }],
            Default: STATE.partitionsFailed,
        },
        [STATE.partitionsFailed]: {
            Type: "Pass",
            Comment: "The partition crawler did not succeed: the data-quality stage cannot see the new data",
            Result: {
                Error: ETL_ERRORS.partitions,
                Cause: "The partition crawler's last crawl did not succeed (FAILED or CANCELLED)",
            },
            ResultPath: "$.error",
            Next: STATE.notify,
        },
    };
}

/** The marts refresh: ExecuteStatement, then DescribeStatement until FINISHED (Redshift Data API, SDK integration). */
function martsStates(spec: EtlStateMachineSpec, marts: MartsRefresh, next: string): Record<string, State> {
    // https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-calling-considerations.html: statements run
    // asynchronously; DescribeStatement reports SUBMITTED, PICKED, STARTED, FINISHED, FAILED or ABORTED.
    const sdk = (action: string) => `arn:aws:states:::aws-sdk:redshiftdata:${action}`;
    return {
        [STATE.martsStart]: {
            Type: "Task",
            Resource: sdk("executeStatement"),
            Parameters: { WorkgroupName: marts.workgroupName, Database: marts.database, Sql: marts.sql },
            ResultSelector: { "Id.$": "$.Id" },
            ResultPath: "$.marts",
            Retry: retryBlock(spec.retry, ["RedshiftData.ActiveStatementsExceededException"]),
            Catch: CATCH_ALL,
            Next: STATE.martsWait,
        },
        [STATE.martsWait]: { Type: "Wait", Seconds: spec.pollSeconds, Next: STATE.martsGet },
        [STATE.martsGet]: {
            Type: "Task",
            Resource: sdk("describeStatement"),
            Parameters: { "Id.$": "$.marts.Id" },
            ResultSelector: { "Id.$": "$.Id", "Status.$": "$.Status" },
            ResultPath: "$.marts",
            Retry: retryBlock(spec.retry),
            Catch: CATCH_ALL,
            Next: STATE.martsDone,
        },
        [STATE.martsDone]: {
            Type: "Choice",
            Choices: [
                { Variable: "$.marts.Status", StringEquals: "FINISHED", Next: next },
                {
                    Or: [
                        { Variable: "$.marts.Status", StringEquals: "FAILED" },
                        { Variable: "$.marts.Status", StringEquals: "ABORTED" },
                    ],
                    Next: STATE.martsFailed,
                },
            ],
            Default: STATE.martsWait,
        },
        [STATE.martsFailed]: {
            Type: "Pass",
            Result: { Error: ETL_ERRORS.marts, Cause: "The Redshift marts refresh statement failed or was aborted" },
            ResultPath: "$.error",
            Next: STATE.notify,
        },
    };
}

/** An OpenLineage COMPLETE RunEvent of `job` (the `Detail` object of a PutEvents entry, JSONPath parameters; `runId` a
 * path or an intrinsic function). */
function lineageDetail(spec: EtlStateMachineSpec, job: EtlJobStep, resultPath: string, runId: string): State {
    return {
        eventType: "COMPLETE",
        "eventTime.$": "$$.State.EnteredTime",
        run: { "runId.$": runId, facets: { glueJobRun: { "jobRunId.$": `${resultPath}.JobRunId` } } },
        job: { namespace: spec.lineageNamespace, name: job.jobName },
        inputs: job.inputs,
        outputs: job.outputs,
        producer: spec.lineageProducer,
        schemaURL: OPENLINEAGE_SCHEMA_URL,
    };
}

/**
 * The PutEvents entry of `job`'s OpenLineage COMPLETE RunEvent; its run id a new UUID (`States.UUID()`), one per job
 * run.
 */
function lineageEntry(spec: EtlStateMachineSpec, job: EtlJobStep, resultPath: string): State {
    return {
        EventBusName: spec.eventBusName,
        Source: LINEAGE_EVENT_SOURCE,
        DetailType: LINEAGE_DETAIL_TYPE,
        Detail: lineageDetail(spec, job, resultPath, "States.UUID()"),
    };
}

/** A PutEvents task (EventBridge, optimised integration) of `entries`; its result's failed entry count in `resultPath`. */
function putEventsState(
    spec: EtlStateMachineSpec,
    comment: string,
    entries: State[],
    resultPath: string,
    next: string,
) {
    return {
        Type: "Task",
        Comment: comment,
        // https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
        Resource: "arn:aws:states:::events:putEvents",
        Parameters: { Entries: entries },
        ResultSelector: { "FailedEntryCount.$": "$.FailedEntryCount" },
        ResultPath: resultPath,
        Retry: retryBlock(spec.retry, ["EventBridge.InternalException"]),
        Catch: CATCH_ALL,
        Next: next,
    };
}

/**
 * The raw → processed job's COMPLETE RunEvent, published as soon as its run succeeds: its outputs are in the processed
 * zone whatever happens next (a data-quality failure stops the pipeline before the curated job).
 */
function rawLineageState(spec: EtlStateMachineSpec, next: string): State {
    return putEventsState(
        spec,
        "OpenLineage COMPLETE RunEvent of the raw → processed job run",
        [lineageEntry(spec, spec.rawToProcessed, "$.rawToProcessed")],
        "$.rawLineage",
        next,
    );
}

/** The completion event and the processed → curated job's COMPLETE RunEvent. */
function publishState(spec: EtlStateMachineSpec): State {
    return putEventsState(
        spec,
        "Completion event and the OpenLineage COMPLETE RunEvent of the processed → curated job run",
        [
            {
                EventBusName: spec.eventBusName,
                Source: ETL_EVENT_SOURCE,
                DetailType: ETL_COMPLETED_DETAIL_TYPE,
                Detail: {
                    "execution.$": "$$.Execution.Id",
                    "rawToProcessed.$": "$.rawToProcessed",
                    "processedToCurated.$": "$.processedToCurated",
                    martsRefreshed: spec.refreshMarts !== undefined,
                },
            },
            lineageEntry(spec, spec.processedToCurated, "$.processedToCurated"),
        ],
        "$.published",
        STATE.succeeded,
    );
}

/** The state machine definition (an object: `JSON.stringify` it for the resource). */
export function etlStateMachineDefinition(spec: EtlStateMachineSpec): Record<string, unknown> {
    const afterRaw =
        spec.qualityChecks.length === 0
            ? STATE.processedToCurated
            : spec.partitionCrawlerName
              ? STATE.partitionsStart
              : STATE.loadQuality;
    const afterCurated = spec.refreshMarts ? STATE.martsStart : STATE.publish;
    const states: Record<string, State> = {
        // Arrival events can come in bursts (one per object): an execution that finds another one running ends at
        // once; the running one, or the next trigger, processes the new data (job bookmarks track what was read).
        [STATE.checkRunning]: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions",
            Parameters: { StateMachineArn: spec.stateMachineArn, StatusFilter: "RUNNING", MaxResults: 2 },
            ResultSelector: { "running.$": "States.ArrayLength($.Executions)" },
            ResultPath: "$.concurrency",
            Retry: retryBlock(spec.retry, ["Sfn.SfnException"]),
            Catch: CATCH_ALL,
            Next: STATE.alreadyRunning,
        },
        [STATE.alreadyRunning]: {
            Type: "Choice",
            Choices: [{ Variable: "$.concurrency.running", NumericGreaterThan: 1, Next: STATE.skipped }],
            Default: STATE.rawToProcessed,
        },
        [STATE.skipped]: { Type: "Succeed", Comment: "Another execution is running: it processes the new data" },
        [STATE.rawToProcessed]: glueJobState(spec, spec.rawToProcessed, "$.rawToProcessed", STATE.rawLineage),
        [STATE.rawLineage]: rawLineageState(spec, afterRaw),
        ...(spec.qualityChecks.length > 0 && spec.partitionCrawlerName
            ? partitionStates(spec, spec.partitionCrawlerName, STATE.loadQuality)
            : {}),
        ...(spec.qualityChecks.length > 0
            ? {
                  [STATE.loadQuality]: {
                      Type: "Pass",
                      Result: spec.qualityChecks,
                      ResultPath: "$.qualityChecks",
                      Next: STATE.quality,
                  },
                  ...qualityStates(spec, STATE.processedToCurated),
              }
            : {}),
        [STATE.processedToCurated]: glueJobState(spec, spec.processedToCurated, "$.processedToCurated", afterCurated),
        ...(spec.refreshMarts ? martsStates(spec, spec.refreshMarts, STATE.publish) : {}),
        [STATE.publish]: publishState(spec),
        [STATE.succeeded]: { Type: "Succeed" },
        [STATE.rawToProcessedFailed]: jobFailedState(spec, spec.rawToProcessed),
        [STATE.processedToCuratedFailed]: jobFailedState(spec, spec.processedToCurated),
        [STATE.publishFailure]: publishFailureState(spec),
        [STATE.notify]: {
            Type: "Task",
            Comment: "Publish the failure to the alarm topic, then fail the execution",
            // https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html
            Resource: "arn:aws:states:::sns:publish",
            Parameters: {
                TopicArn: spec.alarmTopicArn,
                Subject: "ETL pipeline failed",
                "Message.$":
                    "States.Format('ETL pipeline execution {} failed: {}', $$.Execution.Id, States.JsonToString($.error))",
            },
            ResultPath: "$.notified",
            Retry: retryBlock(spec.retry, ["SNS.ThrottledException", "SNS.InternalErrorException"]),
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notifyError", Next: STATE.failed }],
            Next: STATE.failed,
        },
        [STATE.failed]: {
            Type: "Fail",
            Error: ETL_ERRORS.pipeline,
            Cause: "A stage of the ETL pipeline failed: see the execution history and the alarm notification",
        },
    };
    return {
        Comment: "CDP ETL pipeline: raw → processed → data quality → curated → marts → events",
        StartAt: STATE.checkRunning,
        States: states,
    };
}
