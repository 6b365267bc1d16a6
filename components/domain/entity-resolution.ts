import * as aws from "@pulumi/aws";
import type * as awsnative from "@pulumi/aws-native";
import { awsNative } from "../shared/native";
import * as pulumi from "@pulumi/pulumi";
import type { RequiredAccess } from "../../model/access";
import { requiredAccess, s3Access } from "../shared/access";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { s3AccessStatements } from "../shared/iam";
import type { Naming } from "../shared/naming";
import { serviceRole } from "../shared/roles";
import type { EntityDefinition } from "../../model/entities";

/** Entity Resolution attribute types the platform maps entity attributes to. */
export const MATCH_TYPES = [
    "NAME",
    "NAME_FIRST",
    "NAME_LAST",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "ADDRESS",
    "ADDRESS_POSTALCODE",
    "DATE",
] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export interface EntityResolutionArgs {
    /** Naming scope of the domain (schema mapping and workflow names). */
    naming: Naming;
    /** The entity whose records are matched (its data product table is the input). */
    entity: EntityDefinition;
    /** Attribute → Entity Resolution type, e.g. `{email: "EMAIL_ADDRESS", name: "NAME"}`; each a match key. */
    matchOn: Record<string, MatchType>;
    /** Glue table of the entity's data product (input source). */
    inputTable: {
        arn: pulumi.Input<string>;
        databaseName: pulumi.Input<string>;
        name: pulumi.Input<string>;
        bucketArn: pulumi.Input<string>;
        keyArn: pulumi.Input<string>;
    };
    /** Where matches are written: the processed zone and the prefix the domain may write. */
    output: {
        bucketName: pulumi.Input<string>;
        bucketArn: pulumi.Input<string>;
        keyArn: pulumi.Input<string>;
        prefix: string;
    };
}

/**
 * An AWS Entity Resolution matching workflow over a domain entity (pulumi-aws v7 has no Entity Resolution resources,
 * so this uses `@pulumi/aws-native`): a schema mapping from the entity's attributes, a rule-based workflow matching on
 * the configured keys, reading the entity's data-product table and writing matches, encrypted with the zone's key, to
 * the processed zone.
 */
export class EntityResolution extends pulumi.ComponentResource {
    public readonly workflow: awsnative.entityresolution.MatchingWorkflow;
    /** The accesses its integrations need (proven by the plan's access proof). */
    public readonly requiredAccess: pulumi.Output<RequiredAccess[]>;

    constructor(name: string, args: EntityResolutionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:EntityResolution", name, {}, opts);
        const issues = new IssueCollector();
        const at = `EntityResolution(${name}).matchOn`;
        const keys = Object.entries(args.matchOn);
        if (keys.length === 0) issues.add(at, args.matchOn, "at least one attribute to match on");
        for (const [attr, type] of keys) {
            if (!(attr in args.entity.attributes))
                issues.add(
                    `${at}.${attr}`,
                    attr,
                    `an attribute of ${args.entity.name} (${Object.keys(args.entity.attributes).join(", ")})`,
                );
            if (!(MATCH_TYPES as readonly string[]).includes(type))
                issues.add(`${at}.${attr}`, type, `one of ${MATCH_TYPES.join(", ")}`);
        }
        issues.throwIfAny(`Invalid arguments for EntityResolution "${name}"`);
        const ctx = awsContext(this);
        const column = (attr: string) => attr.toLowerCase();
        const schema = new (awsNative().entityresolution.SchemaMapping)(
            name,
            {
                schemaName: args.naming.name("generic", args.entity.name, "schema"),
                description: `Matching schema of ${args.entity.name}`,
                mappedInputFields: [
                    { fieldName: column(args.entity.partitionKey), type: "UNIQUE_ID" },
                    ...keys.map(([attr, type]) => ({ fieldName: column(attr), type, matchKey: attr })),
                ],
            },
            { parent: this },
        );
        const prefix = args.output.prefix.replace(/\/?$/, "/");
        const role = serviceRole(name, this, {
            service: "entityresolution.amazonaws.com",
            accountId: ctx.accountId,
            description: `Entity Resolution over ${args.entity.name}: read its data product, write matches`,
            statements: [
                {
                    Sid: "ReadInputTable",
                    Effect: "Allow",
                    Action: [
                        "glue:GetDatabase",
                        "glue:GetTable",
                        "glue:GetPartition",
                        "glue:GetPartitions",
                        "glue:GetSchema",
                    ],
                    Resource: [
                        args.inputTable.arn,
                        pulumi.interpolate`arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:database/${args.inputTable.databaseName}`,
                        pulumi.interpolate`arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:catalog`,
                    ],
                },
                ...s3AccessStatements(
                    "read",
                    { bucketArn: args.inputTable.bucketArn, keyArn: args.inputTable.keyArn, prefix: args.entity.name },
                    "Input",
                ),
                {
                    // The input location is registered with Lake Formation: reads through it need this IAM permission
                    // besides the grants below ("Underlying data access control", Lake Formation Developer Guide:
                    // https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html). It has
                    // no resource-level permissions; Lake Formation vends credentials only for what it granted.
                    Sid: "LakeFormationDataAccess",
                    Effect: "Allow",
                    Action: "lakeformation:GetDataAccess",
                    Resource: "*",
                },
                ...s3AccessStatements(
                    "write",
                    { bucketArn: args.output.bucketArn, keyArn: args.output.keyArn, prefix, allowList: true },
                    "Matches",
                ),
            ],
        });
        // The catalog has no IAMAllowedPrincipals defaults: Glue answers GetTable and the data is read only for what Lake
        // Formation grants the role ("Granting and revoking permissions on Data Catalog resources", Lake Formation
        // Developer Guide: https://docs.aws.amazon.com/lake-formation/latest/dg/granting-catalog-permissions.html).
        const grants = [
            new aws.lakeformation.Permissions(
                `${name}-input-database`,
                {
                    principal: role.role.arn,
                    permissions: ["DESCRIBE"],
                    database: { name: args.inputTable.databaseName },
                },
                { parent: this },
            ),
            new aws.lakeformation.Permissions(
                `${name}-input-table`,
                {
                    principal: role.role.arn,
                    permissions: ["SELECT", "DESCRIBE"],
                    table: { databaseName: args.inputTable.databaseName, name: args.inputTable.name },
                },
                { parent: this },
            ),
        ];
        this.workflow = new (awsNative().entityresolution.MatchingWorkflow)(
            name,
            {
                workflowName: args.naming.name("generic", args.entity.name, "matching"),
                description: `Matches ${args.entity.name} records`,
                roleArn: role.role.arn,
                inputSourceConfig: [
                    { inputSourceArn: args.inputTable.arn, schemaArn: schema.schemaArn, applyNormalization: true },
                ],
                outputSourceConfig: [
                    {
                        outputS3Path: pulumi.interpolate`s3://${args.output.bucketName}/${prefix}`,
                        kmsArn: args.output.keyArn,
                        applyNormalization: true,
                        output: [
                            { name: column(args.entity.partitionKey) },
                            ...keys.map(([attr]) => ({
                                name: column(attr),
                                hashed: args.entity.attributes[attr].pii === true,
                            })),
                        ],
                    },
                ],
                resolutionTechniques: {
                    resolutionType: "RULE_MATCHING",
                    ruleBasedProperties: {
                        attributeMatchingModel: "ONE_TO_ONE",
                        rules: [
                            ...keys.map(([attr]) => ({
                                ruleName: `exact-${attr}`.slice(0, 255),
                                matchingKeys: [attr],
                            })),
                        ],
                    },
                },
            },
            { parent: this, dependsOn: [role.policy, ...grants] },
        );
        // "Create a workflow job role for AWS Entity Resolution": read the input table (Glue, S3, its key; through
        // Lake Formation when the table is governed by it: lakeformation:GetDataAccess plus an LF grant, which the
        // proof does not model), write the output location with its key.
        const doc = "https://docs.aws.amazon.com/entityresolution/latest/userguide/create-workflow-job-role.html";
        this.requiredAccess = requiredAccess([
            {
                id: `entity-resolution-${args.entity.name}/read-input`,
                principal: role.role.arn,
                requests: [
                    {
                        actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                        resource: args.inputTable.arn,
                    },
                    { actions: ["lakeformation:GetDataAccess"], resource: "*" },
                ],
                doc,
                why: `the workflow reads the ${args.entity.name} data product (a Lake Formation governed table)`,
            },
            s3Access({
                id: `entity-resolution-${args.entity.name}/read-input-objects`,
                principal: role.role.arn,
                bucketArn: args.inputTable.bucketArn,
                keyArn: args.inputTable.keyArn,
                prefix: `${args.entity.name}/`,
                objectActions: ["s3:GetObject"],
                bucketActions: ["s3:ListBucket", "s3:GetBucketLocation"],
                kmsActions: ["kms:Decrypt"],
                ctx,
                doc,
                why: `the workflow reads the ${args.entity.name} objects of the data product`,
            }),
            s3Access({
                id: `entity-resolution-${args.entity.name}/write-matches`,
                principal: role.role.arn,
                bucketArn: args.output.bucketArn,
                keyArn: args.output.keyArn,
                prefix,
                objectActions: ["s3:PutObject"],
                bucketActions: ["s3:ListBucket", "s3:GetBucketLocation"],
                kmsActions: ["kms:GenerateDataKey", "kms:Decrypt"],
                objectContext: {
                    "s3:x-amz-server-side-encryption": "aws:kms",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id": args.output.keyArn,
                },
                ctx,
                doc,
                why: `matches land under ${prefix} of the output zone (cross-account) with its key`,
            }),
        ]);
        this.registerOutputs({ workflowArn: this.workflow.workflowArn, requiredAccess: this.requiredAccess });
    }
}
