/** The governance program's section of the stack configuration: `cdp:lake`. */
import { HUB_DOMAIN } from "../../model/hub-products";
import { CURATED_DOMAIN } from "../../model/curated";
import {
    CLASSIFICATIONS,
    CONTRACT_ONLY_CLASSIFICATIONS,
    IAM_ROLE_ARN,
    LAKE_ZONES,
    type LakeZone,
} from "../../model/names";
import {
    type ObjectLockSpec,
    objectLockIssues,
    STORAGE_CLASS_ORDER,
    validateLifecycle,
    type ZoneLifecycle,
} from "../../model/lifecycle";
import type { AccountConfig } from "../config";
import { configKey, isRecord, type Json, listOf, type Reader, roleList } from "../config-reader";

/** What `cdp:lake` holds (the config reference in the README). */
export const LAKE_CONFIG_KEY =
    "{accessLogRetentionDays?, adminRoleArns?, readOnlyAdminRoleArns?, zones?: {<zone>: {classification?, lifecycle?, objectLock?: {mode, days}}}}";

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

export function parseLifecycle(r: Reader, at: string, raw: Json): ZoneLifecycle | undefined {
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
    r.issues.addAll(problems);
    return problems.length === 0 ? lifecycle : undefined;
}

export function parseLake(r: Reader, raw: Json, governance: AccountConfig | undefined): LakeConfig {
    const key = configKey("lake");
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
        if (!(LAKE_ZONES as readonly string[]).includes(zone)) {
            r.issues.add(at, zone, `one of the zones ${LAKE_ZONES.join(", ")}`);
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
                const problems = objectLockIssues(`${at}.objectLock`, lock);
                r.issues.addAll(problems);
                if (problems.length === 0) objectLock = lock as unknown as ObjectLockSpec;
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

/** What `cdp:governance` holds (the config reference in the README). */
export const GOVERNANCE_CONFIG_KEY =
    "{consumers?: [{name, kind: analytics|ml, roleArn, zones?, classifications?, domains?}], lfTags?: {<key>: [values]}}";

/** Consumer and ML roles that read the lake through Lake Formation grants by LF-tag. */
export const CONSUMER_KINDS = ["analytics", "ml"] as const;
export type ConsumerKind = (typeof CONSUMER_KINDS)[number];

/** A consumer's name: contracts approve consumers by it. */
export const CONSUMER_NAME = /^[a-z][a-z0-9-]{1,30}$/;

export { CONTRACT_ONLY_CLASSIFICATIONS };

/** LF-tag keys the platform defines itself (`cdp:governance.lfTags` adds others). */
export const BUILT_IN_LF_TAG_KEYS = ["domain", "classification", "zone"] as const;

export interface ConsumerConfig {
    /** Name contracts approve the consumer by: 2-31 lower-case letters, digits, hyphens. */
    readonly name: string;
    /** An analytics consumer (Athena, Redshift Spectrum, QuickSight) or an ML role (SageMaker, Personalize). */
    readonly kind: ConsumerKind;
    /** The IAM role granted, in one of the stack's accounts (a cross-account grant when not governance's). */
    readonly roleArn: string;
    /** Zones whose tables the tag grant covers (`zone` LF-tag). Default: curated. */
    readonly zones: readonly LakeZone[];
    /** Classifications the tag grant covers; never pii or restricted. Default: public, internal. */
    readonly classifications: readonly string[];
    /** Domains whose tables the tag grant covers (`domain` LF-tag). Default: every domain. */
    readonly domains: readonly string[];
}

export interface GovernanceConfig {
    readonly consumers: readonly ConsumerConfig[];
    /** LF-tag keys besides the built-in ones, with their values. */
    readonly lfTags: Readonly<Record<string, readonly string[]>>;
}

const LF_TAG_KEY = /^[a-z][a-z0-9_-]{0,127}$/;
const LF_TAG_VALUE = /^[A-Za-z0-9_.:/=+@-]{1,256}$/;

export function parseGovernance(
    r: Reader,
    raw: Json,
    accounts: Readonly<Record<string, AccountConfig>>,
    domains: readonly string[],
): GovernanceConfig {
    const key = configKey("governance");
    const value = raw === undefined ? {} : (r.record(key, raw, GOVERNANCE_CONFIG_KEY) ?? {});
    r.unknownKeys(key, value, ["consumers", "lfTags"]);
    const accountIds = new Map(Object.values(accounts).map((a) => [a.id, a.alias]));
    const listOrDefault = (at: string, v: Json, allowed: readonly string[], fallback: readonly string[]): string[] => {
        if (v === undefined) return [...fallback];
        if (!Array.isArray(v) || v.length === 0) {
            r.issues.add(at, v, `a non-empty list of ${allowed.join(", ")}`);
            return [];
        }
        return v.flatMap((item, i) => {
            if (typeof item === "string" && allowed.includes(item)) return [item];
            r.issues.add(`${at}[${i}]`, item, `one of ${allowed.join(", ")}`);
            return [];
        });
    };
    const seen = new Set<string>();
    const consumers = listOf(
        r,
        `${key}.consumers`,
        value.consumers,
        "a list of {name, kind, roleArn, zones?, classifications?, domains?}",
        (at, c): ConsumerConfig | undefined => {
            r.unknownKeys(at, c, ["name", "kind", "roleArn", "zones", "classifications", "domains"]);
            const name = r.string(`${at}.name`, c.name, CONSUMER_NAME, "2-31 lower-case letters, digits, hyphens");
            if (name && seen.has(name)) r.issues.add(`${at}.name`, name, "a name no other consumer has");
            if (name) seen.add(name);
            const kind = r.string(
                `${at}.kind`,
                c.kind,
                new RegExp(`^(${CONSUMER_KINDS.join("|")})$`),
                `one of ${CONSUMER_KINDS.join(", ")}`,
            ) as ConsumerKind | undefined;
            const roleArn = r.string(
                `${at}.roleArn`,
                c.roleArn,
                IAM_ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name> (no users, no wildcards)",
            );
            const roleAccount = roleArn ? IAM_ROLE_ARN.exec(roleArn)?.[2] : undefined;
            if (roleAccount && !accountIds.has(roleAccount)) {
                r.issues.add(
                    `${at}.roleArn`,
                    roleArn,
                    `a role in one of the stack's accounts (${[...accountIds.keys()].join(", ")})`,
                );
            }
            const zones = listOrDefault(`${at}.zones`, c.zones, LAKE_ZONES, ["curated"]) as LakeZone[];
            const classifications = listOrDefault(
                `${at}.classifications`,
                c.classifications,
                CLASSIFICATIONS.filter((x) => !CONTRACT_ONLY_CLASSIFICATIONS.includes(x)),
                ["public", "internal"],
            );
            // `platform`: the curated job's outputs (model/curated.ts), which merge every domain's data. Only with the
            // curated zone: the raw and processed zone databases (also `platform`) hold crawler-discovered tables
            // whose columns carry no classification, which no tag grant may reach.
            // `hub`: the hub's own record types (model/hub-products.ts), on request only (not in the default).
            const domainList = listOrDefault(
                `${at}.domains`,
                c.domains,
                [...domains, HUB_DOMAIN, CURATED_DOMAIN],
                domains,
            );
            if (domainList.includes(CURATED_DOMAIN) && zones.some((z) => z !== "curated"))
                r.issues.add(
                    `${at}.domains`,
                    domainList,
                    `${CURATED_DOMAIN} (the curated outputs) only with zones [curated]: the ${zones.filter((z) => z !== "curated").join(", ")} zone database's crawled tables have no column classification`,
                );
            if (!name || !kind || !roleArn) return undefined;
            return { name, kind, roleArn, zones, classifications, domains: domainList };
        },
    );
    const lfTags: Record<string, string[]> = {};
    const tagMap =
        value.lfTags === undefined
            ? {}
            : (r.record(`${key}.lfTags`, value.lfTags, "a map of LF-tag key → list of values") ?? {});
    for (const [tagKey, values] of Object.entries(tagMap)) {
        const at = `${key}.lfTags.${tagKey}`;
        if (!LF_TAG_KEY.test(tagKey) || (BUILT_IN_LF_TAG_KEYS as readonly string[]).includes(tagKey)) {
            r.issues.add(
                at,
                tagKey,
                `an LF-tag key of lower-case letters, digits, _ and - (≤ 128), not one of the built-in ${BUILT_IN_LF_TAG_KEYS.join(", ")}`,
            );
            continue;
        }
        if (!Array.isArray(values) || values.length === 0 || values.length > 1000) {
            r.issues.add(at, values, "a list of 1-1000 tag values");
            continue;
        }
        const good: string[] = [];
        values.forEach((v, i) => {
            if (typeof v === "string" && LF_TAG_VALUE.test(v)) good.push(v);
            else r.issues.add(`${at}[${i}]`, v, "a tag value of 1-256 letters, digits and _.:/=+@-");
        });
        lfTags[tagKey] = [...new Set(good)];
    }
    return { consumers, lfTags };
}
