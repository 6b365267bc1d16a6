/**
 * The raw zone's top-level folders, one definition for the ingestion hub that writes them (its components' default
 * prefixes), the raw bucket policy that lets the hub account write only them (programs/hub/raw-access.ts), and the
 * Glue jobs that read them (jobs/glue/cdp_jobs/raw_layout.py, checked against the planned Firehose prefixes by
 * tests/raw-layout.test.ts). Pulumi-free.
 */

/** The folder of each ingestion path. */
export const RAW_FOLDERS = {
    /** Kinesis → preprocessing → Firehose: `streams/source=…/entity=…/event_date=…/`. */
    streams: "streams",
    /** EventBridge bus → Firehose: `events/source=…/event_date=…/`. */
    events: "events",
    /** Transfer Family partners: `sftp/<partner>/`. */
    sftp: "sftp",
    /** AWS Data Exchange exports: `thirdparty/<data set>/`. */
    thirdparty: "thirdparty",
} as const;

/** Records a Firehose stream could not process or partition: `errors/<folder>/<error type>/yyyy/MM/dd/`. */
export const RAW_ERRORS_FOLDER = "errors";

/** The error folder of a Firehose-fed folder. */
export const rawErrorsFolder = (folder: string): string => `${RAW_ERRORS_FOLDER}/${folder}`;
