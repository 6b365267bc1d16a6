/**
 * Environment contract of the contract reconciler (functions/contract-reconciler), set by `ContractRegistry`
 * (components/governance/contract-registry.ts). Lambda environment variables are limited to 4 KB in total
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), so the reconciler gets names and ARNs
 * only, never the catalog: the catalog checks run in CI (`npm run contracts:check`) and at `pulumi up`.
 */
import { DYNAMODB_TABLE_NAME, DYNAMODB_TABLE_NAME_RULE, EVENT_BUS_ARN, IAM_ROLE_ARN } from "../names";
import type { GrantContext } from "../contracts";
import { defineEnv, fail, isRecord, json, required, text } from "./kit";

export interface ReconcilerConfig extends GrantContext {
    /** The contracts table (CONTRACTS_TABLE). */
    readonly table: string;
    /** EventBridge bus the audit events go to (AUDIT_BUS_ARN). */
    readonly auditBusArn: string;
    /** Region of the audit bus, parsed from AUDIT_BUS_ARN. */
    readonly auditBusRegion: string;
}

const DATABASE = /^[a-z0-9_]{1,255}$/;
const CONSUMER = /^[a-z][a-z0-9-]{1,30}$/;
const DOMAIN = /^[a-z][a-z0-9-]{0,62}$/;

function stringMap(key: RegExp, value: RegExp, what: string) {
    return (parsed: unknown, name: string): Readonly<Record<string, string>> => {
        if (!isRecord(parsed)) return fail(name, `${name} must be a JSON object of ${what}`);
        for (const [k, v] of Object.entries(parsed)) {
            if (!key.test(k) || typeof v !== "string" || !value.test(v))
                fail(name, `${name} must be a JSON object of ${what}; "${k}": ${JSON.stringify(v)} is not`);
        }
        return parsed as Record<string, string>;
    };
}

export const contractReconcilerEnv = defineEnv(
    "contract-reconciler",
    {
        CONTRACTS_TABLE: required(
            text((value, name) =>
                DYNAMODB_TABLE_NAME.test(value)
                    ? value
                    : fail(name, `${name} must be a DynamoDB table name (${DYNAMODB_TABLE_NAME_RULE}), got "${value}"`),
            ),
            "the contracts table (key `contractId`); items are re-read with a consistent read",
        ),
        CATALOG_ID: required(
            text((value, name) =>
                /^\d{12}$/.test(value) ? value : fail(name, `${name} must be a 12-digit account id, got "${value}"`),
            ),
            "the Data Catalog (account) holding the governed tables",
        ),
        CONSUMERS: required(
            json(
                stringMap(CONSUMER, IAM_ROLE_ARN, "consumer name → IAM role ARN"),
                (v) => v,
                (name) => `${name} must be a JSON object of consumer name → IAM role ARN; it is not valid JSON`,
            ),
            "consumer name → role ARN (cdp:governance.consumers); the principals whose contract grants it manages",
        ),
        DATABASES: required(
            json(
                stringMap(DOMAIN, DATABASE, "domain → Glue database name"),
                (v) => v,
                (name) => `${name} must be a JSON object of domain → Glue database name; it is not valid JSON`,
            ),
            "domain → the Glue database of its governed tables",
        ),
        AUDIT_BUS_ARN: required(
            text((value, name) =>
                EVENT_BUS_ARN.test(value)
                    ? value
                    : fail(
                          name,
                          `${name} must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), got "${value}"`,
                      ),
            ),
            "EventBridge bus of the audit events (source cdp.governance.contracts)",
        ),
    },
    (env): ReconcilerConfig => ({
        table: env.CONTRACTS_TABLE,
        catalogId: env.CATALOG_ID,
        consumers: env.CONSUMERS,
        databases: env.DATABASES,
        auditBusArn: env.AUDIT_BUS_ARN,
        auditBusRegion: EVENT_BUS_ARN.exec(env.AUDIT_BUS_ARN)!.groups!.region,
    }),
);
