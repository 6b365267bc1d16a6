/** The governance program's section of the stack configuration: `cdp:lake`. */
import { CLASSIFICATIONS, LAKE_ZONES } from "../../model/names";
import {
    type ObjectLockSpec,
    objectLockIssues,
    STORAGE_CLASS_ORDER,
    validateLifecycle,
    type ZoneLifecycle,
} from "../../model/lifecycle";
import type { AccountConfig } from "../config";
import { configKey, isRecord, type Json, type Reader, roleList } from "../config-reader";

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
