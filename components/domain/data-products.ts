import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type LakeFormation, LF_TAG_KEYS } from "../governance/lake-formation";
import { awsContext } from "../shared/context";
import { s3AccessStatements } from "../shared/iam";
import type { Naming } from "../shared/naming";
import { serviceRole } from "../shared/roles";
import { DataLake } from "../storage/data-lake";
import { entityClassification, GLUE_TYPES } from "../../model/catalog";
import { type EntityDefinition, MANAGED_ATTRIBUTES } from "../../model/entities";

export interface DataProductsArgs {
    /** Naming scope of the domain (the `products` zone's buckets, key and database). */
    naming: Naming;
    /** Domain name: value of the `domain` LF-tag of the database and tables. */
    domain: string;
    /** The entities, one Glue table each. */
    entities: EntityDefinition[];
    /** Lake Formation of the domain's account (settings and LF-tag definitions). */
    lakeFormation: LakeFormation;
    /**
     * Account of central governance to share the data products with; omit when it is this account.
     * @default none: no cross-account grants
     */
    governanceAccountId?: string;
    /**
     * Protect the `products` zone's buckets (data and access logs), key and database from deletion.
     * @default true
     */
    dataProtection?: boolean;
}

/**
 * The domain's published datasets: a `products` zone (encrypted bucket, catalog database with LF-tags), one Glue table
 * per entity (JSON lines under `<entity>/`, columns from the definition) tagged `domain` and `classification`, the
 * bucket registered with Lake Formation (a dedicated read-only data-access role) so that what Lake Formation grants
 * can be read, and — when central governance lives in another account — Lake Formation grants (by LF-tag, with grant
 * option) that share them with it.
 */
export class DataProducts extends pulumi.ComponentResource {
    public readonly lake: DataLake;
    public readonly tables: Readonly<Record<string, aws.glue.CatalogTable>>;
    /** The `products` bucket registered with Lake Formation (with `dataAccessRole`). */
    public readonly location: aws.lakeformation.Resource;
    /** The role Lake Formation reads the registered location with, on behalf of principals it has granted SELECT. */
    public readonly dataAccessRole: aws.iam.Role;

    constructor(name: string, args: DataProductsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:DataProducts", name, {}, opts);
        const classification = args.entities.some((e) => entityClassification(e) === "confidential")
            ? "confidential"
            : "internal";
        this.lake = new DataLake(
            name,
            {
                naming: args.naming,
                zones: [{ name: "products", classification }],
                dataProtection: args.dataProtection,
                lakeFormation: args.lakeFormation,
                lfDomain: args.domain,
            },
            { parent: this },
        );
        const database = this.lake.databases.products;
        const bucket = this.lake.zone("products").bucketName;
        const tagDependencies = Object.values(args.lakeFormation.tags);
        const tables: Record<string, aws.glue.CatalogTable> = {};
        for (const entity of args.entities) {
            // After the Lake Formation settings: a table created before them gets the IAMAllowedPrincipals default.
            const table = new aws.glue.CatalogTable(
                `${name}-${entity.name}`,
                {
                    databaseName: database.name,
                    name: entity.name.replace(/-/g, "_"),
                    description: `${entity.name} data product of the ${args.domain} domain`,
                    tableType: "EXTERNAL_TABLE",
                    parameters: { classification: "json", "cdp:domain": args.domain },
                    storageDescriptor: {
                        location: pulumi.interpolate`s3://${bucket}/${entity.name}/`,
                        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                        serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
                        columns: [
                            ...Object.entries(entity.attributes).map(([col, spec]) => ({
                                name: col.toLowerCase(),
                                type: GLUE_TYPES[spec.type],
                                comment: spec.pii ? "pii" : undefined,
                            })),
                            ...MANAGED_ATTRIBUTES.map((col) => ({
                                name: col.toLowerCase(),
                                type: col === "version" ? "bigint" : "timestamp",
                            })),
                        ],
                    },
                },
                { parent: this, dependsOn: args.lakeFormation.catalogDependencies },
            );
            new aws.lakeformation.ResourceLfTags(
                `${name}-${entity.name}`,
                {
                    table: { databaseName: database.name, name: table.name },
                    lfTags: [
                        { key: LF_TAG_KEYS.domain, value: args.domain },
                        { key: LF_TAG_KEYS.classification, value: entityClassification(entity) },
                    ],
                },
                { parent: this, dependsOn: tagDependencies },
            );
            tables[entity.name] = table;
        }
        this.tables = tables;

        // Lake Formation grants decide who reads the products, in this account (Entity Resolution) and in governance's
        // (the shared tables below): the bucket is registered with Lake Formation, which then hands granted principals
        // of integrated services (Athena, Glue, EMR, Redshift Spectrum) credentials of this role scoped to the table's
        // data, so no other account needs the bucket or the key ("Underlying data access control", Lake Formation
        // Developer Guide: https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html).
        // A dedicated role, not the service-linked one, because the bucket is KMS-encrypted and read cross-account
        // ("Requirements for roles used to register locations", Lake Formation Developer Guide:
        // https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html). Read-only: the grants are
        // SELECT and DESCRIBE; the domain's own writers keep their IAM access.
        const ctx = awsContext(this);
        const zone = this.lake.zone("products");
        const access = serviceRole(`${name}-lf-data-access`, this, {
            service: "lakeformation.amazonaws.com",
            accountId: ctx.accountId,
            description: `Lake Formation data access to the ${args.domain} data products (read)`,
            statements: s3AccessStatements("read", { bucketArn: zone.bucketArn, keyArn: zone.keyArn }, "Products"),
        });
        this.dataAccessRole = access.role;
        this.location = new aws.lakeformation.Resource(
            name,
            { arn: zone.bucketArn, roleArn: access.role.arn, useServiceLinkedRole: false, hybridAccessEnabled: false },
            { parent: this, dependsOn: [access.policy, ...args.lakeFormation.catalogDependencies] },
        );

        if (args.governanceAccountId) {
            // Cross-account sharing by LF-tag: governance sees (and may re-grant) everything tagged with this domain.
            const expression = [{ key: LF_TAG_KEYS.domain, values: [args.domain] }];
            new aws.lakeformation.Permissions(
                `${name}-share-databases`,
                {
                    principal: args.governanceAccountId,
                    permissions: ["DESCRIBE"],
                    permissionsWithGrantOptions: ["DESCRIBE"],
                    lfTagPolicy: { resourceType: "DATABASE", expressions: expression },
                },
                { parent: this, dependsOn: tagDependencies },
            );
            new aws.lakeformation.Permissions(
                `${name}-share-tables`,
                {
                    principal: args.governanceAccountId,
                    permissions: ["SELECT", "DESCRIBE"],
                    permissionsWithGrantOptions: ["SELECT", "DESCRIBE"],
                    lfTagPolicy: { resourceType: "TABLE", expressions: expression },
                },
                { parent: this, dependsOn: tagDependencies },
            );
        }
        this.registerOutputs({ databaseName: database.name });
    }
}
