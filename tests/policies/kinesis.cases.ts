import * as aws from "@pulumi/aws";
import { ACCOUNT, doc, json, key, notPublicCases, type PolicyCase } from "./kit";

/** Cases of the Kinesis and Firehose rules (rules/kinesis.ts). */

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/pol-test-service`;

const BUCKET_ARN = `arn:aws:s3:::pol-test-raw-${ACCOUNT}-eu-west-1`;

const STREAM_ARN = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/pol-test-events`;

function kinesisStream(p: aws.Provider, broken?: "no-encryption" | "aws-key"): void {
    const cmk = key(p);
    new aws.kinesis.Stream(
        "events",
        {
            shardCount: 1,
            retentionPeriod: 168,
            encryptionType: broken === "no-encryption" ? "NONE" : "KMS",
            kmsKeyId: broken === "no-encryption" ? undefined : broken === "aws-key" ? "alias/aws/kinesis" : cmk.keyArn,
        },
        { provider: p },
    );
}

function firehose(p: aws.Provider, variant: "cmk" | "kinesis-source" | "no-sse" | "aws-owned"): void {
    const cmk = key(p);
    const destination = {
        destination: "extended_s3",
        extendedS3Configuration: { roleArn: ROLE_ARN, bucketArn: BUCKET_ARN },
    };
    if (variant === "kinesis-source") {
        new aws.kinesis.FirehoseDeliveryStream(
            "delivery",
            { ...destination, kinesisSourceConfiguration: { kinesisStreamArn: STREAM_ARN, roleArn: ROLE_ARN } },
            { provider: p },
        );
        return;
    }
    const serverSideEncryption =
        variant === "no-sse"
            ? undefined
            : variant === "aws-owned"
              ? { enabled: true, keyType: "AWS_OWNED_CMK" }
              : { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: cmk.keyArn };
    new aws.kinesis.FirehoseDeliveryStream("delivery", { ...destination, serverSideEncryption }, { provider: p });
}

function stream(p: aws.Provider, retentionPeriod?: number): void {
    new aws.kinesis.Stream(
        "clicks",
        {
            name: "pol-test-clicks",
            encryptionType: "KMS",
            kmsKeyId: key(p).keyArn,
            retentionPeriod,
            streamModeDetails: { streamMode: "ON_DEMAND" },
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    {
        policy: "kinesis-stream-encrypted",
        title: "stream without encryption",
        violating: (p) => kinesisStream(p, "no-encryption"),
        compliant: (p) => kinesisStream(p),
    },
    {
        policy: "kinesis-stream-encrypted",
        title: "stream on the AWS-managed alias/aws/kinesis key",
        violating: (p) => kinesisStream(p, "aws-key"),
        compliant: (p) => kinesisStream(p),
    },
    {
        policy: "firehose-sse",
        title: "Direct PUT delivery stream without SSE",
        violating: (p) => firehose(p, "no-sse"),
        compliant: (p) => firehose(p, "cmk"),
    },
    {
        policy: "firehose-sse",
        title: "delivery stream on the AWS-owned key",
        violating: (p) => firehose(p, "aws-owned"),
        compliant: (p) => firehose(p, "cmk"),
    },
    {
        policy: "firehose-sse",
        title: "Kinesis-sourced delivery stream is exempt (inherits the stream's encryption)",
        violating: (p) => firehose(p, "no-sse"),
        compliant: (p) => firehose(p, "kinesis-source"),
    },
    // kinesis-retention
    {
        policy: "kinesis-retention",
        title: "stream retention below the 24-hour minimum (12 h; AWS would also refuse it)",
        violating: (p) => stream(p, 12),
        compliant: (p) => stream(p, 168),
    },
    {
        policy: "kinesis-retention",
        title: "23-hour retention is below the minimum; an unset retention counts as AWS's 24 hours",
        violating: (p) => stream(p, 23),
        compliant: (p) => stream(p),
    },
    ...notPublicCases("kinesis-resource-policy-not-public", (p, grant) => {
        const arn = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/ingest`;
        new aws.kinesis.ResourcePolicy(
            "ingest",
            {
                resourceArn: arn,
                policy: json(
                    doc({ Sid: "Put", Effect: "Allow", Action: "kinesis:PutRecord", Resource: arn, ...grant }),
                ),
            },
            { provider: p },
        );
    }),
];
