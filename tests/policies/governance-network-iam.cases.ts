import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { key, type PolicyCase } from "./kit";

/**
 * Cases of the IAM, Redshift network/audit, EventBridge, SQS DLQ, Kinesis retention, Transfer and Glue version rules.
 * Compliant programs satisfy the whole pack: CMKs from `key()`, roles with narrow inline policies, encrypted queues
 * with a dead-letter queue, encrypted Kinesis streams, encrypted Redshift with a Logging resource, Glue jobs under a
 * compliant security configuration.
 */

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const DATA_BUCKET = `pol-test-data-${ACCOUNT}-${REGION}`;
const SCRIPTS_BUCKET = `pol-test-scripts-${ACCOUNT}-${REGION}`;
const ORG_ID = "o-a1b2c3d4e5";
const SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const SECURITY_GROUP = "sg-0a1b2c3d4e5f60001";

type Doc = { Version: "2012-10-17"; Statement: Array<Record<string, unknown>> };
const doc = (...statements: Array<Record<string, unknown>>): Doc => ({ Version: "2012-10-17", Statement: statements });
const json = (d: Doc) => pulumi.jsonStringify(d);

/** A role `service` can assume, with no permissions of its own. */
function role(
    p: aws.Provider,
    name: string,
    service = "lambda.amazonaws.com",
    extra: Partial<aws.iam.RoleArgs> = {},
): aws.iam.Role {
    return new aws.iam.Role(
        name,
        {
            name: `pol-test-${name}`,
            assumeRolePolicy: JSON.stringify(
                doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }),
            ),
            ...extra,
        },
        { provider: p },
    );
}

/** Least-privilege statements on one bucket and one key. */
function narrowStatements(keyArn: pulumi.Input<string>): Array<Record<string, unknown>> {
    return [
        {
            Sid: "ReadObjects",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: `arn:aws:s3:::${DATA_BUCKET}/raw/*`,
        },
        { Sid: "ListBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:aws:s3:::${DATA_BUCKET}` },
        { Sid: "UseKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: keyArn },
    ];
}

// ---------------------------------------------------------------------------------------------------------------
// IAM

/** Where a policy document is placed. */
type Holder = "policy" | "role-policy" | "role-inline" | "user-policy" | "group-policy";

function holdDocument(p: aws.Provider, holder: Holder, policy: pulumi.Input<string>): void {
    const opts = { provider: p };
    switch (holder) {
        case "policy":
            new aws.iam.Policy("subject", { name: "pol-test-subject", policy }, opts);
            return;
        case "role-policy":
            new aws.iam.RolePolicy("subject", { role: role(p, "subject").id, policy }, opts);
            return;
        case "role-inline":
            role(p, "subject", "lambda.amazonaws.com", { inlinePolicies: [{ name: "subject", policy }] });
            return;
        case "user-policy":
            new aws.iam.UserPolicy("subject", { user: "pol-test-operator", policy }, opts);
            return;
        case "group-policy":
            new aws.iam.GroupPolicy("subject", { group: "pol-test-operators", policy }, opts);
            return;
    }
}

/** Compliant documents in every holder, plus Deny wildcards (allowed) and exempt "*" listing actions. */
const compliantIam = (p: aws.Provider) => {
    const cmk = key(p);
    const opts = { provider: p };
    new aws.iam.Policy("reader", { name: "pol-test-reader", policy: json(doc(...narrowStatements(cmk.keyArn))) }, opts);
    const r = role(p, "worker", "lambda.amazonaws.com", {
        inlinePolicies: [
            {
                name: "queue",
                policy: json(
                    doc({
                        Effect: "Allow",
                        Action: ["sqs:SendMessage"],
                        Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:pol-test-jobs`,
                    }),
                ),
            },
        ],
    });
    new aws.iam.RolePolicy(
        "worker",
        {
            role: r.id,
            policy: json(
                doc(
                    ...narrowStatements(cmk.keyArn),
                    // Actions AWS only authorises on "*", reaching no data.
                    {
                        Sid: "Listings",
                        Effect: "Allow",
                        Action: [
                            "s3:ListAllMyBuckets",
                            "kms:ListAliases",
                            "lakeformation:GetDataAccess",
                            "kms:CreateKey",
                        ],
                        Resource: "*",
                    },
                    // "*" on a service outside the data/KMS list.
                    { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" },
                    // Name-prefix patterns scope by naming convention.
                    {
                        Sid: "Tables",
                        Effect: "Allow",
                        Action: ["dynamodb:GetItem", "dynamodb:Query"],
                        Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/pol-test-*`,
                    },
                    // Wildcards in Deny statements only restrict.
                    {
                        Sid: "NoDeletes",
                        Effect: "Deny",
                        Action: ["s3:*"],
                        Resource: "*",
                        Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                    },
                ),
            ),
        },
        opts,
    );
    new aws.iam.UserPolicy(
        "operator",
        {
            user: "pol-test-operator",
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: ["athena:StartQueryExecution"],
                    Resource: `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/pol-test`,
                }),
            ),
        },
        opts,
    );
    new aws.iam.GroupPolicy(
        "operators",
        {
            group: "pol-test-operators",
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:pol-test/db-AbCdEf`,
                }),
            ),
        },
        opts,
    );
};

/** A customer-managed policy attached to a role, the compliant alternative to AWS-managed admin policies. */
const compliantAttachments = (p: aws.Provider) => {
    const cmk = key(p);
    const opts = { provider: p };
    const policy = new aws.iam.Policy(
        "reader",
        { name: "pol-test-reader", policy: json(doc(...narrowStatements(cmk.keyArn))) },
        opts,
    );
    const r = role(p, "worker");
    new aws.iam.RolePolicyAttachment("worker-reader", { role: r.name, policyArn: policy.arn }, opts);
    new aws.iam.PolicyAttachment("operators-reader", { policyArn: policy.arn, groups: ["pol-test-operators"] }, opts);
    role(p, "reporting", "lambda.amazonaws.com", { managedPolicyArns: [policy.arn] });
};

// ---------------------------------------------------------------------------------------------------------------
// Redshift

type ClusterFlaw = "public" | "no-enhanced-routing" | "no-logging" | "logging-without-exports";

/** An encrypted, private provisioned cluster with enhanced VPC routing, TLS required and audit logging. */
function redshiftCluster(p: aws.Provider, flaw?: ClusterFlaw): void {
    const cmk = key(p);
    const opts = { provider: p };
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
        opts,
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
            encrypted: "true",
            kmsKeyId: cmk.keyArn,
            publiclyAccessible: flaw === "public",
            enhancedVpcRouting: flaw !== "no-enhanced-routing",
            clusterSubnetGroupName: "pol-test-private",
            vpcSecurityGroupIds: [SECURITY_GROUP],
            clusterParameterGroupName: parameters.name,
            automatedSnapshotRetentionPeriod: 7,
            port: 5440,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "pol-test-warehouse-final",
        },
        opts,
    );
    if (flaw !== "no-logging") {
        new aws.redshift.Logging(
            "warehouse",
            {
                clusterIdentifier: cluster.clusterIdentifier,
                logDestinationType: "cloudwatch",
                logExports: flaw === "logging-without-exports" ? [] : ["connectionlog", "userlog", "useractivitylog"],
            },
            opts,
        );
    }
}

type ServerlessFlaw = "public" | "no-enhanced-routing" | "no-user-activity-log";

/** An encrypted namespace exporting its logs and a private workgroup with enhanced VPC routing. */
function redshiftServerless(p: aws.Provider, flaw?: ServerlessFlaw): void {
    const cmk = key(p);
    const opts = { provider: p };
    const namespace = new aws.redshiftserverless.Namespace(
        "lakehouse",
        {
            namespaceName: "pol-test-lakehouse",
            dbName: "analytics",
            adminUsername: "cdpadmin",
            manageAdminPassword: true,
            adminPasswordSecretKmsKeyId: cmk.keyArn,
            kmsKeyId: cmk.keyArn,
            logExports:
                flaw === "no-user-activity-log"
                    ? ["connectionlog", "userlog"]
                    : ["connectionlog", "userlog", "useractivitylog"],
        },
        opts,
    );
    new aws.redshiftserverless.Workgroup(
        "lakehouse",
        {
            namespaceName: namespace.namespaceName,
            workgroupName: "pol-test-lakehouse",
            publiclyAccessible: flaw === "public",
            enhancedVpcRouting: flaw !== "no-enhanced-routing",
            subnetIds: SUBNETS,
            securityGroupIds: [SECURITY_GROUP],
            configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
        },
        opts,
    );
}

// ---------------------------------------------------------------------------------------------------------------
// EventBridge

function bus(p: aws.Provider): aws.cloudwatch.EventBus {
    return new aws.cloudwatch.EventBus(
        "domain-events",
        { name: "pol-test-domain-events", kmsKeyIdentifier: key(p).keyArn },
        { provider: p },
    );
}

function busPolicy(p: aws.Provider, statement: Record<string, unknown>): void {
    const b = bus(p);
    new aws.cloudwatch.EventBusPolicy(
        "domain-events",
        {
            eventBusName: b.name,
            policy: json(
                doc({ Sid: "PutEvents", Effect: "Allow", Action: "events:PutEvents", Resource: b.arn, ...statement }),
            ),
        },
        { provider: p },
    );
}

const compliantEventBridge = (p: aws.Provider) => {
    busPolicy(p, { Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } } });
    new aws.cloudwatch.EventPermission(
        "partner",
        { principal: "210987654321", statementId: "Partner" },
        { provider: p },
    );
    new aws.cloudwatch.EventPermission(
        "org",
        {
            principal: "*",
            statementId: "Organisation",
            condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: ORG_ID },
        },
        { provider: p },
    );
};

// ---------------------------------------------------------------------------------------------------------------
// SQS

/** A source queue and its dead-letter queue, both under a CMK; `variant` picks how they are linked. */
function queues(p: aws.Provider, variant: "inline" | "resources" | "no-dlq"): void {
    const cmk = key(p);
    const opts = { provider: p };
    if (variant === "no-dlq") {
        new aws.sqs.Queue("jobs", { name: "pol-test-jobs", kmsMasterKeyId: cmk.keyArn }, opts);
        return;
    }
    const dlq = new aws.sqs.Queue(
        "jobs-dlq",
        { name: "pol-test-jobs-dlq", kmsMasterKeyId: cmk.keyArn, messageRetentionSeconds: 1209600 },
        opts,
    );
    if (variant === "inline") {
        new aws.sqs.Queue(
            "jobs",
            {
                name: "pol-test-jobs",
                kmsMasterKeyId: cmk.keyArn,
                redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
            },
            opts,
        );
        return;
    }
    const source = new aws.sqs.Queue("jobs", { name: "pol-test-jobs", kmsMasterKeyId: cmk.keyArn }, opts);
    new aws.sqs.RedrivePolicy(
        "jobs",
        {
            queueUrl: source.url,
            redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
        },
        opts,
    );
    new aws.sqs.RedriveAllowPolicy(
        "jobs-dlq",
        {
            queueUrl: dlq.url,
            redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [source.arn] }),
        },
        opts,
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Kinesis

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

// ---------------------------------------------------------------------------------------------------------------
// Transfer Family

/** The role Transfer Family assumes to write its logs, limited to its own log groups. */
function transferLoggingRole(p: aws.Provider): aws.iam.Role {
    const r = role(p, "transfer-logging", "transfer.amazonaws.com");
    new aws.iam.RolePolicy(
        "transfer-logging",
        {
            role: r.id,
            policy: json(
                doc({
                    Effect: "Allow",
                    Action: [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:DescribeLogStreams",
                        "logs:PutLogEvents",
                    ],
                    Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/transfer/*`,
                }),
            ),
        },
        { provider: p },
    );
    return r;
}

function transferServer(
    p: aws.Provider,
    options: { protocols?: string[]; logging: "role" | "structured" | "none" },
): void {
    const loggingRole = options.logging === "role" ? transferLoggingRole(p).arn : undefined;
    new aws.transfer.Server(
        "partners",
        {
            protocols: options.protocols,
            identityProviderType: "SERVICE_MANAGED",
            securityPolicyName: "TransferSecurityPolicy-2024-01",
            loggingRole,
            structuredLogDestinations:
                options.logging === "structured"
                    ? [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/transfer/pol-test:*`]
                    : undefined,
        },
        { provider: p },
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Glue

/** A Glue job under a compliant security configuration, with a least-privilege role. */
function glueJob(
    p: aws.Provider,
    glueVersion: string | undefined,
    command: "glueetl" | "pythonshell" = "glueetl",
): void {
    const cmk = key(p);
    const opts = { provider: p };
    const r = role(p, "glue", "glue.amazonaws.com");
    new aws.iam.RolePolicy(
        "glue",
        {
            role: r.id,
            policy: json(
                doc(
                    {
                        Sid: "ReadScript",
                        Effect: "Allow",
                        Action: ["s3:GetObject"],
                        Resource: `arn:aws:s3:::${SCRIPTS_BUCKET}/jobs/*`,
                    },
                    {
                        Sid: "UseKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: cmk.keyArn,
                    },
                ),
            ),
        },
        opts,
    );
    const config = new aws.glue.SecurityConfiguration(
        "pol-test-glue",
        {
            name: "pol-test-glue",
            encryptionConfiguration: {
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: cmk.keyArn },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: cmk.keyArn },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: cmk.keyArn },
            },
        },
        opts,
    );
    new aws.glue.Job(
        "etl",
        {
            name: "pol-test-etl",
            roleArn: r.arn,
            glueVersion,
            command: {
                name: command,
                scriptLocation: `s3://${SCRIPTS_BUCKET}/jobs/etl.py`,
                pythonVersion: command === "pythonshell" ? "3.9" : "3",
            },
            ...(command === "glueetl" ? { workerType: "G.1X", numberOfWorkers: 2 } : { maxCapacity: 0.0625 }),
            timeout: 60,
            securityConfiguration: config.name,
        },
        opts,
    );
}

// ---------------------------------------------------------------------------------------------------------------

const wildcard = (statement: Record<string, unknown>) => json(doc({ Effect: "Allow", ...statement }));

export const cases: PolicyCase[] = [
    // iam-no-wildcard-action
    {
        policy: "iam-no-wildcard-action",
        title: 'managed policy allowing "*" on "*" (administrator)',
        violating: (p) => holdDocument(p, "policy", wildcard({ Action: "*", Resource: "*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "role policy allowing a service wildcard (s3:*) on one bucket",
        violating: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({
                    Action: ["s3:*"],
                    Resource: [`arn:aws:s3:::${DATA_BUCKET}`, `arn:aws:s3:::${DATA_BUCKET}/*`],
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "role inlinePolicies allowing dynamodb:* on one table",
        violating: (p) =>
            holdDocument(
                p,
                "role-inline",
                wildcard({
                    Action: "dynamodb:*",
                    Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/pol-test-orders`,
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-action",
        title: "group policy allowing everything but IAM through NotAction",
        violating: (p) =>
            holdDocument(
                p,
                "group-policy",
                wildcard({ NotAction: ["iam:*"], Resource: `arn:aws:s3:::${DATA_BUCKET}/*` }),
            ),
        compliant: compliantIam,
    },
    // iam-no-wildcard-resource-data-kms
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: 'managed policy allowing kms:Decrypt on every key ("*")',
        violating: (p) => holdDocument(p, "policy", wildcard({ Action: ["kms:Decrypt"], Resource: "*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "role policy reading every bucket's objects (arn:aws:s3:::*/*)",
        violating: (p) =>
            holdDocument(p, "role-policy", wildcard({ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::*/*" })),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "role inlinePolicies reading every table of the account (table/*)",
        violating: (p) =>
            holdDocument(
                p,
                "role-inline",
                wildcard({ Action: ["dynamodb:GetItem"], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/*` }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: "user policy reading every secret, even with a condition",
        violating: (p) =>
            holdDocument(
                p,
                "user-policy",
                wildcard({
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:ResourceTag/Project": "policy-test" } },
                }),
            ),
        compliant: compliantIam,
    },
    {
        policy: "iam-no-wildcard-resource-data-kms",
        title: 'Lake Formation permission administration on "*" is not exempt (GetDataAccess is)',
        violating: (p) =>
            holdDocument(
                p,
                "role-policy",
                wildcard({ Action: ["lakeformation:GetDataAccess", "lakeformation:GrantPermissions"], Resource: "*" }),
            ),
        compliant: compliantIam,
    },
    // iam-no-aws-managed-admin
    {
        policy: "iam-no-aws-managed-admin",
        title: "AdministratorAccess attached to a role",
        violating: (p) =>
            void new aws.iam.RolePolicyAttachment(
                "admin",
                { role: role(p, "worker").name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                { provider: p },
            ),
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "PowerUserAccess in a role's managedPolicyArns (GovCloud partition)",
        violating: (p) =>
            void role(p, "reporting", "lambda.amazonaws.com", {
                managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"],
            }),
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "IAMFullAccess through a PolicyAttachment and a GroupPolicyAttachment",
        violating: (p) => {
            new aws.iam.PolicyAttachment(
                "iam-admins",
                { policyArn: "arn:aws:iam::aws:policy/IAMFullAccess", groups: ["pol-test-operators"] },
                { provider: p },
            );
            new aws.iam.GroupPolicyAttachment(
                "iam-admins",
                { group: "pol-test-operators", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" },
                { provider: p },
            );
        },
        compliant: compliantAttachments,
    },
    {
        policy: "iam-no-aws-managed-admin",
        title: "AdministratorAccess attached to a user",
        violating: (p) =>
            void new aws.iam.UserPolicyAttachment(
                "admin",
                { user: "pol-test-operator", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
                { provider: p },
            ),
        compliant: compliantAttachments,
    },
    // redshift-network-and-audit
    {
        policy: "redshift-network-and-audit",
        title: "publicly accessible cluster",
        violating: (p) => redshiftCluster(p, "public"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster without enhanced VPC routing",
        violating: (p) => redshiftCluster(p, "no-enhanced-routing"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster without a Logging resource",
        violating: (p) => redshiftCluster(p, "no-logging"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "cluster logging to CloudWatch without log exports",
        violating: (p) => redshiftCluster(p, "logging-without-exports"),
        compliant: (p) => redshiftCluster(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "publicly accessible serverless workgroup",
        violating: (p) => redshiftServerless(p, "public"),
        compliant: (p) => redshiftServerless(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "serverless workgroup without enhanced VPC routing",
        violating: (p) => redshiftServerless(p, "no-enhanced-routing"),
        compliant: (p) => redshiftServerless(p),
    },
    {
        policy: "redshift-network-and-audit",
        title: "serverless namespace not exporting the user activity log",
        violating: (p) => redshiftServerless(p, "no-user-activity-log"),
        compliant: (p) => redshiftServerless(p),
    },
    // eventbridge-bus-policy-not-open
    {
        policy: "eventbridge-bus-policy-not-open",
        title: "bus policy letting any account put events",
        violating: (p) => busPolicy(p, { Principal: "*" }),
        compliant: compliantEventBridge,
    },
    {
        policy: "eventbridge-bus-policy-not-open",
        title: "bus policy with a negated organisation condition",
        violating: (p) =>
            busPolicy(p, { Principal: { AWS: "*" }, Condition: { StringNotEquals: { "aws:PrincipalOrgID": ORG_ID } } }),
        compliant: compliantEventBridge,
    },
    {
        policy: "eventbridge-bus-policy-not-open",
        title: 'event permission for principal "*" without condition',
        violating: (p) =>
            void new aws.cloudwatch.EventPermission(
                "anyone",
                { principal: "*", statementId: "Anyone" },
                { provider: p },
            ),
        compliant: compliantEventBridge,
    },
    // sqs-dlq
    {
        policy: "sqs-dlq",
        title: "queue without a dead-letter queue",
        violating: (p) => queues(p, "no-dlq"),
        compliant: (p) => queues(p, "inline"),
    },
    {
        policy: "sqs-dlq",
        title: "a queue that is the dead-letter queue of an EventBridge target is a DLQ",
        violating: (p) =>
            void new aws.sqs.Queue(
                "target-dlq",
                { name: "pol-test-target-dlq", kmsMasterKeyId: key(p).keyArn },
                { provider: p },
            ),
        compliant: (p) => {
            const dlq = new aws.sqs.Queue(
                "target-dlq",
                { name: "pol-test-target-dlq", kmsMasterKeyId: key(p).keyArn },
                { provider: p },
            );
            const rule = new aws.cloudwatch.EventRule(
                "nightly",
                { scheduleExpression: "rate(1 day)" },
                { provider: p },
            );
            new aws.cloudwatch.EventTarget(
                "nightly",
                {
                    rule: rule.name,
                    arn: `arn:aws:sns:${REGION}:${ACCOUNT}:pol-test-topic`,
                    deadLetterConfig: { arn: dlq.arn },
                },
                { provider: p },
            );
        },
    },
    {
        policy: "sqs-dlq",
        title: "queue whose redrivePolicy names no deadLetterTargetArn (DLQ linked by RedrivePolicy/RedriveAllowPolicy resources is fine)",
        violating: (p) =>
            void new aws.sqs.Queue(
                "jobs",
                {
                    name: "pol-test-jobs",
                    kmsMasterKeyId: key(p).keyArn,
                    redrivePolicy: JSON.stringify({ maxReceiveCount: 5 }),
                },
                { provider: p },
            ),
        compliant: (p) => queues(p, "resources"),
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
    // transfer-no-ftp-logging
    {
        policy: "transfer-no-ftp-logging",
        title: "server offering plain FTP",
        violating: (p) => transferServer(p, { protocols: ["SFTP", "FTP"], logging: "role" }),
        compliant: (p) => transferServer(p, { protocols: ["SFTP"], logging: "role" }),
    },
    {
        policy: "transfer-no-ftp-logging",
        title: "server without logging (unset protocols mean SFTP; structured logging is enough)",
        violating: (p) => transferServer(p, { logging: "none" }),
        compliant: (p) => transferServer(p, { logging: "structured" }),
    },
    // glue-version
    {
        policy: "glue-version",
        title: "Spark job on Glue 3.0",
        violating: (p) => glueJob(p, "3.0"),
        compliant: (p) => glueJob(p, "4.0"),
    },
    {
        policy: "glue-version",
        title: "job without glueVersion (AWS default 0.9)",
        violating: (p) => glueJob(p, undefined),
        compliant: (p) => glueJob(p, "5.0"),
    },
    {
        policy: "glue-version",
        title: "Python shell job on Glue 1.0 (3.0 is its latest)",
        violating: (p) => glueJob(p, "1.0", "pythonshell"),
        compliant: (p) => glueJob(p, "3.0", "pythonshell"),
    },
];
