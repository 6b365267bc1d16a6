import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess, s3Access } from "../shared/access";
import { DEFAULT_PREFIX, dataExchangeExportEnv } from "../../model/env/dataexchange-export";
import { envVariables } from "../../model/env/kit";
import { DATA_EXCHANGE_ID, DATA_EXCHANGE_ID_RULE, DATASET_NAME, DATASET_NAME_RULE } from "../../model/names";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { s3AccessStatements } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import type { Naming } from "../shared/naming";
import { createDeadLetterQueue } from "../shared/queues";
import type { ZoneTarget } from "./zone-target";

/** An AWS Data Exchange data set the platform is subscribed to. */
export interface DataExchangeDataSet {
    /** Data set id (32 hex characters in the console; `d-…`-style ids accepted too). */
    id: string;
    /** Folder name under `raw/<prefix>/`: 2-40 lower-case letters, digits, hyphens. */
    name: string;
}

export interface ThirdPartyFeedArgs {
    /** Naming scope of the export function and the dead-letter queue. */
    naming: Naming;
    /** The raw zone revisions are exported to. */
    rawZone: ZoneTarget;
    /** The hub's CMK: function environment, log group, dead-letter queue. */
    kmsKeyArn: pulumi.Input<string>;
    /** Days the export function's log group keeps logs. */
    logRetentionDays: number;
    /** The subscribed data sets to export; names must be unique. */
    dataSets: DataExchangeDataSet[];
    /**
     * Key prefix in the raw zone.
     * @default "thirdparty"
     */
    prefix?: string;
    /**
     * Reserved concurrency of the exporter. Reserving takes executions out of the account's unreserved pool, which
     * Lambda keeps at 100 or more: in an account whose concurrency quota is still the new-account 10, any reservation
     * fails the deployment. The exporter does not need one: it starts export jobs and returns, and a duplicate
     * invocation at worst starts a second job writing the same keys (the key pattern holds the revision id).
     * @default none: the account's unreserved pool
     */
    reservedConcurrency?: number;
}

export function validateThirdPartyFeedArgs(name: string, args: ThirdPartyFeedArgs): void {
    const issues = new IssueCollector();
    const at = `ThirdPartyFeed(${name})`;
    const names = new Set<string>();
    args.dataSets.forEach((d, i) => {
        if (!DATA_EXCHANGE_ID.test(d.id)) issues.add(`${at}.dataSets[${i}].id`, d.id, DATA_EXCHANGE_ID_RULE);
        if (!DATASET_NAME.test(d.name)) issues.add(`${at}.dataSets[${i}].name`, d.name, DATASET_NAME_RULE);
        if (names.has(d.name)) issues.add(`${at}.dataSets[${i}].name`, d.name, "a name not used by another data set");
        names.add(d.name);
    });
    const reserved = args.reservedConcurrency;
    if (reserved !== undefined && !(Number.isInteger(reserved) && reserved >= 1))
        issues.add(`${at}.reservedConcurrency`, reserved, "a whole number of executions, at least 1, or nothing");
    issues.throwIfAny(`Invalid arguments for ThirdPartyFeed "${name}"`);
}

/**
 * Third-party data from AWS Data Exchange: for each subscribed data set, an EventBridge rule on new revisions invokes a
 * small Lambda that starts a Data Exchange export job writing the revision to `raw/<prefix>/<dataset>/` with SSE-KMS
 * under the zone's key. Delivery failures and failed invocations land in an encrypted dead-letter queue.
 */
export class ThirdPartyFeed extends pulumi.ComponentResource {
    public readonly exporter: NodeFunction;
    public readonly deadLetters: aws.sqs.Queue;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: ThirdPartyFeedArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:ingest:ThirdPartyFeed", name, {}, opts);
        validateThirdPartyFeedArgs(name, args);
        const ctx = awsContext(this);
        const prefix = args.prefix ?? DEFAULT_PREFIX;
        const rules = args.dataSets.map(
            (d) =>
                new aws.cloudwatch.EventRule(
                    `${name}-${d.name}`,
                    {
                        description: `New revisions of Data Exchange data set ${d.name}`,
                        eventPattern: JSON.stringify({
                            source: ["aws.dataexchange"],
                            "detail-type": ["Revision Published To Data Set"],
                            resources: [d.id],
                        }),
                    },
                    { parent: this },
                ),
        );
        this.deadLetters = createDeadLetterQueue(`${name}-dlq`, this, {
            queueName: args.naming.name("sqsQueue", "thirdparty-dlq"),
            kmsKeyArn: args.kmsKeyArn,
            senders: [{ service: "events.amazonaws.com", sourceArns: rules.map((r) => r.arn) }],
        });
        // Entitled data sets carry the provider's account id, so the account part is a wildcard; the id is exact.
        const dataSetArn = (id: string) =>
            pulumi.interpolate`arn:${ctx.partition}:dataexchange:${ctx.region}:*:data-sets/${id}`;
        this.exporter = new NodeFunction(
            `${name}-exporter`,
            {
                bundle: dataExchangeExportEnv.function,
                functionName: args.naming.name("lambdaFunction", "dataexchange-export"),
                description: "Exports new AWS Data Exchange revisions to the raw zone",
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                reservedConcurrency: args.reservedConcurrency,
                environment: envVariables(dataExchangeExportEnv, {
                    RAW_BUCKET: args.rawZone.bucketName,
                    RAW_KMS_KEY_ARN: args.rawZone.keyArn,
                    PREFIX: prefix,
                    DATASETS: dataExchangeExportEnv.variables.DATASETS.format(
                        new Map(args.dataSets.map((d) => [d.id, d.name])),
                    ),
                }),
                statements: [
                    // CreateJob and ListJobs have no resource-level permissions; the rest is scoped to the data sets and jobs.
                    {
                        Sid: "CreateExportJobs",
                        Effect: "Allow",
                        Action: "dataexchange:CreateJob",
                        Resource: "*",
                        Condition: { StringEquals: { "dataexchange:JobType": "EXPORT_REVISIONS_TO_S3" } },
                    },
                    { Sid: "ListJobs", Effect: "Allow", Action: "dataexchange:ListJobs", Resource: "*" },
                    {
                        Sid: "RunExportJobs",
                        Effect: "Allow",
                        Action: ["dataexchange:StartJob", "dataexchange:GetJob"],
                        Resource: pulumi.interpolate`arn:${ctx.partition}:dataexchange:${ctx.region}:${ctx.accountId}:jobs/*`,
                        Condition: { StringEquals: { "dataexchange:JobType": "EXPORT_REVISIONS_TO_S3" } },
                    },
                    {
                        Sid: "ReadSubscribedRevisions",
                        Effect: "Allow",
                        Action: [
                            "dataexchange:GetDataSet",
                            "dataexchange:GetRevision",
                            "dataexchange:GetAsset",
                            "dataexchange:ListRevisionAssets",
                        ],
                        Resource: args.dataSets.flatMap((d) => [
                            dataSetArn(d.id),
                            pulumi.interpolate`${dataSetArn(d.id)}/*`,
                        ]),
                    },
                    // Export jobs run with the caller's credentials: Data Exchange reads the entitled revision's assets
                    // from its own `*aws-data-exchange*` buckets on the exporter's behalf (aws:CalledVia), as the
                    // subscriber managed policy grants ("AWSDataExchangeSubscriberFullAccess", AWS Managed Policy
                    // Reference: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDataExchangeSubscriberFullAccess.html;
                    // "Exporting assets from AWS Data Exchange to an S3 bucket", AWS Data Exchange User Guide:
                    // https://docs.aws.amazon.com/data-exchange/latest/userguide/jobs.html).
                    {
                        Sid: "ReadEntitledAssetsViaDataExchange",
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: pulumi.interpolate`arn:${ctx.partition}:s3:::*aws-data-exchange*`,
                        Condition: {
                            "ForAnyValue:StringEquals": { "aws:CalledVia": "dataexchange.amazonaws.com" },
                        },
                    },
                    // ... and write the revision to the raw zone with the same credentials.
                    ...s3AccessStatements(
                        "write",
                        { bucketArn: args.rawZone.bucketArn, keyArn: args.rawZone.keyArn, prefix },
                        "RawThirdParty",
                    ),
                    {
                        Sid: "FailedInvocations",
                        Effect: "Allow",
                        Action: "sqs:SendMessage",
                        Resource: this.deadLetters.arn,
                    },
                    {
                        Sid: "EncryptedDeadLetters",
                        Effect: "Allow",
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: args.kmsKeyArn,
                        Condition: {
                            StringEquals: { "kms:ViaService": pulumi.interpolate`sqs.${ctx.region}.${ctx.dnsSuffix}` },
                        },
                    },
                ],
            },
            { parent: this },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            name,
            {
                functionName: this.exporter.name,
                maximumRetryAttempts: 2,
                destinationConfig: { onFailure: { destination: this.deadLetters.arn } },
            },
            { parent: this },
        );
        args.dataSets.forEach((d, i) => {
            const rule = rules[i];
            new aws.lambda.Permission(
                `${name}-${d.name}`,
                {
                    action: "lambda:InvokeFunction",
                    function: this.exporter.name,
                    principal: "events.amazonaws.com",
                    sourceArn: rule.arn,
                    sourceAccount: ctx.accountId,
                },
                { parent: this },
            );
            new aws.cloudwatch.EventTarget(
                `${name}-${d.name}`,
                {
                    rule: rule.name,
                    arn: this.exporter.arn,
                    deadLetterConfig: { arn: this.deadLetters.arn },
                    retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
                },
                { parent: this },
            );
        });
        // Export jobs run with the exporter's credentials (aws:CalledVia Data Exchange): they read the provider's
        // asset objects (buckets named *aws-data-exchange*, granted on the provider side by AWS) and write the raw
        // zone with the zone key, as the export job request asks (SSE-KMS).
        const calledVia = { "aws:CalledVia": ["dataexchange.amazonaws.com"] };
        const exportDoc =
            "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDataExchangeSubscriberFullAccess.html";
        const access: RequiredAccessInput[] = [
            {
                id: "thirdparty-exporter/read-provider-assets",
                principal: this.exporter.role.arn,
                requests: [
                    {
                        actions: ["s3:GetObject"],
                        resource: pulumi.interpolate`arn:${ctx.partition}:s3:::aws-data-exchange-provider-assets-${ctx.region}/access-proof-object`,
                        context: calledVia,
                        external: "the provider's asset bucket: AWS Data Exchange grants the subscriber's export job",
                    },
                ],
                doc: exportDoc,
                why: "export jobs copy the provider's assets with the exporter's own credentials",
            },
            s3Access({
                id: "thirdparty-exporter/write-raw",
                principal: this.exporter.role.arn,
                bucketArn: args.rawZone.bucketArn,
                keyArn: args.rawZone.keyArn,
                prefix: `${prefix}/`,
                objectActions: ["s3:PutObject"],
                bucketActions: ["s3:GetBucketLocation"],
                kmsActions: ["kms:GenerateDataKey"],
                objectContext: {
                    "s3:x-amz-server-side-encryption": "aws:kms",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id": args.rawZone.keyArn,
                },
                context: calledVia,
                ctx,
                doc: "https://docs.aws.amazon.com/data-exchange/latest/userguide/export-rev-s3-prog.html",
                why: `export jobs write the revisions under raw/${prefix}/ with the zone key (cross-account)`,
            }),
            ...rules.map(
                (rule, i): RequiredAccessInput => ({
                    id: `thirdparty-${args.dataSets[i].name}/invoke-exporter`,
                    principal: "events.amazonaws.com",
                    requests: [
                        {
                            actions: ["lambda:InvokeFunction"],
                            resource: this.exporter.arn,
                            context: { "aws:SourceArn": rule.arn, "aws:SourceAccount": ctx.accountId },
                        },
                    ],
                    doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions",
                    why: `the rule on new revisions of ${args.dataSets[i].name} invokes the exporter`,
                }),
            ),
        ];
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({ exporterArn: this.exporter.arn, requiredAccess: this.requiredAccess });
    }
}
