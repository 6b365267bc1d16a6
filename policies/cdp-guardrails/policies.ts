import type { CdpPolicy } from "./lib/policy";
import { apigatewayPolicies } from "./rules/apigateway";
import { athenaPolicies } from "./rules/athena";
import { cloudtrailPolicies } from "./rules/cloudtrail";
import { daxPolicies } from "./rules/dax";
import { dynamodbPolicies } from "./rules/dynamodb";
import { eventbridgePolicies } from "./rules/eventbridge";
import { gluePolicies } from "./rules/glue";
import { guarddutyPolicies } from "./rules/guardduty";
import { iamPolicies } from "./rules/iam";
import { inspectorPolicies } from "./rules/inspector";
import { kinesisPolicies } from "./rules/kinesis";
import { kmsPolicies } from "./rules/kms";
import { lakeformationPolicies } from "./rules/lakeformation";
import { lambdaPolicies } from "./rules/lambda";
import { logsPolicies } from "./rules/logs";
import { maciePolicies } from "./rules/macie";
import { neptunePolicies } from "./rules/neptune";
import { redshiftPolicies } from "./rules/redshift";
import { s3Policies } from "./rules/s3";
import { sagemakerPolicies } from "./rules/sagemaker";
import { secretsmanagerPolicies } from "./rules/secretsmanager";
import { securityhubPolicies } from "./rules/securityhub";
import { snsPolicies } from "./rules/sns";
import { sqsPolicies } from "./rules/sqs";
import { stepfunctionsPolicies } from "./rules/stepfunctions";
import { tagsPolicies } from "./rules/tags";
import { transferPolicies } from "./rules/transfer";

/**
 * The pack's policies by the module of rules/ that defines them: one module per AWS service (`tags` holds the
 * cross-cutting required-tags rule). A policy lives in the module of the service whose resources it inspects.
 */
export const POLICIES_BY_SERVICE: Readonly<Record<string, readonly CdpPolicy[]>> = {
    apigateway: apigatewayPolicies,
    athena: athenaPolicies,
    cloudtrail: cloudtrailPolicies,
    dax: daxPolicies,
    dynamodb: dynamodbPolicies,
    eventbridge: eventbridgePolicies,
    glue: gluePolicies,
    guardduty: guarddutyPolicies,
    iam: iamPolicies,
    inspector: inspectorPolicies,
    kinesis: kinesisPolicies,
    kms: kmsPolicies,
    lakeformation: lakeformationPolicies,
    lambda: lambdaPolicies,
    logs: logsPolicies,
    macie: maciePolicies,
    neptune: neptunePolicies,
    redshift: redshiftPolicies,
    s3: s3Policies,
    sagemaker: sagemakerPolicies,
    secretsmanager: secretsmanagerPolicies,
    securityhub: securityhubPolicies,
    sns: snsPolicies,
    sqs: sqsPolicies,
    stepfunctions: stepfunctionsPolicies,
    tags: tagsPolicies,
    transfer: transferPolicies,
};

/**
 * Every policy of the pack, with its metadata. Kept apart from the `PolicyPack` construction (index.ts), which
 * starts the analyzer server the Pulumi CLI talks to, so that the offline plan and the tests can evaluate them.
 */
export const ALL_POLICIES: readonly CdpPolicy[] = Object.values(POLICIES_BY_SERVICE).flat();

export const PACK_NAME = "cdp-guardrails";
