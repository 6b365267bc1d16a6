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

/**
 * IAM path of the hub roles that read back what they write in the raw zone (the Firehose delivery roles and the
 * Transfer Family role). The raw bucket and key policies grant the hub account, confined by `aws:PrincipalArn` to roles
 * under this path: a role the hub account creates elsewhere (or an administrator) gets nothing, although the grant
 * names the account (its roles live in another program and do not exist when the bucket policy is written).
 * `aws:PrincipalArn` is the ARN of the role itself (not of its session), present in every signed request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */
export const RAW_WRITER_ROLE_PATH = "/cdp/raw-writers/";

/** The `aws:PrincipalArn` pattern of the raw writers of `accountRootArn`'s account (`arn:<partition>:iam::<id>:root`). */
export function rawWriterRolePattern(accountRootArn: string): string {
    const match = /^(arn:[^:]+:iam::\d{12}):root$/.exec(accountRootArn);
    if (!match) throw new Error(`rawWriterRolePattern: "${accountRootArn}" is not an account root ARN`);
    return `${match[1]}:role${RAW_WRITER_ROLE_PATH}*`;
}
