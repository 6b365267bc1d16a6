import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { dashboardCollector } from "../shared/dashboards";
import { IssueCollector } from "../shared/errors";
import { KmsKey } from "../shared/kms";
import type { Naming } from "../shared/naming";
import { validateLifecycle } from "../../model/lifecycle";
import { createSecureBucket, type SecureBucket } from "../storage/secure-bucket";

/** Athena's engine version the workgroup pins (v3: Trino-based; v2 is retired). */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

/** Bucket purpose of the query results bucket: `<prefix>-<env>-athena-results-<account>-<region>`. */
export const ATHENA_RESULTS_BUCKET = "athena-results";

export interface QueryWorkgroupArgs {
    /** Naming scope of the workgroup, its results bucket and key. */
    naming: Naming;
    /** Bucket receiving the results bucket's S3 server access logs (an `AccessLogBucket` that admits it). */
    accessLogBucketName: pulumi.Input<string>;
    /**
     * Bytes one query may scan before Athena cancels it; at least 10 MB.
     * @default 10 GiB
     */
    bytesScannedCutoffPerQuery?: number;
    /**
     * Days query results are kept.
     * @default 30
     */
    resultRetentionDays?: number;
    /**
     * Protect the results bucket and key from deletion (results themselves expire with `resultRetentionDays`).
     * @default true
     */
    dataProtection?: boolean;
}

/**
 * The Athena workgroup for governance and discovery queries: its configuration enforced (clients cannot choose
 * another output location or drop encryption), results SSE-KMS-encrypted under the workgroup's own CMK in a hardened
 * bucket whose objects expire, a per-query bytes-scanned cutoff, CloudWatch metrics published, the engine version
 * pinned ("Workgroup settings", Athena User Guide:
 * https://docs.aws.amazon.com/athena/latest/ug/workgroups-settings.html; "Encrypt Athena query results stored in
 * Amazon S3": https://docs.aws.amazon.com/athena/latest/ug/encrypting-query-results-stored-in-s3.html).
 */
export class QueryWorkgroup extends pulumi.ComponentResource {
    public readonly workgroup: aws.athena.Workgroup;
    public readonly kmsKey: KmsKey;
    public readonly results: SecureBucket;
    public readonly workgroupName: pulumi.Output<string>;

    constructor(name: string, args: QueryWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:QueryWorkgroup", name, {}, opts);
        const cutoff = args.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3;
        const retention = args.resultRetentionDays ?? 30;
        const issues = new IssueCollector();
        if (!Number.isInteger(cutoff) || cutoff < 10_000_000) {
            issues.add(
                `QueryWorkgroup(${name}).bytesScannedCutoffPerQuery`,
                cutoff,
                "a whole number of bytes ≥ 10000000",
            );
        }
        if (!Number.isInteger(retention) || retention < 1) {
            issues.add(`QueryWorkgroup(${name}).resultRetentionDays`, retention, "a whole number of days ≥ 1");
        }
        const lifecycle = {
            transitions: [],
            expirationDays: retention,
            noncurrentExpirationDays: 1,
            abortIncompleteMultipartUploadDays: 1,
        };
        issues.addAll(validateLifecycle(`QueryWorkgroup(${name}).lifecycle`, lifecycle));
        issues.throwIfAny(`Invalid arguments for QueryWorkgroup "${name}"`);
        const dataProtection = args.dataProtection ?? true;
        const ctx = awsContext(this);
        this.kmsKey = new KmsKey(
            `${name}-key`,
            {
                description: `Athena query results (${args.naming.prefix}-${args.naming.environment})`,
                alias: args.naming.name("kmsAlias", ATHENA_RESULTS_BUCKET),
                dataProtection,
            },
            { parent: this },
        );
        const bucketName = pulumi
            .all([ctx.accountId, ctx.region])
            .apply(([account, region]) => args.naming.bucket(ATHENA_RESULTS_BUCKET, account, region));
        this.results = createSecureBucket(name, this, {
            bucketName,
            encryption: { kind: "kms", keyArn: this.kmsKey.keyArn },
            policyStatements: () => [],
            lifecycle,
            accessLogging: { targetBucket: args.accessLogBucketName, targetPrefix: `${ATHENA_RESULTS_BUCKET}/` },
            dataProtection,
            tags: { "cdp:purpose": "athena-results" },
        });
        this.workgroup = new aws.athena.Workgroup(
            name,
            {
                name: args.naming.name("generic", "governance"),
                description: "Governance and discovery queries (enforced configuration, encrypted results)",
                state: "ENABLED",
                forceDestroy: !dataProtection,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    bytesScannedCutoffPerQuery: cutoff,
                    requesterPaysEnabled: false,
                    engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${this.results.bucket.bucket}/results/`,
                        expectedBucketOwner: ctx.accountId,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.kmsKey.keyArn },
                    },
                },
            },
            { parent: this },
        );
        this.workgroupName = this.workgroup.name;
        dashboardCollector(this).add("Governance queries", {
            kind: "metrics",
            title: "Athena: bytes scanned, query time",
            metrics: [
                {
                    namespace: "AWS/Athena",
                    metricName: "ProcessedBytes",
                    dimensions: { WorkGroup: this.workgroup.name },
                },
                {
                    namespace: "AWS/Athena",
                    metricName: "TotalExecutionTime",
                    dimensions: { WorkGroup: this.workgroup.name },
                    stat: "p99",
                },
            ],
        });
        this.registerOutputs({ workgroupName: this.workgroupName });
    }
}
