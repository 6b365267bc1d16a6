/** The producer program's section of the stack configuration: `cdp:domains`. */
import type { MatchType } from "../../components/domain/entity-resolution";
import type { DaxSpec } from "../../components/domain/operational-store";
import { type EntityDefinition, entityIssues } from "../../model/entities";
import { HUB_DOMAIN } from "../../model/hub-products";
import { DOMAIN_NAME, DOMAIN_NAME_RULE, LAKE_ZONES } from "../../model/names";
import type { AccountConfig } from "../config";
import { CONFIG_NAMESPACE, configKey, type Json, type Reader, stringList } from "../config-reader";

/** What `cdp:domains` holds (the config reference in the README). */
export const DOMAINS_CONFIG_KEY =
    "list of {name, account, owner, costCenter?, entities, dax?, api?, entityResolution?} producer domains (default: none)";

export interface DomainConfig {
    /** Domain name, e.g. `sales`: lower-case letters, digits and hyphens, 2-24 characters. */
    readonly name: string;
    /** Alias of the account the domain's resources deploy to. */
    readonly account: string;
    /** Owning team or contact (tag value). */
    readonly owner: string;
    /** Cost center of the domain (tag value); default the platform's. */
    readonly costCenter: string;
    /** The entities the domain owns and publishes. */
    readonly entities: EntityDefinition[];
    /** DAX in front of the domain's tables (off when absent). */
    readonly dax?: DaxSpec;
    /** API settings. */
    readonly api: { authorization: "AWS_IAM" | "COGNITO"; userPoolArn?: string; rateLimit: number; burstLimit: number };
    /** AWS Entity Resolution over one entity (off when absent). */
    readonly entityResolution?: { entity: string; matchOn: Record<string, MatchType> };
}

export function parseDomains(
    r: Reader,
    raw: Json,
    accounts: Record<string, AccountConfig>,
    defaultCostCenter: string,
): DomainConfig[] {
    const key = configKey("domains");
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
        r.issues.add(key, raw, "a list of {name, account, owner, costCenter?}");
        return [];
    }
    const domains: DomainConfig[] = [];
    const names = new Set<string>();
    raw.forEach((entry, i) => {
        const at = `${key}[${i}]`;
        const domain = r.record(at, entry, "{name, account, owner, costCenter?}");
        if (!domain) return;
        r.unknownKeys(at, domain, [
            "name",
            "account",
            "owner",
            "costCenter",
            "entities",
            "dax",
            "api",
            "entityResolution",
        ]);
        const name = r.string(`${at}.name`, domain.name, DOMAIN_NAME, DOMAIN_NAME_RULE);
        if (name && names.has(name)) {
            r.issues.add(`${at}.name`, name, "a domain name not used by another domain");
        }
        // The governance catalog names a domain's database like a zone's (`<prefix>_<env>_<name>`), and `platform` is
        // the `domain` LF-tag value of the zone databases, and `hub` owns the hub's record types (model/hub-products.ts):
        // a domain with one of these names would share them.
        if (name && [...LAKE_ZONES, "platform", HUB_DOMAIN].includes(name)) {
            r.issues.add(
                `${at}.name`,
                name,
                `a name other than the lake zones, platform and ${HUB_DOMAIN} (${LAKE_ZONES.join(", ")}, platform, ${HUB_DOMAIN})`,
            );
        }
        if (name) names.add(name);
        const account = domain.account;
        if (typeof account !== "string" || !(account in accounts)) {
            r.issues.add(
                `${at}.account`,
                account,
                `an account alias defined in ${CONFIG_NAMESPACE}:accounts (${Object.keys(accounts).join(", ")})`,
            );
        }
        const owner =
            domain.owner === undefined
                ? r.missing(`${at}.owner`, "the owning team or contact")
                : r.tagValue(`${at}.owner`, domain.owner);
        const costCenter =
            domain.costCenter === undefined ? defaultCostCenter : r.tagValue(`${at}.costCenter`, domain.costCenter);
        let entities: EntityDefinition[] = [];
        if (!Array.isArray(domain.entities) || domain.entities.length === 0) {
            r.issues.add(
                `${at}.entities`,
                domain.entities,
                "a list of at least one entity definition {name, partitionKey, sortKey?, attributes, indexes?, ttlAttribute?}",
            );
        } else {
            entities = domain.entities as EntityDefinition[];
            r.issues.addAll(entityIssues(`${at}.entities`, entities));
        }
        let dax: DaxSpec | undefined;
        if (domain.dax !== undefined) {
            const d = r.record(`${at}.dax`, domain.dax, "{vpcId, subnetIds, nodeType?, nodes?}");
            if (d) {
                r.unknownKeys(`${at}.dax`, d, ["vpcId", "subnetIds", "nodeType", "nodes"]);
                const vpcId = r.string(`${at}.dax.vpcId`, d.vpcId, /^vpc-[0-9a-f]{8,17}$/, "a VPC id, vpc-…");
                const subnetIds = stringList(r, `${at}.dax.subnetIds`, d.subnetIds);
                if (subnetIds.length === 0)
                    r.issues.add(`${at}.dax.subnetIds`, d.subnetIds, "at least one private subnet id");
                const nodes =
                    d.nodes === undefined
                        ? undefined
                        : r.integer(`${at}.dax.nodes`, d.nodes, (n) => n >= 1 && n <= 11, "1 to 11 nodes");
                if (vpcId)
                    dax = {
                        vpcId,
                        subnetIds,
                        nodeType: typeof d.nodeType === "string" ? d.nodeType : undefined,
                        nodes,
                    };
            }
        }
        const apiRaw =
            domain.api === undefined
                ? {}
                : (r.record(`${at}.api`, domain.api, "{authorization?, userPoolArn?, rateLimit?, burstLimit?}") ?? {});
        r.unknownKeys(`${at}.api`, apiRaw, ["authorization", "userPoolArn", "rateLimit", "burstLimit"]);
        const authorization = (
            apiRaw.authorization === undefined
                ? "AWS_IAM"
                : r.string(
                      `${at}.api.authorization`,
                      apiRaw.authorization,
                      /^(AWS_IAM|COGNITO)$/,
                      `"AWS_IAM" or "COGNITO"`,
                  )
        ) as "AWS_IAM" | "COGNITO" | undefined;
        const userPoolArn = typeof apiRaw.userPoolArn === "string" ? apiRaw.userPoolArn : undefined;
        if (authorization === "COGNITO" && !userPoolArn)
            r.issues.add(`${at}.api.userPoolArn`, undefined, "the Cognito user pool ARN when authorization is COGNITO");
        const rateLimit =
            apiRaw.rateLimit === undefined
                ? 100
                : (r.integer(
                      `${at}.api.rateLimit`,
                      apiRaw.rateLimit,
                      (n) => n >= 1 && n <= 10000,
                      "1-10000 requests per second",
                  ) ?? 100);
        const burstLimit =
            apiRaw.burstLimit === undefined
                ? 200
                : (r.integer(
                      `${at}.api.burstLimit`,
                      apiRaw.burstLimit,
                      (n) => n >= 1 && n <= 5000,
                      "1-5000 requests",
                  ) ?? 200);
        let entityResolution: DomainConfig["entityResolution"];
        if (domain.entityResolution !== undefined) {
            const er = r.record(
                `${at}.entityResolution`,
                domain.entityResolution,
                "{entity, matchOn: {attribute: EMAIL_ADDRESS|NAME|PHONE_NUMBER|...}}",
            );
            if (er) {
                r.unknownKeys(`${at}.entityResolution`, er, ["entity", "matchOn"]);
                const matchOn = r.record(
                    `${at}.entityResolution.matchOn`,
                    er.matchOn,
                    "a map of attribute → Entity Resolution type",
                );
                if (typeof er.entity !== "string" || !entities.some((e) => e.name === er.entity)) {
                    r.issues.add(
                        `${at}.entityResolution.entity`,
                        er.entity,
                        `one of the domain's entities (${entities.map((e) => e.name).join(", ")})`,
                    );
                } else if (matchOn) {
                    entityResolution = { entity: er.entity, matchOn: matchOn as Record<string, MatchType> };
                }
            }
        }
        if (
            name &&
            typeof account === "string" &&
            account in accounts &&
            owner &&
            costCenter !== undefined &&
            authorization
        ) {
            domains.push({
                name,
                account,
                owner,
                costCenter,
                entities,
                dax,
                api: { authorization, userPoolArn, rateLimit, burstLimit },
                entityResolution,
            });
        }
    });
    return domains;
}
