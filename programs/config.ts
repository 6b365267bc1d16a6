/**
 * The stack configuration: every `cdp:*` key validated into a typed `PlatformConfig`. This module owns the keys every
 * program shares (region, accounts, placement, tags, ...) and assembles the sections each program owns
 * (`cdp:lake` in governance/config.ts, `cdp:hub` in hub/config.ts, `cdp:domains` in producer/config.ts), all read with
 * the kit in config-reader.ts.
 */
import { IssueCollector } from "../components/shared/errors";
import { RESERVED_TAG_KEYS, TAG_KEY_PATTERN } from "../components/shared/tags";
import { IAM_ROLE_ARN } from "../model/names";
import { CONFIG_NAMESPACE, configKey, type Json, Reader, structured } from "./config-reader";
import {
    GOVERNANCE_CONFIG_KEY,
    type GovernanceConfig,
    LAKE_CONFIG_KEY,
    type LakeConfig,
    parseGovernance,
    parseLake,
} from "./governance/config";
import { LINEAGE_CONFIG_KEY, type LineageConfig, parseLineage } from "./governance/lineage-config";
import { HUB_CONFIG_KEY, type HubConfig, parseHub } from "./hub/config";
import { DOMAINS_CONFIG_KEY, type DomainConfig, parseDomains } from "./producer/config";
import { parseSecurity, SECURITY_CONFIG_KEY, type SecurityConfig } from "./security-config";
import { parseProcessing, PROCESSING_CONFIG_KEY, type ProcessingConfig } from "./governance/processing-config";

export { CONFIG_NAMESPACE };

/** The per-account programs of the platform (one each, except `producer`, which runs once per domain). */
export const PLATFORM_PROGRAMS = ["hub", "governance", "analytics", "ml"] as const;
export type PlatformProgram = (typeof PLATFORM_PROGRAMS)[number];

export interface AccountConfig {
    /** Alias used elsewhere in config, e.g. `hub`, `sales`. */
    readonly alias: string;
    /** 12-digit AWS account id. */
    readonly id: string;
    /** Role the deployment assumes in the account (required when a stack spans several accounts). */
    readonly roleArn?: string;
    /** External id the role's trust policy requires, if any. */
    readonly externalId?: string;
}

/** The validated, typed stack configuration. */
export interface PlatformConfig {
    readonly project: string;
    readonly stack: string;
    readonly namePrefix: string;
    readonly environment: string;
    readonly region: string;
    readonly accounts: Readonly<Record<string, AccountConfig>>;
    readonly placement: Readonly<Record<PlatformProgram, string>>;
    readonly domains: readonly DomainConfig[];
    readonly dataProtection: boolean;
    readonly logRetentionDays: number;
    readonly tags: {
        readonly owner: string;
        readonly costCenter: string;
        readonly extra: Readonly<Record<string, string>>;
    };
    readonly lake: LakeConfig;
    /** Lake Formation consumers and LF-tags of central governance (`cdp:governance`). */
    readonly governance: GovernanceConfig;
    readonly hub: HubConfig;
    /** Audit and security services (`cdp:security`, programs/security-config.ts). */
    readonly security: SecurityConfig;
    /** The governance plane's lineage graph (`cdp:lineage`). */
    readonly lineage: LineageConfig;
    /** The ETL pipeline of the governance program (`cdp:processing`, programs/governance/processing-config.ts). */
    readonly processing: ProcessingConfig;
}

/** Every key the platform reads, with what it expects (also the config reference in the README). */
export const CONFIG_KEYS: Readonly<Record<string, string>> = {
    region: "AWS region of every account, e.g. eu-west-1 (required)",
    environment:
        "environment name used in physical names and tags: 1-10 lower-case letters/digits (default: the stack name)",
    namePrefix: "prefix of every physical name: 2-10 lower-case letters/digits, starting with a letter (default: cdp)",
    accounts: 'map of account alias → {id: "<12 digits>", roleArn?, externalId?} (required)',
    placement: "map of program (hub, governance, analytics, ml) → account alias (default: the only account)",
    domains: DOMAINS_CONFIG_KEY,
    dataProtection: "protect data stores from deletion: true/false (default: true)",
    logRetentionDays: "CloudWatch Logs retention in days, one of the values CloudWatch accepts (default: 365)",
    tags: "{owner, costCenter, extra?: {Key: value}} tag values for every resource (required)",
    hub: HUB_CONFIG_KEY,
    lake: LAKE_CONFIG_KEY,
    governance: GOVERNANCE_CONFIG_KEY,
    security: SECURITY_CONFIG_KEY,
    lineage: LINEAGE_CONFIG_KEY,
    processing: PROCESSING_CONFIG_KEY,
};

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ACCOUNT_ID = /^\d{12}$/;
const ALIAS = /^[a-z][a-z0-9-]{0,30}$/;
const NAME_PREFIX = /^[a-z][a-z0-9]{1,9}$/;
const ENVIRONMENT = /^[a-z][a-z0-9]{0,9}$/;
const REGION =
    /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

function parseAccounts(r: Reader, raw: Json): Record<string, AccountConfig> {
    const key = configKey("accounts");
    const accounts: Record<string, AccountConfig> = {};
    const value = r.record(key, raw, 'a map of account alias → {id: "123456789012", roleArn?: ..., externalId?: ...}');
    if (!value) return accounts;
    if (Object.keys(value).length === 0) {
        r.issues.add(key, value, "at least one account");
    }
    for (const [alias, entry] of Object.entries(value)) {
        const at = `${key}.${alias}`;
        if (!ALIAS.test(alias)) {
            r.issues.add(
                at,
                alias,
                "an alias of lower-case letters, digits and hyphens, starting with a letter (≤ 31)",
            );
            continue;
        }
        const account = r.record(at, entry, '{id: "123456789012", roleArn?: ..., externalId?: ...}');
        if (!account) continue;
        r.unknownKeys(at, account, ["id", "roleArn", "externalId"]);
        if (typeof account.id === "number") {
            r.issues.add(
                `${at}.id`,
                account.id,
                "the 12-digit account id as a quoted string (a YAML number loses leading zeros)",
            );
            continue;
        }
        const id = r.string(`${at}.id`, account.id, ACCOUNT_ID, "a 12-digit AWS account id, quoted");
        let roleArn: string | undefined;
        if (account.roleArn !== undefined) {
            roleArn = r.string(
                `${at}.roleArn`,
                account.roleArn,
                IAM_ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name>",
            );
            const roleAccount = roleArn ? IAM_ROLE_ARN.exec(roleArn)?.[2] : undefined;
            if (id && roleAccount && roleAccount !== id) {
                r.issues.add(
                    `${at}.roleArn`,
                    roleArn,
                    `a role in account ${id} (the role's account differs from the account id)`,
                );
            }
        }
        const externalId =
            account.externalId === undefined
                ? undefined
                : r.string(
                      `${at}.externalId`,
                      account.externalId,
                      /^[\w+=,.@:/-]{2,1224}$/,
                      "an external id of 2-1224 characters",
                  );
        if (id) {
            accounts[alias] = { alias, id, roleArn, externalId };
        }
    }
    const ids = Object.values(accounts);
    if (new Set(ids.map((a) => a.id)).size > 1) {
        for (const account of ids.filter((a) => !a.roleArn)) {
            r.issues.add(
                `${key}.${account.alias}.roleArn`,
                undefined,
                "a deployment role ARN: a stack that spans several accounts reaches each one by assuming a role",
            );
        }
    }
    return accounts;
}

function parsePlacement(
    r: Reader,
    raw: Json,
    accounts: Record<string, AccountConfig>,
): Record<PlatformProgram, string> {
    const key = configKey("placement");
    const aliases = Object.keys(accounts);
    const only = aliases.length === 1 ? aliases[0] : undefined;
    const value =
        raw === undefined ? {} : (r.record(key, raw, `a map of ${PLATFORM_PROGRAMS.join(", ")} → account alias`) ?? {});
    r.unknownKeys(key, value, PLATFORM_PROGRAMS);
    const placement = {} as Record<PlatformProgram, string>;
    for (const program of PLATFORM_PROGRAMS) {
        const alias = value[program] ?? only;
        if (alias === undefined) {
            r.issues.add(
                `${key}.${program}`,
                undefined,
                `the alias of the account the ${program} program deploys to (one of ${aliases.join(", ")})`,
            );
        } else if (typeof alias !== "string" || !(alias in accounts)) {
            r.issues.add(
                `${key}.${program}`,
                alias,
                `an account alias defined in ${CONFIG_NAMESPACE}:accounts (${aliases.join(", ") || "none defined"})`,
            );
        } else {
            placement[program] = alias;
        }
    }
    return placement;
}

function parseTags(r: Reader, raw: Json): PlatformConfig["tags"] | undefined {
    const key = configKey("tags");
    const value = r.record(key, raw, "{owner: <team>, costCenter: <code>, extra?: {Key: value}}");
    if (!value) return undefined;
    r.unknownKeys(key, value, ["owner", "costCenter", "extra"]);
    const owner = r.tagValue(`${key}.owner`, value.owner);
    const costCenter = r.tagValue(`${key}.costCenter`, value.costCenter);
    const extra: Record<string, string> = {};
    if (value.extra !== undefined) {
        const extras = r.record(`${key}.extra`, value.extra, "a map of tag key → value");
        for (const [k, v] of Object.entries(extras ?? {})) {
            if (!TAG_KEY_PATTERN.test(k) || RESERVED_TAG_KEYS.includes(k)) {
                r.issues.add(
                    `${key}.extra.${k}`,
                    k,
                    `a tag key of 1-128 allowed characters, not starting with aws: and not one of ${RESERVED_TAG_KEYS.join(", ")}`,
                );
            } else {
                const tagValue = r.tagValue(`${key}.extra.${k}`, v);
                if (tagValue !== undefined) extra[k] = tagValue;
            }
        }
    }
    return owner !== undefined && costCenter !== undefined ? { owner, costCenter, extra } : undefined;
}

/**
 * Validates raw stack configuration (`cdp:*` keys as the Pulumi engine passes them: strings, with structured values
 * as JSON) into a typed `PlatformConfig`. Throws one `ValidationError` listing every problem, each naming the key,
 * the bad value and what is expected.
 */
export function parsePlatformConfig(
    raw: Readonly<Record<string, string | undefined>>,
    project: string,
    stack: string,
): PlatformConfig {
    const issues = new IssueCollector();
    const r = new Reader(issues);
    const get = (name: string): string | undefined => raw[`${CONFIG_NAMESPACE}:${name}`];
    for (const fullKey of Object.keys(raw)) {
        const name = fullKey.slice(CONFIG_NAMESPACE.length + 1);
        if (fullKey.startsWith(`${CONFIG_NAMESPACE}:`) && !(name in CONFIG_KEYS)) {
            issues.add(
                fullKey,
                raw[fullKey],
                `no such setting; known settings are ${Object.keys(CONFIG_KEYS)
                    .map((k) => `${CONFIG_NAMESPACE}:${k}`)
                    .join(", ")}`,
            );
        }
    }
    const key = configKey;
    const region =
        get("region") === undefined
            ? r.missing(key("region"), "an AWS region such as eu-west-1")
            : r.string(key("region"), get("region"), REGION, "an AWS region such as eu-west-1");
    const environment = r.string(
        key("environment"),
        get("environment") ?? stack,
        ENVIRONMENT,
        "1-10 lower-case letters or digits, starting with a letter (set cdp:environment when the stack name is not)",
    );
    const namePrefix = r.string(
        key("namePrefix"),
        get("namePrefix") ?? "cdp",
        NAME_PREFIX,
        "2-10 lower-case letters or digits, starting with a letter",
    );
    const accountsRaw = structured(r, key("accounts"), get("accounts"));
    if (accountsRaw === undefined)
        issues.add(key("accounts"), undefined, 'a map of account alias → {id: "123456789012", roleArn?}');
    const accounts = accountsRaw === undefined ? {} : parseAccounts(r, accountsRaw);
    const placement = parsePlacement(r, structured(r, key("placement"), get("placement")), accounts);
    const tagsRaw = structured(r, key("tags"), get("tags"));
    const tags =
        tagsRaw === undefined ? r.missing(key("tags"), "{owner: <team>, costCenter: <code>}") : parseTags(r, tagsRaw);
    const domains = parseDomains(r, structured(r, key("domains"), get("domains")), accounts, tags?.costCenter ?? "");
    const dataProtection =
        get("dataProtection") === undefined
            ? true
            : r.boolean(key("dataProtection"), get("dataProtection"), "true or false");
    const logRetentionDays =
        get("logRetentionDays") === undefined
            ? 365
            : r.integer(
                  key("logRetentionDays"),
                  get("logRetentionDays"),
                  (n) => LOG_RETENTION_DAYS.includes(n),
                  `one of ${LOG_RETENTION_DAYS.join(", ")}`,
              );
    const lake = parseLake(
        r,
        structured(r, key("lake"), get("lake")),
        placement.governance ? accounts[placement.governance] : undefined,
    );
    const governance = parseGovernance(
        r,
        structured(r, key("governance"), get("governance")),
        accounts,
        domains.map((d) => d.name),
    );
    const hub = parseHub(r, structured(r, key("hub"), get("hub")));
    const security = parseSecurity(r, structured(r, key("security"), get("security")));
    const lineage = parseLineage(r, structured(r, key("lineage"), get("lineage")));
    const processing = parseProcessing(r, structured(r, key("processing"), get("processing")));

    issues.throwIfAny(`Invalid stack configuration for ${project}/${stack} (Pulumi.${stack}.yaml)`);
    return {
        project,
        stack,
        namePrefix: namePrefix!,
        environment: environment!,
        region: region!,
        accounts,
        placement,
        domains,
        dataProtection: dataProtection!,
        logRetentionDays: logRetentionDays!,
        tags: tags!,
        lake,
        governance,
        hub,
        security,
        lineage,
        processing,
    };
}
