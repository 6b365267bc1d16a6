/**
 * The data-quality stage registers the partitions the raw → processed job just wrote before it evaluates the
 * contracts' rulesets (model/etl-state-machine.ts, `partitionCrawlerName`): the definition validated with
 * asl-validator, the control flow run with the local ASL interpreter (aws-local-stepfunctions), tasks stubbed.
 */
import { expect } from "chai";
import validator = require("asl-validator");
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import { type Handler, recorder, taskError } from "./helpers/asl-stubs";
import { ETL_ERRORS, type EtlStateMachineSpec, etlStateMachineDefinition, STATE } from "../model/etl-state-machine";

const ACCOUNT = "111111111111";
const arn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:${ACCOUNT}:${rest}`;
const CRAWLER = "cdp-test-crawler-processed-partitions";

const SPEC: EtlStateMachineSpec = {
    stateMachineArn: arn("states", "stateMachine:cdp-test-etl"),
    rawToProcessed: { jobName: "raw-to-processed", inputs: [], outputs: [] },
    processedToCurated: { jobName: "processed-to-curated", inputs: [], outputs: [] },
    qualityChecks: [{ database: "cdp_test_sales", table: "order", rulesetNames: ["cdp-test-dq-sales-order"] }],
    qualityRoleArn: `arn:aws:iam::${ACCOUNT}:role/cdp-test-etl-quality`,
    partitionCrawlerName: CRAWLER,
    pollSeconds: 60,
    eventBusName: arn("events", "event-bus/default"),
    alarmTopicArn: arn("sns", "cdp-test-governance-alarms"),
    lineageNamespace: "cdp-test",
    lineageProducer: "urn:cdp:cdp-test:etl-pipeline",
    retry: { maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 },
};

async function run(lastCrawl: string, calls: Record<string, unknown[]>) {
    const record = recorder(calls);
    const handlers: Record<string, Handler> = {
        [STATE.checkRunning]: record(STATE.checkRunning, () => ({ Executions: [{}] })),
        [STATE.rawToProcessed]: record(STATE.rawToProcessed, () => ({ Id: "jr1", JobRunState: "SUCCEEDED" })),
        [STATE.rawLineage]: record(STATE.rawLineage, () => ({ FailedEntryCount: 0 })),
        // The scheduled crawl is running: the retrier waits it out, then ours starts.
        [STATE.partitionsStart]: record(STATE.partitionsStart, (_i, n) => {
            if (n === 1) throw taskError("Glue.CrawlerRunningException");
            return {};
        }),
        [STATE.partitionsGet]: record(STATE.partitionsGet, (_i, n) => ({
            Crawler: n < 2 ? { State: "RUNNING" } : { State: "READY", LastCrawl: { Status: lastCrawl } },
        })),
        [STATE.qualityStart]: record(STATE.qualityStart, () => ({ RunId: "dq1" })),
        [STATE.qualityGet]: record(STATE.qualityGet, () => ({ Status: "SUCCEEDED", ResultIds: ["r1"] })),
        [STATE.qualityResults]: record(STATE.qualityResults, () => ({
            Results: [{ RuleResults: [{ Name: "r", Result: "PASS" }] }],
        })),
        [STATE.processedToCurated]: record(STATE.processedToCurated, () => ({ Id: "jr2", JobRunState: "SUCCEEDED" })),
        [STATE.publish]: record(STATE.publish, () => ({ FailedEntryCount: 0 })),
        [STATE.notify]: record(STATE.notify, () => ({ MessageId: "m" })),
    };
    const machine = new StateMachine(structuredClone(etlStateMachineDefinition(SPEC)) as never, {
        validationOptions: { checkArn: false },
    });
    const zero = (names: string[]) => Object.fromEntries(names.map((n) => [n, 0]));
    const execution = machine.run({ trigger: "schedule" } as never, {
        overrides: {
            taskResourceLocalHandlers: handlers as never,
            waitTimeOverrides: zero([STATE.qualityWait, STATE.partitionsWait]),
            retryIntervalOverrides: zero(Object.values(STATE)),
        },
        context: {
            Execution: { Id: arn("states", "execution:cdp-test-etl:run-1"), Name: "run-1" },
            State: { EnteredTime: "2026-12-04T06:00:00.000Z", Name: "any", RetryCount: 0 },
        } as never,
    });
    try {
        return { output: await execution.result, error: undefined };
    } catch (error) {
        if (!(error instanceof ExecutionError)) throw error;
        return { output: undefined, error };
    }
}

describe("ETL state machine: partitions registered before the data-quality stage", () => {
    it("is valid Amazon States Language, the crawler between the raw job and the evaluations", () => {
        const definition = etlStateMachineDefinition(SPEC);
        const { isValid, errors } = validator(structuredClone(definition) as never);
        expect(errors, JSON.stringify(errors)).to.deep.equal([]);
        expect(isValid).to.equal(true);
        const states = definition.States as Record<string, Record<string, unknown>>;
        // After the raw job (and its lineage event), before any evaluation.
        expect(states[STATE.rawToProcessed].Next).to.equal(STATE.rawLineage);
        expect(states[STATE.rawLineage].Next).to.equal(STATE.partitionsStart);
        expect(states[STATE.partitionsStart].Parameters).to.deep.equal({ Name: CRAWLER });
        // Without the crawler (or without checks) the states are left out.
        const plain = etlStateMachineDefinition({ ...SPEC, partitionCrawlerName: undefined }).States as object;
        expect(Object.keys(plain)).to.not.include(STATE.partitionsStart);
    });

    it("waits out a running crawl, starts its own, polls until READY, then evaluates and runs the curated job", async () => {
        const calls: Record<string, unknown[]> = {};
        const { error } = await run("SUCCEEDED", calls);
        expect(error).to.equal(undefined);
        expect(calls[STATE.partitionsStart]).to.have.length(2);
        expect(calls[STATE.partitionsGet]).to.have.length(2);
        expect(calls[STATE.qualityStart]).to.have.length(1);
        expect(calls[STATE.processedToCurated]).to.have.length(1);
    });

    it("a failed crawl alarms and fails before any evaluation or the curated job", async () => {
        const calls: Record<string, unknown[]> = {};
        const { error } = await run("FAILED", calls);
        expect(error).to.not.equal(undefined);
        expect(calls[STATE.qualityStart]).to.equal(undefined);
        expect(calls[STATE.processedToCurated]).to.equal(undefined);
        expect(JSON.stringify(calls[STATE.notify])).to.include(ETL_ERRORS.partitions);
    });
});
