import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy, forTypes } from "../lib/policy";
import { propsOf } from "../lib/props";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";

/** Kinesis Data Streams and Amazon Data Firehose: encryption at rest with a customer-managed key, stream retention. */

const kinesisStreamEncrypted = definePolicy({
    name: "kinesis-stream-encrypted",
    description:
        "Kinesis data streams encrypt at rest with server-side encryption under a customer-managed KMS key (FSBP Kinesis.1; cdk-nag AwsSolutions-KDS1). AwsSolutions-KDS3, which demands the AWS-managed aws/kinesis key, is deliberately not ported.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.kinesis.Stream set encryptionType: "KMS" and kmsKeyId to a customer-managed key ARN or alias (e.g. KmsKey.keyArn), not alias/aws/kinesis.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP Kinesis.1", "cdk-nag AwsSolutions-KDS1"],
        inspects: [...TYPES.kinesisStream],
    },
    validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, args, reportViolation) => {
        if (stream.encryptionType !== "KMS") {
            reportViolation(`${args.name}: encryptionType is ${stream.encryptionType ?? "unset (NONE)"}, not KMS`);
            return;
        }
        const problem = cmkProblem("kmsKeyId", stream.kmsKeyId);
        if (problem) reportViolation(`${args.name}: ${problem}`);
    }),
});

const firehoseSse = definePolicy({
    name: "firehose-sse",
    description:
        "Direct PUT Firehose delivery streams encrypt at rest with server-side encryption under a customer-managed KMS key (FSBP DataFirehose.1; cdk-nag AwsSolutions-KDF1, adapted). Streams with a kinesisSourceConfiguration are exempt: they do not store data at rest and inherit the source stream's encryption (kinesis-stream-encrypted).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'On the aws.kinesis.FirehoseDeliveryStream set serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: <customer-managed key ARN> } — or read from an encrypted Kinesis stream through kinesisSourceConfiguration.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP DataFirehose.1", "cdk-nag AwsSolutions-KDF1"],
        inspects: [...TYPES.firehoseDeliveryStream],
    },
    validateResource: validateResourceOfType(aws.kinesis.FirehoseDeliveryStream, (stream, args, reportViolation) => {
        if (stream.kinesisSourceConfiguration) return;
        const sse = stream.serverSideEncryption;
        if (sse?.enabled !== true) {
            reportViolation(
                `${args.name}: serverSideEncryption.enabled is not true (the delivery stream is not encrypted at rest)`,
            );
        } else if (sse.keyType !== "CUSTOMER_MANAGED_CMK") {
            reportViolation(
                `${args.name}: serverSideEncryption.keyType is ${sse.keyType ?? "unset (AWS_OWNED_CMK)"}, not CUSTOMER_MANAGED_CMK`,
            );
        } else {
            const problem = cmkProblem("serverSideEncryption.keyArn", sse.keyArn);
            if (problem) reportViolation(`${args.name}: ${problem}`);
        }
    }),
});

/** The props kinesis-retention reads (aws.kinesis.Stream). */
interface StreamProps {
    /** Hours. */
    retentionPeriod?: number;
}

/** AWS's own default and minimum retention of a Kinesis data stream, in hours. */
const KINESIS_DEFAULT_RETENTION_HOURS = 24;

const kinesisRetention = definePolicy({
    name: "kinesis-retention",
    description:
        "Kinesis data streams keep records for at least the configured number of hours (default 24, AWS's default; an unset retentionPeriod means 24) (FSBP Kinesis.3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set retentionPeriod (hours, 24-8760) on the aws.kinesis.Stream to at least the configured minimum.",
    configSchema: {
        properties: {
            minimumHours: { type: "integer", minimum: 24, maximum: 8760, default: KINESIS_DEFAULT_RETENTION_HOURS },
        },
    },
    cdp: { concern: "governance", controls: ["FSBP Kinesis.3"], inspects: [...TYPES.kinesisStream] },
    validateResource: forTypes(TYPES.kinesisStream, (args, reportViolation) => {
        const minimum = args.getConfig<{ minimumHours?: number }>().minimumHours ?? KINESIS_DEFAULT_RETENTION_HOURS;
        const raw = propsOf<StreamProps>(args).retentionPeriod;
        const retention = raw === undefined || raw === null ? KINESIS_DEFAULT_RETENTION_HOURS : Number(raw);
        if (!(retention >= minimum)) {
            reportViolation(
                `${args.name}: retentionPeriod is ${raw ?? `unset (${KINESIS_DEFAULT_RETENTION_HOURS})`} hours; at least ${minimum} required`,
            );
        }
    }),
});

const kinesisResourcePolicyNotPublic = resourcePolicyNotPublic({
    name: "kinesis-resource-policy-not-public",
    subject: "Kinesis data stream and consumer resource policies (aws.kinesis.ResourcePolicy)",
    controls: ["platform rule"],
    remediation:
        'In the aws.kinesis.ResourcePolicy name the producer or consumer accounts (arn:aws:iam::<account>:root) or roles; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount.',
    sources: [policyProperty(TYPES.kinesisResourcePolicy)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const kinesisPolicies: CdpPolicy[] = [
    kinesisStreamEncrypted,
    firehoseSse,
    kinesisRetention,
    kinesisResourcePolicyNotPublic,
];
