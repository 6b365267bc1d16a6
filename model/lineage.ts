/**
 * Lineage contract of the platform (Pulumi-free): the OpenLineage run events producers publish (Glue jobs, Step
 * Functions: issue 12), the EventBridge `source` / `detail-type` they are published with, the validator the lineage
 * Lambda applies (reasons, never a throw), and the graph vocabulary the Lambda writes to Neptune (vertex and edge
 * labels, deterministic ids).
 *
 * Shape: OpenLineage 2-0-2 `RunEvent` (https://openlineage.io/spec/2-0-2/OpenLineage.json), the subset the platform
 * reads; facets are carried through, not interpreted.
 */

/** EventBridge `source` of lineage events (the rule in the governance account matches it). */
export const LINEAGE_EVENT_SOURCE = "cdp.lineage";
/** EventBridge `detail-type` of lineage events; the `detail` is one `RunEvent`. */
export const LINEAGE_DETAIL_TYPE = "OpenLineage RunEvent";
/** The OpenLineage spec the platform's events declare (`schemaURL`). */
export const OPENLINEAGE_SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

export const RUN_EVENT_TYPES = ["START", "RUNNING", "COMPLETE", "FAIL", "ABORT"] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
/** Event types after which a run does nothing more. */
export const TERMINAL_EVENT_TYPES: readonly RunEventType[] = ["COMPLETE", "FAIL", "ABORT"];

/** A dataset read or written by a run: `namespace` is where it lives (`s3://bucket`, `glue://account`), `name` its path. */
export interface LineageDataset {
    readonly namespace: string;
    readonly name: string;
    readonly facets?: Record<string, unknown>;
}

export interface RunEvent {
    readonly eventType: RunEventType;
    /** ISO 8601 date-time with an offset. */
    readonly eventTime: string;
    readonly run: { readonly runId: string; readonly facets?: Record<string, unknown> };
    readonly job: { readonly namespace: string; readonly name: string; readonly facets?: Record<string, unknown> };
    readonly inputs?: readonly LineageDataset[];
    readonly outputs?: readonly LineageDataset[];
    /** URI of the code that produced the event (e.g. the Glue job's repository URL). */
    readonly producer: string;
    readonly schemaURL: string;
}

/** The entries of an EventBridge `PutEvents` call publishing `event` (Step Functions `events:putEvents`, SDK). */
export function lineagePutEventsEntry(
    event: RunEvent,
    eventBusName?: string,
): { Source: string; DetailType: string; Detail: string; EventBusName?: string } {
    return {
        Source: LINEAGE_EVENT_SOURCE,
        DetailType: LINEAGE_DETAIL_TYPE,
        Detail: JSON.stringify(event),
        ...(eventBusName ? { EventBusName: eventBusName } : {}),
    };
}

/** Builds a run event with the platform's `schemaURL` and the current time unless given. */
export function runEvent(spec: {
    eventType: RunEventType;
    runId: string;
    job: { namespace: string; name: string };
    inputs?: LineageDataset[];
    outputs?: LineageDataset[];
    producer: string;
    eventTime?: string;
    runFacets?: Record<string, unknown>;
}): RunEvent {
    return {
        eventType: spec.eventType,
        eventTime: spec.eventTime ?? new Date().toISOString(),
        run: { runId: spec.runId, ...(spec.runFacets ? { facets: spec.runFacets } : {}) },
        job: spec.job,
        inputs: spec.inputs ?? [],
        outputs: spec.outputs ?? [],
        producer: spec.producer,
        schemaURL: OPENLINEAGE_SCHEMA_URL,
    };
}

// Validation

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time with a zone (`Z` or `±hh:mm`), as OpenLineage's `format: date-time`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Longest namespace or name the platform accepts (ids are built from them; Neptune string ids stay small). */
export const MAX_NAME_LENGTH = 1024;
/** Most datasets one event may name (inputs + outputs): a bound on the size of one graph write. */
export const MAX_DATASETS = 200;

export type Validation = { ok: true; event: RunEvent } | { ok: false; reasons: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function nameIssues(at: string, value: unknown, reasons: string[]): void {
    if (typeof value !== "string" || value.trim().length === 0) {
        reasons.push(`${at} must be a non-empty string, got ${JSON.stringify(value) ?? "nothing"}`);
    } else if (value.length > MAX_NAME_LENGTH) {
        reasons.push(`${at} is ${value.length} characters long (at most ${MAX_NAME_LENGTH})`);
    }
}

function facetIssues(at: string, value: unknown, reasons: string[]): void {
    if (value !== undefined && !isRecord(value)) reasons.push(`${at} must be an object when present`);
}

function datasetIssues(at: string, value: unknown, reasons: string[]): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
        reasons.push(`${at} must be a list of {namespace, name, facets?}`);
        return;
    }
    value.forEach((d, i) => {
        if (!isRecord(d)) {
            reasons.push(`${at}[${i}] must be an object {namespace, name, facets?}`);
            return;
        }
        nameIssues(`${at}[${i}].namespace`, d.namespace, reasons);
        nameIssues(`${at}[${i}].name`, d.name, reasons);
        facetIssues(`${at}[${i}].facets`, d.facets, reasons);
    });
}

/** Checks an event (an EventBridge `detail`): every problem, each naming its field; never throws. */
export function validateRunEvent(value: unknown): Validation {
    const reasons: string[] = [];
    if (!isRecord(value)) return { ok: false, reasons: ["the event must be a JSON object (an OpenLineage RunEvent)"] };
    if (!(RUN_EVENT_TYPES as readonly unknown[]).includes(value.eventType)) {
        reasons.push(`eventType must be one of ${RUN_EVENT_TYPES.join(", ")}, got ${JSON.stringify(value.eventType)}`);
    }
    if (
        typeof value.eventTime !== "string" ||
        !DATE_TIME.test(value.eventTime) ||
        Number.isNaN(Date.parse(value.eventTime))
    ) {
        reasons.push(
            `eventTime must be an ISO 8601 date-time with a zone (2026-01-31T12:00:00Z), got ${JSON.stringify(value.eventTime)}`,
        );
    }
    if (!isRecord(value.run)) reasons.push("run must be an object {runId, facets?}");
    else {
        if (typeof value.run.runId !== "string" || !UUID.test(value.run.runId)) {
            reasons.push(`run.runId must be a UUID, got ${JSON.stringify(value.run.runId)}`);
        }
        facetIssues("run.facets", value.run.facets, reasons);
    }
    if (!isRecord(value.job)) reasons.push("job must be an object {namespace, name, facets?}");
    else {
        nameIssues("job.namespace", value.job.namespace, reasons);
        nameIssues("job.name", value.job.name, reasons);
        facetIssues("job.facets", value.job.facets, reasons);
    }
    datasetIssues("inputs", value.inputs, reasons);
    datasetIssues("outputs", value.outputs, reasons);
    const count =
        (Array.isArray(value.inputs) ? value.inputs.length : 0) +
        (Array.isArray(value.outputs) ? value.outputs.length : 0);
    if (count > MAX_DATASETS) reasons.push(`inputs and outputs name ${count} datasets (at most ${MAX_DATASETS})`);
    if (typeof value.producer !== "string" || value.producer.length === 0) {
        reasons.push("producer must be a URI naming the code that produced the event");
    }
    if (typeof value.schemaURL !== "string" || !/^https?:\/\//.test(value.schemaURL)) {
        reasons.push("schemaURL must be the OpenLineage schema URL the event follows");
    }
    return reasons.length > 0 ? { ok: false, reasons } : { ok: true, event: value as unknown as RunEvent };
}

// Graph vocabulary (Neptune property graph, Gremlin)

export const VERTEX = { dataset: "dataset", job: "job", run: "run" } as const;
export const EDGE = {
    /** job → run: the job ran as this run. */
    hasRun: "hasRun",
    /** run → dataset: the run read the dataset. */
    consumed: "consumed",
    /** run → dataset: the run wrote the dataset. */
    produced: "produced",
    /** dataset → dataset: an output was derived from an input (by some run of some job). */
    derivedFrom: "derivedFrom",
} as const;

/** Vertex and edge ids: deterministic, so writing an event twice finds the same elements (idempotent upserts). */
export const lineageIds = {
    dataset: (d: { namespace: string; name: string }): string => `dataset:${d.namespace}/${d.name}`,
    job: (j: { namespace: string; name: string }): string => `job:${j.namespace}/${j.name}`,
    run: (runId: string): string => `run:${runId.toLowerCase()}`,
    edge: (label: string, from: string, to: string): string => `${label}:${from}->${to}`,
};

/** Order of event types within one instant: a terminal state wins over START/RUNNING at the same eventTime. */
export const EVENT_TYPE_RANK: Readonly<Record<RunEventType, number>> = {
    START: 1,
    RUNNING: 2,
    COMPLETE: 3,
    FAIL: 3,
    ABORT: 3,
};

/**
 * A run's state key: the latest event (by time, then rank) wins, whatever order events arrive in. Times are normalised
 * to UTC milliseconds, so the keys compare as strings.
 */
export function stateKey(event: Pick<RunEvent, "eventTime" | "eventType">): string {
    return `${new Date(event.eventTime).toISOString()}#${EVENT_TYPE_RANK[event.eventType]}`;
}
