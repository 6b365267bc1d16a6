/**
 * The emulated delivery stream's settings: Firehose's limits and defaults,
 * and `resolveFirehoseSettings`, which fills in defaults and rejects invalid
 * settings (including prefix template typos) before any data moves.
 */
import { LOCAL_REGION } from "../local-aws";
import { parseTemplate } from "./prefix";

const MiB = 1024 * 1024;

export const FIREHOSE_LIMITS = {
    /** Lambda's synchronous request and response payload limit (Firehose rejects larger responses). */
    lambdaPayloadBytes: 6_291_456,
    /** ProcessingConfiguration BufferSizeInMBs: 0.2–3 MB, default 1. */
    maxLambdaBufferBytes: 3 * MiB,
    defaultLambdaBufferBytes: 1 * MiB,
    /** S3 BufferingHints.SizeInMBs; dynamic partitioning needs ≥ 64 (applies per partition). */
    defaultS3BufferBytes: 64 * MiB,
    /** ProcessingConfiguration NumberOfRetries default. */
    defaultInvocationRetries: 3,
} as const;

/** The raw-zone prefix of the ingestion hub (README of functions/preprocess). */
export const DEFAULT_PREFIX =
    "raw/source=!{partitionKeyFromLambda:source}/entity=!{partitionKeyFromLambda:entity}/event_date=!{partitionKeyFromLambda:event_date}/";

/** Error output prefix: error type, then the UTC date of the object's oldest record. */
export const DEFAULT_ERROR_OUTPUT_PREFIX = "errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/";

/** Settings of the emulated delivery stream. */
export interface FirehoseSettings {
    readonly deliveryStreamName: string;
    /** Delivery stream version in object names (`<name>-<version>-…`). */
    readonly deliveryStreamVersion: number;
    readonly region: string;
    readonly accountId: string;
    /** `lambdaArn` written into error documents. */
    readonly lambdaArn: string;
    /** S3 prefix template (`!{partitionKeyFromLambda:k}`, `!{timestamp:fmt}`, `!{firehose:random-string}`). */
    readonly prefix: string;
    /** Error output prefix template (also `!{firehose:error-output-type}`). */
    readonly errorOutputPrefix: string;
    /** Lambda buffer hint: decoded record bytes per invocation (≤ 3 MiB). */
    readonly lambdaBufferBytes: number;
    /** Lambda invocation payload limit (serialized event bytes). */
    readonly lambdaPayloadBytes: number;
    /** Per-partition S3 buffer: an object is written once a partition would exceed it, and at the end. */
    readonly s3BufferBytes: number;
    /** Retries of a failed invocation (error thrown, oversize response) before its records fail. */
    readonly invocationRetries: number;
}

export const DEFAULT_DELIVERY_STREAM_NAME = "cdp-ingestion-hub";
export const LOCAL_ACCOUNT_ID = "000000000000";

/** Fills in defaults and validates the settings. */
export function resolveFirehoseSettings(partial: Partial<FirehoseSettings> = {}): FirehoseSettings {
    const region = partial.region ?? LOCAL_REGION;
    const accountId = partial.accountId ?? LOCAL_ACCOUNT_ID;
    const settings: FirehoseSettings = {
        deliveryStreamName: partial.deliveryStreamName ?? DEFAULT_DELIVERY_STREAM_NAME,
        deliveryStreamVersion: partial.deliveryStreamVersion ?? 1,
        region,
        accountId,
        lambdaArn: partial.lambdaArn ?? `arn:aws:lambda:${region}:${accountId}:function:preprocess:$LATEST`,
        prefix: partial.prefix ?? DEFAULT_PREFIX,
        errorOutputPrefix: partial.errorOutputPrefix ?? DEFAULT_ERROR_OUTPUT_PREFIX,
        lambdaBufferBytes: partial.lambdaBufferBytes ?? FIREHOSE_LIMITS.defaultLambdaBufferBytes,
        lambdaPayloadBytes: partial.lambdaPayloadBytes ?? FIREHOSE_LIMITS.lambdaPayloadBytes,
        s3BufferBytes: partial.s3BufferBytes ?? FIREHOSE_LIMITS.defaultS3BufferBytes,
        invocationRetries: partial.invocationRetries ?? FIREHOSE_LIMITS.defaultInvocationRetries,
    };
    if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(settings.deliveryStreamName)) {
        throw new Error(`invalid delivery stream name "${settings.deliveryStreamName}" ([a-zA-Z0-9_.-]{1,64})`);
    }
    if (!(settings.lambdaBufferBytes > 0 && settings.lambdaBufferBytes <= FIREHOSE_LIMITS.maxLambdaBufferBytes)) {
        throw new Error(`lambdaBufferBytes must be in (0, 3 MiB], got ${settings.lambdaBufferBytes}`);
    }
    if (!(settings.s3BufferBytes > 0)) throw new Error(`s3BufferBytes must be > 0, got ${settings.s3BufferBytes}`);
    if (!Number.isSafeInteger(settings.invocationRetries) || settings.invocationRetries < 0) {
        throw new Error(`invocationRetries must be a non-negative integer, got ${settings.invocationRetries}`);
    }
    // Fail on template typos before any data moves.
    parseTemplate(settings.prefix, false);
    parseTemplate(settings.errorOutputPrefix, true);
    return settings;
}

export const deliveryStreamArn = (s: FirehoseSettings): string =>
    `arn:aws:firehose:${s.region}:${s.accountId}:deliverystream/${s.deliveryStreamName}`;
