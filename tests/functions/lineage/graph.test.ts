/**
 * The lineage writer against a real Gremlin Server (TinkerPop, same version as the driver; TinkerTransactionGraph with
 * string ids and Neptune's `set` default cardinality): after a sequence of run events the graph answers the lineage
 * questions (upstream of a curated table, runs of a job), replays change nothing, a malformed event is rejected with
 * its reasons and writes nothing, a failed run is recorded, and concurrent events of one run leave one run.
 */
import { randomUUID } from "node:crypto";
import { expect } from "chai";
import * as gremlin from "gremlin";
import { createConnection, type GraphConnection } from "../../../functions/lineage/connection";
import { createHandler, type LineageLogger, MalformedLineageEventError } from "../../../functions/lineage/handler";
import { runEventTraversal, runsOf, upstreamOf } from "../../../functions/lineage/graph";
import {
    EDGE,
    LINEAGE_DETAIL_TYPE,
    LINEAGE_EVENT_SOURCE,
    lineageIds,
    type RunEvent,
    type RunEventType,
    runEvent,
} from "../../../model/lineage";
import { type GremlinServer, startGremlinServer } from "../../helpers/gremlin-server";

type Source = gremlin.process.GraphTraversalSource;

const S3 = "s3://cdp-prod-curated";
const RAW = { namespace: "s3://cdp-prod-raw", name: "events/orders" };
const CUSTOMERS_RAW = { namespace: "s3://cdp-prod-raw", name: "events/customers" };
const ORDERS = { namespace: "s3://cdp-prod-processed", name: "orders" };
const CUSTOMERS = { namespace: "s3://cdp-prod-processed", name: "customers" };
const REVENUE = { namespace: S3, name: "customer_revenue" };
const CLEAN_JOB = { namespace: "glue://cdp-prod", name: "clean-orders" };
const CUSTOMER_JOB = { namespace: "glue://cdp-prod", name: "clean-customers" };
const CURATE_JOB = { namespace: "glue://cdp-prod", name: "curate-revenue" };

function captureLogger(): LineageLogger & { lines: Array<{ level: string; message: string; attrs: unknown }> } {
    const lines: Array<{ level: string; message: string; attrs: unknown }> = [];
    const log = (level: string) => (message: string, attrs: Record<string, unknown>) =>
        lines.push({ level, message, attrs });
    return { lines, info: log("info"), warn: log("warn"), error: log("error") };
}

function envelope(detail: unknown, id = randomUUID()) {
    return {
        id,
        version: "0",
        account: "111111111111",
        time: "2026-12-01T00:00:00Z",
        region: "eu-west-1",
        resources: [],
        source: LINEAGE_EVENT_SOURCE,
        "detail-type": LINEAGE_DETAIL_TYPE,
        detail,
    };
}

function event(
    type: RunEventType,
    runId: string,
    job: { namespace: string; name: string },
    io: { inputs?: RunEvent["inputs"]; outputs?: RunEvent["outputs"] },
    at: string,
    runFacets?: Record<string, unknown>,
): RunEvent {
    return runEvent({
        eventType: type,
        runId,
        job,
        inputs: [...(io.inputs ?? [])],
        outputs: [...(io.outputs ?? [])],
        producer: "https://github.com/example/cdp/jobs/glue",
        eventTime: at,
        runFacets,
    });
}

async function counts(g: Source): Promise<{ v: number; e: number }> {
    return {
        v: Number(
            await g
                .V()
                .count()
                .next()
                .then((r) => r.value),
        ),
        e: Number(
            await g
                .E()
                .count()
                .next()
                .then((r) => r.value),
        ),
    };
}

/** Every vertex and edge with its properties, sorted: equal snapshots mean nothing changed. */
async function snapshot(g: Source): Promise<string> {
    const vs = await g.V().elementMap().toList();
    const es = await g.E().elementMap().toList();
    const text = (m: unknown) =>
        JSON.stringify(
            [...(m as Map<unknown, unknown>).entries()].map(([k, v]) => [
                String(
                    k && typeof k === "object" ? ((k as { elementName?: string }).elementName ?? JSON.stringify(k)) : k,
                ),
                v instanceof Map ? [...v.entries()] : v,
            ]),
        );
    return [...vs.map(text), ...es.map(text)].sort().join("\n");
}

describe("lineage writer against Gremlin Server", function () {
    this.timeout(180_000);
    let server: GremlinServer;
    let connection: GraphConnection;
    let g: Source;
    let reader: gremlin.driver.DriverRemoteConnection;

    // A fresh server per test: TinkerTransactionGraph cannot re-create an element id dropped earlier (its commit
    // reports a conflict forever), so tests do not share a graph they would have to clear.
    beforeEach(async () => {
        server = await startGremlinServer();
        connection = createConnection(
            { url: server.url, endpoint: server.host, port: server.port, iamAuth: false },
            { region: "eu-west-1", credentials: async () => ({ accessKeyId: "x", secretAccessKey: "y" }) },
        );
        reader = new gremlin.driver.DriverRemoteConnection(server.url);
        g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(reader);
    });

    afterEach(async () => {
        await reader?.close().catch(() => undefined);
        await connection?.reset();
        await server?.stop();
    });

    function handler(logger = captureLogger()) {
        return { logger, handle: createHandler({ config: { writeAttempts: 8 }, connection, logger }) };
    }

    it("answers upstream-of-a-curated-table and runs-of-a-job after a sequence of runs", async () => {
        const { handle } = handler();
        const clean = randomUUID();
        const customers = randomUUID();
        const curate1 = randomUUID();
        const curate2 = randomUUID();
        const sequence = [
            event("START", clean, CLEAN_JOB, { inputs: [RAW] }, "2026-12-01T01:00:00Z"),
            event("COMPLETE", clean, CLEAN_JOB, { inputs: [RAW], outputs: [ORDERS] }, "2026-12-01T01:05:00Z"),
            event("START", customers, CUSTOMER_JOB, { inputs: [CUSTOMERS_RAW] }, "2026-12-01T01:00:00Z"),
            event(
                "COMPLETE",
                customers,
                CUSTOMER_JOB,
                { inputs: [CUSTOMERS_RAW], outputs: [CUSTOMERS] },
                "2026-12-01T01:06:00Z",
            ),
            event("START", curate1, CURATE_JOB, { inputs: [ORDERS, CUSTOMERS] }, "2026-12-01T02:00:00Z"),
            event("RUNNING", curate1, CURATE_JOB, { inputs: [ORDERS, CUSTOMERS] }, "2026-12-01T02:01:00Z"),
            event(
                "COMPLETE",
                curate1,
                CURATE_JOB,
                { inputs: [ORDERS, CUSTOMERS], outputs: [REVENUE] },
                "2026-12-01T02:10:00Z",
            ),
            event("START", curate2, CURATE_JOB, { inputs: [ORDERS, CUSTOMERS] }, "2026-12-02T02:00:00Z"),
            event(
                "COMPLETE",
                curate2,
                CURATE_JOB,
                { inputs: [ORDERS, CUSTOMERS], outputs: [REVENUE] },
                "2026-12-02T02:09:00Z",
            ),
        ];
        for (const e of sequence) await handle(envelope(e));

        expect(await upstreamOf(g, REVENUE)).to.deep.equal(
            [ORDERS, CUSTOMERS, RAW, CUSTOMERS_RAW].map((d) => lineageIds.dataset(d)).sort(),
        );
        expect(await upstreamOf(g, ORDERS)).to.deep.equal([lineageIds.dataset(RAW)]);
        expect(await runsOf(g, CURATE_JOB)).to.deep.equal([
            { runId: curate1, state: "COMPLETE" },
            { runId: curate2, state: "COMPLETE" },
        ]);
        // 3 jobs, 4 runs, 5 datasets; edges: 4 hasRun, 6 consumed, 3 produced (one per output, 2 runs → REVENUE
        // twice), 4 derivedFrom (REVENUE→ORDERS, REVENUE→CUSTOMERS, ORDERS→RAW, CUSTOMERS→CUSTOMERS_RAW).
        expect(await counts(g)).to.deep.equal({ v: 12, e: 4 + 6 + 4 + 4 });
        const consumers = await g
            .V(lineageIds.dataset(ORDERS))
            .in_(EDGE.consumed)
            .in_(EDGE.hasRun)
            .dedup()
            .id()
            .toList();
        expect(consumers).to.deep.equal([lineageIds.job(CURATE_JOB)]);
    });

    it("changes nothing when events are replayed, in any order", async () => {
        const { handle } = handler();
        const run = randomUUID();
        const events = [
            event("START", run, CURATE_JOB, { inputs: [ORDERS] }, "2026-12-01T02:00:00Z"),
            event("COMPLETE", run, CURATE_JOB, { inputs: [ORDERS], outputs: [REVENUE] }, "2026-12-01T02:10:00Z"),
        ];
        for (const e of events) await handle(envelope(e));
        const before = await snapshot(g);
        for (const e of [...events].reverse()) await handle(envelope(e));
        for (const e of events) await handle(envelope(e));
        expect(await snapshot(g)).to.equal(before);
        expect(await runsOf(g, CURATE_JOB)).to.deep.equal([{ runId: run, state: "COMPLETE" }]);
        const props = await g.V(lineageIds.run(run)).properties("state").value().toList();
        expect(props, "single cardinality: one state value").to.deep.equal(["COMPLETE"]);
    });

    it("rejects a malformed event with its reasons and writes nothing", async () => {
        const { handle, logger } = handler();
        const bad = { ...event("START", randomUUID(), CURATE_JOB, {}, "2026-12-01T02:00:00Z"), eventType: "STARTED" };
        const noRun = { ...event("START", randomUUID(), CURATE_JOB, {}, "2026-12-01T02:00:00Z"), run: { runId: "42" } };
        for (const detail of [bad, noRun, "not json", { ...bad, inputs: [{ namespace: "" }] }]) {
            const error = await handle(envelope(detail)).then(
                () => undefined,
                (e: unknown) => e,
            );
            expect(error).to.be.instanceOf(MalformedLineageEventError);
        }
        const reasons = logger.lines
            .filter((l) => l.level === "error")
            .map((l) => (l.attrs as { reasons: string[] }).reasons);
        expect(reasons[0]).to.deep.equal([
            'eventType must be one of START, RUNNING, COMPLETE, FAIL, ABORT, got "STARTED"',
        ]);
        expect(reasons[1]).to.deep.equal(['run.runId must be a UUID, got "42"']);
        expect(reasons[3]).to.include('inputs[0].namespace must be a non-empty string, got ""');
        expect(reasons[3]).to.include("inputs[0].name must be a non-empty string, got nothing");
        const wrongType = await handle({
            ...envelope(event("START", randomUUID(), CURATE_JOB, {}, "2026-12-01T02:00:00Z")),
            "detail-type": "Other",
        }).catch((e: MalformedLineageEventError) => e);
        expect((wrongType as MalformedLineageEventError).reasons).to.deep.equal([
            'detail-type must be OpenLineage RunEvent, got "Other"',
        ]);
        expect(await counts(g)).to.deep.equal({ v: 0, e: 0 });
    });

    it("records a failed run: state FAIL with its message, inputs consumed, nothing produced or derived", async () => {
        const { handle } = handler();
        const run = randomUUID();
        await handle(envelope(event("START", run, CURATE_JOB, { inputs: [ORDERS] }, "2026-12-01T02:00:00Z")));
        await handle(
            envelope(
                event("FAIL", run, CURATE_JOB, { inputs: [ORDERS], outputs: [REVENUE] }, "2026-12-01T02:03:00Z", {
                    errorMessage: {
                        message: "AnalysisException: column total not found",
                        programmingLanguage: "python",
                    },
                }),
            ),
        );
        // A late RUNNING (earlier eventTime) does not bring the run back to life.
        await handle(envelope(event("RUNNING", run, CURATE_JOB, { inputs: [ORDERS] }, "2026-12-01T02:01:00Z")));
        expect(await runsOf(g, CURATE_JOB)).to.deep.equal([{ runId: run, state: "FAIL" }]);
        const message = await g.V(lineageIds.run(run)).values("failureMessage").next();
        expect(message.value).to.equal("AnalysisException: column total not found");
        expect(await g.V(lineageIds.run(run)).out(EDGE.consumed).id().toList()).to.deep.equal([
            lineageIds.dataset(ORDERS),
        ]);
        expect(
            await g
                .V(lineageIds.run(run))
                .out(EDGE.produced)
                .count()
                .next()
                .then((r) => Number(r.value)),
        ).to.equal(0);
        expect(
            await g
                .E()
                .hasLabel(EDGE.derivedFrom)
                .count()
                .next()
                .then((r) => Number(r.value)),
        ).to.equal(0);
    });

    it("never half-writes a run: a traversal failing after its upserts leaves nothing (one transaction)", async () => {
        const writer = await connection.source();
        const e = event(
            "COMPLETE",
            randomUUID(),
            CURATE_JOB,
            { inputs: [ORDERS], outputs: [REVENUE] },
            "2026-12-01T02:10:00Z",
        );
        // The run's whole write, then a step that fails: the transaction rolls back every upsert before it.
        const failed = await runEventTraversal(writer, e)
            .fail("injected failure after the upserts")
            .iterate()
            .then(
                () => undefined,
                (error: unknown) => error,
            );
        expect(String(failed)).to.match(/injected failure/);
        expect(await counts(g)).to.deep.equal({ v: 0, e: 0 });
        // The same event, written normally, lands whole.
        await handler().handle(envelope(e));
        expect(await counts(g)).to.deep.equal({ v: 4, e: 4 });
    });

    it("leaves one run, one job and no duplicate edge when a run's events arrive at once", async () => {
        const { handle, logger } = handler();
        const run = randomUUID();
        const io = { inputs: [ORDERS, CUSTOMERS], outputs: [REVENUE] };
        const events = [
            event("START", run, CURATE_JOB, { inputs: io.inputs }, "2026-12-01T02:00:00Z"),
            event("RUNNING", run, CURATE_JOB, { inputs: io.inputs }, "2026-12-01T02:01:00Z"),
            event("RUNNING", run, CURATE_JOB, { inputs: io.inputs }, "2026-12-01T02:02:00Z"),
            event("COMPLETE", run, CURATE_JOB, io, "2026-12-01T02:10:00Z"),
        ];
        const results = await Promise.all([...events, ...events].map((e) => handle(envelope(e))));
        expect(results).to.have.length(8);
        expect(await runsOf(g, CURATE_JOB)).to.deep.equal([{ runId: run, state: "COMPLETE" }]);
        // 1 job, 1 run, 3 datasets; 1 hasRun, 2 consumed, 1 produced, 2 derivedFrom.
        expect(await counts(g)).to.deep.equal({ v: 5, e: 6 });
        const retried = logger.lines.filter((l) => l.message.startsWith("Concurrent modification")).length;
        console.log(`      (${retried} conflict retries)`);
    });
});
