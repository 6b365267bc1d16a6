import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./context";
import { IssueCollector } from "./errors";
import { accountRootArn, policyJson, type PolicyStatement } from "./iam";
import { physicalName } from "./naming";
import { dataStoreOptions } from "./protection";

export interface KmsKeyArgs {
    /** What the key protects; shown in the console. */
    description: pulumi.Input<string>;
    /** Alias name without the `alias/` prefix, e.g. `cdp-dev-raw`. Shaped by the naming rules. */
    alias: string;
    /**
     * Days KMS waits before deleting a key scheduled for deletion: 7-30.
     * @default 30
     */
    deletionWindowInDays?: number;
    /**
     * Statements added to the key policy after the account-administration statement, e.g. a service principal
     * that must use the key. Without them, principals of the account need an IAM policy to use the key.
     * @default none
     */
    policyStatements?: pulumi.Input<PolicyStatement>[];
    /**
     * Protect the key from deletion (`protect`, `retainOnDelete`).
     * @default true
     */
    dataProtection?: boolean;
}

/** Validates key arguments, throwing a `ValidationError` that names the key and the bad value. */
export function validateKmsKeyArgs(name: string, args: KmsKeyArgs): void {
    const issues = new IssueCollector();
    const window = args.deletionWindowInDays;
    if (window !== undefined && (!Number.isInteger(window) || window < 7 || window > 30)) {
        issues.add(`KmsKey(${name}).deletionWindowInDays`, window, "a whole number of days from 7 to 30");
    }
    issues.throwIfAny(`Invalid arguments for KmsKey "${name}"`);
}

/**
 * A customer-managed symmetric KMS key with rotation on, a deletion window of at least 7 days, an alias, and a
 * key policy that delegates to the account's IAM (no public principal) plus any service statements given.
 */
export class KmsKey extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly alias: aws.kms.Alias;
    public readonly keyArn: pulumi.Output<string>;
    public readonly keyId: pulumi.Output<string>;
    public readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: KmsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:shared:KmsKey", name, {}, opts);
        validateKmsKeyArgs(name, args);
        const ctx = awsContext(this);
        const adminStatement: PolicyStatement = {
            Sid: "EnableAccountAdministration",
            Effect: "Allow",
            Principal: { AWS: accountRootArn(ctx.partition, ctx.accountId) },
            Action: "kms:*",
            Resource: "*",
        };
        this.key = new aws.kms.Key(
            name,
            {
                description: args.description,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                policy: pulumi
                    .all(args.policyStatements ?? [])
                    .apply((extra) => policyJson([adminStatement, ...(extra as PolicyStatement[])])),
            },
            dataStoreOptions(args.dataProtection ?? true, { parent: this }),
        );
        this.alias = new aws.kms.Alias(
            name,
            { name: `alias/${physicalName("kmsAlias", args.alias)}`, targetKeyId: this.key.keyId },
            { parent: this },
        );
        this.keyArn = this.key.arn;
        this.keyId = this.key.keyId;
        this.aliasName = this.alias.name;
        this.registerOutputs({ keyArn: this.keyArn, aliasName: this.aliasName });
    }
}
