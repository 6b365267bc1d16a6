/**
 * The reader kit every section of the stack configuration is parsed with: typed reads that record an issue naming the
 * full key, the value and what is expected, instead of throwing at the first problem.
 */
import type { IssueCollector } from "../components/shared/errors";
import { TAG_VALUE_PATTERN } from "../components/shared/tags";
import { IAM_ROLE_ARN } from "../model/names";

/** The config namespace of the platform: every key is `cdp:<name>`. */
export const CONFIG_NAMESPACE = "cdp";

/** The full key of a setting: `cdp:<name>`. */
export const configKey = (name: string): string => `${CONFIG_NAMESPACE}:${name}`;

export type Json = unknown;

export function isRecord(value: Json): value is Record<string, Json> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A typed view of raw config with issue collection; every read names its full key. */
export class Reader {
    constructor(public readonly issues: IssueCollector) {}

    unknownKeys(key: string, value: Record<string, Json>, allowed: readonly string[]): void {
        for (const k of Object.keys(value)) {
            if (!allowed.includes(k)) {
                this.issues.add(`${key}.${k}`, value[k], `no such setting; known settings are ${allowed.join(", ")}`);
            }
        }
    }

    /** Records a required setting that is absent. */
    missing(key: string, expected: string): undefined {
        this.issues.add(key, undefined, expected);
        return undefined;
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
export function structured(reader: Reader, key: string, raw: string | undefined): Json {
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

export function listOf<T>(
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

export function stringList(r: Reader, key: string, value: Json): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        r.issues.add(key, value, "a list of strings");
        return [];
    }
    return value as string[];
}

export function roleList(r: Reader, key: string, value: Json): string[] {
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
                IAM_ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name> (no users, no wildcards)",
            ) ?? [],
    );
}
