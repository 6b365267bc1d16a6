/**
 * Names and ARNs as the platform accepts them, one definition per rule: the stack config and the components check
 * what they deploy with these, and the Lambda environment contracts (`model/env/`) check what the functions are given
 * with the same expressions. Pulumi-free.
 */

/** `aws`, `aws-cn`, `aws-us-gov`. */
const PARTITION = "arn:aws[a-z-]*";
const REGION = "(?<region>[a-z0-9-]+)";
const ACCOUNT = "\\d{12}";
/** DynamoDB table names: 3-255 of letters, digits, `_`, `-`, `.`. */
const TABLE = "[A-Za-z0-9_.-]{3,255}";

const exact = (source: string) => new RegExp(`^${source}$`);

/** A business domain: it becomes part of AWS resource names, the event source `cdp.domain.<domain>` and URLs. */
export const DOMAIN_NAME = /^[a-z](?:[a-z0-9]|-(?!-)){0,22}[a-z0-9]$/;
export const DOMAIN_NAME_RULE = "2-24 lower-case letters, digits and single hyphens, starting with a letter";

/**
 * The EventBridge `source` of a domain's change events, `cdp.domain.<domain>`: the change publisher sets it, the hub
 * bus policy and the publisher's own policy allow only it (`events:source`), and the hub files the events under
 * `raw/events/source=<source>/`.
 */
export const domainEventSource = (domain: string): string => `cdp.domain.${domain}`;

export const DYNAMODB_TABLE_NAME = exact(TABLE);
export const DYNAMODB_TABLE_NAME_RULE = '3-255 of letters, digits, "_", "-", "."';
/** `groups.region`, `groups.table`. */
export const DYNAMODB_TABLE_ARN = exact(`${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/(?<table>${TABLE})`);
/** A table's stream (a DynamoDB Streams record's `eventSourceARN`): `groups.region`, `groups.table`. */
export const DYNAMODB_STREAM_ARN = exact(
    `${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/(?<table>${TABLE})/stream/[^/]+`,
);

/** `groups.region`. */
export const KINESIS_STREAM_ARN = exact(`${PARTITION}:kinesis:${REGION}:${ACCOUNT}:stream/[A-Za-z0-9_.-]{1,128}`);

/** `groups.region`; a bus name alone is not an ARN (cross-account `PutEvents` needs the ARN). */
export const EVENT_BUS_ARN = exact(`${PARTITION}:events:${REGION}:${ACCOUNT}:event-bus/[A-Za-z0-9._\\-/]{1,256}`);

/** A KMS key ARN, never an alias: bucket policies compare the request's key with the key ARN. */
export const KMS_KEY_ARN = exact(`${PARTITION}:kms:${REGION}:${ACCOUNT}:key/[A-Za-z0-9-]+`);
/** `alias/<name>` or an alias ARN. */
export const KMS_ALIAS = /^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\//;

/** General purpose S3 bucket names: 3-63 lower-case letters, digits, dots, hyphens; no "..", not an IP address. */
export function isS3BucketName(name: string): boolean {
    return (
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes("..") && !/^\d{1,3}(\.\d{1,3}){3}$/.test(name)
    );
}

/** A DAX cluster discovery endpoint: `dax://host[:port]` (8111) or `daxs://host[:port]` (TLS, 9111). */
export const DAX_ENDPOINT = /^daxs?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;

/** The endpoint URL of a DAX cluster address (`clusterAddress`), over TLS. */
export const daxEndpointUrl = (clusterAddress: string): string => `daxs://${clusterAddress}`;

/** An IAM role ARN (no users, no wildcards); group 2 is the role's account. */
export const IAM_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,64}$/;

/**
 * AWS Data Exchange resource ids (data sets, revisions, jobs): letters and digits (in practice 32 hexadecimal
 * characters), as in the `resources` of a Data Exchange event. One rule for the config, the component, the exporter's
 * environment contract and its event parser.
 */
export const DATA_EXCHANGE_ID = /^[A-Za-z0-9-]{1,128}$/;
export const DATA_EXCHANGE_ID_RULE = "a Data Exchange id: 1-128 letters, digits or hyphens";

/** Name of an exported third-party dataset: a raw-zone key segment and, downstream, part of resource and table names. */
export const DATASET_NAME = /^[a-z][a-z0-9-]{1,39}$/;
export const DATASET_NAME_RULE = "2-40 lower-case letters, digits or hyphens, starting with a letter";

/** The medallion zones of the data lake, raw → processed → curated. */
export const LAKE_ZONES = ["raw", "processed", "curated"] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/**
 * Data classifications, lowest to highest sensitivity; also the values of the `classification` LF-tag. `pii` marks
 * personal data (a column of an entity attribute flagged `pii`): no consumer or ML role reads it through a tag grant,
 * only through a data contract that approves it by name.
 */
export const CLASSIFICATIONS = ["public", "internal", "confidential", "pii", "restricted"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Each zone's classification unless the stack config overrides it. */
export const DEFAULT_ZONE_CLASSIFICATIONS: Readonly<Record<LakeZone, Classification>> = {
    raw: "confidential",
    processed: "confidential",
    curated: "internal",
};
