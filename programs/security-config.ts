/**
 * The audit and security section of the stack configuration: `cdp:security`. Every account-level security service is
 * on by default; an organisation that runs one centrally (a delegated administrator enabling it for every member
 * account) turns it off here so the platform does not fight over the account's singleton.
 */
import { type ObjectLockSpec, objectLockIssues } from "../model/lifecycle";
import { configKey, type Json, type Reader } from "./config-reader";

/** What `cdp:security` holds (the config reference in the README). */
export const SECURITY_CONFIG_KEY =
    "{guardDuty?, securityHub?, inspector?, accessAnalyzer?, unusedAccessAgeDays?, macie?, trail?, organizationTrail?: {organizationId, managementAccountId}, trailRetentionDays?, trailObjectLock?: {mode, days}, athenaBytesScannedCutoff?, athenaResultRetentionDays?} (default: every service on in every account)";

export interface SecurityConfig {
    /** GuardDuty detector with S3 data events and Lambda network protection, in every account. */
    readonly guardDuty: boolean;
    /** Security Hub with the AWS Foundational Security Best Practices standard, in every account. */
    readonly securityHub: boolean;
    /** Inspector v2 scanning of Lambda functions and their code, in every account. */
    readonly inspector: boolean;
    /** IAM Access Analyzer (external access; and unused access when `unusedAccessAgeDays` > 0), in every account. */
    readonly accessAnalyzer: boolean;
    /** Days after which Access Analyzer reports a permission, role or key as unused; 0: no unused-access analyzer. */
    readonly unusedAccessAgeDays: number;
    /** Macie in every account, with a classification job over the raw and curated zones in the governance account. */
    readonly macie: boolean;
    /** The platform's CloudTrail trail in the governance account. */
    readonly trail: boolean;
    /** Make the trail an organisation trail (the governance account must be CloudTrail's delegated administrator). */
    readonly organizationTrail?: { readonly organizationId: string; readonly managementAccountId: string };
    /** Days trail log files are kept in the trail bucket. */
    readonly trailRetentionDays: number;
    /** Object Lock default retention of the trail bucket. */
    readonly trailObjectLock?: ObjectLockSpec;
    /** Bytes one Athena query of the governance workgroup may scan before Athena cancels it. */
    readonly athenaBytesScannedCutoff: number;
    /** Days Athena query results are kept. */
    readonly athenaResultRetentionDays: number;
}

const SWITCHES = ["guardDuty", "securityHub", "inspector", "accessAnalyzer", "macie", "trail"] as const;

/** Defaults: every service on; trail logs 7 years; Athena queries stop at 10 GiB; results kept 30 days. */
export const DEFAULT_SECURITY_CONFIG: SecurityConfig = {
    guardDuty: true,
    securityHub: true,
    inspector: true,
    accessAnalyzer: true,
    unusedAccessAgeDays: 90,
    macie: true,
    trail: true,
    trailRetentionDays: 2557,
    athenaBytesScannedCutoff: 10 * 1024 ** 3,
    athenaResultRetentionDays: 30,
};

/** Athena's smallest per-query cutoff: 10 MB (`BytesScannedCutoffPerQuery`, Athena API reference). */
export const ATHENA_MIN_CUTOFF = 10_000_000;

export function parseSecurity(r: Reader, raw: Json): SecurityConfig {
    const key = configKey("security");
    const value = raw === undefined ? {} : (r.record(key, raw, SECURITY_CONFIG_KEY) ?? {});
    r.unknownKeys(key, value, [
        ...SWITCHES,
        "unusedAccessAgeDays",
        "organizationTrail",
        "trailRetentionDays",
        "trailObjectLock",
        "athenaBytesScannedCutoff",
        "athenaResultRetentionDays",
    ]);
    const d = DEFAULT_SECURITY_CONFIG;
    const flag = (name: (typeof SWITCHES)[number]): boolean =>
        value[name] === undefined
            ? d[name]
            : (r.boolean(
                  `${key}.${name}`,
                  value[name],
                  "true or false (false: the organisation manages it centrally)",
              ) ?? d[name]);
    const int = (name: string, fallback: number, ok: (n: number) => boolean, expected: string): number =>
        value[name] === undefined ? fallback : (r.integer(`${key}.${name}`, value[name], ok, expected) ?? fallback);

    let organizationTrail: SecurityConfig["organizationTrail"];
    if (value.organizationTrail !== undefined) {
        const at = `${key}.organizationTrail`;
        const org = r.record(
            at,
            value.organizationTrail,
            '{organizationId: "o-...", managementAccountId: "<12 digits>"}',
        );
        if (org) {
            r.unknownKeys(at, org, ["organizationId", "managementAccountId"]);
            const organizationId = r.string(
                `${at}.organizationId`,
                org.organizationId,
                /^o-[a-z0-9]{10,32}$/,
                "an AWS Organizations id, o- followed by 10-32 lower-case letters or digits",
            );
            const managementAccountId = r.string(
                `${at}.managementAccountId`,
                org.managementAccountId,
                /^\d{12}$/,
                "the organisation's management account id: 12 digits, quoted",
            );
            if (organizationId && managementAccountId) organizationTrail = { organizationId, managementAccountId };
        }
    }
    let trailObjectLock: ObjectLockSpec | undefined;
    if (value.trailObjectLock !== undefined) {
        const at = `${key}.trailObjectLock`;
        const lock = r.record(at, value.trailObjectLock, "{mode: GOVERNANCE|COMPLIANCE, days}");
        if (lock) {
            r.unknownKeys(at, lock, ["mode", "days"]);
            const problems = objectLockIssues(at, lock);
            r.issues.addAll(problems);
            if (problems.length === 0) trailObjectLock = lock as unknown as ObjectLockSpec;
        }
    }
    const trailRetentionDays = int(
        "trailRetentionDays",
        d.trailRetentionDays,
        (n) => n >= 365,
        "a whole number of days ≥ 365 (audit logs are kept at least a year)",
    );
    if (trailObjectLock && trailObjectLock.days > trailRetentionDays) {
        r.issues.add(
            `${key}.trailObjectLock.days`,
            trailObjectLock.days,
            `at most trailRetentionDays (${trailRetentionDays}): S3 cannot expire locked log files`,
        );
    }
    return {
        guardDuty: flag("guardDuty"),
        securityHub: flag("securityHub"),
        inspector: flag("inspector"),
        accessAnalyzer: flag("accessAnalyzer"),
        unusedAccessAgeDays: int(
            "unusedAccessAgeDays",
            d.unusedAccessAgeDays,
            (n) => n === 0 || (n >= 1 && n <= 365),
            "0 (no unused-access analyzer) or 1-365 days",
        ),
        macie: flag("macie"),
        trail: flag("trail"),
        organizationTrail,
        trailRetentionDays,
        trailObjectLock,
        athenaBytesScannedCutoff: int(
            "athenaBytesScannedCutoff",
            d.athenaBytesScannedCutoff,
            (n) => n >= ATHENA_MIN_CUTOFF,
            `a whole number of bytes ≥ ${ATHENA_MIN_CUTOFF} (Athena's minimum, 10 MB)`,
        ),
        athenaResultRetentionDays: int(
            "athenaResultRetentionDays",
            d.athenaResultRetentionDays,
            (n) => n >= 1 && n <= 365,
            "1-365 days",
        ),
    };
}
