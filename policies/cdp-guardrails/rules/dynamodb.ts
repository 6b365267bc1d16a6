import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { cmkProblem } from "../lib/keys";
import { type CdpPolicy, definePolicy } from "../lib/policy";
import { policyProperty, resourcePolicyNotPublic } from "../lib/resource-policy";
import { TYPES } from "../lib/types";

/** DynamoDB: tables and replicas encrypt under a customer-managed key; point-in-time recovery and deletion protection. */

const dynamodbTableCmk = definePolicy({
    name: "dynamodb-table-cmk",
    description:
        "DynamoDB tables and their replicas encrypt at rest under a customer-managed KMS key, not the AWS-owned or AWS-managed (alias/aws/dynamodb) key (platform rule).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.dynamodb.Table set serverSideEncryption: { enabled: true, kmsKeyArn: <customer-managed key ARN> }, and kmsKeyArn on every entry of replicas (a key of the replica's region) and on every aws.dynamodb.TableReplica.",
    cdp: {
        concern: "encryption",
        controls: ["platform rule"],
        inspects: [...TYPES.dynamodbTable, ...TYPES.dynamodbTableReplica],
    },
    validateResource: [
        validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
            const sse = table.serverSideEncryption;
            if (sse?.enabled !== true) {
                reportViolation(
                    `${args.name}: serverSideEncryption.enabled is not true (the table uses the AWS-owned key)`,
                );
            } else {
                const problem = cmkProblem("serverSideEncryption.kmsKeyArn", sse.kmsKeyArn);
                if (problem) reportViolation(`${args.name}: ${problem}`);
            }
            for (const replica of table.replicas ?? []) {
                const problem = cmkProblem("kmsKeyArn", replica.kmsKeyArn);
                if (problem)
                    reportViolation(
                        `${args.name}: replica in ${replica.regionName}: ${problem} (the replica uses alias/aws/dynamodb)`,
                    );
            }
        }),
        validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
            const problem = cmkProblem("kmsKeyArn", replica.kmsKeyArn);
            if (problem) reportViolation(`${args.name}: ${problem} (the replica uses alias/aws/dynamodb)`);
        }),
    ],
});

const dynamoDbPitr = definePolicy({
    name: "dynamodb-pitr",
    description:
        "DynamoDB tables have point-in-time recovery enabled (FSBP DynamoDB.2; cdk-nag AwsSolutions-DDB3), and tables the program protects (the platform protects data stores when data protection is on) also have deletion protection enabled (FSBP DynamoDB.6).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "On the aws.dynamodb.Table set pointInTimeRecovery { enabled: true }; when the table is protected (dataProtection on, `protect: true`) also set deletionProtectionEnabled: true.",
    cdp: {
        concern: "governance",
        controls: ["FSBP DynamoDB.2", "cdk-nag AwsSolutions-DDB3", "FSBP DynamoDB.6"],
        inspects: [...TYPES.dynamodbTable],
    },
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
        if (table.pointInTimeRecovery?.enabled !== true) {
            reportViolation(
                `DynamoDB table ${args.name}: point-in-time recovery is not enabled (pointInTimeRecovery.enabled is not true)`,
            );
        }
        if (args.opts.protect === true && table.deletionProtectionEnabled !== true) {
            reportViolation(`DynamoDB table ${args.name} is protected but deletionProtectionEnabled is not true`);
        }
    }),
});

const dynamodbResourcePolicyNotPublic = resourcePolicyNotPublic({
    name: "dynamodb-resource-policy-not-public",
    subject: "DynamoDB table and stream resource policies (aws.dynamodb.ResourcePolicy)",
    controls: ["platform rule"],
    remediation:
        'In the aws.dynamodb.ResourcePolicy name the accounts or roles that may use the table; keep Principal "*" only with StringEquals aws:PrincipalOrgID / aws:PrincipalAccount.',
    sources: [policyProperty(TYPES.dynamodbResourcePolicy)],
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const dynamodbPolicies: CdpPolicy[] = [dynamodbTableCmk, dynamoDbPitr, dynamodbResourcePolicyNotPublic];
