import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type LakeFormationPrincipal, LF_PRINCIPALS_OUTPUT, type RequiredAccess } from "../../model/access";
import { type RequiredAccessInput, requiredAccess } from "../shared/access";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { PolicyStatement } from "../shared/iam";
import { KmsKey } from "../shared/kms";
import { createLogGroup, logsKeyStatement } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { serviceRole } from "../shared/roles";
import { type LakeFormation, LF_TAG_KEYS } from "./lake-formation";

/** A zone the crawlers discover schemas in. */
export interface CrawledZone {
    /** Zone name (its `zone` LF-tag value). */
    zone: string;
    /** The zone bucket (registered with Lake Formation). */
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    /** The zone's catalog database, where the crawler creates and updates tables (tagged `domain=platform`). */
    databaseName: pulumi.Input<string>;
    /** The bucket's Lake Formation registration: the crawler reads through Lake Formation credentials. */
    location: aws.lakeformation.Resource;
    /**
     * Glob patterns (relative to the bucket) the crawler skips, e.g. the folders of tables the catalog already
     * defines from the model.
     * @default none
     */
    exclusions?: string[];
    /**
     * Governed tables of the zone (defined from the model, their folders excluded above) whose partitions a second
     * crawler of the zone registers: catalog targets, one per database. Their `domain` LF-tag values go in `domains`.
     * @default none
     */
    governedTables?: Array<{ databaseName: pulumi.Input<string>; tables: string[] }>;
    /**
     * `domain` LF-tag values of the governed tables' databases and tables (the crawler's role is granted on them).
     * @default none
     */
    governedDomains?: string[];
}

export interface SchemaCrawlersArgs {
    /** Naming of the platform (crawler, security configuration, key alias). */
    naming: Naming;
    /** The zones to crawl, one crawler each. */
    zones: CrawledZone[];
    /** Lake Formation of the account: the crawlers' grants are made after its settings and LF-tags. */
    lakeFormation: LakeFormation;
    /** Key of the account's encrypted Glue Data Catalog (`SSE-KMS`: Glue uses it with the crawler's credentials). */
    catalogKeyArn: pulumi.Input<string>;
    /** Days crawler logs are kept (a CloudWatch Logs retention value). */
    logRetentionDays: number;
    /**
     * When the crawlers run (Glue cron expression, UTC).
     * @default "cron(0 4 * * ? *)": daily at 04:00
     */
    schedule?: string;
    /**
     * When the partition crawlers of the governed tables run (Glue cron expression, UTC); the ETL pipeline also starts
     * the processed zone's before its data-quality stage.
     * @default "cron(15 * * * ? *)": hourly
     */
    partitionSchedule?: string;
    /**
     * Protect the crawlers' key from deletion.
     * @default true
     */
    dataProtection?: boolean;
}

/** What a crawler of existing catalog tables does: read them, add and update their partitions. */
const PARTITION_ACTIONS = [
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:BatchUpdatePartition",
];

/** The `domain` LF-tag value of the zone databases. */
const ZONE_DATABASE_DOMAIN = "platform";

/**
 * Glue crawlers that discover the schemas of the processed and curated zones into the zone databases.
 * - Security configuration: S3 SSE-KMS, CloudWatch Logs SSE-KMS and job bookmarks CSE-KMS with a dedicated key whose
 *   policy admits CloudWatch Logs (the crawler's log group is encrypted with it); the log group Glue writes to with a
 *   security configuration, `/aws-glue/crawlers-role/<role>-<security configuration>`, is created here with the key
 *   and a retention, and the role may only write to it and associate the key
 *   (https://docs.aws.amazon.com/glue/latest/dg/console-security-configurations.html,
 *   https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html).
 * - Lake Formation credentials (`useLakeFormationCredentials`): the zone buckets are registered, so the crawler reads
 *   through Lake Formation (`lakeformation:GetDataAccess`) and its role has no S3 or zone-key permission; Lake
 *   Formation grants it DATA_LOCATION_ACCESS on the bucket and CREATE_TABLE, ALTER, DESCRIBE on the zone database
 *   (by LF-tag), as "Configuring a crawler to use Lake Formation credentials" lists
 *   (https://docs.aws.amazon.com/glue/latest/dg/crawler-lf-integ.html).
 * - Recrawl new folders only; schema changes are logged, never applied as deletes (`CRAWL_NEW_FOLDERS_ONLY` requires
 *   `LOG` for both behaviours: https://docs.aws.amazon.com/glue/latest/dg/incremental-crawls.html).
 */
export class SchemaCrawlers extends pulumi.ComponentResource {
    public readonly securityConfiguration: aws.glue.SecurityConfiguration;
    public readonly key: KmsKey;
    /** Zone → its crawler. */
    public readonly crawlers: Readonly<Record<string, aws.glue.Crawler>>;
    /** Zone → the crawler of its governed tables' partitions (zones with `governedTables`). */
    public readonly partitionCrawlers: Readonly<Record<string, aws.glue.Crawler>>;
    /** Zone → the name of its partition crawler (a plain string: the ETL state machine runs it). */
    public readonly partitionCrawlerNames: Readonly<Record<string, string>>;
    /** Zone → the crawler's role. */
    public readonly roles: Readonly<Record<string, aws.iam.Role>>;
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;
    public readonly lakeFormationPrincipals: pulumi.Output<LakeFormationPrincipal[]>;

    constructor(name: string, args: SchemaCrawlersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:SchemaCrawlers", name, {}, opts);
        const issues = new IssueCollector();
        const seen = new Set<string>();
        args.zones.forEach((z, i) => {
            if (seen.has(z.zone))
                issues.add(`SchemaCrawlers(${name}).zones[${i}].zone`, z.zone, "one crawler per zone");
            seen.add(z.zone);
        });
        issues.throwIfAny(`Invalid arguments for SchemaCrawlers "${name}"`);

        const ctx = awsContext(this);
        this.key = new KmsKey(
            `${name}-key`,
            {
                description: "Glue crawlers: security configuration (S3, CloudWatch Logs, job bookmarks)",
                alias: args.naming.name("kmsAlias", "glue-crawlers"),
                policyStatements: [logsKeyStatement(ctx)],
                dataProtection: args.dataProtection,
            },
            { parent: this },
        );
        const configName = args.naming.name("generic", "crawlers");
        this.securityConfiguration = new aws.glue.SecurityConfiguration(
            name,
            {
                name: configName,
                encryptionConfiguration: {
                    s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: this.key.keyArn },
                    cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: this.key.keyArn },
                    jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: this.key.keyArn },
                },
            },
            { parent: this },
        );

        const glueArn = (resource: pulumi.Input<string>) =>
            pulumi.interpolate`arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:${resource}`;
        const viaGlue = pulumi.interpolate`glue.${ctx.region}.${ctx.dnsSuffix}`;
        const crawlers: Record<string, aws.glue.Crawler> = {};
        const partitionCrawlers: Record<string, aws.glue.Crawler> = {};
        const partitionCrawlerNames: Record<string, string> = {};
        const roles: Record<string, aws.iam.Role> = {};
        const access: RequiredAccessInput[] = [];
        const dependsOn = args.lakeFormation.catalogDependencies;
        for (const z of args.zones) {
            const id = `${name}-${z.zone}`;
            const catalogResources = [
                glueArn("catalog"),
                glueArn(pulumi.interpolate`database/${z.databaseName}`),
                glueArn(pulumi.interpolate`table/${z.databaseName}/*`),
            ];
            const governed = (z.governedTables ?? []).filter((g) => g.tables.length > 0);
            const governedResources = governed.flatMap((g) => [
                glueArn(pulumi.interpolate`database/${g.databaseName}`),
                ...g.tables.map((t) => glueArn(pulumi.interpolate`table/${g.databaseName}/${t}`)),
            ]);
            // A schema crawler also lists, creates and updates tables.
            const catalogActions = [...PARTITION_ACTIONS, "glue:GetTables", "glue:CreateTable", "glue:UpdateTable"];
            const catalogKeyActions = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];
            // Glue names the crawler's log group after the role and the security configuration: both names are fixed.
            const roleName = args.naming.name("iamRole", "crawler", z.zone);
            const logGroupName = `/aws-glue/crawlers-role/${roleName}-${configName}`;
            const logGroupArn = pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
            const statements: PolicyStatement[] = [
                {
                    // Lake Formation vends credentials for the registered zone bucket (no S3 permission of its own).
                    Sid: "LakeFormationCredentials",
                    Effect: "Allow",
                    Action: "lakeformation:GetDataAccess",
                    Resource: "*",
                },
                { Sid: "ZoneCatalog", Effect: "Allow", Action: catalogActions, Resource: catalogResources },
                ...(governed.length > 0
                    ? [
                          {
                              // The governed tables' partitions (catalog targets): read the tables, add partitions.
                              Sid: "GovernedPartitions",
                              Effect: "Allow" as const,
                              Action: PARTITION_ACTIONS,
                              Resource: governedResources,
                          },
                      ]
                    : []),
                {
                    Sid: "EncryptedCatalogThroughGlue",
                    Effect: "Allow",
                    Action: catalogKeyActions,
                    Resource: args.catalogKeyArn,
                    Condition: { StringEquals: { "kms:ViaService": viaGlue } },
                },
                {
                    Sid: "CrawlerLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogGroup", "logs:AssociateKmsKey"],
                    Resource: logGroupArn,
                },
                {
                    Sid: "CrawlerLogStreams",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: pulumi.interpolate`${logGroupArn}:*`,
                },
            ];
            const role = serviceRole(id, this, {
                service: "glue.amazonaws.com",
                accountId: ctx.accountId,
                description: `Glue crawler of the ${z.zone} zone (schema discovery through Lake Formation)`,
                roleName,
                statements,
            });
            roles[z.zone] = role.role;
            const logGroup = createLogGroup(id, this, {
                name: logGroupName,
                kmsKeyArn: this.key.keyArn,
                retentionDays: args.logRetentionDays,
            });
            const grantOpts = { parent: this, dependsOn };
            const location = new aws.lakeformation.Permissions(
                `${id}-location`,
                {
                    principal: role.role.arn,
                    permissions: ["DATA_LOCATION_ACCESS"],
                    dataLocation: { arn: z.bucketArn },
                },
                { ...grantOpts, dependsOn: [...dependsOn, z.location] },
            );
            const database = new aws.lakeformation.Permissions(
                `${id}-database`,
                {
                    principal: role.role.arn,
                    permissions: ["CREATE_TABLE", "ALTER", "DESCRIBE"],
                    lfTagPolicy: {
                        resourceType: "DATABASE",
                        expressions: [
                            { key: LF_TAG_KEYS.zone, values: [z.zone] },
                            { key: LF_TAG_KEYS.domain, values: [ZONE_DATABASE_DOMAIN] },
                        ],
                    },
                },
                grantOpts,
            );
            const tables = new aws.lakeformation.Permissions(
                `${id}-tables`,
                {
                    principal: role.role.arn,
                    // Tables the crawler updates (it owns those it creates); it reads data through its location grant.
                    permissions: ["ALTER", "DESCRIBE"],
                    lfTagPolicy: {
                        resourceType: "TABLE",
                        expressions: [
                            { key: LF_TAG_KEYS.zone, values: [z.zone] },
                            { key: LF_TAG_KEYS.domain, values: [ZONE_DATABASE_DOMAIN] },
                        ],
                    },
                },
                grantOpts,
            );
            const governedGrants: aws.lakeformation.Permissions[] = [];
            // The zone database's own domain (platform) is covered by the grants above: no second, identical grant
            // (deleting either would revoke both).
            const governedDomains = (z.governedDomains ?? []).filter((d) => d !== ZONE_DATABASE_DOMAIN).sort();
            if (governed.length > 0 && governedDomains.length > 0) {
                // Partitions of governed tables: ALTER to add them, DESCRIBE on the databases and tables; the location
                // grant above covers their folders ("Configuring a crawler to use Lake Formation credentials",
                // https://docs.aws.amazon.com/glue/latest/dg/crawler-lf-integ.html). By LF-tag, never by name.
                const expressions = [
                    { key: LF_TAG_KEYS.zone, values: [z.zone] },
                    { key: LF_TAG_KEYS.domain, values: governedDomains },
                ];
                governedGrants.push(
                    new aws.lakeformation.Permissions(
                        `${id}-governed-databases`,
                        {
                            principal: role.role.arn,
                            permissions: ["DESCRIBE"],
                            lfTagPolicy: { resourceType: "DATABASE", expressions },
                        },
                        grantOpts,
                    ),
                    new aws.lakeformation.Permissions(
                        `${id}-governed-tables`,
                        {
                            principal: role.role.arn,
                            permissions: ["ALTER", "DESCRIBE"],
                            lfTagPolicy: { resourceType: "TABLE", expressions },
                        },
                        grantOpts,
                    ),
                );
            }
            crawlers[z.zone] = new aws.glue.Crawler(
                id,
                {
                    name: args.naming.name("generic", "crawler", z.zone),
                    description: `Schema discovery of the ${z.zone} zone`,
                    role: role.role.arn,
                    databaseName: z.databaseName,
                    securityConfiguration: this.securityConfiguration.name,
                    s3Targets: [
                        {
                            path: pulumi.interpolate`s3://${z.bucketName}/`,
                            ...(z.exclusions?.length ? { exclusions: z.exclusions } : {}),
                        },
                    ],
                    schedule: args.schedule ?? "cron(0 4 * * ? *)",
                    recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
                    schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
                    lakeFormationConfiguration: { useLakeFormationCredentials: true },
                    configuration: JSON.stringify({
                        Version: 1.0,
                        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
                        Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
                    }),
                },
                { parent: this, dependsOn: [role.policy, logGroup, location, database, tables] },
            );
            if (governed.length > 0) {
                partitionCrawlerNames[z.zone] = args.naming.name("generic", "crawler", z.zone, "partitions");
                // Catalog targets: the crawler crawls the existing tables' locations and adds their new partitions;
                // the schema change policy (LOG: never change or delete a table) "does not affect whether or how new
                // tables and partitions are added"
                // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-glue-crawler-schemachangepolicy.html,
                // https://docs.aws.amazon.com/glue/latest/webapi/API_CatalogTarget.html).
                partitionCrawlers[z.zone] = new aws.glue.Crawler(
                    `${id}-partitions`,
                    {
                        name: partitionCrawlerNames[z.zone],
                        description: `Partitions of the governed tables of the ${z.zone} zone`,
                        role: role.role.arn,
                        // Required by the API; the catalog targets name each table's own database.
                        databaseName: governed[0].databaseName,
                        securityConfiguration: this.securityConfiguration.name,
                        catalogTargets: governed.map((g) => ({ databaseName: g.databaseName, tables: g.tables })),
                        schedule: args.partitionSchedule ?? "cron(15 * * * ? *)",
                        schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
                        lakeFormationConfiguration: { useLakeFormationCredentials: true },
                        configuration: JSON.stringify({
                            Version: 1.0,
                            CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
                        }),
                    },
                    { parent: this, dependsOn: [role.policy, logGroup, location, ...governedGrants] },
                );
                access.push({
                    id: `crawler-${z.zone}/governed-partitions`,
                    principal: role.role.arn,
                    requests: [
                        { actions: ["lakeformation:GetDataAccess"], resource: "*" },
                        ...governedResources.map((resource) => ({ actions: PARTITION_ACTIONS, resource })),
                    ],
                    doc: "https://docs.aws.amazon.com/glue/latest/dg/crawler-lf-integ.html",
                    why: `the ${z.zone} zone's partition crawler registers the governed tables' new partitions`,
                });
            }
            access.push({
                id: `crawler-${z.zone}/catalog`,
                principal: role.role.arn,
                requests: [
                    { actions: ["lakeformation:GetDataAccess"], resource: "*" },
                    // The catalog and the tables the crawler creates are not resources of the plan; the account's
                    // Data Catalog has no resource policy (Lake Formation permissions decide), so the role's side is it.
                    ...[catalogResources[0], catalogResources[2]].map((resource) => ({
                        actions: catalogActions,
                        resource,
                        external:
                            "the Glue Data Catalog of this account (no catalog resource policy: Lake Formation grants decide)",
                    })),
                    { actions: catalogActions, resource: catalogResources[1] },
                    {
                        actions: catalogKeyActions,
                        resource: args.catalogKeyArn,
                        context: { "kms:ViaService": viaGlue },
                    },
                    { actions: ["logs:CreateLogGroup", "logs:AssociateKmsKey"], resource: logGroupArn },
                    {
                        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        resource: pulumi.interpolate`${logGroupArn}:log-stream:${args.naming.name("generic", "crawler", z.zone)}`,
                    },
                ],
                doc: "https://docs.aws.amazon.com/glue/latest/dg/crawler-lf-integ.html",
                why: `The ${z.zone} zone crawler reads through Lake Formation and writes the zone database's tables and its encrypted logs`,
            });
        }
        this.crawlers = crawlers;
        this.partitionCrawlers = partitionCrawlers;
        this.partitionCrawlerNames = partitionCrawlerNames;
        this.roles = roles;
        this.requiredAccess = requiredAccess(access);
        this.lakeFormationPrincipals = pulumi.all(
            Object.entries(roles).map(([zone, role]) =>
                role.arn.apply(
                    (arn): LakeFormationPrincipal => ({ principal: arn, kind: "service", name: `crawler-${zone}` }),
                ),
            ),
        );
        this.registerOutputs({
            requiredAccess: this.requiredAccess,
            [LF_PRINCIPALS_OUTPUT]: this.lakeFormationPrincipals,
        });
    }
}
