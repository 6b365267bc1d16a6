import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IAM_ROLE_ARN } from "../../model/names";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { accountRootArn, type PolicyStatement } from "../shared/iam";
import { KmsKey } from "../shared/kms";

export interface CatalogEncryptionArgs {
    /** Alias of the catalog key, without `alias/` (shaped by the naming rules). */
    keyAlias: string;
    /**
     * Roles of this account that manage the catalog through Glue and Lake Formation (the data lake administrators):
     * the key policy lets them use the key through Glue, so granting and creating catalog resources does not depend
     * on their IAM policies naming the key.
     * @default none
     */
    adminRoleArns?: string[];
    /**
     * Other accounts whose principals read this catalog's metadata (cross-account Lake Formation grants): the key
     * policy lets them decrypt through Glue only; their own IAM policies must also allow it.
     * @default none
     */
    readerAccountIds?: string[];
    /**
     * Protect the key from deletion: metadata encrypted with it is unreadable without it.
     * @default true
     */
    dataProtection?: boolean;
}

/**
 * Glue Data Catalog encryption of the account and region (a singleton, so it lives in the account baseline): metadata
 * at rest (`SSE-KMS`) and connection passwords with one customer-managed key.
 *
 * In `SSE-KMS` mode Glue encrypts and decrypts with the caller's credentials, so every principal that reads or
 * writes the catalog needs the key through Glue: crawlers, jobs and integrations (Entity Resolution reads its input
 * table's metadata), Athena users
 * (`kms:Decrypt`, `kms:GenerateDataKey`, `kms:Encrypt` on the catalog key,
 * https://docs.aws.amazon.com/athena/latest/ug/access-encrypted-data-glue-data-catalog.html), Lake Formation
 * administrators (granting on an encrypted catalog needs key permissions: "Insufficient encryption key permissions
 * for Glue API", https://docs.aws.amazon.com/lake-formation/latest/dg/troubleshooting.html), and principals of
 * other accounts that Lake Formation grants read metadata with their own credentials, so the key policy must admit
 * their account ("Encrypting your Data Catalog", AWS Glue Developer Guide:
 * https://docs.aws.amazon.com/glue/latest/dg/encrypt-glue-data-catalog.html). The key policy therefore admits this
 * account's principals (`kms:CallerAccount`) and the reader accounts, every statement only through Glue
 * (`kms:ViaService`); readers in other accounts also need the key in their own IAM policy. Removing the settings after a crawler has used the encrypted catalog breaks the
 * crawler (same page), so they are never deleted with the stack (`retainOnDelete`).
 */
export class CatalogEncryption extends pulumi.ComponentResource {
    public readonly key: KmsKey;
    public readonly settings: aws.glue.DataCatalogEncryptionSettings;
    /** ARN of the catalog key. */
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: CatalogEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:baseline:CatalogEncryption", name, {}, opts);
        const issues = new IssueCollector();
        (args.adminRoleArns ?? []).forEach((arn, i) => {
            if (!IAM_ROLE_ARN.test(arn))
                issues.add(`CatalogEncryption(${name}).adminRoleArns[${i}]`, arn, "an IAM role ARN");
        });
        (args.readerAccountIds ?? []).forEach((id, i) => {
            if (!/^\d{12}$/.test(id))
                issues.add(`CatalogEncryption(${name}).readerAccountIds[${i}]`, id, "a 12-digit account id");
        });
        issues.throwIfAny(`Invalid arguments for CatalogEncryption "${name}"`);

        const ctx = awsContext(this);
        const viaGlue = { StringEquals: { "kms:ViaService": pulumi.interpolate`glue.${ctx.region}.${ctx.dnsSuffix}` } };
        // Every principal of this account through Glue only, as the policy of the AWS managed key aws/glue does:
        // crawlers, jobs, integrations such as Entity Resolution, Athena users and the Lake Formation admins use the
        // catalog without each naming the key, and who reads which metadata stays decided by Glue IAM permissions and
        // Lake Formation grants. The admins are named as well, so granting never depends on that statement alone.
        const statements: PolicyStatement[] = [
            {
                Sid: "AccountPrincipalsThroughGlue",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "kms:CallerAccount": ctx.accountId,
                        "kms:ViaService": pulumi.interpolate`glue.${ctx.region}.${ctx.dnsSuffix}`,
                    },
                },
            },
        ];
        if ((args.adminRoleArns ?? []).length > 0) {
            statements.push({
                Sid: "CatalogAdministratorsThroughGlue",
                Effect: "Allow",
                Principal: { AWS: args.adminRoleArns ?? [] },
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                Resource: "*",
                Condition: viaGlue,
            });
        }
        const readers = [...new Set(args.readerAccountIds ?? [])];
        if (readers.length > 0) {
            statements.push({
                Sid: "CrossAccountMetadataReadersThroughGlue",
                Effect: "Allow",
                Principal: { AWS: readers.map((id) => accountRootArn(ctx.partition, id)) },
                Action: ["kms:Decrypt", "kms:DescribeKey"],
                Resource: "*",
                Condition: viaGlue,
            });
        }
        this.key = new KmsKey(
            `${name}-key`,
            {
                description: "Glue Data Catalog metadata and connection passwords",
                alias: args.keyAlias,
                policyStatements: statements,
                dataProtection: args.dataProtection,
            },
            { parent: this },
        );
        this.keyArn = this.key.keyArn;
        this.settings = new aws.glue.DataCatalogEncryptionSettings(
            name,
            {
                dataCatalogEncryptionSettings: {
                    encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: this.key.keyArn },
                    connectionPasswordEncryption: {
                        returnConnectionPasswordEncrypted: true,
                        awsKmsKeyId: this.key.keyArn,
                    },
                },
            },
            { parent: this, retainOnDelete: true },
        );
        this.registerOutputs({ keyArn: this.keyArn });
    }
}
