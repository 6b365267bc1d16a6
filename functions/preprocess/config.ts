/**
 * Runtime configuration from environment variables, validated once at cold
 * start: a misconfigured function fails loudly instead of writing data with
 * the wrong privacy treatment.
 */
export interface PreprocessConfig {
    /** Replace `pii` fields by HMAC-SHA256 digests (HASH_IDENTIFIERS). */
    readonly hashIdentifiers: boolean;
    /** HMAC key (HASH_SALT); required when hashIdentifiers is true. */
    readonly hashSalt?: string;
    /** Per-batch cap on "record rejected" log lines (MAX_FAILURE_LOGS). */
    readonly maxFailureLogs: number;
}

export const MIN_HASH_SALT_LENGTH = 16;
const DEFAULT_MAX_FAILURE_LOGS = 20;

function parseBoolean(name: string, raw: string | undefined): boolean {
    const value = (raw ?? "").trim().toLowerCase();
    if (value === "" || value === "false" || value === "0" || value === "no") return false;
    if (value === "true" || value === "1" || value === "yes") return true;
    throw new Error(`${name} must be true or false, got "${raw}"`);
}

function parseCount(name: string, raw: string | undefined, fallback: number): number {
    if (raw === undefined || raw.trim() === "") return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
    return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PreprocessConfig {
    const hashIdentifiers = parseBoolean("HASH_IDENTIFIERS", env.HASH_IDENTIFIERS);
    const hashSalt = env.HASH_SALT;
    if (hashIdentifiers && (hashSalt === undefined || hashSalt.length < MIN_HASH_SALT_LENGTH)) {
        // Never echo the salt itself.
        throw new Error(`HASH_IDENTIFIERS=true requires HASH_SALT of at least ${MIN_HASH_SALT_LENGTH} characters`);
    }
    return {
        hashIdentifiers,
        hashSalt: hashIdentifiers ? hashSalt : undefined,
        maxFailureLogs: parseCount("MAX_FAILURE_LOGS", env.MAX_FAILURE_LOGS, DEFAULT_MAX_FAILURE_LOGS),
    };
}
