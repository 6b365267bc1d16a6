/**
 * The ETL pipeline's state machine (model/etl-state-machine.ts): the definition validated with asl-validator, and its
 * control flow run with a local ASL interpreter (aws-local-stepfunctions), every task state stubbed.
 */
import { expect } from "chai";
import validator = require("asl-validator");
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import {
    ETL_COMPLETED_DETAIL_TYPE,
    ETL_ERRORS,
    ETL_EVENT_SOURCE,
    type EtlStateMachineSpec,
    etlStateMachineDefinition,
    STATE,
} from "../model/etl-state-machine";
import { type Handler, recorder, taskError } from "./helpers/asl-stubs";
import { LINEAGE_DETAIL_TYPE, LINEAGE_EVENT_SOURCE, OPENLINEAGE_SCHEMA_URL, validateRunEvent } from "../model/lineage";

const ACCOUNT = "111111111111";
const arn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${rest}`;

function spec(overrides: Partial<EtlStateMachineSpec> = {}): EtlStateMachineSpec {
    return {
        stateMachineArn: arn("states", "stateMachine:cdp-test-etl"),
        rawToProcessed: {
            jobName: "cdp-test-raw-to-processed",
            inputs: [{ namespace: "s3://raw-bucket", name: "streams" }],
            outputs: [{ namespace: "s3://processed-bucket", name: "entities" }],
        },
        processedToCurated: {
            jobName: "cdp-test-processed-to-curated",
            inputs: [{ namespace: "s3://processed-bucket", name: "entities" }],
            outputs: [{ namespace: "s3://curated-bucket", name: "customer_360" }],
        },
        qualityChecks: [
            { database: "cdp_test_processed", table: "sales_order", rulesetNames: ["sales_order_contract"] },
            { database: "cdp_test_processed", table: "payments_payment", rulesetNames: ["payments_payment_contract"] },
        ],
        qualityRoleArn: `arn:aws:iam::${ACCOUNT}:role/cdp-test-etl-quality`,
        pollSeconds: 60,
        eventBusName: arn("events", "event-bus/default"),
        alarmTopicArn: arn("sns", "cdp-test-governance-alarms"),
        lineageNamespace: "cdp-test",
        lineageProducer: "https://github.com/example/customer-data-platform-as-code/jobs/glue",
        retry: { maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 },
        ...overrides,
    };
}

/** One event of an execution's log (the interpreter does not export the type). */
type EventLog = {
    type: string;
    index?: number;
    state: { name: string };
};

const jobRun = (id: string) => ({ Id: id, JobRunState: "SUCCEEDED", ExecutionTime: 42 });

/** Stubs of every task state on the success path; each records its inputs. */
function stubs(calls: Record<string, unknown[]>): Record<string, Handler> {
    const record = recorder(calls);
    return {
        [STATE.checkRunning]: record(STATE.checkRunning, () => ({ Executions: [{ status: "RUNNING" }] })),
        [STATE.rawToProcessed]: record(STATE.rawToProcessed, () => jobRun("jr_raw")),
        [STATE.qualityStart]: record(STATE.qualityStart, (input) => ({
            RunId: `dqrun-${(input as { DataSource: { GlueTable: { TableName: string } } }).DataSource.GlueTable.TableName}`,
        })),
        // First poll: still running; second: done.
        [STATE.qualityGet]: record(STATE.qualityGet, (input) => {
            const runId = (input as { RunId: string }).RunId;
            const polls = calls[STATE.qualityGet].filter((c) => (c as { RunId: string }).RunId === runId);
            return polls.length < 2 ? { Status: "RUNNING" } : { Status: "SUCCEEDED", ResultIds: [`dqresult-${runId}`] };
        }),
        [STATE.qualityResults]: record(STATE.qualityResults, () => ({
            Results: [
                {
                    RuleResults: [
                        { Name: "r1", Result: "PASS" },
                        { Name: "r2", Result: "PASS" },
                    ],
                },
            ],
        })),
        [STATE.processedToCurated]: record(STATE.processedToCurated, () => jobRun("jr_curated")),
        [STATE.martsStart]: record(STATE.martsStart, () => ({ Id: "stmt-1" })),
        [STATE.martsGet]: record(STATE.martsGet, (_input, n) => ({
            Id: "stmt-1",
            Status: n < 2 ? "STARTED" : "FINISHED",
        })),
        [STATE.rawLineage]: record(STATE.rawLineage, () => ({ FailedEntryCount: 0, Entries: [] })),
        [STATE.publish]: record(STATE.publish, () => ({ FailedEntryCount: 0, Entries: [] })),
        [STATE.publishFailure]: record(STATE.publishFailure, () => ({ FailedEntryCount: 0, Entries: [] })),
        [STATE.notify]: record(STATE.notify, () => ({ MessageId: "m-1" })),
    };
}

interface Run {
    output?: unknown;
    error?: ExecutionError;
    events: EventLog[];
    /** States entered, in order (Map iterations included). */
    entered: string[];
    /** States entered outside Map iterations. */
    top: string[];
    /** The execution's error name (a Fail state's `Error`). */
    errorName?: string;
}

async function run(
    definition: Record<string, unknown>,
    handlers: Record<string, Handler>,
    input: unknown = { source: "aws.scheduler" },
): Promise<Run> {
    const machine = new StateMachine(structuredClone(definition) as never, {
        validationOptions: { checkArn: false },
    });
    const zero = (names: string[]) => Object.fromEntries(names.map((n) => [n, 0]));
    const execution = machine.run(input as never, {
        overrides: {
            taskResourceLocalHandlers: handlers as never,
            waitTimeOverrides: zero([STATE.qualityWait, STATE.martsWait]),
            retryIntervalOverrides: zero(Object.values(STATE)),
        },
        context: {
            Execution: { Id: arn("states", "execution:cdp-test-etl:run-1"), Name: "run-1", Input: input },
            State: { EnteredTime: "2026-12-04T06:00:00.000Z", Name: "any", RetryCount: 0 },
        } as never,
    });
    const events: EventLog[] = [];
    const collect = (async () => {
        for await (const event of execution.eventLogs) events.push(event as EventLog);
    })();
    const result: Run = { events, entered: [], top: [] };
    try {
        result.output = await execution.result;
    } catch (error) {
        if (!(error instanceof ExecutionError)) throw error;
        result.error = error;
    }
    await collect;
    result.entered = events.flatMap((e) => (e.type === "StateEntered" ? [e.state.name] : []));
    result.top = events.flatMap((e) => (e.type === "StateEntered" && e.index === undefined ? [e.state.name] : []));
    result.errorName = (result.error?.cause as Error | undefined)?.name;
    return result;
}

describe("ETL state machine", () => {
    describe("definition", () => {
        for (const [title, s] of [
            ["with data quality, marts off", spec()],
            ["without data quality", spec({ qualityChecks: [] })],
            [
                "with the marts refresh",
                spec({ refreshMarts: { workgroupName: "marts", database: "dev", sql: "CALL marts.refresh()" } }),
            ],
        ] as const) {
            it(`is valid Amazon States Language (asl-validator): ${title}`, () => {
                const { isValid, errors } = validator(structuredClone(etlStateMachineDefinition(s)) as never);
                expect(errors, JSON.stringify(errors)).to.deep.equal([]);
                expect(isValid).to.equal(true);
            });
        }

        it("every task retries with backoff and every failure is caught into the alarm notification", () => {
            const definition = etlStateMachineDefinition(
                spec({ refreshMarts: { workgroupName: "marts", database: "dev", sql: "CALL marts.refresh()" } }),
            );
            const top = definition.States as Record<string, Record<string, unknown>>;
            for (const [name, state] of Object.entries(top).filter(([, s]) => s.Type === "Task")) {
                const retry = state.Retry as Array<{ ErrorEquals: string[]; BackoffRate: number }>;
                expect(retry.length, name).to.be.greaterThan(0);
                for (const r of retry) expect(r.BackoffRate, name).to.be.greaterThan(1);
                const catchers = state.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
                expect(
                    catchers.map((c) => c.ErrorEquals),
                    name,
                ).to.deep.equal([["States.ALL"]]);
                // A failed job first publishes its FAIL lineage event, then notifies.
                const next =
                    name === STATE.notify
                        ? STATE.failed
                        : name === STATE.rawToProcessed
                          ? STATE.rawToProcessedFailed
                          : name === STATE.processedToCurated
                            ? STATE.processedToCuratedFailed
                            : STATE.notify;
                expect(catchers[0].Next, name).to.equal(next);
            }
            for (const failed of [STATE.rawToProcessedFailed, STATE.processedToCuratedFailed]) {
                expect(top[failed]).to.deep.include({ Type: "Pass", Next: STATE.publishFailure });
            }
            expect(top[STATE.publishFailure].Next).to.equal(STATE.notify);
            const glue = top[STATE.rawToProcessed];
            expect(glue.Resource).to.equal("arn:aws:states:::glue:startJobRun.sync");
            const retriers = glue.Retry as Array<{ ErrorEquals: string[]; MaxAttempts: number }>;
            expect(retriers[0].ErrorEquals).to.include("Glue.ConcurrentRunsExceededException");
            expect(retriers[1]).to.deep.include({ ErrorEquals: ["States.TaskFailed"], MaxAttempts: 2 });
            expect(top[STATE.notify].Next).to.equal(STATE.failed);
            expect(top[STATE.failed]).to.deep.include({ Type: "Fail", Error: ETL_ERRORS.pipeline });
        });

        it("leaves the marts refresh out by default (the switch is off)", () => {
            const states = Object.keys(etlStateMachineDefinition(spec()).States as object);
            expect(states).to.not.include(STATE.martsStart);
            expect(states).to.include(STATE.rawLineage);
        });
    });

    describe("control flow (local interpreter, tasks stubbed)", () => {
        it("success: both jobs, the quality checks polled until done, completion and lineage events", async () => {
            const calls: Record<string, unknown[]> = {};
            const result = await run(etlStateMachineDefinition(spec()), stubs(calls));
            expect(result.error, JSON.stringify(calls[STATE.notify])).to.equal(undefined);
            expect(result.top).to.deep.equal([
                STATE.checkRunning,
                STATE.alreadyRunning,
                STATE.rawToProcessed,
                STATE.rawLineage,
                STATE.loadQuality,
                STATE.quality,
                STATE.processedToCurated,
                STATE.publish,
                STATE.succeeded,
            ]);
            // Two tables, each polled twice (RUNNING, then SUCCEEDED).
            expect(calls[STATE.qualityStart]).to.have.length(2);
            expect(calls[STATE.qualityGet]).to.have.length(4);
            const output = result.output as Record<string, Record<string, unknown>>;
            expect(output.rawToProcessed).to.deep.equal({
                JobRunId: "jr_raw",
                JobRunState: "SUCCEEDED",
            });
            expect(output.processedToCurated.JobRunId).to.equal("jr_curated");
            expect(output.quality).to.deep.equal([
                {
                    database: "cdp_test_processed",
                    table: "sales_order",
                    runId: "dqrun-sales_order",
                    failed: false,
                    errored: false,
                },
                {
                    database: "cdp_test_processed",
                    table: "payments_payment",
                    runId: "dqrun-payments_payment",
                    failed: false,
                    errored: false,
                },
            ]);
            expect(output.published).to.deep.equal({ FailedEntryCount: 0 });
            expect(output.rawLineage).to.deep.equal({ FailedEntryCount: 0 });
            // The events: the raw job's OpenLineage COMPLETE RunEvent as soon as it succeeded; then the completion
            // event and the curated job's COMPLETE RunEvent. Each run id a UUID.
            const rawEntries = (calls[STATE.rawLineage][0] as { Entries: Array<Record<string, unknown>> }).Entries;
            const entries = (calls[STATE.publish][0] as { Entries: Array<Record<string, unknown>> }).Entries;
            expect([...rawEntries, ...entries].map((e) => [e.Source, e.DetailType])).to.deep.equal([
                [LINEAGE_EVENT_SOURCE, LINEAGE_DETAIL_TYPE],
                [ETL_EVENT_SOURCE, ETL_COMPLETED_DETAIL_TYPE],
                [LINEAGE_EVENT_SOURCE, LINEAGE_DETAIL_TYPE],
            ]);
            const lineageEntries = [rawEntries[0], entries[1]];
            const lineage = lineageEntries.map((e) => e.Detail as Record<string, Record<string, unknown>>);
            expect(lineage.map((d) => d.job.name)).to.deep.equal([
                "cdp-test-raw-to-processed",
                "cdp-test-processed-to-curated",
            ]);
            for (const d of lineage) {
                expect(d.eventType).to.equal("COMPLETE");
                expect(d.run.runId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
                expect(d.eventTime).to.match(/^\d{4}-\d{2}-\d{2}T/);
            }
            expect(lineage[0].run.runId).to.not.equal(lineage[1].run.runId);
            // Each is a valid run event of the lineage contract (what the lineage writer accepts), on the bus the
            // writer's rule listens to.
            for (const [i, entry] of lineageEntries.entries()) {
                const verdict = validateRunEvent(entry.Detail);
                expect(verdict, JSON.stringify(verdict)).to.deep.include({ ok: true });
                expect(entry.EventBusName).to.equal(spec().eventBusName);
                expect((entry.Detail as { schemaURL: string }).schemaURL, String(i)).to.equal(OPENLINEAGE_SCHEMA_URL);
            }
            expect((lineage[0].run.facets as Record<string, unknown>).glueJobRun).to.deep.equal({ jobRunId: "jr_raw" });
            expect((lineage[1].run.facets as Record<string, unknown>).glueJobRun).to.deep.equal({
                jobRunId: "jr_curated",
            });
            expect(calls[STATE.notify]).to.equal(undefined);
        });

        it("a job run that fails once is retried and the pipeline succeeds", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            let attempts = 0;
            handlers[STATE.rawToProcessed] = () => {
                attempts++;
                if (attempts === 1) throw taskError("States.TaskFailed", "Glue job run jr_1 FAILED");
                return jobRun("jr_raw_2");
            };
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(result.error).to.equal(undefined);
            expect(attempts).to.equal(2);
            const retried = result.events.filter((e) => e.type === "StateRetried").map((e) => e.state.name);
            expect(retried).to.deep.equal([STATE.rawToProcessed]);
            expect((result.output as Record<string, Record<string, unknown>>).rawToProcessed.JobRunId).to.equal(
                "jr_raw_2",
            );
            expect(result.entered.at(-1)).to.equal(STATE.succeeded);
        });

        it("throttling (ConcurrentRunsExceeded) is retried by its own retrier", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            let attempts = 0;
            handlers[STATE.processedToCurated] = () => {
                attempts++;
                if (attempts <= 3) throw taskError("Glue.ConcurrentRunsExceededException");
                return jobRun("jr_curated");
            };
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(result.error).to.equal(undefined);
            expect(attempts).to.equal(4);
        });

        it("a job that fails after its retries: caught, the alarm topic notified, the execution fails", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            let attempts = 0;
            handlers[STATE.rawToProcessed] = () => {
                attempts++;
                throw taskError("States.TaskFailed", "Glue job run FAILED: out of memory");
            };
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(attempts).to.equal(3); // the first run and 2 retries
            expect(result.errorName).to.equal(ETL_ERRORS.pipeline);
            expect(result.entered.slice(-5)).to.deep.equal([
                STATE.rawToProcessed,
                STATE.rawToProcessedFailed,
                STATE.publishFailure,
                STATE.notify,
                STATE.failed,
            ]);
            expect(result.entered).to.not.include(STATE.processedToCurated);
            const message = calls[STATE.notify][0] as { TopicArn: string; Message: string };
            expect(message.TopicArn).to.equal(arn("sns", "cdp-test-governance-alarms"));
            expect(message.Message).to.include("States.TaskFailed").and.include("out of memory");
            expect(calls[STATE.publish]).to.equal(undefined);
            // The failed job's FAIL run event: valid for the lineage writer, naming the job and the error.
            const entries = (calls[STATE.publishFailure][0] as { Entries: Array<Record<string, unknown>> }).Entries;
            expect(entries).to.have.length(1);
            expect(entries[0]).to.deep.include({
                Source: LINEAGE_EVENT_SOURCE,
                DetailType: LINEAGE_DETAIL_TYPE,
                EventBusName: spec().eventBusName,
            });
            const verdict = validateRunEvent(entries[0].Detail);
            expect(verdict, JSON.stringify(verdict)).to.deep.include({ ok: true });
            const detail = entries[0].Detail as {
                eventType: string;
                job: { name: string };
                run: { facets: { errorMessage: { message: string } } };
            };
            expect(detail.eventType).to.equal("FAIL");
            expect(detail.job.name).to.equal("cdp-test-raw-to-processed");
            expect(detail.run.facets.errorMessage.message).to.equal("States.TaskFailed");
        });

        it("a FAIL lineage event that cannot be published still notifies with the job's error", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            handlers[STATE.processedToCurated] = () => {
                throw taskError("States.TaskFailed", "Glue job run FAILED: bad input");
            };
            handlers[STATE.publishFailure] = () => {
                throw taskError("EventBridge.AccessDeniedException");
            };
            const result = await run(etlStateMachineDefinition(spec({ qualityChecks: [] })), handlers);
            expect(result.errorName).to.equal(ETL_ERRORS.pipeline);
            expect(result.entered.slice(-4)).to.deep.equal([
                STATE.processedToCuratedFailed,
                STATE.publishFailure,
                STATE.notify,
                STATE.failed,
            ]);
            expect((calls[STATE.notify][0] as { Message: string }).Message).to.include("bad input");
        });

        it("a failed data-quality rule stops the pipeline before the curated job and alarms", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            handlers[STATE.qualityResults] = (input) => ({
                Results: [
                    {
                        RuleResults:
                            (input as { ResultIds: string[] }).ResultIds[0] === "dqresult-dqrun-payments_payment"
                                ? [
                                      { Name: "r1", Result: "PASS" },
                                      { Name: "IsComplete amount", Result: "FAIL" },
                                  ]
                                : [{ Name: "r1", Result: "PASS" }],
                    },
                ],
            });
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(result.errorName).to.equal(ETL_ERRORS.pipeline);
            expect(result.entered).to.include(STATE.qualityFailed);
            expect(result.entered).to.not.include(STATE.processedToCurated);
            expect(result.entered.slice(-2)).to.deep.equal([STATE.notify, STATE.failed]);
            const message = (calls[STATE.notify][0] as { Message: string }).Message;
            expect(message).to.include(ETL_ERRORS.dataQuality);
            // The raw job's run completed (its output is in the processed zone): its COMPLETE RunEvent went out before
            // the checks; the curated job never ran, so it has none.
            const published = (calls[STATE.rawLineage] ?? []).flatMap(
                (c) => (c as { Entries: Array<{ Detail: { job: { name: string }; eventType: string } }> }).Entries,
            );
            expect(published.map((e) => [e.Detail.job.name, e.Detail.eventType])).to.deep.equal([
                ["cdp-test-raw-to-processed", "COMPLETE"],
            ]);
            expect(calls[STATE.publish]).to.equal(undefined);
        });

        it("a data-quality evaluation run that fails stops the pipeline", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            handlers[STATE.qualityGet] = () => ({ Status: "FAILED" });
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(result.entered).to.include(STATE.qualityRunFailed);
            expect(result.entered).to.not.include(STATE.processedToCurated);
            expect((calls[STATE.notify][0] as { Message: string }).Message).to.include(ETL_ERRORS.qualityRun);
        });

        it("refresh off by default: not run; on with the switch: run and polled until FINISHED", async () => {
            const off: Record<string, unknown[]> = {};
            await run(etlStateMachineDefinition(spec()), stubs(off));
            expect(off[STATE.martsStart]).to.equal(undefined);

            const on: Record<string, unknown[]> = {};
            const marts = { workgroupName: "cdp-test-marts", database: "marts", sql: "CALL marts.refresh()" };
            const result = await run(etlStateMachineDefinition(spec({ refreshMarts: marts })), stubs(on));
            expect(result.error).to.equal(undefined);
            expect(on[STATE.martsStart]).to.deep.equal([
                { WorkgroupName: "cdp-test-marts", Database: "marts", Sql: "CALL marts.refresh()" },
            ]);
            expect(on[STATE.martsGet]).to.have.length(2);
            const after = result.entered.slice(result.entered.indexOf(STATE.processedToCurated));
            expect(after).to.deep.equal([
                STATE.processedToCurated,
                STATE.martsStart,
                STATE.martsWait,
                STATE.martsGet,
                STATE.martsDone,
                STATE.martsWait,
                STATE.martsGet,
                STATE.martsDone,
                STATE.publish,
                STATE.succeeded,
            ]);
        });

        it("a failed marts refresh alarms and fails", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            handlers[STATE.martsGet] = () => ({ Id: "stmt-1", Status: "FAILED" });
            const marts = { workgroupName: "cdp-test-marts", database: "marts", sql: "CALL marts.refresh()" };
            const result = await run(etlStateMachineDefinition(spec({ refreshMarts: marts })), handlers);
            expect(result.entered.slice(-3)).to.deep.equal([STATE.martsFailed, STATE.notify, STATE.failed]);
            expect((calls[STATE.notify][0] as { Message: string }).Message).to.include(ETL_ERRORS.marts);
        });

        it("another execution running: the new one ends at once without starting a job", async () => {
            const calls: Record<string, unknown[]> = {};
            const handlers = stubs(calls);
            handlers[STATE.checkRunning] = () => ({ Executions: [{ status: "RUNNING" }, { status: "RUNNING" }] });
            const result = await run(etlStateMachineDefinition(spec()), handlers);
            expect(result.error).to.equal(undefined);
            expect(result.entered).to.deep.equal([STATE.checkRunning, STATE.alreadyRunning, STATE.skipped]);
            expect(calls[STATE.rawToProcessed]).to.equal(undefined);
        });
    });
});
