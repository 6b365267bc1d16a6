/**
 * Environment contract of the Firehose preprocessing Lambda (functions/preprocess), set by `StreamIngest`
 * (components/ingest/stream-ingest.ts). A misconfigured function fails at cold start instead of writing data with the
 * wrong privacy treatment.
 */
import { boolean, defineEnv, fail, integer, optional, text } from "./kit";

export interface PreprocessConfig {
    /** Replace `pii` fields by HMAC-SHA256 digests (HASH_IDENTIFIERS). */
    readonly hashIdentifiers: boolean;
    /** HMAC key (HASH_SALT); required when hashIdentifiers is true. */
    readonly hashSalt?: string;
    /** Per-batch cap on "record rejected" log lines (MAX_FAILURE_LOGS). */
    readonly maxFailureLogs: number;
}

export const MIN_HASH_SALT_LENGTH = 16;
export const DEFAULT_MAX_FAILURE_LOGS = 20;

export const preprocessEnv = defineEnv(
    "preprocess",
    {
        HASH_IDENTIFIERS: optional(boolean, "hash `pii` fields with HMAC-SHA256 (key HASH_SALT)", false),
        // A secret: taken as is (never trimmed) and never echoed in a message.
        HASH_SALT: optional(text(undefined, { trim: false }), "HMAC key, required when hashing"),
        MAX_FAILURE_LOGS: optional(
            integer({ min: 0 }),
            'per-batch cap on "record rejected" log lines',
            DEFAULT_MAX_FAILURE_LOGS,
        ),
    },
    (env): PreprocessConfig => {
        if (env.HASH_IDENTIFIERS && (env.HASH_SALT === undefined || env.HASH_SALT.length < MIN_HASH_SALT_LENGTH)) {
            fail(
                "HASH_SALT",
                `HASH_IDENTIFIERS=true requires HASH_SALT of at least ${MIN_HASH_SALT_LENGTH} characters`,
            );
        }
        return {
            hashIdentifiers: env.HASH_IDENTIFIERS,
            hashSalt: env.HASH_IDENTIFIERS ? env.HASH_SALT : undefined,
            maxFailureLogs: env.MAX_FAILURE_LOGS,
        };
    },
);
