import { IssueCollector, ValidationError } from "../components/shared/errors";
import { RESERVED_TAG_KEYS, TAG_KEY_PATTERN, TAG_VALUE_PATTERN } from "../components/shared/tags";
import { type EntityDefinition, entityIssues } from "../model/entities";
import type { DaxSpec } from "../components/domain/operational-store";
import type { MatchType } from "../components/domain/entity-resolution";
import { CLASSIFICATIONS } from "../components/governance/lake-formation";
import type { EventRoute, SyncSchedule } from "../components/ingest/event-ingest";
import type { SftpPartner } from "../components/ingest/sftp-ingest";
import type { DataExchangeDataSet } from "../components/ingest/third-party-feed";
import type { ObjectLockSpec } from "../components/storage/data-lake-zone";
import { STORAGE_CLASS_ORDER, validateLifecycle, type ZoneLifecycle } from "../model/lifecycle";

/** The config namespace of the platform: every key is `cdp:<name>`. */
export const CONFIG_NAMESPACE = "cdp";

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

export interface ZoneConfig {
    readonly classification?: string;
    readonly lifecycle?: ZoneLifecycle;
    readonly objectLock?: ObjectLockSpec;
}

export interface LakeConfig {
    readonly accessLogRetentionDays: number;
    /** Lake Formation admin roles (the governance deployment role is added automatically when it has one). */
    readonly adminRoleArns: readonly string[];
    readonly readOnlyAdminRoleArns: readonly string[];
    readonly zones: Readonly<Record<string, ZoneConfig>>;
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
    readonly hub: HubConfig;
}

/** The ingestion hub (`cdp:hub`). */
export interface HubConfig {
    readonly streamRetentionHours: number;
    /** Provisioned shards; undefined = on-demand. */
    readonly streamShards?: number;
    readonly hashIdentifiers: boolean;
    readonly hashSalt?: string;
    readonly sftp: {
        readonly partners: SftpPartner[];
        readonly vpc?: { vpcId: string; subnetIds: string[]; allowedCidrs: string[] };
    };
    readonly events: {
        readonly archiveRetentionDays: number;
        readonly routes?: EventRoute[];
        readonly schedules: SyncSchedule[];
    };
    readonly dataExchange: { readonly dataSets: DataExchangeDataSet[] };
}

/** Every key the platform reads, with what it expects (also the config reference in the README). */
export const CONFIG_KEYS: Readonly<Record<string, string>> = {
    region: "AWS region of every account, e.g. eu-west-1 (required)",
    environment:
        "environment name used in physical names and tags: 1-10 lower-case letters/digits (default: the stack name)",
    namePrefix: "prefix of every physical name: 2-10 lower-case letters/digits, starting with a letter (default: cdp)",
    accounts: 'map of account alias → {id: "<12 digits>", roleArn?, externalId?} (required)',
    placement: "map of program (hub, governance, analytics, ml) → account alias (default: the only account)",
    domains: "list of {name, account, owner, costCenter?, entities, dax?, api?} producer domains (default: none)",
    dataProtection: "protect data stores from deletion: true/false (default: true)",
    logRetentionDays: "CloudWatch Logs retention in days, one of the values CloudWatch accepts (default: 365)",
    tags: "{owner, costCenter, extra?: {Key: value}} tag values for every resource (required)",
    hub: "{streamRetentionHours?, streamShards?, hashIdentifiers?, hashSalt?, sftp?: {partners, vpc?}, events?: {archiveRetentionDays?, routes?, schedules?}, dataExchange?: {dataSets}}",
    lake: "{accessLogRetentionDays?, adminRoleArns?, readOnlyAdminRoleArns?, zones?: {<zone>: {classification?, lifecycle?, objectLock?: {mode, days}}}}",
};

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ACCOUNT_ID = /^\d{12}$/;
const ALIAS = /^[a-z][a-z0-9-]{0,30}$/;
const DOMAIN_NAME = /^[a-z](?:[a-z0-9]|-(?!-)){0,22}[a-z0-9]$/;
const NAME_PREFIX = /^[a-z][a-z0-9]{1,9}$/;
const ENVIRONMENT = /^[a-z][a-z0-9]{0,9}$/;
const REGION =
    /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,64}$/;

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A typed view of raw config with issue collection; every read names its full key. */
class Reader {
    constructor(public readonly issues: IssueCollector) {}

    unknownKeys(key: string, value: Record<string, Json>, allowed: readonly string[]): void {
        for (const k of Object.keys(value)) {
            if (!allowed.includes(k)) {
                this.issues.add(`${key}.${k}`, value[k], `no such setting; known settings are ${allowed.join(", ")}`);
            }
        }
    }

    string(key: string, value: Json, pattern: RegExp, expected: string): string | undefined {
        if (typeof value !== "string" || !pattern.test(value)) {
            this.issues.add(key, value, expected);
            return undefined;
        }
        return value;
    }

    integer(key: string, value: Json, ok: (n: number) => boolean, expected: string): number | undefined {
        const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n) || !ok(n)) {
            this.issues.add(key, value, expected);
            return undefined;
        }
        return n;
    }

    boolean(key: string, value: Json, expected: string): boolean | undefined {
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        this.issues.add(key, value, expected);
        return undefined;
    }

    record(key: string, value: Json, expected: string): Record<string, Json> | undefined {
        if (!isRecord(value)) {
            this.issues.add(key, value, expected);
            return undefined;
        }
        return value;
    }

    tagValue(key: string, value: Json): string | undefined {
        return this.string(
            key,
            value,
            TAG_VALUE_PATTERN,
            "a tag value: up to 256 letters, digits, spaces and _.:/=+-@",
        );
    }
}

/** Parses a raw config value the way `pulumi.Config` does: structured values arrive as JSON text. */
function structured(reader: Reader, key: string, raw: string | undefined): Json {
    if (raw === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(raw);
    } catch {
        reader.issues.add(key, raw, "a YAML object or list (it could not be read as structured config)");
        return null;
    }
}

function parseAccounts(r: Reader, raw: Json): Record<string, AccountConfig> {
    const key = `${CONFIG_NAMESPACE}:accounts`;
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
                ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name>",
            );
            const roleAccount = roleArn ? ROLE_ARN.exec(roleArn)?.[2] : undefined;
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
    const key = `${CONFIG_NAMESPACE}:placement`;
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

function parseDomains(
    r: Reader,
    raw: Json,
    accounts: Record<string, AccountConfig>,
    defaultCostCenter: string,
): DomainConfig[] {
    const key = `${CONFIG_NAMESPACE}:domains`;
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
        const name = r.string(
            `${at}.name`,
            domain.name,
            DOMAIN_NAME,
            "2-24 lower-case letters, digits and single hyphens, starting with a letter (it becomes part of AWS resource names)",
        );
        if (name && names.has(name)) {
            r.issues.add(`${at}.name`, name, "a domain name not used by another domain");
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
                ? (r.issues.add(`${at}.owner`, undefined, "the owning team or contact"), undefined)
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
            entityIssues(`${at}.entities`, entities).forEach((i) => r.issues.add(i.key, i.value, i.expected));
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

function parseTags(r: Reader, raw: Json): PlatformConfig["tags"] | undefined {
    const key = `${CONFIG_NAMESPACE}:tags`;
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

function parseLifecycle(r: Reader, at: string, raw: Json): ZoneLifecycle | undefined {
    const value = r.record(
        at,
        raw,
        "{transitions: [{days, storageClass}], expirationDays?, noncurrentTransitions?, noncurrentExpirationDays?, abortIncompleteMultipartUploadDays}",
    );
    if (!value) return undefined;
    const fields = [
        "transitions",
        "expirationDays",
        "noncurrentTransitions",
        "noncurrentExpirationDays",
        "abortIncompleteMultipartUploadDays",
    ];
    r.unknownKeys(at, value, fields);
    const transitionsOf = (k: string): ZoneLifecycle["transitions"] | undefined => {
        const list = value[k] ?? [];
        if (!Array.isArray(list) || !list.every((t) => isRecord(t))) {
            r.issues.add(
                `${at}.${k}`,
                list,
                `a list of {days, storageClass} with storageClass one of ${STORAGE_CLASS_ORDER.join(", ")}`,
            );
            return undefined;
        }
        return list as unknown as ZoneLifecycle["transitions"];
    };
    const lifecycle: ZoneLifecycle = {
        transitions: transitionsOf("transitions") ?? [],
        noncurrentTransitions: transitionsOf("noncurrentTransitions") ?? [],
        expirationDays: value.expirationDays as number | undefined,
        noncurrentExpirationDays: value.noncurrentExpirationDays as number | undefined,
        abortIncompleteMultipartUploadDays: (value.abortIncompleteMultipartUploadDays as number | undefined) ?? 7,
    };
    const problems = validateLifecycle(at, lifecycle);
    problems.forEach((p) => r.issues.add(p.key, p.value, p.expected));
    return problems.length === 0 ? lifecycle : undefined;
}

function roleList(r: Reader, key: string, value: Json): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
        r.issues.add(key, value, "a list of IAM role ARNs");
        return [];
    }
    return value.flatMap(
        (arn, i) =>
            r.string(
                `${key}[${i}]`,
                arn,
                ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name> (no users, no wildcards)",
            ) ?? [],
    );
}

function parseLake(r: Reader, raw: Json, governance: AccountConfig | undefined): LakeConfig {
    const key = `${CONFIG_NAMESPACE}:lake`;
    const value =
        raw === undefined
            ? {}
            : (r.record(key, raw, "{accessLogRetentionDays?, adminRoleArns?, readOnlyAdminRoleArns?, zones?: {...}}") ??
              {});
    r.unknownKeys(key, value, ["accessLogRetentionDays", "adminRoleArns", "readOnlyAdminRoleArns", "zones"]);
    const adminRoleArns = [
        ...new Set([
            ...(governance?.roleArn ? [governance.roleArn] : []),
            ...roleList(r, `${key}.adminRoleArns`, value.adminRoleArns),
        ]),
    ];
    if (governance && adminRoleArns.length === 0) {
        r.issues.add(
            `${key}.adminRoleArns`,
            value.adminRoleArns,
            "at least one Lake Formation admin role ARN: the role that deploys the governance program (ambient credentials have none configured)",
        );
    }
    const readOnlyAdminRoleArns = roleList(r, `${key}.readOnlyAdminRoleArns`, value.readOnlyAdminRoleArns);
    const accessLogRetentionDays =
        value.accessLogRetentionDays === undefined
            ? 365
            : (r.integer(
                  `${key}.accessLogRetentionDays`,
                  value.accessLogRetentionDays,
                  (n) => n >= 90,
                  "a whole number of days ≥ 90",
              ) ?? 365);
    const zones: Record<string, ZoneConfig> = {};
    const zoneMap =
        value.zones === undefined
            ? {}
            : (r.record(
                  `${key}.zones`,
                  value.zones,
                  "a map of zone name → {classification?, lifecycle?, objectLock?}",
              ) ?? {});
    for (const [zone, entry] of Object.entries(zoneMap)) {
        const at = `${key}.zones.${zone}`;
        if (!["raw", "processed", "curated"].includes(zone)) {
            r.issues.add(at, zone, "one of the zones raw, processed, curated");
            continue;
        }
        const spec = r.record(at, entry, "{classification?, lifecycle?, objectLock?: {mode, days}}");
        if (!spec) continue;
        r.unknownKeys(at, spec, ["classification", "lifecycle", "objectLock"]);
        let objectLock: ObjectLockSpec | undefined;
        if (spec.objectLock !== undefined) {
            const lock = r.record(`${at}.objectLock`, spec.objectLock, "{mode: GOVERNANCE|COMPLIANCE, days}");
            if (lock) {
                r.unknownKeys(`${at}.objectLock`, lock, ["mode", "days"]);
                const mode = r.string(
                    `${at}.objectLock.mode`,
                    lock.mode,
                    /^(GOVERNANCE|COMPLIANCE)$/,
                    `"GOVERNANCE" or "COMPLIANCE"`,
                );
                const days = r.integer(
                    `${at}.objectLock.days`,
                    lock.days,
                    (n) => n >= 1 && n <= 36500,
                    "a whole number of days from 1 to 36500",
                );
                if (mode && days !== undefined) objectLock = { mode: mode as ObjectLockSpec["mode"], days };
            }
        }
        zones[zone] = {
            classification:
                spec.classification === undefined
                    ? undefined
                    : r.string(
                          `${at}.classification`,
                          spec.classification,
                          new RegExp(`^(${CLASSIFICATIONS.join("|")})$`),
                          `one of ${CLASSIFICATIONS.join(", ")}`,
                      ),
            lifecycle: spec.lifecycle === undefined ? undefined : parseLifecycle(r, `${at}.lifecycle`, spec.lifecycle),
            objectLock,
        };
    }
    return { accessLogRetentionDays, adminRoleArns, readOnlyAdminRoleArns, zones };
}

function listOf<T>(
    r: Reader,
    key: string,
    value: Json,
    expected: string,
    item: (at: string, v: Record<string, Json>) => T | undefined,
): T[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
        r.issues.add(key, value, expected);
        return [];
    }
    return value.flatMap((v, i) => {
        const rec = r.record(`${key}[${i}]`, v, expected);
        const parsed = rec ? item(`${key}[${i}]`, rec) : undefined;
        return parsed === undefined ? [] : [parsed];
    });
}

function stringList(r: Reader, key: string, value: Json): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        r.issues.add(key, value, "a list of strings");
        return [];
    }
    return value as string[];
}

/**
 * Reads `cdp:hub`. Shapes are checked here; the ingestion components check values (names, keys, CIDRs, schedule
 * expressions) with the same key paths when the program runs.
 */
function parseHub(r: Reader, raw: Json): HubConfig {
    const key = `${CONFIG_NAMESPACE}:hub`;
    const v = raw === undefined ? {} : (r.record(key, raw, CONFIG_KEYS.hub) ?? {});
    r.unknownKeys(key, v, [
        "streamRetentionHours",
        "streamShards",
        "hashIdentifiers",
        "hashSalt",
        "sftp",
        "events",
        "dataExchange",
    ]);
    const streamRetentionHours =
        v.streamRetentionHours === undefined
            ? 168
            : (r.integer(
                  `${key}.streamRetentionHours`,
                  v.streamRetentionHours,
                  (n) => n >= 24 && n <= 8760,
                  "hours from 24 to 8760",
              ) ?? 168);
    const streamShards =
        v.streamShards === undefined
            ? undefined
            : r.integer(
                  `${key}.streamShards`,
                  v.streamShards,
                  (n) => n >= 1,
                  "a whole number of shards ≥ 1 (omit for on-demand)",
              );
    const hashIdentifiers =
        v.hashIdentifiers === undefined
            ? false
            : (r.boolean(`${key}.hashIdentifiers`, v.hashIdentifiers, "true or false") ?? false);
    const hashSalt = typeof v.hashSalt === "string" ? v.hashSalt : undefined;
    if (hashIdentifiers && (hashSalt === undefined || hashSalt.length < 16)) {
        r.issues.add(
            `${key}.hashSalt`,
            hashSalt === undefined ? undefined : "(secret)",
            "a secret of at least 16 characters (pulumi config set --secret) when hashIdentifiers is true",
        );
    }
    const sftp =
        v.sftp === undefined
            ? {}
            : (r.record(`${key}.sftp`, v.sftp, "{partners: [{name, sshPublicKeys}], vpc?}") ?? {});
    r.unknownKeys(`${key}.sftp`, sftp, ["partners", "vpc"]);
    const partners = listOf(r, `${key}.sftp.partners`, sftp.partners, "{name, sshPublicKeys: [...]}", (at, p) => {
        r.unknownKeys(at, p, ["name", "sshPublicKeys"]);
        return { name: String(p.name ?? ""), sshPublicKeys: stringList(r, `${at}.sshPublicKeys`, p.sshPublicKeys) };
    });
    let vpc: HubConfig["sftp"]["vpc"];
    if (sftp.vpc !== undefined) {
        const at = `${key}.sftp.vpc`;
        const rec = r.record(at, sftp.vpc, "{vpcId, subnetIds, allowedCidrs}");
        if (rec) {
            r.unknownKeys(at, rec, ["vpcId", "subnetIds", "allowedCidrs"]);
            const vpcId = r.string(`${at}.vpcId`, rec.vpcId, /^vpc-[0-9a-f]{8,17}$/, "a VPC id, vpc-…");
            vpc = vpcId
                ? {
                      vpcId,
                      subnetIds: stringList(r, `${at}.subnetIds`, rec.subnetIds),
                      allowedCidrs: stringList(r, `${at}.allowedCidrs`, rec.allowedCidrs),
                  }
                : undefined;
        }
    }
    const events =
        v.events === undefined
            ? {}
            : (r.record(`${key}.events`, v.events, "{archiveRetentionDays?, routes?, schedules?}") ?? {});
    r.unknownKeys(`${key}.events`, events, ["archiveRetentionDays", "routes", "schedules"]);
    const archiveRetentionDays =
        events.archiveRetentionDays === undefined
            ? 30
            : (r.integer(
                  `${key}.events.archiveRetentionDays`,
                  events.archiveRetentionDays,
                  (n) => n >= 1,
                  "a whole number of days ≥ 1",
              ) ?? 30);
    const routes =
        events.routes === undefined
            ? undefined
            : listOf(r, `${key}.events.routes`, events.routes, "{name, sources: [...]}", (at, rt) => {
                  r.unknownKeys(at, rt, ["name", "sources"]);
                  return { name: String(rt.name ?? ""), sources: stringList(r, `${at}.sources`, rt.sources) };
              });
    const schedules = listOf(
        r,
        `${key}.events.schedules`,
        events.schedules,
        "{name, expression, detailType, detail?, timezone?}",
        (at, sc) => {
            r.unknownKeys(at, sc, ["name", "expression", "detailType", "detail", "timezone"]);
            const detailType = r.string(
                `${at}.detailType`,
                sc.detailType,
                /^.{1,128}$/,
                "the detail-type of the sync event",
            );
            return detailType === undefined
                ? undefined
                : {
                      name: String(sc.name ?? ""),
                      expression: String(sc.expression ?? ""),
                      detailType,
                      detail: (sc.detail as Record<string, unknown> | undefined) ?? {},
                      timezone: typeof sc.timezone === "string" ? sc.timezone : undefined,
                  };
        },
    );
    const dx =
        v.dataExchange === undefined
            ? {}
            : (r.record(`${key}.dataExchange`, v.dataExchange, "{dataSets: [{id, name}]}") ?? {});
    r.unknownKeys(`${key}.dataExchange`, dx, ["dataSets"]);
    const dataSets = listOf(r, `${key}.dataExchange.dataSets`, dx.dataSets, "{id, name}", (at, d) => {
        r.unknownKeys(at, d, ["id", "name"]);
        return { id: String(d.id ?? ""), name: String(d.name ?? "") };
    });
    return {
        streamRetentionHours,
        streamShards,
        hashIdentifiers,
        hashSalt,
        sftp: { partners, vpc },
        events: { archiveRetentionDays, routes, schedules },
        dataExchange: { dataSets },
    };
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
    const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;
    const region =
        get("region") === undefined
            ? (issues.add(key("region"), undefined, "an AWS region such as eu-west-1"), undefined)
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
        tagsRaw === undefined
            ? (issues.add(key("tags"), undefined, "{owner: <team>, costCenter: <code>}"), undefined)
            : parseTags(r, tagsRaw);
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
    const hub = parseHub(r, structured(r, key("hub"), get("hub")));

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
        hub,
    };
}

export { ValidationError };
