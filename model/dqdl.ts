/**
 * A Glue Data Quality ruleset (DQDL, "Data Quality Definition Language (DQDL) reference", AWS Glue Developer Guide:
 * https://docs.aws.amazon.com/glue/latest/dg/dqdl.html) generated from a data contract's quality and freshness
 * expectations, for the table that holds the contract's dataset (its domain table: the raw → processed job's output,
 * evaluated between the ETL stages). Pulumi-free and pure: the registry deploys the text, tests read it.
 */
import { columnName } from "./catalog";
import type { DataContract } from "./contracts";

/** The managed column DataFreshness measures: when the record was last updated (`model/entities.ts`). */
export const FRESHNESS_COLUMN = "updatedat";

const quote = (column: string): string => JSON.stringify(columnName(column));
const literal = (v: string | number): string => (typeof v === "number" ? String(v) : JSON.stringify(v));

/**
 * The DQDL rules of a contract, one per line, in a stable order: RowCount, IsComplete/Completeness, IsUnique,
 * ColumnValues in [...], ColumnValues ranges, DataFreshness.
 *
 * - Completeness 1 is `IsComplete`, a lower fraction `Completeness ... >= f`.
 * - Allowed values of an optional column (not in the schema's `required`) also allow NULL: ColumnValues rules fail
 *   NULL rows ("ColumnValues", https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-ColumnValues.html).
 * - A range is written as `>=`/`<=` comparisons (inclusive bounds, as the contract means them); on an optional column
 *   with a `where` clause that leaves NULL rows out.
 * - Freshness: `DataFreshness "updatedat" <= N hours`
 *   (https://docs.aws.amazon.com/glue/latest/dg/dqdl-rule-types-DataFreshness.html).
 */
export function dqdlRules(contract: DataContract): string[] {
    const rules: string[] = [];
    const q = contract.quality ?? {};
    const required = new Set((contract.schema.required ?? []).map(columnName));
    const bounds = (subject: string, r: { min?: number; max?: number }, where = ""): string[] => [
        ...(r.min === undefined ? [] : [`${subject} >= ${r.min}${where}`]),
        ...(r.max === undefined ? [] : [`${subject} <= ${r.max}${where}`]),
    ];
    if (q.rowCount) rules.push(...bounds("RowCount", q.rowCount));
    for (const [column, fraction] of Object.entries(q.completeness ?? {})) {
        rules.push(fraction >= 1 ? `IsComplete ${quote(column)}` : `Completeness ${quote(column)} >= ${fraction}`);
    }
    for (const column of q.unique ?? []) rules.push(`IsUnique ${quote(column)}`);
    for (const [column, values] of Object.entries(q.allowedValues ?? {})) {
        const list = [...values.map(literal), ...(required.has(columnName(column)) ? [] : ["NULL"])];
        rules.push(`ColumnValues ${quote(column)} in [${list.join(", ")}]`);
    }
    for (const [column, range] of Object.entries(q.ranges ?? {})) {
        const optional = !required.has(columnName(column));
        const where = optional ? ` where "${columnName(column)} is not null"` : "";
        rules.push(...bounds(`ColumnValues ${quote(column)}`, range, where));
    }
    if (contract.freshness)
        rules.push(`DataFreshness "${FRESHNESS_COLUMN}" <= ${contract.freshness.maxDelayHours} hours`);
    return rules;
}

/** The ruleset document: `Rules = [ ... ]` (an empty contract checks that the table has rows). */
export function dqdlRuleset(contract: DataContract): string {
    const rules = dqdlRules(contract);
    const body = rules.length > 0 ? rules : ["RowCount > 0"];
    return `Rules = [\n    ${body.join(",\n    ")}\n]`;
}
