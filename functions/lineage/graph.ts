/**
 * The graph write of one run event: a single Gremlin traversal of idempotent upserts (`mergeV`/`mergeE` with
 * deterministic ids, TinkerPop 3.6+, supported by Neptune since engine 1.2.1.0:
 * https://docs.aws.amazon.com/neptune/latest/userguide/gremlin-efficient-upserts.html). Neptune runs each
 * sessionless traversal in its own transaction, committed when it ends or rolled back when it fails
 * (https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-gremlin-transactions.html): a run is written
 * whole or not at all. Replaying an event finds every element by id and rewrites the same values.
 *
 * Neptune's default vertex-property cardinality is `set` (a second `property(k, v)` adds a value), so updates use
 * `single` explicitly (https://docs.aws.amazon.com/neptune/latest/userguide/access-graph-gremlin-differences.html).
 */
import * as gremlin from "gremlin";
import {
    EDGE,
    type LineageDataset,
    lineageIds,
    type RunEvent,
    stateKey,
    TERMINAL_EVENT_TYPES,
    VERTEX,
} from "../../model/lineage";

const { t, merge, direction, cardinality, P } = gremlin.process;
const __ = gremlin.process.statics;
type Traversal = gremlin.process.GraphTraversal;
type Source = gremlin.process.GraphTraversalSource;

function vertex(traversal: Traversal | Source, id: string, label: string, props: Record<string, string>): Traversal {
    const create = new Map<unknown, unknown>([
        [t.id, id],
        [t.label, label],
    ]);
    for (const [k, v] of Object.entries(props)) create.set(k, v);
    return traversal.mergeV(new Map([[t.id, id]])).option(merge.onCreate, create) as Traversal;
}

function edge(traversal: Traversal, label: string, from: string, to: string): Traversal {
    return traversal.mergeE(
        new Map<unknown, unknown>([
            [t.id, lineageIds.edge(label, from, to)],
            [t.label, label],
            [direction.out, from],
            [direction.in, to],
        ]),
    );
}

/** An error message the platform keeps on a failed run (OpenLineage `errorMessage` run facet). */
function failureMessage(event: RunEvent): string | undefined {
    const facet = event.run.facets?.errorMessage as { message?: unknown } | undefined;
    return typeof facet?.message === "string" ? facet.message.slice(0, 4096) : undefined;
}

function unique(datasets: readonly LineageDataset[] | undefined): LineageDataset[] {
    const seen = new Map<string, LineageDataset>();
    for (const d of datasets ?? []) seen.set(lineageIds.dataset(d), d);
    return [...seen.values()];
}

/**
 * The traversal writing `event`: job, run and dataset vertices; job→run, run→dataset (`consumed` from any event,
 * `produced` from COMPLETE only: a failed or aborted run produced nothing usable) and output→input `derivedFrom`
 * edges (COMPLETE only). The run's `state` is that of its latest event (time, then terminal over START/RUNNING), so
 * late or replayed events never move it back.
 */
export function runEventTraversal(g: Source, event: RunEvent): Traversal {
    const jobId = lineageIds.job(event.job);
    const runId = lineageIds.run(event.run.runId);
    const key = stateKey(event);
    const time = new Date(event.eventTime).toISOString();
    let tr = vertex(g, jobId, VERTEX.job, { namespace: event.job.namespace, name: event.job.name });
    tr = vertex(tr, runId, VERTEX.run, { runId: event.run.runId.toLowerCase(), job: jobId });
    // Latest event wins: update the state only when this event's key is newer than the stored one.
    let update = __.property(cardinality.single, "state", event.eventType)
        .property(cardinality.single, "stateKey", key)
        .property(cardinality.single, "stateTime", time);
    const message = failureMessage(event);
    if (event.eventType === "FAIL" && message) update = update.property(cardinality.single, "failureMessage", message);
    tr = tr.choose(__.or(__.hasNot("stateKey"), __.has("stateKey", P.lt(key))), update, __.identity());
    if (event.eventType === "START") tr = tr.property(cardinality.single, "startedAt", time);
    if (TERMINAL_EVENT_TYPES.includes(event.eventType)) tr = tr.property(cardinality.single, "endedAt", time);
    tr = edge(tr, EDGE.hasRun, jobId, runId);
    const inputs = unique(event.inputs);
    const outputs = event.eventType === "COMPLETE" ? unique(event.outputs) : [];
    for (const d of [...inputs, ...outputs]) {
        tr = vertex(tr, lineageIds.dataset(d), VERTEX.dataset, { namespace: d.namespace, name: d.name });
    }
    for (const d of inputs) tr = edge(tr, EDGE.consumed, runId, lineageIds.dataset(d));
    for (const d of outputs) tr = edge(tr, EDGE.produced, runId, lineageIds.dataset(d));
    for (const out of outputs) {
        for (const input of inputs) {
            const from = lineageIds.dataset(out);
            const to = lineageIds.dataset(input);
            if (from !== to) tr = edge(tr, EDGE.derivedFrom, from, to);
        }
    }
    return tr;
}

/** Writes `event` in one traversal (one Neptune transaction). */
export async function writeRunEvent(g: Source, event: RunEvent): Promise<void> {
    await runEventTraversal(g, event).iterate();
}

/** Datasets `dataset` was derived from, transitively (the upstream lineage of a table), as vertex ids. */
export async function upstreamOf(g: Source, dataset: { namespace: string; name: string }): Promise<string[]> {
    const ids = await g.V(lineageIds.dataset(dataset)).repeat(__.out(EDGE.derivedFrom)).emit().dedup().id().toList();
    return (ids as string[]).sort();
}

/** The runs of a job with their state, oldest first. */
export async function runsOf(
    g: Source,
    job: { namespace: string; name: string },
): Promise<Array<{ runId: string; state: string }>> {
    const rows = (await g
        .V(lineageIds.job(job))
        .out(EDGE.hasRun)
        .order()
        .by("stateTime")
        .project("runId", "state")
        .by("runId")
        .by("state")
        .toList()) as unknown as Array<Map<string, string>>;
    return rows.map((m) => ({ runId: m.get("runId")!, state: m.get("state")! }));
}
