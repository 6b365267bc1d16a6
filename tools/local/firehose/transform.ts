/**
 * Invoking the transformation Lambda the way Firehose does: retries on errors
 * and oversize responses, then the checks of the response contract (record
 * ids, results, base64 data), and each record's outcome.
 */
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { buildTransformationEvent, type EventContext, type FirehoseInputRecord } from "./events";
import type { FirehoseSettings } from "./settings";

/** `errorCode`/`errorMessage` Firehose writes for a record the Lambda returned ProcessingFailed. */
export const PROCESSING_FAILED_STATUS = {
    errorCode: "Lambda.ProcessingFailedStatus",
    errorMessage: "ProcessingFailed status set for record",
} as const;

/** The transformation handler's shape (functions/preprocess `handler`). */
export type TransformationHandler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** What became of one record after the transformation. */
export type TransformOutcome =
    | {
          readonly result: "Ok";
          readonly input: FirehoseInputRecord;
          readonly data: Buffer;
          readonly partitionKeys: Readonly<Record<string, string>>;
      }
    | { readonly result: "Dropped"; readonly input: FirehoseInputRecord }
    | { readonly result: "ProcessingFailed"; readonly input: FirehoseInputRecord; readonly error: ErrorDetails };

/** The error fields of a Firehose error document. */
export interface ErrorDetails {
    readonly errorCode: string;
    readonly errorMessage: string;
    readonly attemptsMade: number;
    /** Epoch milliseconds. */
    readonly attemptEndingTimestamp: number;
}

export interface InvocationResult {
    readonly outcomes: readonly TransformOutcome[];
    readonly attempts: number;
    /** UTF-8 bytes of the serialized response (last attempt), when there was one. */
    readonly responseBytes?: number;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RESULTS = new Set(["Ok", "Dropped", "ProcessingFailed"]);

class ContractViolation extends Error {
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

/** A response record that passed the checks. */
interface CheckedEntry {
    readonly recordId: string;
    readonly result: string;
    readonly data?: string;
    readonly metadata?: { partitionKeys?: unknown };
}

/** Checks a response against the records sent; returns entries in input order. */
function checkResponse(response: unknown, inputs: readonly FirehoseInputRecord[]): CheckedEntry[] {
    const records = (response as { records?: unknown } | null)?.records;
    if (typeof response !== "object" || response === null || !Array.isArray(records)) {
        throw new ContractViolation("Lambda.JsonProcessingException", "response has no records array");
    }
    const byId = new Map<string, CheckedEntry>();
    for (const entry of records as unknown[]) {
        const e = entry as { recordId?: unknown; result?: unknown; data?: unknown; metadata?: unknown };
        if (typeof e !== "object" || e === null || typeof e.recordId !== "string") {
            throw new ContractViolation("Lambda.JsonProcessingException", "response record without a string recordId");
        }
        if (byId.has(e.recordId))
            throw new ContractViolation("Lambda.DuplicatedRecordId", `duplicated recordId ${e.recordId}`);
        if (typeof e.result !== "string" || !RESULTS.has(e.result)) {
            throw new ContractViolation("Lambda.JsonProcessingException", `invalid result for recordId ${e.recordId}`);
        }
        if (e.result === "Ok" && (typeof e.data !== "string" || !STRICT_BASE64.test(e.data))) {
            throw new ContractViolation(
                "Lambda.JsonProcessingException",
                `Ok record ${e.recordId} without base64 data`,
            );
        }
        byId.set(e.recordId, e as CheckedEntry);
    }
    const ordered = inputs.map((input) => {
        const entry = byId.get(input.recordId);
        if (entry === undefined)
            throw new ContractViolation("Lambda.MissingRecordId", `missing recordId ${input.recordId}`);
        return entry;
    });
    if (byId.size !== inputs.length) {
        throw new ContractViolation("Lambda.JsonProcessingException", "response has recordIds that were not sent");
    }
    return ordered;
}

function partitionKeysOf(metadata: { partitionKeys?: unknown } | undefined): Record<string, string> {
    const keys = metadata?.partitionKeys;
    const out: Record<string, string> = {};
    if (typeof keys === "object" && keys !== null) {
        for (const [name, value] of Object.entries(keys)) {
            if (typeof value === "string") out[name] = value;
        }
    }
    return out;
}

/**
 * Invokes the handler for one batch like Firehose: an error or a response over
 * the payload limit is retried `invocationRetries` times, then every record of
 * the batch fails; a response that breaks the contract (missing, duplicated
 * or unknown record ids, bad results) fails the batch without retries.
 * `ProcessingFailed` records keep their original data for the error output.
 */
export async function invokeTransformation(
    handler: TransformationHandler,
    inputs: readonly FirehoseInputRecord[],
    context: EventContext,
    settings: Pick<FirehoseSettings, "invocationRetries" | "lambdaPayloadBytes">,
    now: () => number = Date.now,
): Promise<InvocationResult> {
    const failAll = (
        errorCode: string,
        errorMessage: string,
        attemptsMade: number,
        responseBytes?: number,
    ): InvocationResult => {
        const error: ErrorDetails = { errorCode, errorMessage, attemptsMade, attemptEndingTimestamp: now() };
        return {
            outcomes: inputs.map((input) => ({ result: "ProcessingFailed" as const, input, error })),
            attempts: attemptsMade,
            responseBytes,
        };
    };

    let lastError = "";
    for (let attempt = 1; attempt <= settings.invocationRetries + 1; attempt++) {
        const event = buildTransformationEvent(inputs, context);
        let response: unknown;
        try {
            response = await handler(event);
        } catch (err) {
            lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
            continue;
        }
        const serialized = JSON.stringify(response);
        const responseBytes = serialized === undefined ? 0 : Buffer.byteLength(serialized, "utf8");
        if (responseBytes > settings.lambdaPayloadBytes) {
            lastError = `Response payload size (${responseBytes} bytes) exceeded maximum allowed payload size (${settings.lambdaPayloadBytes} bytes).`;
            continue;
        }
        let entries: CheckedEntry[];
        try {
            entries = checkResponse(response, inputs);
        } catch (err) {
            if (!(err instanceof ContractViolation)) throw err;
            return failAll(err.code, err.message, attempt, responseBytes);
        }
        const attemptEndingTimestamp = now();
        const outcomes = entries.map((entry, i): TransformOutcome => {
            const input = inputs[i];
            switch (entry.result) {
                case "Ok":
                    return {
                        result: "Ok",
                        input,
                        data: Buffer.from(entry.data!, "base64"),
                        partitionKeys: partitionKeysOf(entry.metadata),
                    };
                case "Dropped":
                    return { result: "Dropped", input };
                default:
                    return {
                        result: "ProcessingFailed",
                        input,
                        error: { ...PROCESSING_FAILED_STATUS, attemptsMade: attempt, attemptEndingTimestamp },
                    };
            }
        });
        return { outcomes, attempts: attempt, responseBytes };
    }
    return failAll("Lambda.FunctionError", lastError, settings.invocationRetries + 1);
}
