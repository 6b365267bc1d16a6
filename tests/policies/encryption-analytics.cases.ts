import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { key, type PolicyCase } from "./kit";

/**
 * Cases of the analytics encryption rules (Glue, Athena, Redshift, Neptune, SageMaker). Compliant programs also
 * satisfy the rest of the pack: Glue jobs on glueVersion 5.0 with a least-privilege role, Redshift clusters and
 * serverless workgroups private with enhanced VPC routing and audit logging, no Glue catalog database (whose LF
 * rules belong to another group).
 */

const ACCOUNT = "123456789012";
const SCRIPTS_BUCKET = "pol-test-scripts-123456789012-eu-west-1";
const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";
const VPC = "vpc-0a1b2c3d4e5f60001";

type KeyArn = pulumi.Input<string>;

/** A role `service` can assume, with one inline policy on named resources only (no wildcard action or resource). */
function serviceRole(p: aws.Provider, name: string, service: string, keyArn: KeyArn): aws.iam.Role {
    const role = new aws.iam.Role(
        name,
        {
            name: `pol-test-${name}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
            }),
        },
        { provider: p },
    );
    new aws.iam.RolePolicy(
        name,
        {
            role: role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadScript",
                        Effect: "Allow",
                        Action: ["s3:GetObject"],
                        Resource: `arn:aws:s3:::${SCRIPTS_BUCKET}/jobs/etl.py`,
                    },
                    {
                        Sid: "UseKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: keyArn,
                    },
                ],
            }),
        },
        { provider: p },
    );
    return role;
}

// ---------------------------------------------------------------------------------------------------------------
// Glue

type SecurityConfigurationFlaw =
    | "s3-sse-s3"
    | "cloudwatch-disabled"
    | "bookmarks-disabled"
    | "aws-managed-key"
    | "no-s3-key";

function securityConfiguration(
    p: aws.Provider,
    keyArn: KeyArn,
    flaw?: SecurityConfigurationFlaw,
    name = "pol-test-glue",
): aws.glue.SecurityConfiguration {
    return new aws.glue.SecurityConfiguration(
        name,
        {
            name,
            encryptionConfiguration: {
                s3Encryption:
                    flaw === "s3-sse-s3"
                        ? { s3EncryptionMode: "SSE-S3" }
                        : flaw === "no-s3-key"
                          ? { s3EncryptionMode: "SSE-KMS" }
                          : {
                                s3EncryptionMode: "SSE-KMS",
                                kmsKeyArn:
                                    flaw === "aws-managed-key"
                                        ? `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/glue`
                                        : keyArn,
                            },
                cloudwatchEncryption:
                    flaw === "cloudwatch-disabled"
                        ? { cloudwatchEncryptionMode: "DISABLED" }
                        : { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: keyArn },
                jobBookmarksEncryption:
                    flaw === "bookmarks-disabled"
                        ? { jobBookmarksEncryptionMode: "DISABLED" }
                        : { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: keyArn },
            },
        },
        { provider: p },
    );
}

const compliantSecurityConfiguration = (p: aws.Provider) => void securityConfiguration(p, key(p).keyArn);

function glueJob(
    p: aws.Provider,
    role: aws.iam.Role,
    securityConfigurationName: pulumi.Input<string> | undefined,
): aws.glue.Job {
    return new aws.glue.Job(
        "etl",
        {
            name: "pol-test-etl",
            roleArn: role.arn,
            glueVersion: "5.0",
            command: { name: "glueetl", scriptLocation: `s3://${SCRIPTS_BUCKET}/jobs/etl.py`, pythonVersion: "3" },
            workerType: "G.1X",
            numberOfWorkers: 2,
            timeout: 60,
            securityConfiguration: securityConfigurationName,
        },
        { provider: p },
    );
}

function glueCrawler(
    p: aws.Provider,
    role: aws.iam.Role,
    securityConfigurationName: pulumi.Input<string> | undefined,
): aws.glue.Crawler {
    return new aws.glue.Crawler(
        "raw",
        {
            name: "pol-test-raw",
            databaseName: "pol_test_raw",
            role: role.arn,
            s3Targets: [{ path: "s3://pol-test-raw-123456789012-eu-west-1/events/" }],
            securityConfiguration: securityConfigurationName,
        },
        { provider: p },
    );
}

/** A job and a crawler; `use` decides which security configuration they name. */
function glueWorkloads(
    p: aws.Provider,
    use: "dependency" | "literal-name" | "none" | "unknown-name" | "non-compliant",
): void {
    const cmk = key(p);
    const role = serviceRole(p, "glue", "glue.amazonaws.com", cmk.keyArn);
    const config = securityConfiguration(p, cmk.keyArn, use === "non-compliant" ? "bookmarks-disabled" : undefined);
    const name: pulumi.Input<string> | undefined =
        use === "dependency" || use === "non-compliant"
            ? config.name
            : use === "literal-name"
              ? "pol-test-glue"
              : use === "unknown-name"
                ? "pol-test-elsewhere"
                : undefined;
    glueJob(p, role, use === "unknown-name" ? config.name : name);
    glueCrawler(p, role, name);
}

type CatalogFlaw = "disabled" | "no-key" | "passwords-plain";

function catalogEncryption(p: aws.Provider, flaw?: CatalogFlaw): void {
    const cmk = key(p);
    new aws.glue.DataCatalogEncryptionSettings(
        "catalog",
        {
            dataCatalogEncryptionSettings: {
                encryptionAtRest:
                    flaw === "disabled"
                        ? { catalogEncryptionMode: "DISABLED" }
                        : {
                              catalogEncryptionMode: "SSE-KMS",
                              sseAwsKmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
                          },
                connectionPasswordEncryption:
                    flaw === "passwords-plain"
                        ? { returnConnectionPasswordEncrypted: false }
                        : { returnConnectionPasswordEncrypted: true, awsKmsKeyId: cmk.keyArn },
            },
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Athena

type WorkgroupFlaw = "sse-s3" | "no-key" | "not-enforced" | "no-configuration";

function athenaWorkgroup(p: aws.Provider, flaw?: WorkgroupFlaw): void {
    const cmk = key(p);
    new aws.athena.Workgroup(
        "analysts",
        {
            name: "pol-test-analysts",
            forceDestroy: true,
            configuration:
                flaw === "no-configuration"
                    ? undefined
                    : {
                          enforceWorkgroupConfiguration: flaw !== "not-enforced",
                          publishCloudwatchMetricsEnabled: true,
                          resultConfiguration: {
                              outputLocation: "s3://pol-test-athena-results-123456789012-eu-west-1/analysts/",
                              encryptionConfiguration:
                                  flaw === "sse-s3"
                                      ? { encryptionOption: "SSE_S3" }
                                      : {
                                            encryptionOption: "SSE_KMS",
                                            kmsKeyArn: flaw === "no-key" ? undefined : cmk.keyArn,
                                        },
                          },
                      },
        },
        { provider: p },
    );
}

/** A workgroup with Athena-managed query results under a CMK (no S3 output location). */
function athenaManagedResultsWorkgroup(p: aws.Provider): void {
    const cmk = key(p);
    new aws.athena.Workgroup(
        "managed",
        {
            name: "pol-test-managed",
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                managedQueryResultsConfiguration: { enabled: true, encryptionConfiguration: { kmsKey: cmk.keyArn } },
            },
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Redshift

/** A provisioned cluster, private, with enhanced VPC routing, TLS required and audit logging to CloudWatch. */
function redshiftCluster(p: aws.Provider, flaw?: "unencrypted" | "no-key"): void {
    const cmk = key(p);
    const parameters = new aws.redshift.ParameterGroup(
        "warehouse",
        {
            name: "pol-test-warehouse",
            family: "redshift-2.0",
            parameters: [
                { name: "require_ssl", value: "true" },
                { name: "enable_user_activity_logging", value: "true" },
            ],
        },
        { provider: p },
    );
    const cluster = new aws.redshift.Cluster(
        "warehouse",
        {
            clusterIdentifier: "pol-test-warehouse",
            nodeType: "ra3.large",
            clusterType: "multi-node",
            numberOfNodes: 2,
            databaseName: "analytics",
            masterUsername: "cdpadmin",
            manageMasterPassword: true,
            masterPasswordSecretKmsKeyId: cmk.keyArn,
            encrypted: flaw === "unencrypted" ? "false" : "true",
            kmsKeyId: flaw === undefined ? cmk.keyArn : undefined,
            publiclyAccessible: false,
            enhancedVpcRouting: true,
            clusterSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            clusterParameterGroupName: parameters.name,
            automatedSnapshotRetentionPeriod: 7,
            allowVersionUpgrade: true,
            port: 5440,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-warehouse-final",
        },
        { provider: p },
    );
    new aws.redshift.Logging(
        "warehouse",
        {
            clusterIdentifier: cluster.clusterIdentifier,
            logDestinationType: "cloudwatch",
            logExports: ["connectionlog", "userlog", "useractivitylog"],
        },
        { provider: p },
    );
}

/** A serverless namespace (CMK, log exports, managed admin secret) and its private workgroup. */
function redshiftServerless(p: aws.Provider, flaw?: "no-key"): void {
    const cmk = key(p);
    const namespace = new aws.redshiftserverless.Namespace(
        "lakehouse",
        {
            namespaceName: "pol-test-lakehouse",
            dbName: "analytics",
            adminUsername: "cdpadmin",
            manageAdminPassword: true,
            adminPasswordSecretKmsKeyId: cmk.keyArn,
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            logExports: ["userlog", "connectionlog", "useractivitylog"],
        },
        { provider: p },
    );
    new aws.redshiftserverless.Workgroup(
        "lakehouse",
        {
            namespaceName: namespace.namespaceName,
            workgroupName: "pol-test-lakehouse",
            publiclyAccessible: false,
            enhancedVpcRouting: true,
            subnetIds: SUBNETS,
            securityGroupIds: [SECURITY_GROUP],
            configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Neptune

function neptuneCluster(p: aws.Provider, flaw?: "unencrypted" | "no-key"): void {
    const cmk = key(p);
    new aws.neptune.Cluster(
        "graph",
        {
            clusterIdentifier: "pol-test-graph",
            engine: "neptune",
            storageEncrypted: flaw !== "unencrypted",
            kmsKeyArn: flaw === undefined ? cmk.keyArn : undefined,
            iamDatabaseAuthenticationEnabled: true,
            backupRetentionPeriod: 7,
            deletionProtection: true,
            copyTagsToSnapshot: true,
            enableCloudwatchLogsExports: ["audit"],
            neptuneSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-graph-final",
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// SageMaker

function sagemakerNotebook(p: aws.Provider, flaw?: "no-key"): void {
    const cmk = key(p);
    const role = serviceRole(p, "notebook", "sagemaker.amazonaws.com", cmk.keyArn);
    new aws.sagemaker.NotebookInstance(
        "explore",
        {
            name: "pol-test-explore",
            instanceType: "ml.t3.medium",
            roleArn: role.arn,
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            directInternetAccess: "Disabled",
            rootAccess: "Disabled",
            subnetId: SUBNETS[0],
            securityGroups: [SECURITY_GROUP],
            platformIdentifier: "notebook-al2023-v1",
        },
        { provider: p },
    );
}

function sagemakerEndpointConfiguration(p: aws.Provider, flaw?: "no-key" | "capture-no-key"): void {
    const cmk = key(p);
    new aws.sagemaker.EndpointConfiguration(
        "scoring",
        {
            name: "pol-test-scoring",
            kmsKeyArn: flaw === "no-key" ? undefined : cmk.keyArn,
            productionVariants: [
                {
                    variantName: "primary",
                    modelName: "pol-test-churn",
                    initialInstanceCount: 2,
                    instanceType: "ml.m5.large",
                },
            ],
            dataCaptureConfig: {
                destinationS3Uri: "s3://pol-test-capture-123456789012-eu-west-1/scoring/",
                initialSamplingPercentage: 10,
                captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
                kmsKeyId: flaw === "capture-no-key" ? undefined : cmk.keyArn,
            },
        },
        { provider: p },
    );
}

function sagemakerDomain(p: aws.Provider, flaw?: "no-key"): void {
    const cmk = key(p);
    const role = serviceRole(p, "studio", "sagemaker.amazonaws.com", cmk.keyArn);
    new aws.sagemaker.Domain(
        "studio",
        {
            domainName: "pol-test-studio",
            authMode: "IAM",
            vpcId: VPC,
            subnetIds: SUBNETS,
            appNetworkAccessType: "VpcOnly",
            kmsKeyId: flaw === "no-key" ? undefined : cmk.keyArn,
            defaultUserSettings: { executionRole: role.arn, securityGroups: [SECURITY_GROUP] },
        },
        { provider: p },
    );
}

const compliantSagemaker = (p: aws.Provider) => {
    sagemakerNotebook(p);
    sagemakerEndpointConfiguration(p);
    sagemakerDomain(p);
};

export const cases: PolicyCase[] = [
    // glue-security-configuration
    {
        policy: "glue-security-configuration",
        title: "S3 data encrypted with SSE-S3 instead of SSE-KMS",
        violating: (p) => void securityConfiguration(p, key(p).keyArn, "s3-sse-s3"),
        compliant: compliantSecurityConfiguration,
    },
    {
        policy: "glue-security-configuration",
        title: "SSE-KMS for S3 without a key",
        violating: (p) => void securityConfiguration(p, key(p).keyArn, "no-s3-key"),
        compliant: compliantSecurityConfiguration,
    },
    {
        policy: "glue-security-configuration",
        title: "S3 data on the AWS-managed aws/glue key",
        violating: (p) => void securityConfiguration(p, key(p).keyArn, "aws-managed-key"),
        compliant: compliantSecurityConfiguration,
    },
    {
        policy: "glue-security-configuration",
        title: "CloudWatch log encryption disabled (GL1)",
        violating: (p) => void securityConfiguration(p, key(p).keyArn, "cloudwatch-disabled"),
        compliant: compliantSecurityConfiguration,
    },
    {
        policy: "glue-security-configuration",
        title: "job bookmark encryption disabled (GL3)",
        violating: (p) => void securityConfiguration(p, key(p).keyArn, "bookmarks-disabled"),
        compliant: compliantSecurityConfiguration,
    },
    // glue-jobs-use-security-configuration
    {
        policy: "glue-jobs-use-security-configuration",
        title: "job and crawler without a security configuration",
        violating: (p) => glueWorkloads(p, "none"),
        compliant: (p) => glueWorkloads(p, "dependency"),
    },
    {
        policy: "glue-jobs-use-security-configuration",
        title: "crawler naming a security configuration that is not in the stack",
        violating: (p) => glueWorkloads(p, "unknown-name"),
        compliant: (p) => glueWorkloads(p, "literal-name"),
    },
    {
        policy: "glue-jobs-use-security-configuration",
        title: "job and crawler on a security configuration without bookmark encryption",
        violating: (p) => glueWorkloads(p, "non-compliant"),
        compliant: (p) => glueWorkloads(p, "dependency"),
    },
    // glue-catalog-encryption
    {
        policy: "glue-catalog-encryption",
        title: "catalog encryption at rest disabled",
        violating: (p) => catalogEncryption(p, "disabled"),
        compliant: (p) => catalogEncryption(p),
    },
    {
        policy: "glue-catalog-encryption",
        title: "catalog SSE-KMS without a customer-managed key",
        violating: (p) => catalogEncryption(p, "no-key"),
        compliant: (p) => catalogEncryption(p),
    },
    {
        policy: "glue-catalog-encryption",
        title: "connection passwords returned unencrypted",
        violating: (p) => catalogEncryption(p, "passwords-plain"),
        compliant: (p) => catalogEncryption(p),
    },
    // athena-workgroup-encrypted
    {
        policy: "athena-workgroup-encrypted",
        title: "query results encrypted with SSE_S3",
        violating: (p) => athenaWorkgroup(p, "sse-s3"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "SSE_KMS results without a key",
        violating: (p) => athenaWorkgroup(p, "no-key"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "workgroup configuration not enforced",
        violating: (p) => athenaWorkgroup(p, "not-enforced"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "workgroup without configuration",
        violating: (p) => athenaWorkgroup(p, "no-configuration"),
        compliant: athenaManagedResultsWorkgroup,
    },
    // redshift-cmk
    {
        policy: "redshift-cmk",
        title: 'cluster with encrypted "false"',
        violating: (p) => redshiftCluster(p, "unencrypted"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-cmk",
        title: "cluster encrypted without a customer-managed key",
        violating: (p) => redshiftCluster(p, "no-key"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-cmk",
        title: "serverless namespace without kmsKeyId",
        violating: (p) => redshiftServerless(p, "no-key"),
        compliant: (p) => redshiftServerless(p),
    },
    // neptune-encrypted
    {
        policy: "neptune-encrypted",
        title: "cluster storage not encrypted",
        violating: (p) => neptuneCluster(p, "unencrypted"),
        compliant: (p) => neptuneCluster(p),
    },
    {
        policy: "neptune-encrypted",
        title: "cluster encrypted with the default key",
        violating: (p) => neptuneCluster(p, "no-key"),
        compliant: (p) => neptuneCluster(p),
    },
    // sagemaker-kms
    {
        policy: "sagemaker-kms",
        title: "notebook instance without kmsKeyId (SM2)",
        violating: (p) => sagemakerNotebook(p, "no-key"),
        compliant: compliantSagemaker,
    },
    {
        policy: "sagemaker-kms",
        title: "endpoint configuration without kmsKeyArn",
        violating: (p) => sagemakerEndpointConfiguration(p, "no-key"),
        compliant: (p) => sagemakerEndpointConfiguration(p),
    },
    {
        policy: "sagemaker-kms",
        title: "endpoint data capture without a key",
        violating: (p) => sagemakerEndpointConfiguration(p, "capture-no-key"),
        compliant: (p) => sagemakerEndpointConfiguration(p),
    },
    {
        policy: "sagemaker-kms",
        title: "domain without kmsKeyId",
        violating: (p) => sagemakerDomain(p, "no-key"),
        compliant: (p) => sagemakerDomain(p),
    },
];
