import type { ValidationIssue } from "./issues";

/** S3 storage classes a lifecycle rule can transition to, in the order S3 allows transitions (the "waterfall"). */
export const STORAGE_CLASS_ORDER = [
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
] as const;

export type TransitionStorageClass = (typeof STORAGE_CLASS_ORDER)[number];

/**
 * Days an object must spend in a class before S3 accepts a lifecycle transition out of it. The infrequent-access
 * classes also need objects to be 30 days old before they can enter them (S3 Standard is the class they leave).
 */
const IA_MINIMUM_DAYS = 30;
const INFREQUENT_ACCESS: readonly TransitionStorageClass[] = ["STANDARD_IA", "ONEZONE_IA"];

function minimumDays(storageClass: TransitionStorageClass): number {
    return INFREQUENT_ACCESS.includes(storageClass) ? IA_MINIMUM_DAYS : 0;
}

export interface LifecycleTransition {
    /** Object age in days when it moves to `storageClass`. */
    days: number;
    /** Storage class the object moves to. */
    storageClass: TransitionStorageClass;
}

/** Lifecycle of one zone's objects. Plain values: they are validated when the zone is constructed. */
export interface ZoneLifecycle {
    /** Transitions of current object versions, in ascending days and waterfall order. */
    transitions: LifecycleTransition[];
    /**
     * Days after which current versions expire (become noncurrent).
     * @default none: current versions never expire
     */
    expirationDays?: number;
    /**
     * Transitions of noncurrent versions (days since they became noncurrent).
     * @default none
     */
    noncurrentTransitions?: LifecycleTransition[];
    /**
     * Days after which noncurrent versions are deleted.
     * @default none: noncurrent versions are kept (audit trails, Object Lock)
     */
    noncurrentExpirationDays?: number;
    /** Days after which incomplete multipart uploads are aborted. */
    abortIncompleteMultipartUploadDays: number;
}

function checkTransitions(
    key: string,
    transitions: readonly LifecycleTransition[],
    issues: ValidationIssue[],
): number | undefined {
    let last: LifecycleTransition | undefined;
    transitions.forEach((t, i) => {
        const at = `${key}[${i}]`;
        if (!STORAGE_CLASS_ORDER.includes(t.storageClass)) {
            issues.push({
                key: `${at}.storageClass`,
                value: t.storageClass,
                expected: `one of ${STORAGE_CLASS_ORDER.join(", ")}`,
            });
            return;
        }
        if (!Number.isInteger(t.days) || t.days < 0) {
            issues.push({ key: `${at}.days`, value: t.days, expected: "a whole number of days ≥ 0" });
            return;
        }
        const minimum = minimumDays(t.storageClass);
        if (t.days < minimum) {
            issues.push({
                key: `${at}.days`,
                value: t.days,
                expected: `at least ${minimum} days: S3 rejects transitions to ${t.storageClass} earlier`,
            });
        }
        if (last) {
            if (STORAGE_CLASS_ORDER.indexOf(t.storageClass) <= STORAGE_CLASS_ORDER.indexOf(last.storageClass)) {
                issues.push({
                    key: `${at}.storageClass`,
                    value: t.storageClass,
                    expected: `a class after ${last.storageClass} in S3's transition order (${STORAGE_CLASS_ORDER.join(" → ")})`,
                });
            }
            const stay = Math.max(1, minimumDays(last.storageClass));
            const earliest = last.days + stay;
            if (t.days < earliest) {
                issues.push({
                    key: `${at}.days`,
                    value: t.days,
                    expected: `at least ${earliest} days: objects must stay ${stay} day(s) in ${last.storageClass} first`,
                });
            }
        }
        last = t;
    });
    return last?.days;
}

function checkExpiration(
    key: string,
    days: number | undefined,
    after: number | undefined,
    issues: ValidationIssue[],
): void {
    if (days === undefined) {
        return;
    }
    if (!Number.isInteger(days) || days < 1) {
        issues.push({ key, value: days, expected: "a whole number of days ≥ 1" });
    } else if (after !== undefined && days <= after) {
        issues.push({ key, value: days, expected: `more days than the last transition (${after})` });
    }
}

/** Every problem S3 would reject (or that makes no sense) in a zone lifecycle, each naming its key. */
export function validateLifecycle(key: string, lifecycle: ZoneLifecycle): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const lastCurrent = checkTransitions(`${key}.transitions`, lifecycle.transitions ?? [], issues);
    checkExpiration(`${key}.expirationDays`, lifecycle.expirationDays, lastCurrent, issues);
    const lastNoncurrent = checkTransitions(
        `${key}.noncurrentTransitions`,
        lifecycle.noncurrentTransitions ?? [],
        issues,
    );
    checkExpiration(`${key}.noncurrentExpirationDays`, lifecycle.noncurrentExpirationDays, lastNoncurrent, issues);
    const abort = lifecycle.abortIncompleteMultipartUploadDays;
    if (!Number.isInteger(abort) || abort < 1) {
        issues.push({
            key: `${key}.abortIncompleteMultipartUploadDays`,
            value: abort,
            expected: "a whole number of days ≥ 1",
        });
    }
    return issues;
}

/**
 * Default lifecycles: raw data is rarely read after landing, so it moves to Standard-IA and then Glacier Instant
 * Retrieval (still readable by Athena/Glue without restores); processed data goes to Intelligent-Tiering; curated
 * data, the hot query layer, to Intelligent-Tiering after a month. Noncurrent versions are kept 90 days
 * for recovery. Nothing current expires by default: financial records have legal retention, set it on purpose.
 */
export const DEFAULT_ZONE_LIFECYCLES: Record<string, ZoneLifecycle> = {
    raw: {
        transitions: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
        ],
        noncurrentTransitions: [{ days: 30, storageClass: "STANDARD_IA" }],
        noncurrentExpirationDays: 90,
        abortIncompleteMultipartUploadDays: 7,
    },
    processed: {
        transitions: [{ days: 0, storageClass: "INTELLIGENT_TIERING" }],
        noncurrentExpirationDays: 90,
        abortIncompleteMultipartUploadDays: 7,
    },
    curated: {
        transitions: [{ days: 30, storageClass: "INTELLIGENT_TIERING" }],
        noncurrentExpirationDays: 90,
        abortIncompleteMultipartUploadDays: 7,
    },
};

/** Fallback for zones other than raw/processed/curated. */
export const GENERIC_ZONE_LIFECYCLE: ZoneLifecycle = {
    transitions: [{ days: 30, storageClass: "INTELLIGENT_TIERING" }],
    noncurrentExpirationDays: 90,
    abortIncompleteMultipartUploadDays: 7,
};

/** Object Lock default retention for records that must not be altered or deleted (WORM), e.g. financial records. */
export interface ObjectLockSpec {
    /** `GOVERNANCE` (privileged users can lift it) or `COMPLIANCE` (nobody can, including root, until it expires). */
    mode: "GOVERNANCE" | "COMPLIANCE";
    /** Default retention in days, 1-36500. */
    days: number;
}

/** Object Lock modes S3 accepts. */
export const OBJECT_LOCK_MODES = ["GOVERNANCE", "COMPLIANCE"] as const;

/** Problems with an Object Lock setting (`key` names it, e.g. `cdp:lake.zones.raw.objectLock`). */
export function objectLockIssues(key: string, lock: { mode?: unknown; days?: unknown }): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!(OBJECT_LOCK_MODES as readonly unknown[]).includes(lock.mode)) {
        issues.push({ key: `${key}.mode`, value: lock.mode, expected: `"GOVERNANCE" or "COMPLIANCE"` });
    }
    const days = lock.days;
    if (typeof days !== "number" || !Number.isInteger(days) || days < 1 || days > 36500) {
        issues.push({ key: `${key}.days`, value: days, expected: "a whole number of days from 1 to 36500" });
    }
    return issues;
}
