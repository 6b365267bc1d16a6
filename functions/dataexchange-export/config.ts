/**
 * Runtime configuration from environment variables, validated once at cold
 * start: a misconfigured exporter fails loudly (every error names the
 * variable) instead of writing third-party data to the wrong place or with
 * the wrong key.
 */
export interface ExportConfig {
    /** Raw zone bucket name (RAW_BUCKET). */
    readonly bucket: string;
    /** ARN of the raw zone's KMS key (RAW_KMS_KEY_ARN); never an alias. */
    readonly kmsKeyArn: string;
    /** Data Exchange data set id → dataset name used in the key (DATASETS). */
    readonly datasets: ReadonlyMap<string, string>;
    /** Key prefix of all exports, without leading or trailing slash (PREFIX). */
    readonly prefix: string;
}

export const DEFAULT_PREFIX = "thirdparty";

/** S3 bucket naming rules (general purpose buckets): 3-63 chars, no "..", not an IP address. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A KMS key ARN (not an alias ARN): the raw bucket policy only accepts the zone key's ARN. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Data Exchange ids are alphanumeric (RevisionId is documented as [a-zA-Z0-9]{30,40}). */
const DATA_SET_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Dataset names become a key segment (and, downstream, a Glue table name): keep them plain. */
const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Prefix segments: no "${" (Data Exchange would read it as a dynamic reference), no "." / ".." segments. */
const PREFIX_SEGMENT = /^[A-Za-z0-9_=-][A-Za-z0-9._=-]*$/;

function required(env: NodeJS.ProcessEnv, name: string): string {
    const value = env[name]?.trim();
    if (value === undefined || value === "") throw new Error(`${name} is required but not set`);
    return value;
}

function parseBucket(raw: string): string {
    if (raw.startsWith("arn:") || raw.startsWith("s3://")) {
        throw new Error(`RAW_BUCKET must be a bucket name, not an ARN or URL, got "${raw}"`);
    }
    if (!BUCKET_NAME.test(raw) || raw.includes("..") || IP_ADDRESS.test(raw)) {
        throw new Error(
            `RAW_BUCKET must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), got "${raw}"`,
        );
    }
    return raw;
}

function parseKmsKeyArn(raw: string): string {
    if (/^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\//.test(raw)) {
        throw new Error(
            `RAW_KMS_KEY_ARN must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias, got "${raw}"`,
        );
    }
    if (!KMS_KEY_ARN.test(raw)) {
        throw new Error(`RAW_KMS_KEY_ARN must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${raw}"`);
    }
    return raw;
}

function parseDatasets(raw: string): Map<string, string> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw new Error(
            `DATASETS must be a JSON object mapping data set ids to dataset names, e.g. {"<dataSetId>": "credit-scores"}; it is not valid JSON`,
        );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(
            `DATASETS must be a JSON object mapping data set ids to dataset names, e.g. {"<dataSetId>": "credit-scores"}`,
        );
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.length === 0) throw new Error("DATASETS must configure at least one data set");
    const datasets = new Map<string, string>();
    const owners = new Map<string, string>();
    for (const [id, name] of entries) {
        if (!DATA_SET_ID.test(id)) {
            throw new Error(`DATASETS key "${id}" is not a Data Exchange data set id (letters and digits)`);
        }
        if (typeof name !== "string" || !DATASET_NAME.test(name)) {
            throw new Error(
                `DATASETS["${id}"] must be a dataset name of 1-63 lower-case letters, digits, "-" or "_", got ${JSON.stringify(name)}`,
            );
        }
        const owner = owners.get(name);
        if (owner !== undefined) {
            throw new Error(
                `DATASETS maps both "${owner}" and "${id}" to the dataset name "${name}"; names must be unique`,
            );
        }
        owners.set(name, id);
        datasets.set(id, name);
    }
    return datasets;
}

function parsePrefix(raw: string | undefined): string {
    if (raw === undefined || raw.trim() === "") return DEFAULT_PREFIX;
    const prefix = raw.trim().replace(/^\/+|\/+$/g, "");
    const segments = prefix.split("/");
    if (prefix === "" || !segments.every((segment) => PREFIX_SEGMENT.test(segment) && !/^\.+$/.test(segment))) {
        throw new Error(
            `PREFIX must be a key prefix of "/"-separated segments of letters, digits, ".", "_", "=", "-" (e.g. "thirdparty"), got "${raw}"`,
        );
    }
    return prefix;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
    return {
        bucket: parseBucket(required(env, "RAW_BUCKET")),
        kmsKeyArn: parseKmsKeyArn(required(env, "RAW_KMS_KEY_ARN")),
        datasets: parseDatasets(required(env, "DATASETS")),
        prefix: parsePrefix(env.PREFIX),
    };
}

/**
 * The S3 key pattern of a dataset's exports. `${...}` are Data Exchange
 * dynamic references resolved per asset at export time (documented set:
 * Asset.Id, Asset.Name, DataSet.Id, DataSet.Name, Revision.CreatedAt[.Year|.Month|.Day],
 * Revision.Id). `${Revision.Id}` keeps every revision in its own folder, so
 * assets with the same name in different revisions never overwrite each other.
 */
export function keyPatternFor(prefix: string, dataset: string): string {
    return (
        `${prefix}/${dataset}/` +
        "year=${Revision.CreatedAt.Year}/month=${Revision.CreatedAt.Month}/day=${Revision.CreatedAt.Day}/" +
        "revision=${Revision.Id}/${Asset.Name}"
    );
}
