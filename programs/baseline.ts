import { catalogDomainNames } from "../model/catalog";
import * as pulumi from "@pulumi/pulumi";
import { AccountBaseline } from "../components/baseline/account-baseline";
import type { CatalogEncryptionArgs } from "../components/baseline/catalog-encryption";
import type { LakeFormationArgs } from "../components/governance/lake-formation";
import { Naming } from "../components/shared/naming";
import { IAM_ROLE_ARN } from "../model/names";
import { type AccountTarget, programOptions } from "./accounts";
import type { PlatformConfig } from "./config";

/** The account targets of the platform's programs, as `deployPlatform` builds them. */
export interface ProgramTargets {
    readonly governance: AccountTarget;
    readonly hub: AccountTarget;
    readonly analytics: AccountTarget;
    readonly ml: AccountTarget;
    /** Domain name → its account's target. */
    readonly domains: ReadonlyMap<string, AccountTarget>;
}

/** URN of a component or resource in this stack, from its type chain and name (for aliases of moved resources). */
function urnOf(chain: ReadonlyArray<readonly [type: string, name: string]>): pulumi.Output<string> {
    let parent: pulumi.Output<string> | undefined;
    for (const [type, name] of chain) parent = pulumi.createUrn(name, type, parent);
    return parent!;
}

/**
 * One `AccountBaseline` per distinct account of the stack, on the provider of the account's first program
 * (governance, then the domains in config order, then hub, analytics, ml), which is where these resources lived
 * before the baseline existed: each moved resource keeps its provider and gets an alias to its old URN.
 *
 * - Lake Formation: in the governance account (config admins, every domain's LF-tag value) and in each other account
 *   hosting domains (its deployment role, or the config admins, as admins; its domains' tag values).
 * - API Gateway logging role: in every account hosting a domain's publishing API.
 * - Security services (GuardDuty, Security Hub, Inspector, Access Analyzer, Macie): in every account, each unless
 *   `cdp:security` turns it off (the organisation manages it centrally).
 */
export function accountBaselines(config: PlatformConfig, targets: ProgramTargets): Map<string, AccountBaseline> {
    const governanceId = targets.governance.account.id;
    const byAccount = new Map<string, { target: AccountTarget; domains: string[] }>();
    const visit = (target: AccountTarget, domain?: string) => {
        const entry = byAccount.get(target.account.id) ?? { target, domains: [] };
        if (domain) entry.domains.push(domain);
        byAccount.set(target.account.id, entry);
    };
    visit(targets.governance);
    for (const [domain, target] of targets.domains) visit(target, domain);
    visit(targets.hub);
    visit(targets.analytics);
    visit(targets.ml);

    // Accounts reading the governance catalog's metadata through cross-account Lake Formation grants: the consumer and
    // ML roles' accounts, and the producer domains' accounts (their own domain's tables).
    const governanceReaders = [
        ...config.governance.consumers.map((c) => IAM_ROLE_ARN.exec(c.roleArn)?.[2] ?? ""),
        ...[...targets.domains.values()].map((t) => t.account.id),
    ].filter((id) => id !== "" && id !== governanceId);
    const naming = new Naming(config.namePrefix, config.environment);
    const baselines = new Map<string, AccountBaseline>();
    const { guardDuty, securityHub, inspector, accessAnalyzer, unusedAccessAgeDays, macie } = config.security;
    for (const [accountId, { target, domains }] of byAccount) {
        const isGovernance = accountId === governanceId;
        const firstDomain = domains[0];
        let lakeFormation: LakeFormationArgs | undefined;
        let lakeFormationMoved: { name: string; parentUrn: pulumi.Input<string> } | undefined;
        let catalogEncryption: CatalogEncryptionArgs | undefined;
        if (isGovernance) {
            lakeFormation = {
                adminRoleArns: [...config.lake.adminRoleArns],
                readOnlyAdminRoleArns: [...config.lake.readOnlyAdminRoleArns],
                // The business domains and the hub's data product domain (model/hub-products.ts).
                domains: catalogDomainNames(config.domains),
                extraTags: Object.fromEntries(Object.entries(config.governance.lfTags).map(([k, v]) => [k, [...v]])),
            };
            catalogEncryption = {
                keyAlias: naming.name("kmsAlias", "glue-catalog"),
                adminRoleArns: [...config.lake.adminRoleArns],
                readerAccountIds: [...new Set(governanceReaders)],
                dataProtection: config.dataProtection,
            };
            lakeFormationMoved = {
                name: "lake-formation",
                parentUrn: urnOf([["cdp:programs:Governance", "governance"]]),
            };
        } else if (firstDomain) {
            const roleArn = target.account.roleArn;
            lakeFormation = { adminRoleArns: roleArn ? [roleArn] : [...config.lake.adminRoleArns], domains };
            // Governance reads the data products this account shares with it (DataProducts' grants by LF-tag).
            catalogEncryption = {
                keyAlias: naming.name("kmsAlias", "glue-catalog"),
                adminRoleArns: [...lakeFormation.adminRoleArns],
                readerAccountIds: [governanceId],
                dataProtection: config.dataProtection,
            };
            lakeFormationMoved = {
                name: `domain-${firstDomain}-lake-formation`,
                parentUrn: urnOf([["cdp:programs:Producer", `domain-${firstDomain}`]]),
            };
        }
        baselines.set(
            accountId,
            new AccountBaseline(
                `baseline-${target.account.alias}`,
                {
                    lakeFormation,
                    catalogEncryption,
                    apiGatewayLogging: firstDomain !== undefined,
                    security: { naming, guardDuty, securityHub, inspector, accessAnalyzer, unusedAccessAgeDays, macie },
                    moved: {
                        lakeFormation: lakeFormationMoved,
                        apiGatewayAccountUrn: firstDomain
                            ? urnOf([
                                  ["cdp:programs:Producer", `domain-${firstDomain}`],
                                  ["cdp:domain:ProducerDomain", firstDomain],
                                  ["cdp:domain:PublishingApi", `${firstDomain}-api`],
                                  ["aws:apigateway/account:Account", `${firstDomain}-api`],
                              ])
                            : undefined,
                    },
                },
                programOptions(target),
            ),
        );
    }
    return baselines;
}
