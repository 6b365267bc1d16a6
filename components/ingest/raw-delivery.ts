import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type RequiredAccessInput, s3Access } from "../shared/access";
import type { AwsContext } from "../shared/context";
import { type PolicyStatement, type S3Access, s3AccessStatements } from "../shared/iam";
import { RAW_WRITER_ROLE_PATH, rawErrorsFolder } from "../../model/raw-layout";
import { createLogGroup, logWriteStatement } from "../shared/logs";
import { serviceRole } from "../shared/roles";
import type { ZoneTarget } from "./zone-target";

export interface RawDeliverySpec {
    /** Physical delivery stream name (naming rules `firehoseStream`). */
    streamName: string;
    rawZone: ZoneTarget;
    /** Raw-zone folder the stream writes (`<folder>/...`); rejected records go to `errors/<folder>/...`. */
    folder: string;
    /** Partition path under the folder, with Firehose expressions, e.g. `source=!{partitionKeyFromQuery:source}`. */
    partitions: string;
    /** The hub CMK for the delivery log group (and SSE of Direct PUT streams). */
    kmsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    /** Record processors (Lambda transformation, metadata extraction, delimiter). */
    processors: aws.types.input.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessor[];
    /** A Kinesis stream source (then the stream's encryption applies), or Direct PUT encrypted with `kmsKeyArn`. */
    source:
        | { kind: "kinesis"; streamArn: pulumi.Input<string>; readStatements: PolicyStatement[] }
        | { kind: "direct-put" };
    /** Other statements the role needs (invoking the transformation Lambda). */
    statements?: PolicyStatement[];
    buffering: { sizeMb: number; intervalSeconds: number };
    ctx: AwsContext;
}

/**
 * What a Firehose delivery stream needs on the raw zone, for its role and (cross-account) the bucket policy: the
 * documented Firehose S3 destination actions (see `S3Access`), on `<folder>/` and `errors/<folder>/`.
 */
export const RAW_DELIVERY_ACCESS: S3Access = "firehose";

/** The raw-zone folders a delivery stream writing `<folder>/` uses: the data folder and its error folder. */
export const rawDeliveryFolders = (folder: string): string[] => [folder, rawErrorsFolder(folder)];

/**
 * A Firehose delivery stream into the raw zone, the platform's way: dynamic partitioning under `<folder>/`, rejected
 * records under `errors/<folder>/`, GZIP, the zone's key, an encrypted delivery log group, and a role that may write
 * only those two folders.
 */
export function createRawDelivery(
    name: string,
    parent: pulumi.Resource,
    spec: RawDeliverySpec,
): { stream: aws.kinesis.FirehoseDeliveryStream; role: aws.iam.Role; access: RequiredAccessInput[] } {
    const { rawZone, folder } = spec;
    const logGroup = createLogGroup(`${name}-delivery`, parent, {
        name: `/aws/kinesisfirehose/${spec.streamName}`,
        kmsKeyArn: spec.kmsKeyArn,
        retentionDays: spec.logRetentionDays,
    });
    const logStream = new aws.cloudwatch.LogStream(
        `${name}-delivery`,
        { name: "S3Delivery", logGroupName: logGroup.name },
        { parent },
    );
    const kinesis = spec.source.kind === "kinesis" ? spec.source : undefined;
    const delivery = serviceRole(`${name}-delivery`, parent, {
        service: "firehose.amazonaws.com",
        accountId: spec.ctx.accountId,
        description: `Firehose ${spec.streamName}: write raw/${folder}/`,
        // The raw zone grants the hub account only to roles under this path (model/raw-layout.ts).
        path: RAW_WRITER_ROLE_PATH,
        statements: [
            ...(kinesis?.readStatements ?? []),
            ...rawDeliveryFolders(folder).flatMap((prefix, i) =>
                s3AccessStatements(
                    RAW_DELIVERY_ACCESS,
                    {
                        bucketArn: rawZone.bucketArn,
                        keyArn: rawZone.keyArn,
                        prefix,
                        crossAccountAcl: rawZone.crossAccount ?? false,
                    },
                    i === 0 ? "RawData" : "RawErrors",
                ),
            ),
            ...(spec.statements ?? []),
            logWriteStatement(logGroup.arn, "WriteDeliveryLogs"),
        ],
    });
    const stream = new aws.kinesis.FirehoseDeliveryStream(
        name,
        {
            name: spec.streamName,
            destination: "extended_s3",
            ...(kinesis
                ? { kinesisSourceConfiguration: { kinesisStreamArn: kinesis.streamArn, roleArn: delivery.role.arn } }
                : { serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: spec.kmsKeyArn } }),
            extendedS3Configuration: {
                roleArn: delivery.role.arn,
                bucketArn: rawZone.bucketArn,
                prefix: `${folder}/${spec.partitions}/`,
                errorOutputPrefix: `${rawErrorsFolder(folder)}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
                bufferingSize: spec.buffering.sizeMb,
                bufferingInterval: spec.buffering.intervalSeconds,
                compressionFormat: "GZIP",
                fileExtension: ".json.gz",
                kmsKeyArn: rawZone.keyArn,
                dynamicPartitioningConfiguration: { enabled: true, retryDuration: 300 },
                processingConfiguration: { enabled: true, processors: spec.processors },
                cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: logStream.name },
            },
        },
        { parent, dependsOn: [delivery.policy] },
    );
    // What Firehose needs to deliver into a bucket of another account, listed in "Grant Firehose access to an Amazon
    // S3 destination" and "Cross-account delivery to an Amazon S3 destination" (PutObjectAcl: Firehose sets
    // bucket-owner-full-control), KMS through S3 with the bucket as encryption context, and reading a Kinesis source.
    const doc = "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3";
    const access: RequiredAccessInput[] = [folder, `errors/${folder}`].map((where) =>
        s3Access({
            id: `firehose-${spec.streamName}/s3-${where.replace(/\//g, "-")}`,
            principal: delivery.role.arn,
            bucketArn: rawZone.bucketArn,
            keyArn: rawZone.keyArn,
            prefix: `${where}/`,
            objectActions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject", "s3:PutObjectAcl"],
            bucketActions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            kmsActions: ["kms:GenerateDataKey", "kms:Decrypt"],
            objectContext: {
                "s3:x-amz-acl": "bucket-owner-full-control",
                "s3:x-amz-server-side-encryption": "aws:kms",
                "s3:x-amz-server-side-encryption-aws-kms-key-id": rawZone.keyArn,
            },
            ctx: spec.ctx,
            doc,
            why: `Firehose ${spec.streamName} writes ${where}/ of the raw zone (cross-account) with the zone key`,
        }),
    );
    if (kinesis) {
        access.push({
            id: `firehose-${spec.streamName}/kinesis-source`,
            principal: delivery.role.arn,
            requests: [
                {
                    actions: [
                        "kinesis:DescribeStream",
                        "kinesis:GetShardIterator",
                        "kinesis:GetRecords",
                        "kinesis:ListShards",
                    ],
                    resource: kinesis.streamArn,
                },
                {
                    actions: ["kms:Decrypt"],
                    resource: spec.kmsKeyArn,
                    context: {
                        "kms:ViaService": pulumi.interpolate`kinesis.${spec.ctx.region}.${spec.ctx.dnsSuffix}`,
                        "kms:EncryptionContext:aws:kinesis:arn": kinesis.streamArn,
                    },
                },
            ],
            doc: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3",
            why: `Firehose ${spec.streamName} reads its Kinesis source, encrypted with the hub key`,
        });
    }
    return { stream, role: delivery.role, access };
}
