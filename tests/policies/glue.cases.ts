import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
    ACCOUNT,
    doc,
    governedDatabase,
    json,
    key,
    type KeyArn,
    notPublicCases,
    type PolicyCase,
    role,
    roleArn,
    scriptRole,
    SCRIPTS_BUCKET,
} from "./kit";

/**
 * Cases of the Glue rules (rules/glue.ts): security configurations and the jobs and crawlers using them, Data
 * Catalog encryption, Glue versions, and the Lake Formation governance of catalog databases (LF-2, LF-4). Compliant
 * programs satisfy the whole pack: Glue jobs on glueVersion 5.0 with a least-privilege role under a compliant
 * security configuration; catalog databases governed with governedDatabase().
 */

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
            defaultArguments: { "--enable-continuous-cloudwatch-log": "true" },
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
    const role = scriptRole(p, "glue", "glue.amazonaws.com", cmk.keyArn);
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

/** A crawler under a compliant security configuration, with `deleteBehavior` in its schema change policy. */
function crawlerDeleting(p: aws.Provider, deleteBehavior: string): void {
    const cmk = key(p);
    const role = scriptRole(p, "glue", "glue.amazonaws.com", cmk.keyArn);
    const config = securityConfiguration(p, cmk.keyArn);
    new aws.glue.Crawler(
        "processed",
        {
            name: "pol-test-processed",
            databaseName: "pol_test_processed",
            role: role.arn,
            s3Targets: [{ path: "s3://pol-test-processed-123456789012-eu-west-1/" }],
            securityConfiguration: config.name,
            recrawlPolicy: {
                recrawlBehavior: deleteBehavior === "LOG" ? "CRAWL_NEW_FOLDERS_ONLY" : "CRAWL_EVERYTHING",
            },
            schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior },
        },
        { provider: p },
    );
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

/** A Glue job under a compliant security configuration, with a least-privilege role. */
function versionedGlueJob(
    p: aws.Provider,
    glueVersion: string | undefined,
    command: "glueetl" | "pythonshell" = "glueetl",
    continuousLogging: "true" | "false" | "absent" = "true",
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
            ...(command === "glueetl" && continuousLogging !== "absent"
                ? { defaultArguments: { "--enable-continuous-cloudwatch-log": continuousLogging } }
                : {}),
        },
        opts,
    );
}

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
    // glue-crawler-never-deletes
    {
        policy: "glue-crawler-never-deletes",
        title: "crawler deleting tables whose objects disappeared",
        violating: (p) => crawlerDeleting(p, "DELETE_FROM_DATABASE"),
        compliant: (p) => crawlerDeleting(p, "LOG"),
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
    // glue-version
    {
        policy: "glue-version",
        title: "Spark job on Glue 3.0",
        violating: (p) => versionedGlueJob(p, "3.0"),
        compliant: (p) => versionedGlueJob(p, "4.0"),
    },
    {
        policy: "glue-version",
        title: "job without glueVersion (AWS default 0.9)",
        violating: (p) => versionedGlueJob(p, undefined),
        compliant: (p) => versionedGlueJob(p, "5.0"),
    },
    {
        policy: "glue-job-continuous-logging",
        title: "Spark job without continuous logging",
        violating: (p) => versionedGlueJob(p, "5.0", "glueetl", "absent"),
        compliant: (p) => versionedGlueJob(p, "5.0"),
    },
    {
        policy: "glue-job-continuous-logging",
        title: "Spark job with continuous logging turned off",
        violating: (p) => versionedGlueJob(p, "5.0", "glueetl", "false"),
        compliant: (p) => versionedGlueJob(p, "5.0", "glueetl", "true"),
    },
    {
        policy: "glue-version",
        title: "Python shell job on Glue 1.0 (3.0 is its latest)",
        violating: (p) => versionedGlueJob(p, "1.0", "pythonshell"),
        compliant: (p) => versionedGlueJob(p, "3.0", "pythonshell"),
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "createTableDefaultPermissions left unset (account default applies)",
        violating: (p) => void governedDatabase(p, { defaults: "absent" }),
        compliant: (p) => void governedDatabase(p),
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "new tables granted ALL to IAM_ALLOWED_PRINCIPALS",
        violating: (p) =>
            void governedDatabase(p, {
                defaults: [
                    { principal: { dataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" }, permissions: ["ALL"] },
                ],
            }),
        compliant: (p) => void governedDatabase(p, { defaults: [] }),
    },
    {
        policy: "glue-database-no-default-permissions",
        title: "new tables granted to a named role outside the LF-tag model",
        violating: (p) =>
            void governedDatabase(p, {
                defaults: [{ principal: { dataLakePrincipalIdentifier: roleArn("cdp-etl") }, permissions: ["ALL"] }],
            }),
        compliant: (p) => void governedDatabase(p),
    },
    // LF-4
    {
        policy: "glue-database-required-lf-tags",
        title: "database without LF-tags",
        violating: (p) => void governedDatabase(p, { lfTagKeys: [] }),
        compliant: (p) => void governedDatabase(p),
    },
    {
        policy: "glue-database-required-lf-tags",
        title: "database missing the classification LF-tag",
        violating: (p) => void governedDatabase(p, { lfTagKeys: ["domain"] }),
        // Keys compare lower-case; singular ResourceLfTag attachments count too.
        compliant: (p) => void governedDatabase(p, { lfTagKeys: ["Domain", "Classification"], singular: true }),
    },
    {
        policy: "glue-database-required-lf-tags",
        title: "LF-tags attached to another database's name",
        violating: (p) => void governedDatabase(p, { taggedName: "pol_test_other" }),
        compliant: (p) => void governedDatabase(p),
    },
    ...notPublicCases("glue-resource-policy-not-public", (p, grant) => {
        new aws.glue.ResourcePolicy(
            "catalog",
            {
                policy: json(
                    doc({
                        Sid: "Read",
                        Effect: "Allow",
                        Action: "glue:GetTable",
                        Resource: `arn:aws:glue:eu-west-1:${ACCOUNT}:table/sales/*`,
                        ...grant,
                    }),
                ),
            },
            { provider: p },
        );
    }),
];
