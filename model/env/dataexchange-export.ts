/**
 * Environment contract of the AWS Data Exchange exporter (functions/dataexchange-export), set by `ThirdPartyFeed`
 * (components/ingest/third-party-feed.ts). A misconfigured exporter fails at cold start, naming the variable, instead
 * of writing third-party data to the wrong place or with the wrong key.
 */
import { RAW_FOLDERS } from "../raw-layout";
import { defineEnv, fail, isRecord, json, optional, required, text } from "./kit";
import { DATA_EXCHANGE_ID, DATASET_NAME, DATASET_NAME_RULE, isS3BucketName, KMS_ALIAS, KMS_KEY_ARN } from "../names";

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

export const DEFAULT_PREFIX = RAW_FOLDERS.thirdparty;

/** Prefix segments: no "${" (Data Exchange would read it as a dynamic reference), no "." / ".." segments. */
const PREFIX_SEGMENT = /^[A-Za-z0-9_=-][A-Za-z0-9._=-]*$/;

const DATASETS_SHAPE = 'a JSON object mapping data set ids to dataset names, e.g. {"<dataSetId>": "credit-scores"}';

function datasets(parsed: unknown, name: string): ReadonlyMap<string, string> {
    if (!isRecord(parsed)) return fail(name, `${name} must be ${DATASETS_SHAPE}`);
    const entries = Object.entries(parsed);
    if (entries.length === 0) fail(name, `${name} must configure at least one data set`);
    const byId = new Map<string, string>();
    const owners = new Map<string, string>();
    for (const [id, dataset] of entries) {
        if (!DATA_EXCHANGE_ID.test(id))
            fail(name, `${name} key "${id}" is not a Data Exchange data set id (letters and digits)`);
        if (typeof dataset !== "string" || !DATASET_NAME.test(dataset)) {
            fail(
                name,
                `${name}["${id}"] must be a dataset name of ${DATASET_NAME_RULE}, got ${JSON.stringify(dataset)}`,
            );
        }
        const owner = owners.get(dataset);
        if (owner !== undefined) {
            fail(
                name,
                `${name} maps both "${owner}" and "${id}" to the dataset name "${dataset}"; names must be unique`,
            );
        }
        owners.set(dataset, id);
        byId.set(id, dataset);
    }
    return byId;
}

export const dataExchangeExportEnv = defineEnv(
    "dataexchange-export",
    {
        RAW_BUCKET: required(
            text((value, name) => {
                if (value.startsWith("arn:") || value.startsWith("s3://")) {
                    fail(name, `${name} must be a bucket name, not an ARN or URL, got "${value}"`);
                }
                if (!isS3BucketName(value)) {
                    fail(
                        name,
                        `${name} must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens), got "${value}"`,
                    );
                }
                return value;
            }),
            "raw zone bucket name (not an ARN)",
        ),
        RAW_KMS_KEY_ARN: required(
            text((value, name) => {
                if (KMS_ALIAS.test(value)) {
                    fail(
                        name,
                        `${name} must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias, got "${value}"`,
                    );
                }
                if (!KMS_KEY_ARN.test(value)) {
                    fail(name, `${name} must be a key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${value}"`);
                }
                return value;
            }),
            "ARN of the raw zone's KMS key; an alias is rejected (the bucket policy compares the key ARN)",
        ),
        DATASETS: required(
            json(
                datasets,
                (byId) => Object.fromEntries(byId),
                (name) => `${name} must be ${DATASETS_SHAPE}; it is not valid JSON`,
            ),
            "data set id → dataset name (1-63 of a-z 0-9 - _, unique)",
        ),
        PREFIX: optional(
            text((value, name) => {
                const prefix = value.replace(/^\/+|\/+$/g, "");
                if (prefix === "" || !prefix.split("/").every((s) => PREFIX_SEGMENT.test(s) && !/^\.+$/.test(s))) {
                    fail(
                        name,
                        `${name} must be a key prefix of "/"-separated segments of letters, digits, ".", "_", "=", "-" (e.g. "thirdparty"), got "${value}"`,
                    );
                }
                return prefix;
            }),
            "key prefix of every export; leading and trailing `/` are dropped",
            DEFAULT_PREFIX,
        ),
    },
    (env): ExportConfig => ({
        bucket: env.RAW_BUCKET,
        kmsKeyArn: env.RAW_KMS_KEY_ARN,
        datasets: env.DATASETS,
        prefix: env.PREFIX,
    }),
);
