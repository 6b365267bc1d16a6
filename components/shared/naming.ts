import { createHash } from "node:crypto";

/**
 * Physical-name rules of the AWS resource kinds the platform names itself.
 *
 * `allowed` is the character class a name may contain (anything else becomes the separator), `maxLength` the
 * service limit, `lowerCase` whether the service demands lower case.
 */
export interface NameRule {
    readonly maxLength: number;
    readonly minLength: number;
    readonly allowed: RegExp;
    readonly separator: "-" | "_";
    readonly lowerCase: boolean;
    /** Extra service-specific check; returns a reason when the name is still invalid. */
    readonly check?: (name: string) => string | undefined;
}

const S3_FORBIDDEN_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const S3_FORBIDDEN_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

export const NAME_RULES = {
    /** S3 general purpose bucket: 3-63 lower-case letters, digits, hyphens; starts and ends alphanumeric. */
    s3Bucket: {
        maxLength: 63,
        minLength: 3,
        allowed: /[a-z0-9-]/,
        separator: "-",
        lowerCase: true,
        check: (n: string) => {
            if (!/^[a-z0-9].*[a-z0-9]$/.test(n)) return "must start and end with a letter or digit";
            if (/^\d+\.\d+\.\d+\.\d+$/.test(n)) return "must not look like an IP address";
            if (S3_FORBIDDEN_PREFIXES.some((p) => n.startsWith(p))) return "uses a reserved prefix";
            if (S3_FORBIDDEN_SUFFIXES.some((s) => n.endsWith(s))) return "uses a reserved suffix";
            return undefined;
        },
    },
    /** IAM role/policy name: 1-64 of `[A-Za-z0-9+=,.@_-]`. */
    iamRole: { maxLength: 64, minLength: 1, allowed: /[A-Za-z0-9+=,.@_-]/, separator: "-", lowerCase: false },
    iamPolicy: { maxLength: 128, minLength: 1, allowed: /[A-Za-z0-9+=,.@_-]/, separator: "-", lowerCase: false },
    /** KMS alias name after `alias/`: 1-250 of `[A-Za-z0-9/_-]`, not starting with `aws/`. */
    kmsAlias: {
        maxLength: 250,
        minLength: 1,
        allowed: /[A-Za-z0-9/_-]/,
        separator: "-",
        lowerCase: false,
        check: (n: string) => (n.toLowerCase().startsWith("aws") ? "must not start with 'aws' (reserved)" : undefined),
    },
    /** Glue Data Catalog database/table: lower-case letters, digits, underscore; at most 255. */
    glueDatabase: { maxLength: 255, minLength: 1, allowed: /[a-z0-9_]/, separator: "_", lowerCase: true },
    /** CloudWatch log group: 1-512 of `[A-Za-z0-9._/#-]`. */
    logGroup: { maxLength: 512, minLength: 1, allowed: /[A-Za-z0-9._/#-]/, separator: "-", lowerCase: false },
    /** DynamoDB table: 3-255 of `[A-Za-z0-9_.-]`. */
    dynamodbTable: { maxLength: 255, minLength: 3, allowed: /[A-Za-z0-9_.-]/, separator: "-", lowerCase: false },
    /** Kinesis data stream / Firehose delivery stream: 1-128 (Firehose 64) of `[A-Za-z0-9_.-]`. */
    kinesisStream: { maxLength: 128, minLength: 1, allowed: /[A-Za-z0-9_.-]/, separator: "-", lowerCase: false },
    firehoseStream: { maxLength: 64, minLength: 1, allowed: /[A-Za-z0-9_.-]/, separator: "-", lowerCase: false },
    /** Lambda function: 1-64 of `[A-Za-z0-9_-]`. */
    lambdaFunction: { maxLength: 64, minLength: 1, allowed: /[A-Za-z0-9_-]/, separator: "-", lowerCase: false },
    /** SQS queue: 1-80 of `[A-Za-z0-9_-]` (FIFO queues need 5 more for `.fifo`). */
    sqsQueue: { maxLength: 75, minLength: 1, allowed: /[A-Za-z0-9_-]/, separator: "-", lowerCase: false },
    /** SNS topic: 1-256 of `[A-Za-z0-9_-]`. */
    snsTopic: { maxLength: 256, minLength: 1, allowed: /[A-Za-z0-9_-]/, separator: "-", lowerCase: false },
    /** DAX cluster: 1-20 lower-case letters, digits, hyphens, starting with a letter. */
    daxCluster: { maxLength: 20, minLength: 1, allowed: /[a-z0-9-]/, separator: "-", lowerCase: true },
    /**
     * Neptune cluster, instance, subnet group and parameter group identifiers: 1-63 lower-case letters, digits, hyphens
     * (https://docs.aws.amazon.com/neptune/latest/userguide/limits.html).
     */
    neptuneCluster: { maxLength: 63, minLength: 1, allowed: /[a-z0-9-]/, separator: "-", lowerCase: true },
    /** Generic short name (Step Functions state machine 80, Athena workgroup 128, Glue job 255...): keep to 64. */
    generic: { maxLength: 64, minLength: 1, allowed: /[A-Za-z0-9_-]/, separator: "-", lowerCase: false },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** Length of the hash suffix appended when a name must be shortened. */
const HASH_LENGTH = 8;

function shortHash(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
}

function escapeForClass(separator: string): string {
    return separator === "-" ? "\\-" : separator;
}

/**
 * Builds a physical name of `kind` from `parts`: characters the service does not accept become the separator,
 * runs of separators collapse, empty parts disappear. When the result is longer than the service allows, the
 * name is truncated and an 8-character hash of the full name is appended, so two long names that share a
 * prefix stay distinct and the same inputs always give the same name.
 *
 * Throws when the name still breaks a service rule (for example an S3 name starting with `xn--`): such inputs
 * are a caller's mistake, and the config validation rejects them earlier with a clearer message.
 */
export function physicalName(kind: NameKind, ...parts: readonly string[]): string {
    const rule: NameRule = NAME_RULES[kind];
    const sep = rule.separator;
    const sepClass = escapeForClass(sep);
    const cleaned = parts
        .map((part) => {
            const text = rule.lowerCase ? part.toLowerCase() : part;
            let out = "";
            for (const ch of text) {
                out += rule.allowed.test(ch) ? ch : sep;
            }
            return out
                .replace(new RegExp(`[${sepClass}]{2,}`, "g"), sep)
                .replace(new RegExp(`^[${sepClass}]+|[${sepClass}]+$`, "g"), "");
        })
        .filter((p) => p.length > 0);
    const full = cleaned.join(sep);
    let name = full;
    if (name.length > rule.maxLength) {
        const body = name.slice(0, rule.maxLength - HASH_LENGTH - 1).replace(new RegExp(`[${sepClass}]+$`), "");
        name = `${body}${sep}${shortHash(full)}`;
    }
    const problem =
        name.length < rule.minLength
            ? `is shorter than ${rule.minLength} characters`
            : rule.check
              ? rule.check(name)
              : undefined;
    if (problem !== undefined) {
        throw new Error(`cannot build a valid ${kind} name from [${parts.join(", ")}]: "${name}" ${problem}`);
    }
    return name;
}

/**
 * Names resources of one scope (for example the platform, or one business domain) consistently:
 * `<prefix>-<environment>[-<scope>]-<parts...>`, shaped by each kind's rules.
 */
export class Naming {
    constructor(
        /** Organisation or platform prefix, e.g. `cdp`. */
        public readonly prefix: string,
        /** Environment (stack) name, e.g. `dev`, `prod`. */
        public readonly environment: string,
        /** Optional scope such as a business domain name. */
        public readonly scope?: string,
    ) {}

    /** A naming for a narrower scope, e.g. `platform.child("sales")`. */
    child(scope: string): Naming {
        return new Naming(this.prefix, this.environment, this.scope ? `${this.scope}-${scope}` : scope);
    }

    private base(): string[] {
        return [this.prefix, this.environment, ...(this.scope ? [this.scope] : [])];
    }

    /** A physical name of `kind` for `parts` in this scope. */
    name(kind: NameKind, ...parts: string[]): string {
        return physicalName(kind, ...this.base(), ...parts);
    }

    /**
     * A globally unique S3 bucket name: scope parts followed by the account id and region, which the bucket
     * namespace needs for uniqueness. Long scopes are shortened with a hash, never the account or region.
     */
    bucket(purpose: string, accountId: string, region: string): string {
        const suffix = `${accountId}-${region}`;
        const head = physicalName("s3Bucket", ...this.base(), purpose);
        const room = NAME_RULES.s3Bucket.maxLength - suffix.length - 1;
        const shortened =
            head.length <= room
                ? head
                : `${head.slice(0, room - HASH_LENGTH - 1).replace(/-+$/, "")}-${shortHash(head)}`;
        return physicalName("s3Bucket", shortened, suffix);
    }
}

/**
 * The CloudWatch log group a platform REST API writes its access logs to: `/aws/apigateway/<api name>/access`. One
 * rule for the API (which creates the group) and the account's API Gateway CloudWatch role (which may write to every
 * group that follows it: `apiAccessLogGroupName("*")`).
 */
export function apiAccessLogGroupName(apiName: string): string {
    return `/aws/apigateway/${apiName}/access`;
}

/**
 * The log groups API Gateway creates for a stage's execution logs: `API-Gateway-Execution-Logs_<api id>/<stage>`
 * (`apiExecutionLogGroupName("*", "*")` matches them all).
 */
export function apiExecutionLogGroupName(apiId: string, stage: string): string {
    return `API-Gateway-Execution-Logs_${apiId}/${stage}`;
}
