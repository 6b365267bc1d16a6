import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLASSIFICATIONS, IAM_ROLE_ARN, LAKE_ZONES } from "../../model/names";
import { IssueCollector } from "../shared/errors";

/** LF-tag keys every catalog database and table of the platform carries. */
export const LF_TAG_KEYS = { domain: "domain", classification: "classification", zone: "zone" } as const;

/** Values of the `zone` LF-tag unless given: the lake zones and the `products` zone of domain accounts. */
export const DEFAULT_LF_ZONES: readonly string[] = [...LAKE_ZONES, "products"];

export interface LakeFormationArgs {
    /**
     * IAM role ARNs that administer Lake Formation in this account: explicit roles only (no users, no wildcards). The
     * role that deploys the governance program must be one of them, or it cannot create LF-tags and grants.
     */
    adminRoleArns: string[];
    /**
     * IAM role ARNs of auditors with read-only Lake Formation admin rights (explicit roles only, like `adminRoleArns`).
     * @default none
     */
    readOnlyAdminRoleArns?: string[];
    /** Values of the `domain` LF-tag besides `platform`, which is always one: the business domains. */
    domains: string[];
    /**
     * Values of the `zone` LF-tag: the zones whose databases and tables are tagged with it.
     * @default `DEFAULT_LF_ZONES`: raw, processed, curated, products
     */
    zones?: string[];
    /**
     * LF-tag keys besides `domain`, `classification` and `zone`, with their values (`cdp:governance.lfTags`).
     * @default none
     */
    extraTags?: Record<string, string[]>;
}

/**
 * Lake Formation settings of the governance account: explicit admin roles, no implicit `IAMAllowedPrincipals`
 * permissions on new databases and tables (so Lake Formation grants are what decides access), and the LF-tag
 * definitions (`domain`, `classification`) every catalog resource is tagged with.
 */
export class LakeFormation extends pulumi.ComponentResource {
    public readonly settings: aws.lakeformation.DataLakeSettings;
    public readonly tags: Readonly<Record<string, aws.lakeformation.LfTag>>;
    /** Values of the `zone` LF-tag: a database or table can be tagged only with one of them. */
    public readonly zoneValues: readonly string[];

    constructor(name: string, args: LakeFormationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:LakeFormation", name, {}, opts);
        const issues = new IssueCollector();
        if (args.adminRoleArns.length === 0) {
            issues.add(`LakeFormation(${name}).adminRoleArns`, args.adminRoleArns, "at least one IAM role ARN");
        }
        [...args.adminRoleArns, ...(args.readOnlyAdminRoleArns ?? [])].forEach((arn, i) => {
            if (!IAM_ROLE_ARN.test(arn))
                issues.add(
                    `LakeFormation(${name}).adminRoleArns[${i}]`,
                    arn,
                    "an IAM role ARN (no users, no wildcards)",
                );
        });
        for (const key of Object.keys(args.extraTags ?? {})) {
            if ((Object.values(LF_TAG_KEYS) as string[]).includes(key))
                issues.add(
                    `LakeFormation(${name}).extraTags.${key}`,
                    key,
                    `a key other than the built-in ${Object.values(LF_TAG_KEYS).join(", ")}`,
                );
        }
        issues.throwIfAny(`Invalid arguments for LakeFormation "${name}"`);

        this.settings = new aws.lakeformation.DataLakeSettings(
            name,
            {
                admins: args.adminRoleArns,
                readOnlyAdmins: args.readOnlyAdminRoleArns ?? [],
                // Empty: no IAMAllowedPrincipals "ALL" on new databases and tables.
                createDatabaseDefaultPermissions: [],
                createTableDefaultPermissions: [],
                // Cross-account grants by LF-tag through AWS RAM need version 3 or later.
                parameters: { CROSS_ACCOUNT_VERSION: "4" },
            },
            { parent: this },
        );
        const values: Record<string, string[]> = {
            [LF_TAG_KEYS.domain]: [...new Set(["platform", ...args.domains])],
            [LF_TAG_KEYS.classification]: [...CLASSIFICATIONS],
            [LF_TAG_KEYS.zone]: [...new Set(args.zones ?? DEFAULT_LF_ZONES)],
            ...args.extraTags,
        };
        this.zoneValues = values[LF_TAG_KEYS.zone];
        this.tags = Object.fromEntries(
            Object.entries(values).map(([key, tagValues]) => [
                key,
                new aws.lakeformation.LfTag(
                    `${name}-${key}`,
                    { key, values: tagValues },
                    { parent: this, dependsOn: [this.settings] },
                ),
            ]),
        );
        this.registerOutputs({});
    }

    /**
     * What a Glue database or table must be created after: the settings (a database created before them gets the
     * IAMAllowedPrincipals default grant, since the provider never sends an empty `createTableDefaultPermissions`)
     * and the LF-tags it is tagged with. The account defaults apply only to databases and tables created after they
     * change ("Changing the default settings for your data lake", Lake Formation Developer Guide:
     * https://docs.aws.amazon.com/lake-formation/latest/dg/change-settings.html).
     */
    get catalogDependencies(): pulumi.Resource[] {
        return [this.settings, ...Object.values(this.tags)];
    }
}
