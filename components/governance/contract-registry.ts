import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    LF_APPROVALS_OUTPUT,
    LF_PRINCIPALS_OUTPUT,
    type LakeFormationApproval,
    type LakeFormationPrincipal,
    type RequiredAccess,
} from "../../model/access";
import { tableName } from "../../model/catalog";
import {
    CONTRACTS_TABLE_KEY,
    contractId,
    contractItem,
    type DataContract,
    desiredGrants,
    type GrantContext,
} from "../../model/contracts";
import { dqdlRuleset } from "../../model/dqdl";
import { contractReconcilerEnv } from "../../model/env/contract-reconciler";
import { envVariables } from "../../model/env/kit";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { createAlarm } from "../shared/alarms";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { PolicyStatement } from "../shared/iam";
import { NodeFunction } from "../shared/lambda";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { createDeadLetterQueue } from "../shared/queues";
import { LF_TAG_KEYS } from "./lake-formation";

/** Event source of the reconciler's audit events. */
export const CONTRACT_AUDIT_SOURCE = "cdp.governance.contracts";

export interface RegisteredContract {
    /** Path of the contract file under the contracts directory (`<domain>/<dataset>.yaml`). */
    file: string;
    /** The parsed document as written in the file (stored in the item as JSON). */
    doc: unknown;
    /** The validated contract (`validateContract` against the stack's planned catalog). */
    contract: DataContract;
}

export interface ContractRegistryArgs {
    /** Naming scope of the governance plane (table, function, failure queue, rulesets). */
    naming: Naming;
    /** The contracts to load into the table, validated by the caller against the planned catalog. */
    contracts: RegisteredContract[];
    /** The governance account id: the Data Catalog holding the governed tables. */
    catalogId: string;
    /** Domain → the Glue database of its governed tables (`naming.name("glueDatabase", domain)`). */
    databases: Record<string, string>;
    /** Consumer name → IAM role ARN (`cdp:governance.consumers`): the principals contract grants go to. */
    consumers: Record<string, string>;
    /** The governance CMK: table, stream, failure queue, function environment and logs. */
    kmsKeyArn: pulumi.Input<string>;
    /** The encrypted SNS topic the reconciler's alarms notify. */
    alarmTopicArn: pulumi.Input<string>;
    /** Days the reconciler's log group keeps logs. */
    logRetentionDays: number;
    /**
     * Deletion protection and `protect`/`retainOnDelete` of the contracts table.
     * @default true
     */
    dataProtection?: boolean;
    /**
     * EventBridge bus of the audit events (source `cdp.governance.contracts`).
     * @default the governance account's default bus
     */
    auditBusArn?: pulumi.Input<string>;
    /**
     * Resources the reconciler's LF-tag grant and the Data Quality rulesets must follow: the Lake Formation settings and
     * LF-tags (`LakeFormation.catalogDependencies`) and the governed tables.
     * @default none
     */
    catalogDependencies?: pulumi.Resource[];
    /**
     * One Glue Data Quality ruleset (DQDL from the contract) per contract, on the domain table holding its dataset.
     * @default true
     */
    dataQuality?: boolean;
}

/**
 * The data contracts of the platform, live: a DynamoDB contracts table (governance CMK, PITR, NEW_AND_OLD_IMAGES
 * stream, deletion protection with data protection) holding one item per contract file of the repo, and the contract
 * reconciler Lambda on its stream, which grants and revokes Lake Formation permissions so every approved consumer
 * has exactly the contract's columns (and rows). The reconciler holds SELECT and DESCRIBE with grant option by LF-tag
 * on the domains' tables (it is not a data lake administrator). With `dataQuality`, a Glue Data Quality ruleset per
 * contract. Declares the grants it will make (`lakeFormationApprovals`) for the access proof.
 */
export class ContractRegistry extends pulumi.ComponentResource {
    public readonly table: aws.dynamodb.Table;
    public readonly reconciler: NodeFunction;
    public readonly failures: aws.sqs.Queue;
    public readonly rulesets: Readonly<Record<string, aws.glue.DataQualityRuleset>>;
    /**
     * Contract id → its ruleset's name and target table (plain strings, for the ETL pipeline's data-quality stage);
     * empty without `dataQuality`.
     */
    public readonly rulesetTargets: Readonly<
        Record<string, { rulesetName: string; database: string; table: string; domain: string }>
    >;
    /** What the reconciler grants once the contracts are in the table (`LF_APPROVALS_OUTPUT`). */
    public readonly lakeFormationApprovals: LakeFormationApproval[];
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: ContractRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:ContractRegistry", name, {}, opts);
        const issues = new IssueCollector();
        const seen = new Set<string>();
        args.contracts.forEach((c, i) => {
            const id = contractId(c.contract);
            if (seen.has(id))
                issues.add(
                    `ContractRegistry(${name}).contracts[${i}]`,
                    c.file,
                    `one contract per dataset (${id} twice)`,
                );
            seen.add(id);
            if (args.databases[c.contract.domain] === undefined)
                issues.add(
                    `ContractRegistry(${name}).contracts[${i}].domain`,
                    c.contract.domain,
                    `a domain with a database (${Object.keys(args.databases).join(", ")})`,
                );
        });
        issues.throwIfAny(`Invalid arguments for ContractRegistry "${name}"`);
        const ctx = awsContext(this);
        const dataProtection = args.dataProtection ?? true;
        const grantContext: GrantContext = {
            catalogId: args.catalogId,
            databases: args.databases,
            consumers: args.consumers,
        };
        this.lakeFormationApprovals = args.contracts.flatMap((c) => desiredGrants(c.contract, grantContext));

        this.table = new aws.dynamodb.Table(
            `${name}-table`,
            {
                name: args.naming.name("dynamodbTable", "contracts"),
                billingMode: "PAY_PER_REQUEST",
                hashKey: CONTRACTS_TABLE_KEY,
                attributes: [{ name: CONTRACTS_TABLE_KEY, type: "S" }],
                serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
                pointInTimeRecovery: { enabled: true },
                streamEnabled: true,
                streamViewType: "NEW_AND_OLD_IMAGES",
                deletionProtectionEnabled: dataProtection,
            },
            dataStoreOptions(dataProtection, { parent: this }),
        );
        this.failures = createDeadLetterQueue(`${name}-failures`, this, {
            queueName: args.naming.name("sqsQueue", "contract-reconciler-failures"),
            kmsKeyArn: args.kmsKeyArn,
        });
        const auditBusArn =
            args.auditBusArn ??
            pulumi.interpolate`arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:event-bus/default`;
        const via = (service: string) => pulumi.interpolate`${service}.${ctx.region}.${ctx.dnsSuffix}`;
        const databases = [...new Set(Object.values(args.databases))].sort();
        const glueArn = (kind: string, rest: string) =>
            pulumi.interpolate`arn:${ctx.partition}:glue:${ctx.region}:${args.catalogId}:${kind}${rest}`;
        const statements: PolicyStatement[] = [
            {
                Sid: "ReadContractsStream",
                Effect: "Allow",
                Action: [
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
                Resource: this.table.streamArn,
            },
            {
                // The reconciler re-reads every contract with a consistent read rather than trusting the stream image.
                Sid: "ReadContracts",
                Effect: "Allow",
                Action: ["dynamodb:GetItem"],
                Resource: this.table.arn,
            },
            {
                // DynamoDB decrypts the table and stream for the role; SQS encrypts the failed batches it sends
                // ("Encryption at rest: how it works", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html;
                // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
                Sid: "GovernanceKeyViaServices",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": [via("dynamodb"), via("sqs")] } },
            },
            { Sid: "FailedBatches", Effect: "Allow", Action: "sqs:SendMessage", Resource: this.failures.arn },
            {
                Sid: "AuditEvents",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: auditBusArn,
                Condition: { StringEquals: { "events:source": CONTRACT_AUDIT_SOURCE } },
            },
            {
                // Lake Formation API actions have no resource-level permissions ("Actions defined by AWS Lake
                // Formation", Service Authorization Reference:
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslakeformation.html); what
                // the role may grant is bounded by its Lake Formation permissions WITH GRANT OPTION (the tag grant
                // below), and filters need SELECT with grant option on the table ("Managing data filters",
                // https://docs.aws.amazon.com/lake-formation/latest/dg/managing-filters.html). IAM permissions each
                // call needs: "Lake Formation personas and IAM permissions reference",
                // https://docs.aws.amazon.com/lake-formation/latest/dg/permissions-reference.html.
                // The policy pack's named opt-out for Lake Formation grant administration on "*"
                // (policies/cdp-guardrails/rules/iam.ts, LF_GRANT_OPT_OUT_SID).
                Sid: "LakeFormationGrantOptionBounded",
                Effect: "Allow",
                Action: [
                    "lakeformation:GrantPermissions",
                    "lakeformation:RevokePermissions",
                    "lakeformation:ListPermissions",
                    "lakeformation:CreateDataCellsFilter",
                    "lakeformation:GetDataCellsFilter",
                    "lakeformation:UpdateDataCellsFilter",
                    "lakeformation:DeleteDataCellsFilter",
                ],
                Resource: "*",
            },
            {
                // Grants name databases, tables and columns, which Lake Formation looks up in Glue for the caller.
                Sid: "GovernedCatalog",
                Effect: "Allow",
                Action: ["glue:GetDatabase", "glue:GetTable"],
                Resource: [
                    glueArn("catalog", ""),
                    ...databases.map((d) => glueArn("database/", d)),
                    ...databases.map((d) => glueArn("table/", `${d}/*`)),
                ],
            },
            {
                // Consumers are roles of other accounts: Lake Formation shares the tables with their accounts through
                // AWS RAM in the caller's name, which needs these (scoped as AWS's AWSLakeFormationCrossAccountManager
                // policy scopes them: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLakeFormationCrossAccountManager.html;
                // "Cross-account data sharing prerequisites",
                // https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-prereqs.html).
                Sid: "CrossAccountShareCreate",
                Effect: "Allow",
                Action: ["ram:CreateResourceShare"],
                Resource: "*",
                Condition: {
                    StringLikeIfExists: {
                        "ram:RequestedResourceType": ["glue:Table", "glue:Database", "glue:Catalog"],
                    },
                },
            },
            {
                Sid: "CrossAccountShareManage",
                Effect: "Allow",
                Action: [
                    "ram:UpdateResourceShare",
                    "ram:DeleteResourceShare",
                    "ram:AssociateResourceShare",
                    "ram:DisassociateResourceShare",
                    "ram:GetResourceShares",
                ],
                Resource: "*",
                Condition: { StringLike: { "ram:ResourceShareName": ["LakeFormation*"] } },
            },
            {
                Sid: "CrossAccountSharePermission",
                Effect: "Allow",
                Action: ["ram:AssociateResourceSharePermission"],
                Resource: "*",
                Condition: { ArnLike: { "ram:PermissionArn": ["arn:aws:ram::aws:permission/AWSRAMLFEnabled*"] } },
            },
        ];
        this.reconciler = new NodeFunction(
            `${name}-reconciler`,
            {
                bundle: contractReconcilerEnv.function,
                functionName: args.naming.name("lambdaFunction", "contract-reconciler"),
                description: "Grants and revokes Lake Formation permissions to match the data contracts",
                kmsKeyArn: args.kmsKeyArn,
                logRetentionDays: args.logRetentionDays,
                timeout: 300,
                environment: envVariables(contractReconcilerEnv, {
                    CONTRACTS_TABLE: this.table.name,
                    CATALOG_ID: args.catalogId,
                    CONSUMERS: contractReconcilerEnv.variables.CONSUMERS.format(args.consumers),
                    DATABASES: contractReconcilerEnv.variables.DATABASES.format(args.databases),
                    AUDIT_BUS_ARN: auditBusArn,
                }),
                statements,
            },
            { parent: this },
        );
        // The reconciler may grant only what it holds with grant option: SELECT and DESCRIBE on the tables (and
        // DESCRIBE on the databases) of the contract domains, by LF-tag ("Granting data lake permissions using the
        // LF-TBAC method", https://docs.aws.amazon.com/lake-formation/latest/dg/granting-catalog-perms-TBAC.html).
        const domains = [...new Set(Object.keys(args.databases))].sort();
        const expression = [{ key: LF_TAG_KEYS.domain, values: domains }];
        const tagGrants =
            domains.length === 0
                ? []
                : [
                      new aws.lakeformation.Permissions(
                          `${name}-reconciler-databases`,
                          {
                              principal: this.reconciler.role.arn,
                              permissions: ["DESCRIBE"],
                              permissionsWithGrantOptions: ["DESCRIBE"],
                              lfTagPolicy: { resourceType: "DATABASE", expressions: expression },
                          },
                          { parent: this, dependsOn: args.catalogDependencies ?? [] },
                      ),
                      new aws.lakeformation.Permissions(
                          `${name}-reconciler-tables`,
                          {
                              principal: this.reconciler.role.arn,
                              permissions: ["SELECT", "DESCRIBE"],
                              permissionsWithGrantOptions: ["SELECT", "DESCRIBE"],
                              lfTagPolicy: { resourceType: "TABLE", expressions: expression },
                          },
                          { parent: this, dependsOn: args.catalogDependencies ?? [] },
                      ),
                  ];
        const mapping = new aws.lambda.EventSourceMapping(
            `${name}-stream`,
            {
                eventSourceArn: this.table.streamArn,
                functionName: this.reconciler.arn,
                startingPosition: "TRIM_HORIZON",
                batchSize: 25,
                maximumBatchingWindowInSeconds: 1,
                bisectBatchOnFunctionError: true,
                maximumRetryAttempts: 10,
                maximumRecordAgeInSeconds: 86400,
                functionResponseTypes: ["ReportBatchItemFailures"],
                destinationConfig: { onFailure: { destinationArn: this.failures.arn } },
            },
            // The reconciler must hold its grants before the first record arrives.
            { parent: this, dependsOn: tagGrants },
        );
        // The repo is the source of truth: `pulumi up` writes one item per contract file (and deletes the item of a
        // removed file, which the reconciler turns into revocations).
        for (const c of args.contracts) {
            new aws.dynamodb.TableItem(
                `${name}-${contractId(c.contract)}`,
                {
                    tableName: this.table.name,
                    hashKey: CONTRACTS_TABLE_KEY,
                    item: JSON.stringify(contractItem(c.file, c.doc)),
                },
                { parent: this, dependsOn: [mapping] },
            );
        }
        const rulesets: Record<string, aws.glue.DataQualityRuleset> = {};
        const targets: Record<string, { rulesetName: string; database: string; table: string; domain: string }> = {};
        if (args.dataQuality ?? true) {
            for (const c of args.contracts) {
                const id = contractId(c.contract);
                const rulesetName = args.naming.name("generic", "dq", c.contract.domain, c.contract.dataset);
                targets[id] = {
                    rulesetName,
                    database: args.databases[c.contract.domain],
                    table: tableName(c.contract.dataset),
                    domain: c.contract.domain,
                };
                rulesets[id] = new aws.glue.DataQualityRuleset(
                    `${name}-dq-${id}`,
                    {
                        name: rulesetName,
                        description: `Data contract ${id} ${c.contract.version}: quality and freshness expectations`,
                        ruleset: dqdlRuleset(c.contract),
                        targetTable: {
                            catalogId: args.catalogId,
                            databaseName: args.databases[c.contract.domain],
                            tableName: tableName(c.contract.dataset),
                        },
                    },
                    { parent: this, dependsOn: args.catalogDependencies ?? [] },
                );
            }
        }
        this.rulesets = rulesets;
        this.rulesetTargets = targets;

        const functionName = this.reconciler.name;
        createAlarm(`${name}-reconciler-errors`, this, args.alarmTopicArn, {
            description: "The contract reconciler failed: Lake Formation may not match the data contracts",
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: functionName },
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
        });
        createAlarm(`${name}-reconciler-iterator-age`, this, args.alarmTopicArn, {
            description: "Contract changes wait more than an hour for the reconciler",
            namespace: "AWS/Lambda",
            metricName: "IteratorAge",
            dimensions: { FunctionName: functionName },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 3_600_000,
        });
        createAlarm(`${name}-failures`, this, args.alarmTopicArn, {
            description: "Contract changes the reconciler gave up on are in the failure queue",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: this.failures.name },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: 0,
        });

        const role = this.reconciler.role.arn;
        const access: RequiredAccessInput[] = [
            {
                id: "contract-registry/read-stream",
                principal: role,
                requests: [
                    {
                        actions: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                        resource: this.table.streamArn,
                    },
                ],
                doc: "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
                why: "the event source mapping reads the contracts table's stream with the reconciler's role",
            },
            {
                id: "contract-registry/read-table",
                principal: role,
                requests: [
                    { actions: ["dynamodb:GetItem"], resource: this.table.arn },
                    {
                        actions: ["kms:Decrypt"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": via("dynamodb") },
                    },
                ],
                doc: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html",
                why: "the reconciler re-reads each contract with a consistent read (governance key)",
            },
            {
                id: "contract-registry/failure-queue",
                principal: role,
                requests: [
                    { actions: ["sqs:SendMessage"], resource: this.failures.arn },
                    {
                        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
                        resource: args.kmsKeyArn,
                        context: { "kms:ViaService": via("sqs") },
                    },
                ],
                doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
                why: "failed batches go to the encrypted on-failure queue (sent with the function's role)",
            },
            {
                id: "contract-registry/audit-bus",
                principal: role,
                requests: [
                    {
                        actions: ["events:PutEvents"],
                        resource: auditBusArn,
                        context: { "events:source": CONTRACT_AUDIT_SOURCE },
                        ...(args.auditBusArn === undefined
                            ? {
                                  external:
                                      "the governance account's default event bus: always present, no resource policy, so same-account PutEvents needs the identity policy only",
                              }
                            : {}),
                    },
                ],
                doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html",
                why: `every grant change and rejection is an audit event with source ${CONTRACT_AUDIT_SOURCE}`,
            },
        ];
        if (databases.length > 0) {
            access.push({
                id: "contract-registry/lake-formation-grants",
                principal: role,
                requests: [
                    {
                        // No resource-level permissions: IAM authorises these on "*"; Lake Formation bounds them.
                        actions: [
                            "lakeformation:GrantPermissions",
                            "lakeformation:RevokePermissions",
                            "lakeformation:ListPermissions",
                            "lakeformation:CreateDataCellsFilter",
                            "lakeformation:UpdateDataCellsFilter",
                            "lakeformation:DeleteDataCellsFilter",
                        ],
                        resource: "*",
                    },
                    {
                        actions: ["glue:GetDatabase"],
                        resource: glueArn("database/", databases[0]),
                    },
                    {
                        actions: ["glue:GetTable"],
                        resource: glueArn(
                            "table/",
                            `${databases[0]}/${tableName(args.contracts[0]?.contract.dataset ?? "x")}`,
                        ),
                    },
                ],
                doc: "https://docs.aws.amazon.com/lake-formation/latest/dg/permissions-reference.html",
                why: "the reconciler grants and revokes consumers' column and data-cells-filter permissions",
            });
        }
        this.requiredAccess = requiredAccess(access);
        this.registerOutputs({
            tableName: this.table.name,
            functionArn: this.reconciler.arn,
            [LF_APPROVALS_OUTPUT]: this.lakeFormationApprovals,
            // The reconciler holds SELECT/DESCRIBE with grant option by LF-tag: a platform service principal, declared so
            // the access proof accounts for its grants.
            [LF_PRINCIPALS_OUTPUT]: this.reconciler.role.arn.apply((principal): LakeFormationPrincipal[] => [
                {
                    principal,
                    kind: "service",
                    name: "contract-reconciler",
                    reason: "it grants consumers the contracts' columns, pii included, so it holds SELECT with grant option on them; it reads no data",
                },
            ]),
            requiredAccess: this.requiredAccess,
        });
    }
}
