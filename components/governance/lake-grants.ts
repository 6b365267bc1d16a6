import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LF_PRINCIPALS_OUTPUT, type LakeFormationPrincipal } from "../../model/access";
import { CONTRACT_ONLY_CLASSIFICATIONS, IAM_ROLE_ARN } from "../../model/names";
import { IssueCollector } from "../shared/errors";
import { type LakeFormation, LF_TAG_KEYS } from "./lake-formation";

/** A consumer or ML role and the tables its tag grant covers. */
export interface TagGrantConsumer {
    /** Config name of the consumer (contracts approve it by this name). */
    name: string;
    /** `consumer` (analytics) or `ml`. */
    kind: "consumer" | "ml";
    /** The IAM role granted; a role of another account is a cross-account grant (AWS RAM, CROSS_ACCOUNT_VERSION 4). */
    roleArn: string;
    /** Values of the `zone` LF-tag the grant covers. */
    zones: string[];
    /** Values of the `classification` LF-tag the grant covers; never pii or restricted. */
    classifications: string[];
    /** Values of the `domain` LF-tag the grant covers. */
    domains: string[];
}

/** A producer domain whose account reads its own domain's governed tables (when it is not the governance account). */
export interface TagGrantProducer {
    /** Domain name (its `domain` LF-tag value). */
    domain: string;
    /** The domain's account id: the grant goes to the account, whose data lake admin grants it on. */
    accountId: string;
}

export interface LakeGrantsArgs {
    /** Lake Formation of the governance account: grants are made after its settings and LF-tags exist. */
    lakeFormation: LakeFormation;
    /**
     * Consumer and ML roles, each granted by LF-tag expression.
     * @default none
     */
    consumers?: TagGrantConsumer[];
    /**
     * Producer domains in other accounts, each granted its own domain's tables (with grant option, so the domain
     * account's data lake admin can grant them to its roles).
     * @default none
     */
    producers?: TagGrantProducer[];
    /** The data lake administrators (declared as `admin` principals for the access proof). */
    adminRoleArns: string[];
    /**
     * The read-only administrators (declared as `read-only-admin` principals).
     * @default none
     */
    readOnlyAdminRoleArns?: string[];
}

type Expression = { key: string; values: string[] }[];

/**
 * Lake Formation grants of the governance account, all by LF-tag expression (never on named databases or tables):
 * - each consumer and ML role: DESCRIBE on the databases and SELECT, DESCRIBE on the tables whose `zone`,
 *   `classification` and `domain` LF-tags are in its configured lists; `pii` columns carry `classification=pii`, which
 *   no consumer list may hold, so a tag grant never reaches them (contracts grant them column by column);
 * - each producer domain's account (when not the governance account): DESCRIBE and SELECT on its own domain's
 *   databases and tables, with grant option.
 *
 * Cross-account grants (a role or an account outside the governance account) go through AWS RAM: Lake Formation
 * creates the resource share itself with cross-account version 3 or later (the settings set 4), which is also what
 * allows granting to an IAM principal of another account directly; the grantor (the deployment role) needs the
 * permissions of the AWSLakeFormationCrossAccountManager managed policy, and the recipient accepts the RAM invitation
 * (automatic inside an AWS Organization) and creates resource links to query the tables ("Cross-account data sharing
 * in Lake Formation": https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-permissions.html; versions:
 * https://docs.aws.amazon.com/lake-formation/latest/dg/optimize-ram.html).
 *
 * Output `lakeFormationPrincipals` lists every principal granted, with its kind, and the administrators.
 */
export class LakeGrants extends pulumi.ComponentResource {
    public readonly permissions: readonly aws.lakeformation.Permissions[];
    public readonly lakeFormationPrincipals: pulumi.Output<LakeFormationPrincipal[]>;

    constructor(name: string, args: LakeGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:governance:LakeGrants", name, {}, opts);
        const consumers = args.consumers ?? [];
        const producers = args.producers ?? [];
        const issues = new IssueCollector();
        consumers.forEach((c, i) => {
            const at = `LakeGrants(${name}).consumers[${i}]`;
            if (!IAM_ROLE_ARN.test(c.roleArn)) issues.add(`${at}.roleArn`, c.roleArn, "an IAM role ARN");
            const forbidden = c.classifications.filter((x) => CONTRACT_ONLY_CLASSIFICATIONS.includes(x));
            if (forbidden.length > 0)
                issues.add(
                    `${at}.classifications`,
                    c.classifications,
                    `no ${CONTRACT_ONLY_CLASSIFICATIONS.join(" or ")} (only a data contract grants them)`,
                );
            const unknownZones = c.zones.filter((z) => !args.lakeFormation.zoneValues.includes(z));
            if (unknownZones.length > 0)
                issues.add(`${at}.zones`, c.zones, `zone LF-tag values (${args.lakeFormation.zoneValues.join(", ")})`);
            for (const [key, values] of Object.entries({
                zones: c.zones,
                classifications: c.classifications,
                domains: c.domains,
            })) {
                if (values.length === 0) issues.add(`${at}.${key}`, values, "a non-empty list");
            }
        });
        producers.forEach((p, i) => {
            if (!/^\d{12}$/.test(p.accountId))
                issues.add(`LakeGrants(${name}).producers[${i}].accountId`, p.accountId, "a 12-digit account id");
        });
        issues.throwIfAny(`Invalid arguments for LakeGrants "${name}"`);

        const dependsOn = args.lakeFormation.catalogDependencies;
        const permissions: aws.lakeformation.Permissions[] = [];
        const grant = (
            id: string,
            principal: string,
            resourceType: "DATABASE" | "TABLE",
            expression: Expression,
            list: string[],
            withGrantOption: boolean,
        ) =>
            permissions.push(
                new aws.lakeformation.Permissions(
                    `${name}-${id}-${resourceType.toLowerCase()}`,
                    {
                        principal,
                        permissions: list,
                        permissionsWithGrantOptions: withGrantOption ? list : [],
                        lfTagPolicy: { resourceType, expressions: expression },
                    },
                    { parent: this, dependsOn },
                ),
            );
        for (const c of consumers) {
            const expression: Expression = [
                { key: LF_TAG_KEYS.zone, values: c.zones },
                { key: LF_TAG_KEYS.classification, values: c.classifications },
                { key: LF_TAG_KEYS.domain, values: c.domains },
            ];
            grant(c.name, c.roleArn, "DATABASE", expression, ["DESCRIBE"], false);
            grant(c.name, c.roleArn, "TABLE", expression, ["SELECT", "DESCRIBE"], false);
        }
        for (const p of producers) {
            const expression: Expression = [{ key: LF_TAG_KEYS.domain, values: [p.domain] }];
            grant(`producer-${p.domain}`, p.accountId, "DATABASE", expression, ["DESCRIBE"], true);
            grant(`producer-${p.domain}`, p.accountId, "TABLE", expression, ["SELECT", "DESCRIBE"], true);
        }
        this.permissions = permissions;

        const principals: LakeFormationPrincipal[] = [
            ...args.adminRoleArns.map(
                (principal): LakeFormationPrincipal => ({ principal, kind: "admin", name: "admin" }),
            ),
            ...(args.readOnlyAdminRoleArns ?? []).map(
                (principal): LakeFormationPrincipal => ({
                    principal,
                    kind: "read-only-admin",
                    name: "read-only-admin",
                }),
            ),
            ...consumers.map((c): LakeFormationPrincipal => ({ principal: c.roleArn, kind: c.kind, name: c.name })),
            ...producers.map(
                (p): LakeFormationPrincipal => ({ principal: p.accountId, kind: "producer", name: p.domain }),
            ),
        ];
        this.lakeFormationPrincipals = pulumi.output(principals);
        this.registerOutputs({ [LF_PRINCIPALS_OUTPUT]: this.lakeFormationPrincipals });
    }
}
