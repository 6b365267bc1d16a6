import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCESS_BOUNDARIES_OUTPUT,
    type AccessBoundary,
    exampleObjectArn,
    LF_PRINCIPALS_OUTPUT,
    type LakeFormationPrincipal,
    type RequiredAccess,
} from "../../model/access";
import { type EtlRetry, etlStateMachineDefinition, type MartsRefresh } from "../../model/etl-state-machine";
import { type CuratedSources, curatedSourcesIssues, curatedSpecArgument } from "../../model/curated-sources";
import { type RequiredAccessInput, requiredAccess, s3Access } from "../shared/access";
import { createAlarm } from "../shared/alarms";
import { type AwsContext, awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { type PolicyStatement, s3AccessStatements, s3ActionsFor } from "../shared/iam";
import { createLogGroup } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { createDeadLetterQueue, createRuleDeadLetters, deadLetterDepthAlarm } from "../shared/queues";
import { serviceRole } from "../shared/roles";
import { deterministicZip } from "../shared/zip";
import { packageRoot } from "../../model/package-root";
import { AccessLogBucket } from "../storage/access-log-bucket";
import { createSecureBucket, type SecureBucket } from "../storage/secure-bucket";

/** A lake zone the pipeline reads or writes: its bucket and the key of its default encryption. */
export interface EtlZone {
    /** Bucket name. */
    bucketName: pulumi.Input<string>;
    /** Bucket ARN. */
    bucketArn: pulumi.Input<string>;
    /** ARN of the zone's KMS key (the bucket's default encryption; Glue writes with it). */
    keyArn: pulumi.Input<string>;
}

/** Worker settings of one Glue job. */
export interface EtlJobSettings {
    /**
     * Glue worker type (`G.1X`, `G.2X`, `G.4X`, `G.8X`...).
     * @default "G.1X"
     */
    workerType?: string;
    /**
     * Number of workers (2 or more).
     * @default 2
     */
    numberOfWorkers?: number;
    /**
     * Job run timeout in minutes.
     * @default 120
     */
    timeoutMinutes?: number;
    /**
     * Retries Glue itself makes of a failed run (the state machine retries on top: `retry`).
     * @default 0
     */
    maxRetries?: number;
}

/** A Glue Data Quality evaluation of one processed table (its rulesets come from the table's data contract). */
export interface EtlQualityCheck {
    /** Glue Data Catalog database of the table (the processed zone's). */
    database: pulumi.Input<string>;
    /** Table name. */
    table: string;
    /** Names of the Glue Data Quality rulesets evaluated against the table (at least one). */
    rulesetNames: string[];
}

/** Lake Formation grants of the data-quality role: the evaluated tables are in LF-registered zones. */
export interface EtlQualityLakeFormation {
    /** What the grants are created after: the Lake Formation settings and LF-tags (and the governed tables). */
    dependsOn: pulumi.Resource[];
    /** LF-tag expression of the evaluated tables (e.g. `zone=processed`, `domain` in the contract domains). */
    expression: Array<{ key: string; values: string[] }>;
    /**
     * Key of the encrypted Glue Data Catalog: Glue decrypts the tables' metadata with the role's credentials.
     * @default none (an unencrypted catalog)
     */
    catalogKeyArn?: pulumi.Input<string>;
}

/** The Redshift marts refresh, with the workgroup's ARN for the state machine's permissions. */
export interface EtlMartsRefresh extends MartsRefresh {
    /** ARN of the Redshift Serverless workgroup (it ends in the workgroup id, not its name). */
    workgroupArn: pulumi.Input<string>;
}

/** A data contract the raw → processed job enforces: its file under `contracts/` and the parsed document. */
export interface EtlContract {
    /** Path under the contracts directory, `<domain>/<dataset>.yaml`. */
    file: string;
    /** The document as written in the file (published as JSON). */
    doc: unknown;
}

export interface EtlPipelineArgs {
    /** Naming scope of the jobs, roles, buckets, log groups and state machine. */
    naming: Naming;
    /** The raw zone (the first job reads it). */
    raw: EtlZone;
    /** The processed zone (the first job writes it, the second reads it). */
    processed: EtlZone;
    /** The curated zone (the second job writes it). */
    curated: EtlZone;
    /**
     * The governance CMK: artifacts bucket, job logs and bookmarks (Glue security configuration), state machine log
     * group. Its policy must admit CloudWatch Logs (`logsKeyStatement`).
     */
    kmsKeyArn: pulumi.Input<string>;
    /** SNS topic failures and alarms notify (encrypted; `createAlarmTopic`). */
    alarmTopicArn: pulumi.Input<string>;
    /** Days log groups keep logs. */
    logRetentionDays: number;
    /**
     * Local paths of the job scripts, uploaded as S3 objects keyed by their content hash.
     * @default `DEFAULT_ETL_SCRIPTS`
     */
    scripts?: { rawToProcessed: string; processedToCurated: string };
    /**
     * Local directory of the jobs' Python package (`cdp_jobs`, which the entry points import): zipped
     * deterministically, uploaded under `packages/` keyed by its content hash and passed as `--extra-py-files`.
     * @default `DEFAULT_ETL_PACKAGE` under the project root
     */
    jobPackage?: string;
    /**
     * The data contracts the raw → processed job enforces (the active ones: withdrawn contracts are left out):
     * published as JSON under `contracts/<hash of the set>/<domain>/<dataset>.json`, the prefix passed as
     * `--contracts_path`, so a changed contract is a new prefix the next run reads.
     * @default none: the job finds no contract and quarantines every record
     */
    contracts?: EtlContract[];
    /**
     * The HMAC salt the raw → processed job hashes pii columns with: the preprocessing Lambda's (`cdp:hub.hashSalt`),
     * so a value hashes identically whichever way it came. Stored in a Secrets Manager secret encrypted with
     * `kmsKeyArn`; the job reads it (`--hash_salt_secret_id`). Without a salt nothing can be hashed, so the job drops
     * pii columns instead (`--privacy_rules {"pii":"drop"}`; jobs/glue/cdp_jobs/privacy.py): no personal data reaches
     * processed or curated, and joins on those columns see nulls.
     * @default none: pii columns are dropped, no secret is created
     */
    hashSalt?: pulumi.Input<string>;
    /**
     * Raw prefixes the first job reads (the Firehose and EventBridge layouts).
     * @default ["streams/", "events/"]
     */
    rawPrefixes?: string[];
    /**
     * Settings of the raw → processed job.
     * @default `{}` (see `EtlJobSettings`)
     */
    rawToProcessedJob?: EtlJobSettings;
    /**
     * Settings of the processed → curated job.
     * @default `{}` (see `EtlJobSettings`)
     */
    processedToCuratedJob?: EtlJobSettings;
    /**
     * Which processed datasets the curated job reads customers, spend, payments and web activity from, with their
     * column names (model/curated-sources.ts), passed as its `--spec` argument.
     * @default the job's defaults: the repository's contracts (customers, orders, card transactions, settled payments, web logs)
     */
    curatedSources?: CuratedSources;
    /**
     * Retries of each task of the state machine after a failure (`States.TaskFailed`).
     * @default { maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 }
     */
    retry?: EtlRetry;
    /**
     * Glue Data Quality evaluations of the processed tables between the stages (rulesets from the data contracts).
     * @default none: the data-quality stage is left out
     */
    qualityChecks?: EtlQualityCheck[];
    /**
     * Lake Formation grants of the data-quality role on the evaluated tables (SELECT, DESCRIBE by LF-tag). Required
     * when the evaluated tables are in an LF-registered location: Glue Data Quality reads them through Lake Formation.
     * @default none: the role reads by IAM only
     */
    qualityLakeFormation?: EtlQualityLakeFormation;
    /**
     * Name of the Glue crawler that registers the new partitions of the evaluated tables (catalog targets): the state
     * machine runs it, and waits for it, before the evaluations.
     * @default none: the evaluations see the partitions registered so far
     */
    qualityPartitionCrawler?: string;
    /**
     * The Redshift marts refresh after the curated job (the switch: off until the marts exist).
     * @default none: not refreshed
     */
    refreshMarts?: EtlMartsRefresh;
    /**
     * EventBridge Scheduler schedule of the pipeline.
     * @default { expression: "cron(0 2 * * ? *)", timezone: "UTC" }
     */
    schedule?: { expression: string; timezone?: string };
    /**
     * Start the pipeline when new raw data arrives (S3 `Object Created` events of the raw bucket under
     * `rawPrefixes`); an execution that finds another running ends at once.
     * @default true
     */
    startOnArrival?: boolean;
    /**
     * Seconds between polls of a data-quality evaluation or a Redshift statement.
     * @default 60
     */
    pollSeconds?: number;
    /**
     * Protect the artifacts bucket from deletion.
     * @default true
     */
    dataProtection?: boolean;
}

/** Where the job scripts are by default (the thin entry points of jobs/glue). */
export const DEFAULT_ETL_SCRIPTS = {
    rawToProcessed: "jobs/glue/entrypoints/raw_to_processed.py",
    processedToCurated: "jobs/glue/entrypoints/processed_to_curated.py",
} as const;

/** Where the jobs' Python package is in the project (imported by the entry points as `cdp_jobs`). */
export const DEFAULT_ETL_PACKAGE = "jobs/glue/cdp_jobs";

/** The package directory: `jobPackage`, or the project's (resolved from the project root, not the working directory). */
function jobPackageDir(args: EtlPipelineArgs): string {
    return args.jobPackage ?? path.join(packageRoot(), DEFAULT_ETL_PACKAGE);
}

/**
 * Key-policy statements the governance key needs for the pipeline: CloudWatch Logs' delivery service decrypts the
 * execution logs of the CMK-encrypted state machine (encryption context SourceArn = the account's log groups;
 * https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html); principals of the account use the key
 * through Secrets Manager only for the hash-salt secret (kms:ViaService, kms:CallerAccount: "Permissions for the KMS
 * key", https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz).
 * The raw-arrival rule's encrypted dead-letter queue needs `eventBridgeDeadLetterKeyStatement` (components/shared/queues.ts)
 * in the same policy.
 */
export function etlKeyStatements(ctx: AwsContext): PolicyStatement[] {
    return [
        {
            Sid: "AllowSecretsManagerForAccount",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
            Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "kms:ViaService": pulumi.interpolate`secretsmanager.${ctx.region}.${ctx.dnsSuffix}`,
                    "kms:CallerAccount": ctx.accountId,
                },
            },
        },
        {
            Sid: "AllowLogDeliveryForStepFunctions",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringLike: {
                    "kms:EncryptionContext:SourceArn": pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:*`,
                },
            },
        },
    ];
}

/** Prefixes of the processed zone the jobs use: entity tables and the quarantine. */
export const PROCESSED_PREFIXES = { entities: "entities/", quarantine: "quarantine/" } as const;

/** Glue worker types the pipeline accepts. */
export const GLUE_WORKER_TYPES = [
    "G.025X",
    "G.1X",
    "G.2X",
    "G.4X",
    "G.8X",
    "G.12X",
    "G.16X",
    "R.1X",
    "R.2X",
    "R.4X",
    "R.8X",
];

/**
 * The S3 key of a script: `scripts/<file name without extension>/<sha256 of its content>.py`. A new version gets a new
 * key, and the job points at it.
 */
export function scriptKey(file: string, content: Buffer | string): string {
    const hash = createHash("sha256").update(content).digest("hex");
    const ext = path.extname(file) || ".py";
    return `scripts/${path.basename(file, ext)}/${hash}${ext}`;
}

/**
 * The jobs' Python package as a deterministic zip (components/shared/zip.ts): every `*.py` of `dir` under
 * `<package name>/` (the directory's name, e.g. `cdp_jobs/contracts.py`), sorted, fixed timestamps. Glue adds the zip
 * to the Python path of the driver and the executors (`--extra-py-files`: "Python modules in a .zip file",
 * https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html).
 */
export function jobPackageZip(dir: string): { zip: Buffer; files: string[] } {
    const pkg = path.basename(path.resolve(dir));
    const files = fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".py"))
        .map((e) => e.name)
        .sort();
    const zip = deterministicZip(files.map((f) => ({ name: `${pkg}/${f}`, data: fs.readFileSync(path.join(dir, f)) })));
    return { zip, files: files.map((f) => `${pkg}/${f}`) };
}

/** The S3 key of the package zip: `packages/<package name>/<sha256 of the zip>.zip`. */
export function packageKey(pkg: string, zip: Buffer): string {
    return `packages/${pkg}/${createHash("sha256").update(zip).digest("hex")}.zip`;
}

/**
 * The contract objects: each contract as JSON (`<domain>/<dataset>.json`, what `cdp_jobs.contract_files` reads
 * without PyYAML) under `contracts/<sha256 of the whole set>/`: any change to any contract (added, edited, withdrawn)
 * is a new prefix, which the job's `--contracts_path` names, so the next run reads exactly the new set.
 */
export function contractObjects(contracts: readonly EtlContract[]): {
    prefix: string;
    objects: Array<{ file: string; key: string; body: string }>;
} {
    const active = contracts
        .filter((c) => ((c.doc as { status?: unknown } | null)?.status ?? "active") !== "withdrawn")
        .map((c) => ({ file: c.file.replace(/\.ya?ml$/, ".json"), body: `${JSON.stringify(c.doc, null, 2)}\n` }))
        .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const hash = createHash("sha256");
    for (const c of active) hash.update(`${c.file}\0${c.body}\0`);
    const prefix = `contracts/${hash.digest("hex")}/`;
    return { prefix, objects: active.map((c) => ({ ...c, key: `${prefix}${c.file}` })) };
}

export function validateEtlPipelineArgs(name: string, args: EtlPipelineArgs): void {
    const issues = new IssueCollector();
    const at = `EtlPipeline(${name})`;
    for (const [job, settings] of [
        ["rawToProcessedJob", args.rawToProcessedJob],
        ["processedToCuratedJob", args.processedToCuratedJob],
    ] as const) {
        if (!settings) continue;
        if (settings.workerType !== undefined && !GLUE_WORKER_TYPES.includes(settings.workerType)) {
            issues.add(`${at}.${job}.workerType`, settings.workerType, `one of ${GLUE_WORKER_TYPES.join(", ")}`);
        }
        const n = settings.numberOfWorkers;
        if (n !== undefined && (!Number.isInteger(n) || n < 2 || n > 299)) {
            issues.add(`${at}.${job}.numberOfWorkers`, n, "a whole number from 2 to 299");
        }
        const t = settings.timeoutMinutes;
        if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > 10080)) {
            issues.add(`${at}.${job}.timeoutMinutes`, t, "a whole number of minutes from 1 to 10080 (7 days)");
        }
        const r = settings.maxRetries;
        if (r !== undefined && (!Number.isInteger(r) || r < 0 || r > 10)) {
            issues.add(`${at}.${job}.maxRetries`, r, "a whole number from 0 to 10");
        }
    }
    const retry = args.retry;
    if (retry) {
        if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 0 || retry.maxAttempts > 10) {
            issues.add(`${at}.retry.maxAttempts`, retry.maxAttempts, "a whole number from 0 to 10");
        }
        if (!Number.isInteger(retry.intervalSeconds) || retry.intervalSeconds < 1) {
            issues.add(`${at}.retry.intervalSeconds`, retry.intervalSeconds, "a whole number of seconds ≥ 1");
        }
        if (!(retry.backoffRate >= 1)) issues.add(`${at}.retry.backoffRate`, retry.backoffRate, "a number ≥ 1");
    }
    (args.qualityChecks ?? []).forEach((check, i) => {
        if (check.rulesetNames.length === 0) {
            issues.add(`${at}.qualityChecks[${i}].rulesetNames`, check.rulesetNames, "at least one ruleset name");
        }
    });
    if (args.curatedSources) issues.addAll(curatedSourcesIssues(args.curatedSources, `${at}.curatedSources`));
    const poll = args.pollSeconds;
    if (poll !== undefined && (!Number.isInteger(poll) || poll < 5 || poll > 3600)) {
        issues.add(`${at}.pollSeconds`, poll, "a whole number of seconds from 5 to 3600");
    }
    for (const [key, file] of Object.entries(args.scripts ?? DEFAULT_ETL_SCRIPTS)) {
        if (!fs.existsSync(file)) {
            issues.add(`${at}.scripts.${key}`, file, "the path of an existing job script (relative to the project)");
        }
    }
    const pkg = jobPackageDir(args);
    if (!fs.existsSync(path.join(pkg, "__init__.py"))) {
        issues.add(`${at}.jobPackage`, pkg, "the directory of the jobs' Python package (with an __init__.py)");
    }
    for (const [i, prefix] of (args.rawPrefixes ?? []).entries()) {
        if (!/^[a-z0-9][a-z0-9_-]*\/$/.test(prefix)) {
            issues.add(
                `${at}.rawPrefixes[${i}]`,
                prefix,
                "a top-level folder of the raw zone ending in /, e.g. streams/",
            );
        }
    }
    issues.throwIfAny(`Invalid arguments for EtlPipeline "${name}"`);
}

/** One job: its role, job resource and the accesses it needs. */
interface BuiltJob {
    role: aws.iam.Role;
    job: aws.glue.Job;
    name: string;
}

/**
 * The processing pipeline of the lake: two Glue 5.0 Spark jobs (raw → processed, processed → curated) under Glue
 * security configurations, their scripts in an encrypted artifacts bucket (keyed by content hash), and a Step
 * Functions state machine (model/etl-state-machine.ts) that runs them with a Glue Data Quality evaluation between the
 * stages, the optional Redshift marts refresh, and completion and OpenLineage events; started on a schedule and on
 * arrival of raw data; alarms on failed executions and failed job runs.
 */
export class EtlPipeline extends pulumi.ComponentResource {
    public readonly artifacts: SecureBucket;
    public readonly artifactsBucketName: pulumi.Output<string>;
    /** `s3://<artifacts>/contracts/<hash>/`: the contracts the raw → processed job enforces. */
    public readonly contractsPath: pulumi.Output<string>;
    /** The Secrets Manager secret holding the HMAC salt. */
    public readonly hashSaltSecretArn: pulumi.Output<string> | undefined;
    public readonly rawToProcessedJob: aws.glue.Job;
    public readonly processedToCuratedJob: aws.glue.Job;
    public readonly rawToProcessedRoleArn: pulumi.Output<string>;
    public readonly processedToCuratedRoleArn: pulumi.Output<string>;
    public readonly stateMachine: aws.sfn.StateMachine;
    public readonly stateMachineArn: pulumi.Output<string>;
    public readonly stateMachineRoleArn: pulumi.Output<string>;
    /** The state machine definition as deployed (JSON). */
    public readonly definition: pulumi.Output<string>;
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;
    /** What each of its roles must never do (`ACCESS_BOUNDARIES_OUTPUT`, proven by the access proof). */
    public readonly accessBoundaries: pulumi.Output<AccessBoundary[]>;
    /** The data-quality role (when the pipeline has a data-quality stage). */
    public readonly qualityRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: EtlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:processing:EtlPipeline", name, {}, opts);
        validateEtlPipelineArgs(name, args);
        const ctx = awsContext(this);
        const { naming } = args;
        const dataProtection = args.dataProtection ?? true;
        const rawPrefixes = args.rawPrefixes ?? ["streams/", "events/"];
        const retry = args.retry ?? { maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 };
        const qualityChecks = args.qualityChecks ?? [];
        const access: RequiredAccessInput[] = [];
        const arn = (service: string, resource: pulumi.Input<string>) =>
            pulumi.interpolate`arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}`;

        // Artifacts: the job scripts, in an encrypted bucket of its own,
        // with server access logs in a log bucket that admits exactly it.
        const artifactsName = pulumi
            .all([ctx.accountId, ctx.region])
            .apply(([account, region]) => naming.bucket("etl-artifacts", account, region));
        const artifactsArn = pulumi.interpolate`arn:${ctx.partition}:s3:::${artifactsName}`;
        const accessLogs = new AccessLogBucket(
            `${name}-access-logs`,
            { naming: naming.child("etl"), sourceBucketArns: [artifactsArn], dataProtection },
            { parent: this },
        );
        this.artifacts = createSecureBucket(`${name}-artifacts`, this, {
            bucketName: artifactsName,
            encryption: { kind: "kms", keyArn: args.kmsKeyArn },
            policyStatements: () => [],
            lifecycle: {
                transitions: [],
                // Old script versions stay for a year: rollbacks, audits.
                noncurrentExpirationDays: 365,
                abortIncompleteMultipartUploadDays: 1,
            },
            accessLogging: { targetBucket: accessLogs.bucketName, targetPrefix: "etl-artifacts/" },
            dataProtection,
            tags: { "cdp:purpose": "etl-artifacts" },
        });
        this.artifactsBucketName = this.artifacts.bucket.bucket;
        const artifacts = { bucketArn: this.artifacts.bucket.arn, keyArn: args.kmsKeyArn };

        // One continuous-logging log group for both jobs (CMK, retention); Glue writes the driver and executor streams.
        const jobLogGroupName = `/aws-glue/jobs/${naming.name("generic", "etl")}`;
        const jobLogGroup = createLogGroup(`${name}-job-logs`, this, {
            name: jobLogGroupName,
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });

        const scripts = args.scripts ?? DEFAULT_ETL_SCRIPTS;

        // The jobs' Python package: the entry points import cdp_jobs, which is not on Glue. A deterministic zip keyed
        // by its content hash, passed as --extra-py-files ("Job parameters used by AWS Glue",
        // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html; zipped modules:
        // https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html). The object's bytes
        // are in the plan (contentBase64), so tests read exactly what is uploaded.
        const packageDir = jobPackageDir(args);
        const { zip } = jobPackageZip(packageDir);
        const packageObject = new aws.s3.BucketObjectv2(
            `${name}-job-package`,
            {
                bucket: this.artifacts.bucket.id,
                key: packageKey(path.basename(path.resolve(packageDir)), zip),
                contentBase64: zip.toString("base64"),
                contentType: "application/zip",
            },
            { parent: this, dependsOn: [this.artifacts.encryption] },
        );
        const extraPyFiles = pulumi.interpolate`s3://${this.artifacts.bucket.bucket}/${packageObject.key}`;

        // The data contracts, as JSON under a prefix named by the hash of the whole set (`contractObjects`).
        const contracts = contractObjects(args.contracts ?? []);
        const contractUploads = contracts.objects.map(
            (c) =>
                new aws.s3.BucketObjectv2(
                    `${name}-contract-${c.file.replace(/\.json$/, "").replace(/[^A-Za-z0-9]+/g, "-")}`,
                    {
                        bucket: this.artifacts.bucket.id,
                        key: c.key,
                        content: c.body,
                        contentType: "application/json",
                    },
                    { parent: this, dependsOn: [this.artifacts.encryption] },
                ),
        );
        this.contractsPath = pulumi.interpolate`s3://${this.artifacts.bucket.bucket}/${contracts.prefix}`;

        // The hash salt: a Secrets Manager secret under the governance CMK (the policy pack refuses the AWS managed
        // key); the value is the preprocessing Lambda's salt, so both hash pii identically. Secrets Manager encrypts
        // with the encryption context SecretARN = the secret's ARN; the reader needs secretsmanager:GetSecretValue
        // and kms:Decrypt through Secrets Manager
        // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz).
        // No automatic rotation (FSBP SecretsManager.1): the salt is the join key of every hashed identifier, shared
        // with the preprocessing Lambda's configuration; a rotation Lambda would change it out of step with the
        // Lambda and break joins with what is already hashed. Changing it is a deliberate config change (README).
        const saltSecret =
            args.hashSalt === undefined
                ? undefined
                : new aws.secretsmanager.Secret(
                      `${name}-hash-salt`,
                      {
                          name: naming.name("generic", "etl", "hash-salt"),
                          description:
                              "HMAC salt of pii identifiers: the raw → processed Glue job (same as the preprocessing Lambda's)",
                          kmsKeyId: args.kmsKeyArn,
                          recoveryWindowInDays: dataProtection ? 30 : 0,
                      },
                      dataStoreOptions(dataProtection, { parent: this }),
                  );
        if (saltSecret !== undefined) {
            new aws.secretsmanager.SecretVersion(
                `${name}-hash-salt`,
                { secretId: saltSecret.id, secretString: pulumi.secret(pulumi.output(args.hashSalt ?? "")) },
                { parent: this },
            );
        } else {
            pulumi.log.warn(
                "ETL pipeline: no hash salt (cdp:hub.hashSalt), so the raw → processed job drops pii columns instead of hashing them",
                this,
            );
        }
        this.hashSaltSecretArn = saltSecret?.arn;
        const buildJob = (
            stage: "raw-to-processed" | "processed-to-curated",
            script: string,
            settings: EtlJobSettings,
            output: EtlZone,
            statements: PolicyStatement[],
            needs: RequiredAccessInput[],
            jobArguments: Record<string, pulumi.Input<string>>,
        ): BuiltJob => {
            const jobName = naming.name("generic", stage);
            const key = scriptKey(script, fs.readFileSync(script));
            const object = new aws.s3.BucketObjectv2(
                `${name}-${stage}-script`,
                {
                    bucket: this.artifacts.bucket.id,
                    key,
                    source: new pulumi.asset.FileAsset(script),
                    contentType: "text/x-python",
                },
                { parent: this, dependsOn: [this.artifacts.encryption] },
            );
            // Security configuration: S3 SSE-KMS with the zone's key (the zone bucket policy refuses uploads naming
            // another key), CloudWatch Logs SSE-KMS and job bookmarks CSE-KMS with the governance key
            // (https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html). For encrypted
            // CloudWatch Logs the key policy must admit logs.<region>.amazonaws.com (`logsKeyStatement` in the
            // governance key) and the job role needs logs:AssociateKmsKey
            // (https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html).
            const securityConfiguration = new aws.glue.SecurityConfiguration(
                `${name}-${stage}`,
                {
                    name: jobName,
                    encryptionConfiguration: {
                        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: output.keyArn },
                        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
                        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.kmsKeyArn },
                    },
                },
                { parent: this },
            );
            const common: PolicyStatement[] = [
                ...s3AccessStatements("read", { ...artifacts, prefix: "scripts/" }, "Scripts"),
                ...s3AccessStatements("read", { ...artifacts, prefix: "packages/" }, "Packages"),
                {
                    // Job bookmarks CSE-KMS: Glue encrypts the bookmark client-side with the job role's credentials.
                    Sid: "BookmarksKey",
                    Effect: "Allow",
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                    Resource: args.kmsKeyArn,
                },
                {
                    // Glue's log groups (/aws-glue/*: the continuous-logging group and Glue's output/error groups, whose
                    // names Glue derives from the security configuration); AssociateKmsKey for the CloudWatch
                    // encryption of the security configuration (https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html).
                    Sid: "GlueLogs",
                    Effect: "Allow",
                    Action: [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:AssociateKmsKey",
                    ],
                    Resource: arn("logs", "log-group:/aws-glue/*"),
                },
                {
                    // Job metrics (--enable-metrics) go to the Glue namespace.
                    Sid: "GlueMetrics",
                    Effect: "Allow",
                    Action: "cloudwatch:PutMetricData",
                    Resource: "*",
                    Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
                },
            ];
            const { role, policy } = serviceRole(`${name}-${stage}`, this, {
                service: "glue.amazonaws.com",
                accountId: ctx.accountId,
                description: `Glue job ${jobName}`,
                statements: [...common, ...statements],
            });
            const job = new aws.glue.Job(
                `${name}-${stage}`,
                {
                    name: jobName,
                    description: `CDP ETL ${stage}`,
                    roleArn: role.arn,
                    glueVersion: "5.0",
                    command: {
                        name: "glueetl",
                        pythonVersion: "3",
                        scriptLocation: pulumi.interpolate`s3://${this.artifacts.bucket.bucket}/${object.key}`,
                    },
                    workerType: settings.workerType ?? "G.1X",
                    numberOfWorkers: settings.numberOfWorkers ?? 2,
                    timeout: settings.timeoutMinutes ?? 120,
                    maxRetries: settings.maxRetries ?? 0,
                    // One run at a time: bookmarks assume runs do not overlap; the state machine retries
                    // ConcurrentRunsExceededException.
                    executionProperty: { maxConcurrentRuns: 1 },
                    securityConfiguration: securityConfiguration.name,
                    defaultArguments: {
                        "--job-language": "python",
                        "--job-bookmark-option": "job-bookmark-enable",
                        "--enable-continuous-cloudwatch-log": "true",
                        "--continuous-log-logGroup": jobLogGroup.name,
                        "--enable-metrics": "true",
                        "--enable-job-insights": "true",
                        "--extra-py-files": extraPyFiles,
                        ...jobArguments,
                    },
                },
                // The job points at the package and contracts only once they are uploaded.
                { parent: this, dependsOn: [policy, packageObject, ...contractUploads] },
            );
            access.push(
                s3Access({
                    id: `etl-${stage}/package`,
                    principal: role.arn,
                    bucketArn: artifacts.bucketArn,
                    keyArn: artifacts.keyArn,
                    prefix: "packages/",
                    objectActions: ["s3:GetObject"],
                    kmsActions: ["kms:Decrypt"],
                    ctx,
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html",
                    why: `the ${stage} job loads its Python package (--extra-py-files) from the artifacts bucket`,
                }),
                s3Access({
                    id: `etl-${stage}/scripts`,
                    principal: role.arn,
                    bucketArn: artifacts.bucketArn,
                    keyArn: artifacts.keyArn,
                    prefix: "scripts/",
                    objectActions: ["s3:GetObject"],
                    kmsActions: ["kms:Decrypt"],
                    ctx,
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html",
                    why: `the ${stage} job reads its script from the encrypted artifacts bucket`,
                }),
                {
                    id: `etl-${stage}/bookmarks-and-logs`,
                    principal: role.arn,
                    requests: [
                        { actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], resource: args.kmsKeyArn },
                        {
                            actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                            resource: pulumi.interpolate`${jobLogGroup.arn}:*`,
                        },
                    ],
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html",
                    why: `the ${stage} job encrypts its bookmarks (CSE-KMS) and writes encrypted continuous logs`,
                },
                ...needs.map((n) => ({ ...n, principal: role.arn })),
            );
            return { role, job, name: jobName };
        };

        const s3 = (zone: EtlZone, prefix = "") => pulumi.interpolate`s3://${zone.bucketName}/${prefix}`;
        const zoneNeed = (
            stage: string,
            what: string,
            zone: EtlZone,
            prefix: string,
            kind: "read" | "readwrite",
        ): RequiredAccessInput => {
            const actions = s3ActionsFor(kind, { allowDelete: kind === "readwrite" });
            return s3Access({
                id: `etl-${stage}/${what}`,
                principal: "",
                bucketArn: zone.bucketArn,
                keyArn: zone.keyArn,
                prefix,
                objectActions: kind === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                bucketActions: ["s3:ListBucket"],
                kmsActions: kind === "read" ? ["kms:Decrypt"] : actions.kms,
                ctx,
                doc: "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html",
                why: `the ${stage} job ${kind === "read" ? "reads" : "reads and writes"} ${what}`,
            });
        };

        // Lake Formation and the jobs: processed and curated are LF-registered, but the jobs read and write by S3 path
        // with their IAM role and never touch the Data Catalog (the partition crawlers register partitions). Lake
        // Formation vends credentials only to integrated services querying catalog tables, and its data location
        // permission (DATA_LOCATION_ACCESS) governs creating or altering catalog resources that point at a registered
        // location, not S3 access by path ("Underlying data access control",
        // https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html): so the job roles
        // hold no Lake Formation permission, and their least privilege is IAM's (the boundaries below).
        // raw → processed: reads raw (its prefixes), reads and writes the processed entity tables (deduplication
        // against earlier runs) and the quarantine, reads the contracts and the salt. Nothing in curated.
        const saltKeyContext = saltSecret && {
            "kms:ViaService": pulumi.interpolate`secretsmanager.${ctx.region}.${ctx.dnsSuffix}`,
            "kms:EncryptionContext:SecretARN": saltSecret.arn,
        };
        const first = buildJob(
            "raw-to-processed",
            scripts.rawToProcessed,
            args.rawToProcessedJob ?? {},
            args.processed,
            [
                ...rawPrefixes.flatMap((prefix, i) => s3AccessStatements("read", { ...args.raw, prefix }, `Raw${i}`)),
                ...s3AccessStatements(
                    "readwrite",
                    { ...args.processed, prefix: PROCESSED_PREFIXES.entities, allowDelete: true },
                    "Processed",
                ),
                ...s3AccessStatements(
                    "readwrite",
                    { ...args.processed, prefix: PROCESSED_PREFIXES.quarantine, allowDelete: true },
                    "Quarantine",
                ),
                // The contracts it enforces (no other job reads them).
                ...s3AccessStatements("read", { ...artifacts, prefix: "contracts/" }, "Contracts"),
                ...(saltSecret && saltKeyContext
                    ? [
                          {
                              Sid: "HashSalt",
                              Effect: "Allow" as const,
                              Action: "secretsmanager:GetSecretValue",
                              Resource: saltSecret.arn,
                          },
                          {
                              Sid: "HashSaltKey",
                              Effect: "Allow" as const,
                              Action: "kms:Decrypt",
                              Resource: args.kmsKeyArn,
                              Condition: { StringEquals: saltKeyContext },
                          },
                      ]
                    : []),
            ],
            [
                ...rawPrefixes.map((prefix) =>
                    zoneNeed("raw-to-processed", `raw-${prefix.replace(/\/$/, "")}`, args.raw, prefix, "read"),
                ),
                zoneNeed("raw-to-processed", "processed", args.processed, PROCESSED_PREFIXES.entities, "readwrite"),
                zoneNeed("raw-to-processed", "quarantine", args.processed, PROCESSED_PREFIXES.quarantine, "readwrite"),
                s3Access({
                    id: "etl-raw-to-processed/contracts",
                    principal: "",
                    bucketArn: artifacts.bucketArn,
                    keyArn: artifacts.keyArn,
                    prefix: contracts.prefix,
                    objectActions: ["s3:GetObject"],
                    bucketActions: ["s3:ListBucket"],
                    kmsActions: ["kms:Decrypt"],
                    ctx,
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html",
                    why: "the raw-to-processed job lists and reads the data contracts it enforces (--contracts_path)",
                }),
                ...(saltSecret && saltKeyContext
                    ? [
                          {
                              id: "etl-raw-to-processed/hash-salt",
                              principal: "",
                              requests: [
                                  { actions: ["secretsmanager:GetSecretValue"], resource: saltSecret.arn },
                                  { actions: ["kms:Decrypt"], resource: args.kmsKeyArn, context: saltKeyContext },
                              ],
                              doc: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz",
                              why: "the raw-to-processed job reads the HMAC salt it hashes pii columns with",
                          },
                      ]
                    : []),
            ],
            {
                "--raw_path": s3(args.raw),
                "--processed_path": s3(args.processed, PROCESSED_PREFIXES.entities),
                "--quarantine_path": s3(args.processed, PROCESSED_PREFIXES.quarantine),
                "--contracts_path": this.contractsPath,
                // Hash pii with the salt; without one, drop it (never written unhashed).
                ...(saltSecret
                    ? { "--hash_salt_secret_id": saltSecret.arn }
                    : { "--privacy_rules": JSON.stringify({ pii: "drop" }) }),
            },
        );
        // processed → curated: reads processed (entity tables and Entity Resolution matches), reads and writes curated
        // (dynamic partition overwrite, and a rerun compares the fact days already stored with its own before
        // rewriting only those that changed: jobs/glue/cdp_jobs/processed_to_curated.py, changed_days). Never raw.
        const second = buildJob(
            "processed-to-curated",
            scripts.processedToCurated,
            args.processedToCuratedJob ?? {},
            args.curated,
            [
                ...s3AccessStatements("read", { ...args.processed, prefix: PROCESSED_PREFIXES.entities }, "Processed"),
                ...s3AccessStatements("read", { ...args.processed, prefix: "entity-resolution/" }, "Matches"),
                ...s3AccessStatements("readwrite", { ...args.curated, allowDelete: true }, "Curated"),
            ],
            [
                zoneNeed("processed-to-curated", "processed", args.processed, PROCESSED_PREFIXES.entities, "read"),
                zoneNeed("processed-to-curated", "matches", args.processed, "entity-resolution/", "read"),
                zoneNeed("processed-to-curated", "curated", args.curated, "", "readwrite"),
            ],
            {
                "--processed_path": s3(args.processed, PROCESSED_PREFIXES.entities),
                "--matches_path": s3(args.processed, "entity-resolution/"),
                "--curated_path": s3(args.curated),
                ...(args.curatedSources ? { "--spec": curatedSpecArgument(args.curatedSources) } : {}),
            },
        );
        this.rawToProcessedJob = first.job;
        this.processedToCuratedJob = second.job;
        this.rawToProcessedRoleArn = first.role.arn;
        this.processedToCuratedRoleArn = second.role.arn;

        // The role Glue Data Quality evaluates the tables with: reads the tables' catalog entries and data, publishes
        // results (https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html). The tables are in the
        // LF-registered processed zone: Glue reads them through Lake Formation, so the role also needs
        // lakeformation:GetDataAccess and Lake Formation SELECT and DESCRIBE on them (granted below by LF-tag), and,
        // the Data Catalog being encrypted, kms:Decrypt of the catalog key through Glue
        // (https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html,
        // https://docs.aws.amazon.com/glue/latest/dg/encrypt-glue-data-catalog.html).
        const rulesetArns = [...new Set(qualityChecks.flatMap((c) => c.rulesetNames))].map((r) =>
            arn("glue", `dataQualityRuleset/${r}`),
        );
        const lf = args.qualityLakeFormation;
        const viaGlue = pulumi.interpolate`glue.${ctx.region}.${ctx.dnsSuffix}`;
        const qualityDatabases = [...new Set(qualityChecks.map((c) => c.database))];
        const qualityTables = qualityChecks.map((c) => arn("glue", pulumi.interpolate`table/${c.database}/${c.table}`));
        const qualityRole =
            qualityChecks.length > 0
                ? serviceRole(`${name}-quality`, this, {
                      service: "glue.amazonaws.com",
                      accountId: ctx.accountId,
                      description: "Glue Data Quality: evaluate the data contracts' rulesets between the ETL stages",
                      statements: [
                          ...s3AccessStatements(
                              "read",
                              { ...args.processed, prefix: PROCESSED_PREFIXES.entities },
                              "Processed",
                          ),
                          {
                              Sid: "Rulesets",
                              Effect: "Allow",
                              Action: ["glue:GetDataQualityRuleset", "glue:PublishDataQuality"],
                              Resource: rulesetArns,
                          },
                          {
                              Sid: "Tables",
                              Effect: "Allow",
                              Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                              Resource: [
                                  arn("glue", "catalog"),
                                  ...qualityDatabases.map((d) => arn("glue", pulumi.interpolate`database/${d}`)),
                                  ...qualityTables,
                              ],
                          },
                          ...(lf
                              ? [
                                    {
                                        // No resource-level permission: Lake Formation's grants bound what it vends.
                                        Sid: "LakeFormationCredentials",
                                        Effect: "Allow" as const,
                                        Action: "lakeformation:GetDataAccess",
                                        Resource: "*",
                                    },
                                ]
                              : []),
                          ...(lf?.catalogKeyArn
                              ? [
                                    {
                                        Sid: "EncryptedCatalogThroughGlue",
                                        Effect: "Allow" as const,
                                        Action: "kms:Decrypt",
                                        Resource: lf.catalogKeyArn,
                                        Condition: { StringEquals: { "kms:ViaService": viaGlue } },
                                    },
                                ]
                              : []),
                          {
                              Sid: "QualityLogs",
                              Effect: "Allow",
                              Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                              Resource: arn("logs", "log-group:/aws-glue/*"),
                          },
                          {
                              Sid: "QualityMetrics",
                              Effect: "Allow",
                              Action: "cloudwatch:PutMetricData",
                              Resource: "*",
                              Condition: { StringEquals: { "cloudwatch:namespace": "Glue Data Quality" } },
                          },
                      ],
                  })
                : undefined;
        const partitionCrawlerArn =
            qualityRole && args.qualityPartitionCrawler
                ? arn("glue", `crawler/${args.qualityPartitionCrawler}`)
                : undefined;
        const lakeFormationPrincipals: pulumi.Output<LakeFormationPrincipal>[] = [];
        if (qualityRole && lf) {
            // By LF-tag, never by table name ("Granting data lake permissions using the LF-TBAC method",
            // https://docs.aws.amazon.com/lake-formation/latest/dg/granting-catalog-perms-TBAC.html).
            for (const [resourceType, permissions] of [
                ["DATABASE", ["DESCRIBE"]],
                ["TABLE", ["SELECT", "DESCRIBE"]],
            ] as const)
                new aws.lakeformation.Permissions(
                    `${name}-quality-${resourceType.toLowerCase()}`,
                    {
                        principal: qualityRole.role.arn,
                        permissions: [...permissions],
                        lfTagPolicy: { resourceType, expressions: lf.expression },
                    },
                    { parent: this, dependsOn: lf.dependsOn },
                );
            lakeFormationPrincipals.push(
                qualityRole.role.arn.apply(
                    (principal): LakeFormationPrincipal => ({
                        principal,
                        kind: "service",
                        name: "etl-data-quality",
                        reason: "Glue Data Quality evaluates the data contracts' rules (completeness, uniqueness) on every column they name, pii included; it reads, never writes or grants",
                    }),
                ),
            );
            access.push(
                s3Access({
                    id: "etl-quality/processed",
                    principal: qualityRole.role.arn,
                    bucketArn: args.processed.bucketArn,
                    keyArn: args.processed.keyArn,
                    prefix: PROCESSED_PREFIXES.entities,
                    objectActions: ["s3:GetObject"],
                    bucketActions: ["s3:ListBucket"],
                    kmsActions: ["kms:Decrypt"],
                    ctx,
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html",
                    why: "Glue Data Quality reads the processed entity tables it evaluates",
                }),
                {
                    id: "etl-quality/evaluate",
                    principal: qualityRole.role.arn,
                    requests: [
                        ...rulesetArns.map((resource) => ({
                            actions: ["glue:GetDataQualityRuleset", "glue:PublishDataQuality"],
                            resource,
                            external: "a Glue Data Quality ruleset of the data contracts (no resource policy)",
                        })),
                        ...qualityTables.map((resource) => ({
                            actions: ["glue:GetTable", "glue:GetPartitions"],
                            resource,
                            external:
                                "the Glue Data Catalog of this account (no catalog resource policy: Lake Formation grants decide)",
                        })),
                        { actions: ["lakeformation:GetDataAccess"], resource: "*" },
                        ...(lf.catalogKeyArn
                            ? [
                                  {
                                      actions: ["kms:Decrypt"],
                                      resource: lf.catalogKeyArn,
                                      context: { "kms:ViaService": viaGlue },
                                  },
                              ]
                            : []),
                    ],
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html",
                    why: "Glue Data Quality evaluates the contracts' rulesets on the LF-governed tables and publishes the results",
                },
            );
        }

        // The state machine: its log group (CMK, retention; /aws/vendedlogs/ keeps the Logs resource policy small,
        // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html) and role.
        const machineName = naming.name("generic", "etl");
        const machineArn = arn("states", `stateMachine:${machineName}`);
        const machineLogGroup = createLogGroup(`${name}-machine-logs`, this, {
            name: `/aws/vendedlogs/states/${machineName}`,
            kmsKeyArn: args.kmsKeyArn,
            retentionDays: args.logRetentionDays,
        });
        const eventBusArn = arn("events", "event-bus/default");
        const jobArns = [first.job.arn, second.job.arn];
        const machineStatements: PolicyStatement[] = [
            {
                // Run a Job (.sync): https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html
                Sid: "RunOwnJobs",
                Effect: "Allow",
                Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
                Resource: jobArns,
            },
            {
                Sid: "ListOwnExecutions",
                Effect: "Allow",
                Action: "states:ListExecutions",
                Resource: machineArn,
            },
            {
                // https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html
                Sid: "PutEventsOnDefaultBus",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: eventBusArn,
            },
            {
                // https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html; the topic is encrypted.
                Sid: "PublishFailures",
                Effect: "Allow",
                Action: "sns:Publish",
                Resource: args.alarmTopicArn,
            },
            {
                Sid: "EncryptedTopic",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: args.kmsKeyArn,
                Condition: {
                    StringEquals: { "kms:ViaService": pulumi.interpolate`sns.${ctx.region}.${ctx.dnsSuffix}` },
                },
            },
            {
                // Log delivery to CloudWatch Logs: these actions do not support resource-level permissions, the page
                // shows them on "*" (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
                Sid: "LogDelivery",
                Effect: "Allow",
                Action: [
                    "logs:CreateLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                ],
                Resource: "*",
            },
            {
                // X-Ray tracing (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html).
                Sid: "XRay",
                Effect: "Allow",
                Action: [
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                ],
                Resource: "*",
            },
        ];
        if (qualityRole) {
            machineStatements.push(
                {
                    // https://docs.aws.amazon.com/glue/latest/dg/data-quality-authorization.html
                    Sid: "EvaluateOwnRulesets",
                    Effect: "Allow",
                    Action: ["glue:StartDataQualityRulesetEvaluationRun", "glue:GetDataQualityResult"],
                    Resource: rulesetArns,
                },
                {
                    // A run's status: the request names only the run id (authorised on dataQualityRuleset/*).
                    Sid: "EvaluationRunStatus",
                    Effect: "Allow",
                    Action: "glue:GetDataQualityRulesetEvaluationRun",
                    Resource: arn("glue", "dataQualityRuleset/*"),
                },
                {
                    Sid: "PassQualityRole",
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: qualityRole.role.arn,
                    Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
                },
            );
            if (partitionCrawlerArn)
                machineStatements.push({
                    // Register the new partitions before the evaluations (AWS SDK integration: StartCrawler, GetCrawler;
                    // https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html).
                    Sid: "RunPartitionCrawler",
                    Effect: "Allow",
                    Action: ["glue:StartCrawler", "glue:GetCrawler"],
                    Resource: partitionCrawlerArn,
                });
        }
        if (args.refreshMarts) {
            machineStatements.push({
                // https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html
                Sid: "RefreshMarts",
                Effect: "Allow",
                Action: ["redshift-data:ExecuteStatement", "redshift-serverless:GetCredentials"],
                Resource: args.refreshMarts.workgroupArn,
            });
            machineStatements.push({
                // DescribeStatement is authorised on the statement's owner (the caller's session), not a resource.
                Sid: "MartsStatementStatus",
                Effect: "Allow",
                Action: "redshift-data:DescribeStatement",
                Resource: "*",
                Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
            });
        }
        // The state machine's definition and execution history are encrypted with the governance CMK. Step Functions
        // uses the encryption context aws:states:stateMachineArn = the state machine's ARN; the execution role needs
        // kms:Decrypt and kms:GenerateDataKey under it, and kms:GenerateDataKey for the encrypted log delivery
        // (encryption context SourceArn = the account's log groups); the key policy admits delivery.logs.amazonaws.com
        // (`etlKeyStatements`) (https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html).
        const machineContext = { "kms:EncryptionContext:aws:states:stateMachineArn": machineArn };
        const logsContext = { "kms:EncryptionContext:SourceArn": arn("logs", "*") };
        machineStatements.push(
            {
                Sid: "OwnExecutionData",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: machineContext },
            },
            {
                Sid: "EncryptedLogDelivery",
                Effect: "Allow",
                Action: "kms:GenerateDataKey",
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: logsContext },
            },
        );
        const machineRole = serviceRole(`${name}-machine`, this, {
            service: "states.amazonaws.com",
            accountId: ctx.accountId,
            description: `Step Functions ${machineName}: run the ETL pipeline`,
            trustCondition: { ArnLike: { "aws:SourceArn": machineArn } },
            statements: machineStatements,
        });
        const databases = pulumi.all(qualityChecks.map((c) => pulumi.output(c.database)));
        this.definition = pulumi
            .all([
                machineArn,
                first.job.name,
                second.job.name,
                qualityRole?.role.arn ?? "",
                eventBusArn,
                args.alarmTopicArn,
                args.raw.bucketName,
                args.processed.bucketName,
                args.curated.bucketName,
            ])
            .apply((values) => databases.apply((dbs) => ({ values, dbs })))
            .apply(({ values: [machine, job1, job2, qualityRoleArn, bus, topic, raw, processed, curated], dbs }) =>
                JSON.stringify(
                    etlStateMachineDefinition({
                        stateMachineArn: machine,
                        rawToProcessed: {
                            jobName: job1,
                            inputs: rawPrefixes.map((p) => ({ namespace: `s3://${raw}`, name: p.replace(/\/$/, "") })),
                            outputs: [
                                { namespace: `s3://${processed}`, name: "entities" },
                                { namespace: `s3://${processed}`, name: "quarantine" },
                            ],
                        },
                        processedToCurated: {
                            jobName: job2,
                            inputs: [
                                { namespace: `s3://${processed}`, name: "entities" },
                                { namespace: `s3://${processed}`, name: "entity-resolution" },
                            ],
                            outputs: [{ namespace: `s3://${curated}`, name: "curated" }],
                        },
                        qualityChecks: qualityChecks.map((c, i) => ({
                            database: dbs[i],
                            table: c.table,
                            rulesetNames: c.rulesetNames,
                        })),
                        qualityRoleArn,
                        partitionCrawlerName: partitionCrawlerArn ? args.qualityPartitionCrawler : undefined,
                        pollSeconds: args.pollSeconds ?? 60,
                        refreshMarts: args.refreshMarts
                            ? {
                                  workgroupName: args.refreshMarts.workgroupName,
                                  database: args.refreshMarts.database,
                                  sql: args.refreshMarts.sql,
                              }
                            : undefined,
                        eventBusName: bus,
                        alarmTopicArn: topic,
                        lineageNamespace: `${naming.prefix}-${naming.environment}`,
                        // A URI naming the producing code (OpenLineage `producer`): the platform's pipeline.
                        lineageProducer: `urn:cdp:${naming.prefix}-${naming.environment}:etl-pipeline`,
                        retry,
                    }),
                ),
            );
        this.stateMachine = new aws.sfn.StateMachine(
            `${name}-machine`,
            {
                name: machineName,
                type: "STANDARD",
                roleArn: machineRole.role.arn,
                definition: this.definition,
                loggingConfiguration: {
                    level: "ALL",
                    includeExecutionData: true,
                    logDestination: pulumi.interpolate`${machineLogGroup.arn}:*`,
                },
                tracingConfiguration: { enabled: true },
                encryptionConfiguration: {
                    type: "CUSTOMER_MANAGED_KMS_KEY",
                    kmsKeyId: args.kmsKeyArn,
                    kmsDataKeyReusePeriodSeconds: 300,
                },
            },
            { parent: this, dependsOn: [machineRole.policy] },
        );
        this.stateMachineArn = this.stateMachine.arn;
        this.stateMachineRoleArn = machineRole.role.arn;

        access.push({
            id: "etl-state-machine/run-jobs",
            principal: machineRole.role.arn,
            requests: [
                ...jobArns.map((resource) => ({
                    actions: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
                    resource,
                })),
                { actions: ["states:ListExecutions"], resource: machineArn },
                {
                    actions: ["events:PutEvents"],
                    resource: eventBusArn,
                    external:
                        "the account's default event bus: without a resource policy, same-account callers need only their identity policy",
                },
                { actions: ["sns:Publish"], resource: args.alarmTopicArn },
                {
                    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    resource: args.kmsKeyArn,
                    context: { "kms:ViaService": pulumi.interpolate`sns.${ctx.region}.${ctx.dnsSuffix}` },
                },
                ...(qualityRole
                    ? [
                          ...rulesetArns.map((resource) => ({
                              actions: ["glue:StartDataQualityRulesetEvaluationRun"],
                              resource,
                              external:
                                  "a Glue Data Quality ruleset of the data contracts: rulesets have no resource policy, same-account callers need only their identity policy",
                          })),
                          {
                              actions: ["iam:PassRole"],
                              resource: qualityRole.role.arn,
                              context: { "iam:PassedToService": "glue.amazonaws.com" },
                          },
                          ...(partitionCrawlerArn
                              ? [
                                    {
                                        actions: ["glue:StartCrawler", "glue:GetCrawler"],
                                        resource: partitionCrawlerArn,
                                        external:
                                            "the processed zone's partition crawler (SchemaCrawlers): crawlers have no resource policy",
                                    },
                                ]
                              : []),
                      ]
                    : []),
            ],
            doc: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html",
            why: "the state machine runs its two jobs, checks its own executions, publishes events and failures",
        });
        access.push({
            id: "etl-state-machine/logs",
            principal: machineRole.role.arn,
            requests: [
                {
                    actions: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeLogGroups"],
                    resource: "*",
                },
            ],
            doc: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
            why: "the state machine delivers its execution logs (level ALL) to its CMK-encrypted log group",
        });
        access.push({
            id: "etl-state-machine/execution-data-key",
            principal: machineRole.role.arn,
            requests: [
                { actions: ["kms:Decrypt", "kms:GenerateDataKey"], resource: args.kmsKeyArn, context: machineContext },
                { actions: ["kms:GenerateDataKey"], resource: args.kmsKeyArn, context: logsContext },
            ],
            doc: "https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html",
            why: "the state machine encrypts its execution data and its log delivery with the governance CMK",
        });

        // Triggers: a schedule (EventBridge Scheduler) and arrivals of raw data (S3 → EventBridge → rule).
        // Starting an execution of a CMK-encrypted state machine encrypts its input under the machine's context: the
        // caller needs kms:GenerateDataKey and kms:Decrypt (encryption-at-rest page above).
        const triggerStatements = (sid: string): PolicyStatement[] => [
            { Sid: sid, Effect: "Allow", Action: "states:StartExecution", Resource: this.stateMachine.arn },
            {
                Sid: `${sid}Key`,
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: machineContext },
            },
        ];
        const triggerRequests = [
            { actions: ["states:StartExecution"], resource: this.stateMachine.arn },
            { actions: ["kms:GenerateDataKey", "kms:Decrypt"], resource: args.kmsKeyArn, context: machineContext },
        ];
        const schedule = args.schedule ?? { expression: "cron(0 2 * * ? *)", timezone: "UTC" };
        const group = new aws.scheduler.ScheduleGroup(
            `${name}-schedules`,
            { name: naming.name("generic", "etl") },
            { parent: this },
        );
        // Invocations Scheduler cannot make after its retries go to an encrypted dead-letter queue, sent with the
        // schedule's execution role (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
        const scheduleDlq = createDeadLetterQueue(`${name}-schedule-dlq`, this, {
            queueName: naming.name("sqsQueue", "etl", "schedule", "dlq"),
            kmsKeyArn: args.kmsKeyArn,
        });
        deadLetterDepthAlarm(
            `${name}-schedule-dlq-queued`,
            this,
            args.alarmTopicArn,
            scheduleDlq,
            `Scheduled runs of ${machineName} that could not start wait in the dead-letter queue: check the schedule's role and the state machine`,
        );
        const sqsVia = pulumi.interpolate`sqs.${ctx.region}.${ctx.dnsSuffix}`;
        const schedulerRole = serviceRole(`${name}-scheduler`, this, {
            service: "scheduler.amazonaws.com",
            accountId: ctx.accountId,
            description: `EventBridge Scheduler: start ${machineName}`,
            trustCondition: { ArnLike: { "aws:SourceArn": group.arn } },
            statements: [
                ...triggerStatements("StartPipeline"),
                { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: scheduleDlq.arn },
                {
                    Sid: "EncryptedDeadLetters",
                    Effect: "Allow",
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: args.kmsKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": sqsVia } },
                },
                {
                    // The schedule is encrypted with the CMK: Scheduler decrypts it with the execution role
                    // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/encryption-rest.html).
                    Sid: "DecryptSchedule",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: args.kmsKeyArn,
                },
            ],
        });
        new aws.scheduler.Schedule(
            `${name}-schedule`,
            {
                name: naming.name("generic", "etl", "run"),
                groupName: group.name,
                scheduleExpression: schedule.expression,
                scheduleExpressionTimezone: schedule.timezone ?? "UTC",
                flexibleTimeWindow: { mode: "OFF" },
                kmsKeyArn: args.kmsKeyArn,
                target: {
                    arn: this.stateMachine.arn,
                    roleArn: schedulerRole.role.arn,
                    input: JSON.stringify({ trigger: "schedule" }),
                    deadLetterConfig: { arn: scheduleDlq.arn },
                    retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
                },
            },
            { parent: this, dependsOn: [schedulerRole.policy] },
        );
        access.push({
            id: "etl-scheduler/start-execution",
            principal: schedulerRole.role.arn,
            requests: [...triggerRequests, { actions: ["kms:Decrypt"], resource: args.kmsKeyArn }],
            doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
            why: "the schedule starts the pipeline",
        });
        access.push({
            id: "etl-scheduler/dead-letters",
            principal: schedulerRole.role.arn,
            requests: [
                { actions: ["sqs:SendMessage"], resource: scheduleDlq.arn },
                {
                    actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                    resource: args.kmsKeyArn,
                    context: { "kms:ViaService": sqsVia },
                },
            ],
            doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html",
            why: "scheduled runs that cannot start go to the encrypted dead-letter queue, sent with the schedule's role",
        });

        if (args.startOnArrival ?? true) {
            // S3 sends every event of the raw bucket to the account's default bus
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html); the rule keeps Object Created
            // under the data prefixes. Bursts of objects start many executions: each ends at once when another runs
            // (model/etl-state-machine.ts, CheckAlreadyRunning), and job bookmarks make the next run pick up the rest.
            new aws.s3.BucketNotification(
                `${name}-raw-eventbridge`,
                { bucket: args.raw.bucketName, eventbridge: true },
                { parent: this },
            );
            const rule = new aws.cloudwatch.EventRule(
                `${name}-raw-arrival`,
                {
                    name: naming.name("generic", "etl", "raw-arrival"),
                    description: "New raw data: start the ETL pipeline",
                    eventPattern: pulumi.output(args.raw.bucketName).apply((bucket) =>
                        JSON.stringify({
                            source: ["aws.s3"],
                            "detail-type": ["Object Created"],
                            detail: {
                                bucket: { name: [bucket] },
                                object: { key: rawPrefixes.map((prefix) => ({ prefix })) },
                            },
                        }),
                    ),
                },
                { parent: this },
            );
            const eventsRole = serviceRole(`${name}-events`, this, {
                service: "events.amazonaws.com",
                accountId: ctx.accountId,
                description: `EventBridge: start ${machineName} on new raw data`,
                statements: triggerStatements("StartPipeline"),
            });
            // Arrivals EventBridge cannot start the pipeline with (after the retry policy) wait in an encrypted
            // dead-letter queue, with an alarm on its depth; the governance key admits EventBridge
            // (`etlKeyStatements`; https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
            const deadLetters = createRuleDeadLetters(`${name}-raw-arrival-dlq`, this, {
                queueName: naming.name("sqsQueue", "etl", "raw-arrival", "dlq"),
                kmsKeyArn: args.kmsKeyArn,
                ruleArn: rule.arn,
                alarmTopicArn: args.alarmTopicArn,
                alarmDescription: `Raw arrivals that could not start ${machineName} wait in the dead-letter queue: check the rule's role and the state machine, then redrive (the next scheduled run also picks the data up)`,
                accessId: "etl-raw-arrival/dead-letters",
                why: "arrivals the rule cannot deliver go to the encrypted dead-letter queue",
                ctx,
            });
            new aws.cloudwatch.EventTarget(
                `${name}-raw-arrival`,
                {
                    rule: rule.name,
                    arn: this.stateMachine.arn,
                    roleArn: eventsRole.role.arn,
                    deadLetterConfig: deadLetters.deadLetterConfig,
                    retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
                },
                { parent: this },
            );
            access.push(deadLetters.access);
            access.push({
                id: "etl-raw-arrival/start-execution",
                principal: eventsRole.role.arn,
                requests: triggerRequests,
                doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html",
                why: "new raw data starts the pipeline",
            });
        }

        // Alarms: failed executions (AWS/States ExecutionsFailed), and failed job runs however started: a rule on
        // Glue's job state-change events (https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html)
        // for these jobs, alarmed on its TriggeredRules metric (AWS/Events, RuleName,
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html): the alarm topic admits
        // CloudWatch alarms only, so no rule publishes to it directly.
        createAlarm(`${name}-executions-failed`, this, args.alarmTopicArn, {
            description: `ETL pipeline ${machineName}: an execution failed`,
            namespace: "AWS/States",
            metricName: "ExecutionsFailed",
            dimensions: { StateMachineArn: this.stateMachine.arn },
            statistic: "Sum",
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        });
        const jobFailedRule = new aws.cloudwatch.EventRule(
            `${name}-job-failed`,
            {
                name: naming.name("generic", "etl", "job-failed"),
                description: "A run of an ETL Glue job failed, timed out or errored",
                eventPattern: pulumi.all([first.job.name, second.job.name]).apply((names) =>
                    JSON.stringify({
                        source: ["aws.glue"],
                        "detail-type": ["Glue Job State Change"],
                        detail: { jobName: names, state: ["FAILED", "TIMEOUT", "ERROR"] },
                    }),
                ),
            },
            { parent: this },
        );
        createAlarm(`${name}-job-failed`, this, args.alarmTopicArn, {
            description: `ETL Glue jobs ${first.name}, ${second.name}: a job run failed`,
            namespace: "AWS/Events",
            metricName: "TriggeredRules",
            dimensions: { RuleName: jobFailedRule.name },
            statistic: "Sum",
            comparison: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        });

        // Least privilege, stated for the access proof (invariant declared-boundaries): what each role must never do.
        const s3Via = pulumi.interpolate`s3.${ctx.region}.${ctx.dnsSuffix}`;
        const object = (zone: EtlZone, prefix: string) =>
            pulumi.output(zone.bucketArn).apply((bucket) => exampleObjectArn(bucket, prefix));
        const objects = (actions: string[], zone: EtlZone, prefixes: string[]) =>
            prefixes.map((prefix) => ({ actions, resource: object(zone, prefix) }));
        const keyViaS3 = (actions: string[], zone: EtlZone) => ({
            actions,
            resource: zone.keyArn,
            context: { "kms:ViaService": s3Via, "kms:EncryptionContext:aws:s3:arn": zone.bucketArn },
        });
        const write = ["s3:PutObject", "s3:DeleteObject"];
        const boundaries: Array<{ id: string; principal: pulumi.Input<string>; requests: unknown[]; why: string }> = [
            {
                id: "etl-raw-to-processed/zones",
                principal: first.role.arn,
                requests: [
                    ...objects(write, args.raw, ["", ...rawPrefixes]),
                    ...objects(["s3:GetObject", ...write], args.curated, ["", "customer_360/"]),
                    ...objects(write, args.processed, ["", "entity-resolution/access-proof/"]),
                    keyViaS3(["kms:Decrypt", "kms:GenerateDataKey"], args.curated),
                ],
                why: "the raw → processed job reads raw and writes processed (entities, quarantine) only",
            },
            {
                id: "etl-processed-to-curated/zones",
                principal: second.role.arn,
                requests: [
                    ...objects(["s3:GetObject", ...write], args.raw, ["", ...rawPrefixes]),
                    ...objects(write, args.processed, [
                        "",
                        PROCESSED_PREFIXES.entities,
                        PROCESSED_PREFIXES.quarantine,
                        "entity-resolution/access-proof/",
                    ]),
                    keyViaS3(["kms:Decrypt"], args.raw),
                    keyViaS3(["kms:GenerateDataKey"], args.processed),
                ],
                why: "the processed → curated job reads processed and writes curated only; it never reads raw",
            },
            {
                id: "etl-state-machine/jobs-only",
                principal: machineRole.role.arn,
                requests: [
                    { actions: ["glue:StartJobRun"], resource: arn("glue", "job/access-proof-other-job") },
                    ...[first.role.arn, second.role.arn].map((resource) => ({
                        actions: ["iam:PassRole"],
                        resource,
                        context: { "iam:PassedToService": "glue.amazonaws.com" },
                    })),
                    ...objects(["s3:GetObject", "s3:PutObject"], args.raw, [""]),
                    ...objects(["s3:GetObject", "s3:PutObject"], args.processed, [PROCESSED_PREFIXES.entities]),
                    ...objects(["s3:GetObject", "s3:PutObject"], args.curated, [""]),
                    {
                        actions: ["glue:StartDataQualityRulesetEvaluationRun"],
                        resource: arn("glue", "dataQualityRuleset/access-proof-other-ruleset"),
                    },
                ],
                why: "the state machine starts only its own jobs and rulesets, passes only the data-quality role, and touches no data",
            },
        ];
        if (qualityRole)
            boundaries.push({
                id: "etl-quality/read-only",
                principal: qualityRole.role.arn,
                requests: [
                    ...objects(write, args.processed, ["", PROCESSED_PREFIXES.entities, PROCESSED_PREFIXES.quarantine]),
                    ...objects(["s3:GetObject", ...write], args.raw, ["", ...rawPrefixes]),
                    ...objects(["s3:GetObject", ...write], args.curated, [""]),
                    keyViaS3(["kms:GenerateDataKey"], args.processed),
                    { actions: ["glue:UpdateTable", "glue:DeleteTable"], resource: qualityTables[0] },
                ],
                why: "Glue Data Quality reads the evaluated tables and writes nothing in the lake",
            });
        this.accessBoundaries = pulumi.output(boundaries as never) as pulumi.Output<AccessBoundary[]>;

        this.requiredAccess = requiredAccess(access);
        this.qualityRoleArn = qualityRole?.role.arn;
        this.registerOutputs({
            artifactsBucketName: this.artifactsBucketName,
            stateMachineArn: this.stateMachineArn,
            requiredAccess: this.requiredAccess,
            [ACCESS_BOUNDARIES_OUTPUT]: this.accessBoundaries,
            ...(lakeFormationPrincipals.length > 0
                ? { [LF_PRINCIPALS_OUTPUT]: pulumi.all(lakeFormationPrincipals) }
                : {}),
        });
    }
}
