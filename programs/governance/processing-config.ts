/** The governance program's `cdp:processing` section: the ETL pipeline (components/processing/etl-pipeline.ts). */
import { DEFAULT_ETL_SCRIPTS, GLUE_WORKER_TYPES } from "../../components/processing/etl-pipeline";
import { CURATED_SOURCE_KEYS, type CuratedSources, curatedSourcesIssues } from "../../model/curated-sources";
import { configKey, type Json, listOf, type Reader } from "../config-reader";

/** What `cdp:processing` holds (the config reference in the README). */
export const PROCESSING_CONFIG_KEY =
    "{schedule?: {expression, timezone?}, startOnArrival?, rawToProcessed?: {workerType?, numberOfWorkers?, timeoutMinutes?, maxRetries?}, processedToCurated?: {…same}, retry?: {maxAttempts?, intervalSeconds?, backoffRate?}, pollSeconds?, refreshMarts?: {enabled, workgroupName?, workgroupArn?, database?, sql?}, qualityChecks?: [] (none) | [{table, rulesets}] (instead of the data contracts' rulesets), scripts?: {rawToProcessed?, processedToCurated?}, curated?: {customers?: [{dataset, idColumn?, updatedColumns?, createdColumn?, attributeColumns?: {email?, name?, segment?, country?}}], transactions?: [{dataset, idColumn, timeColumn, customerColumn?, amountColumn?, currencyColumn?, kind?, statusColumn?, statuses?}], web?: [{dataset, customerColumn?, sessionColumn?, timeColumn?}], ltvHorizonYears?}}";

export interface ProcessingJobConfig {
    readonly workerType: string;
    readonly numberOfWorkers: number;
    readonly timeoutMinutes: number;
    readonly maxRetries: number;
}

export interface ProcessingConfig {
    /** EventBridge Scheduler expression (`cron(...)`, `rate(...)`) and its time zone. */
    readonly schedule: { readonly expression: string; readonly timezone: string };
    /** Start the pipeline on arrival of raw data. */
    readonly startOnArrival: boolean;
    readonly rawToProcessed: ProcessingJobConfig;
    readonly processedToCurated: ProcessingJobConfig;
    /** Retries of each state machine task after a failure. */
    readonly retry: { readonly maxAttempts: number; readonly intervalSeconds: number; readonly backoffRate: number };
    readonly pollSeconds: number;
    /** The Redshift marts refresh: off until the marts exist (the consumers issue). */
    readonly refreshMarts?: {
        readonly workgroupName: string;
        readonly workgroupArn: string;
        readonly database: string;
        readonly sql: string;
    };
    /**
     * Glue Data Quality rulesets evaluated between the stages, given by hand (tables of the processed zone's
     * database); `[]`: no data-quality stage. Undefined (the default): every data contract's ruleset on its table.
     */
    readonly qualityChecks?: ReadonlyArray<{ readonly table: string; readonly rulesets: readonly string[] }>;
    /** Job script paths, relative to the project. */
    readonly scripts: { readonly rawToProcessed: string; readonly processedToCurated: string };
    /** The curated job's sources (model/curated-sources.ts); undefined: the job's defaults. */
    readonly curated?: CuratedSources;
}

const DEFAULT_JOB: ProcessingJobConfig = { workerType: "G.1X", numberOfWorkers: 2, timeoutMinutes: 120, maxRetries: 0 };

/** `cron(...)`, `rate(...)` or `at(...)`: the expressions EventBridge Scheduler accepts. */
const SCHEDULE = /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;
const TIMEZONE = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;
const SCRIPT = /^[A-Za-z0-9_./-]+\.py$/;
const REDSHIFT_NAME = /^[a-z][a-z0-9-]{2,63}$/;
const DATABASE = /^[a-z_][a-z0-9_$]{0,126}$/;
const WORKGROUP_ARN = /^arn:aws[a-z-]*:redshift-serverless:[a-z0-9-]+:\d{12}:workgroup\/[0-9a-f-]{36}$/;
const TABLE = /^[a-z0-9_]{1,255}$/;
const RULESET = /^[A-Za-z0-9_.-]{1,255}$/;

function parseJob(r: Reader, at: string, raw: Json): ProcessingJobConfig {
    if (raw === undefined) return DEFAULT_JOB;
    const value = r.record(at, raw, "{workerType?, numberOfWorkers?, timeoutMinutes?, maxRetries?}") ?? {};
    r.unknownKeys(at, value, ["workerType", "numberOfWorkers", "timeoutMinutes", "maxRetries"]);
    const int = (k: keyof ProcessingJobConfig, ok: (n: number) => boolean, expected: string): number =>
        value[k] === undefined
            ? (DEFAULT_JOB[k] as number)
            : (r.integer(`${at}.${k}`, value[k], ok, expected) ?? (DEFAULT_JOB[k] as number));
    return {
        workerType:
            value.workerType === undefined
                ? DEFAULT_JOB.workerType
                : (r.string(
                      `${at}.workerType`,
                      value.workerType,
                      new RegExp(`^(${GLUE_WORKER_TYPES.map((t) => t.replace(".", "\\.")).join("|")})$`),
                      `one of ${GLUE_WORKER_TYPES.join(", ")}`,
                  ) ?? DEFAULT_JOB.workerType),
        numberOfWorkers: int("numberOfWorkers", (n) => n >= 2 && n <= 299, "a whole number of workers from 2 to 299"),
        timeoutMinutes: int("timeoutMinutes", (n) => n >= 1 && n <= 10080, "a whole number of minutes from 1 to 10080"),
        maxRetries: int("maxRetries", (n) => n >= 0 && n <= 10, "a whole number from 0 to 10"),
    };
}

/** `cdp:processing.curated`: the shape here, the rules in model/curated-sources.ts (the component applies them too). */
function parseCurated(r: Reader, at: string, raw: Json): CuratedSources | undefined {
    if (raw === undefined) return undefined;
    const value = r.record(at, raw, "{customers?, transactions?, web?, ltvHorizonYears?}");
    if (!value) return undefined;
    r.unknownKeys(at, value, [...Object.keys(CURATED_SOURCE_KEYS), "ltvHorizonYears"]);
    let shaped = true;
    for (const [kind, keys] of Object.entries(CURATED_SOURCE_KEYS)) {
        const list = value[kind];
        if (!Array.isArray(list)) continue; // absent, or reported by the rules
        list.forEach((item, i) => {
            const source = r.record(`${at}.${kind}[${i}]`, item, `a source {${keys.join(", ")}}`);
            if (source) r.unknownKeys(`${at}.${kind}[${i}]`, source, keys);
            else shaped = false;
        });
    }
    if (!shaped) return undefined;
    const issues = curatedSourcesIssues(value as CuratedSources, at);
    r.issues.addAll(issues);
    return issues.length === 0 ? (value as CuratedSources) : undefined;
}

export function parseProcessing(r: Reader, raw: Json): ProcessingConfig {
    const key = configKey("processing");
    const value = raw === undefined ? {} : (r.record(key, raw, PROCESSING_CONFIG_KEY) ?? {});
    r.unknownKeys(key, value, [
        "schedule",
        "startOnArrival",
        "rawToProcessed",
        "processedToCurated",
        "retry",
        "pollSeconds",
        "refreshMarts",
        "qualityChecks",
        "scripts",
        "curated",
    ]);

    let schedule = { expression: "cron(0 2 * * ? *)", timezone: "UTC" };
    if (value.schedule !== undefined) {
        const s = r.record(`${key}.schedule`, value.schedule, "{expression, timezone?}") ?? {};
        r.unknownKeys(`${key}.schedule`, s, ["expression", "timezone"]);
        const expression = r.string(
            `${key}.schedule.expression`,
            s.expression,
            SCHEDULE,
            "an EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week year) or rate(n unit)",
        );
        const timezone =
            s.timezone === undefined
                ? "UTC"
                : r.string(`${key}.schedule.timezone`, s.timezone, TIMEZONE, "an IANA time zone, e.g. Europe/Paris");
        schedule = { expression: expression ?? schedule.expression, timezone: timezone ?? "UTC" };
    }
    const startOnArrival =
        value.startOnArrival === undefined
            ? true
            : (r.boolean(`${key}.startOnArrival`, value.startOnArrival, "true or false") ?? true);

    let retry = { maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 };
    if (value.retry !== undefined) {
        const v = r.record(`${key}.retry`, value.retry, "{maxAttempts?, intervalSeconds?, backoffRate?}") ?? {};
        r.unknownKeys(`${key}.retry`, v, ["maxAttempts", "intervalSeconds", "backoffRate"]);
        const maxAttempts =
            v.maxAttempts === undefined
                ? retry.maxAttempts
                : r.integer(
                      `${key}.retry.maxAttempts`,
                      v.maxAttempts,
                      (n) => n >= 0 && n <= 10,
                      "a whole number from 0 to 10",
                  );
        const intervalSeconds =
            v.intervalSeconds === undefined
                ? retry.intervalSeconds
                : r.integer(
                      `${key}.retry.intervalSeconds`,
                      v.intervalSeconds,
                      (n) => n >= 1 && n <= 3600,
                      "a whole number of seconds from 1 to 3600",
                  );
        let backoffRate: number | undefined = retry.backoffRate;
        if (v.backoffRate !== undefined) {
            if (typeof v.backoffRate === "number" && v.backoffRate >= 1 && v.backoffRate <= 10)
                backoffRate = v.backoffRate;
            else {
                r.issues.add(`${key}.retry.backoffRate`, v.backoffRate, "a number from 1 to 10");
                backoffRate = undefined;
            }
        }
        retry = {
            maxAttempts: maxAttempts ?? retry.maxAttempts,
            intervalSeconds: intervalSeconds ?? retry.intervalSeconds,
            backoffRate: backoffRate ?? retry.backoffRate,
        };
    }
    const pollSeconds =
        value.pollSeconds === undefined
            ? 60
            : (r.integer(
                  `${key}.pollSeconds`,
                  value.pollSeconds,
                  (n) => n >= 5 && n <= 3600,
                  "a whole number of seconds from 5 to 3600",
              ) ?? 60);

    let refreshMarts: ProcessingConfig["refreshMarts"];
    if (value.refreshMarts !== undefined) {
        const at = `${key}.refreshMarts`;
        const m = r.record(at, value.refreshMarts, "{enabled, workgroupName?, workgroupArn?, database?, sql?}") ?? {};
        r.unknownKeys(at, m, ["enabled", "workgroupName", "workgroupArn", "database", "sql"]);
        const enabled = m.enabled === undefined ? false : r.boolean(`${at}.enabled`, m.enabled, "true or false");
        if (enabled) {
            const workgroupName = r.string(
                `${at}.workgroupName`,
                m.workgroupName,
                REDSHIFT_NAME,
                "the Redshift Serverless workgroup of the marts: 3-64 lower-case letters, digits, hyphens",
            );
            const workgroupArn = r.string(
                `${at}.workgroupArn`,
                m.workgroupArn,
                WORKGROUP_ARN,
                "the workgroup's ARN, arn:aws:redshift-serverless:<region>:<account>:workgroup/<workgroup id>",
            );
            const database = r.string(`${at}.database`, m.database, DATABASE, "the marts database name");
            const sql = r.string(
                `${at}.sql`,
                m.sql,
                /^\S[\s\S]{0,9999}$/,
                "the statement that refreshes the marts, e.g. CALL marts.refresh()",
            );
            if (workgroupName && workgroupArn && database && sql) {
                refreshMarts = { workgroupName, workgroupArn, database, sql };
            }
        }
    }

    const scripts: { rawToProcessed: string; processedToCurated: string } = { ...DEFAULT_ETL_SCRIPTS };
    if (value.scripts !== undefined) {
        const s = r.record(`${key}.scripts`, value.scripts, "{rawToProcessed?, processedToCurated?}") ?? {};
        r.unknownKeys(`${key}.scripts`, s, ["rawToProcessed", "processedToCurated"]);
        for (const k of ["rawToProcessed", "processedToCurated"] as const) {
            if (s[k] === undefined) continue;
            const file = r.string(`${key}.scripts.${k}`, s[k], SCRIPT, "a relative path of a .py file in the project");
            if (file && (file.startsWith("/") || file.split("/").includes(".."))) {
                r.issues.add(`${key}.scripts.${k}`, file, "a path inside the project (relative, no ..)");
            } else if (file) scripts[k] = file;
        }
    }

    const qualityChecks =
        value.qualityChecks === undefined
            ? undefined
            : listOf(
                  r,
                  `${key}.qualityChecks`,
                  value.qualityChecks,
                  "a list of {table, rulesets: [Glue Data Quality ruleset names]}",
                  (at, c) => {
                      r.unknownKeys(at, c, ["table", "rulesets"]);
                      const table = r.string(
                          `${at}.table`,
                          c.table,
                          TABLE,
                          "a processed table name: lower-case letters, digits, _",
                      );
                      const rulesets = Array.isArray(c.rulesets) && c.rulesets.length > 0 ? c.rulesets : undefined;
                      if (!rulesets) r.issues.add(`${at}.rulesets`, c.rulesets, "a non-empty list of ruleset names");
                      const names = (rulesets ?? []).flatMap((name, i) => {
                          const ok = r.string(
                              `${at}.rulesets[${i}]`,
                              name,
                              RULESET,
                              "a ruleset name: 1-255 letters, digits, _.-",
                          );
                          return ok ? [ok] : [];
                      });
                      return table && rulesets && names.length === rulesets.length
                          ? { table, rulesets: names }
                          : undefined;
                  },
              );

    return {
        schedule,
        curated: parseCurated(r, `${key}.curated`, value.curated),
        qualityChecks,
        startOnArrival,
        rawToProcessed: parseJob(r, `${key}.rawToProcessed`, value.rawToProcessed),
        processedToCurated: parseJob(r, `${key}.processedToCurated`, value.processedToCurated),
        retry,
        pollSeconds,
        refreshMarts,
        scripts,
    };
}
