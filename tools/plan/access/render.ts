import type { LfMatrixRow } from "./lake-formation";
import type { AccessReport } from "./prove";

const MAX_VIOLATIONS = 8;

/** The access proof as text: required accesses, invariants, the matrix, limits. */
export function renderAccess(report: AccessReport, options: { quiet?: boolean } = {}): string {
    const lines: string[] = [];
    const allowed = report.required.filter((r) => r.verdict === "allowed").length;
    const unverified = report.required.filter((r) => r.verdict === "unverified").length;
    const broken = report.invariants.filter((i) => i.verdict === "broken").length;
    const held = report.invariants.filter((i) => i.verdict === "holds").length;
    lines.push(
        `Access proof (@cloud-copilot/iam-simulate): ${allowed}/${report.required.length} required accesses allowed` +
            (unverified ? ` (${unverified} more as far as this plan goes)` : "") +
            ", " +
            `${held} invariants hold, ${broken} broken; ${report.evaluations} evaluations, ${Math.round(report.durationMs)} ms`,
    );
    lines.push("", "Required access:");
    for (const r of report.required) {
        if (options.quiet && (r.verdict === "allowed" || r.verdict === "unverified")) continue;
        const mark = { allowed: "ok    ", denied: "DENIED", unknown: "UNKNOWN", unverified: "ok?   " }[r.verdict];
        lines.push(`  ${mark} ${r.id}  (${r.principal})`);
        if (r.verdict === "unverified")
            lines.push(
                `           allowed by this plan; ${r.requests
                    .filter((q) => q.outside)
                    .map((q) => q.resource)
                    .join(", ")} is in another stack (its policy not known here)`,
            );
        if (r.verdict === "denied" || r.verdict === "unknown") {
            for (const q of r.requests.filter((x) => !x.allowed)) {
                const why = q.unknown
                    ? `unknown: ${q.unknown}`
                    : `denied by ${q.deniedBy.join(" + ")}${q.denyStatements.length ? ` (${q.denyStatements.join(", ")})` : ""}`;
                lines.push(`           ${q.action} ${q.resource}: ${why}`);
            }
            lines.push(`           needs: ${r.why}`, `           see ${r.doc}`);
        }
    }
    if (report.required.length === 0) lines.push("  (none declared)");
    lines.push("", "Invariants:");
    for (const i of report.invariants) {
        const mark = i.verdict === "holds" ? "holds " : i.verdict === "broken" ? "BROKEN" : "not modelled";
        lines.push(
            `  ${mark} ${i.id}: ${i.title}${i.checked ? ` (${i.checked} ${i.id.startsWith("lf-") ? "checks" : "requests"})` : ""}`,
        );
        for (const v of i.violations.slice(0, MAX_VIOLATIONS)) lines.push(`           allowed: ${v}`);
        if (i.violations.length > MAX_VIOLATIONS)
            lines.push(`           … and ${i.violations.length - MAX_VIOLATIONS} more`);
        if (!options.quiet) for (const n of i.notes) lines.push(`           note: ${n}`);
    }
    if (!options.quiet) {
        lines.push(
            "",
            `Access matrix (r read, w write, d decrypt, a admin; S3 prefixes; "${report.outsider}" stands for any outside account):`,
        );
        for (const row of report.matrix) {
            lines.push(`  ${row.principal} [${row.account}]`);
            for (const c of row.cells) {
                const prefixes = c.prefixes
                    ? ` (${Object.entries(c.prefixes)
                          .map(([l, ps]) => `${l}: ${ps.join(" ")}`)
                          .join("; ")})`
                    : "";
                lines.push(`      ${c.letters.padEnd(4)} ${c.kind} ${c.resource}${prefixes}`);
            }
        }
        if (report.lakeFormation.length) lines.push("", ...renderLakeFormation(report.lakeFormation));
        if (report.notModelled.length) {
            lines.push("", "Not modelled by the access proof:");
            for (const n of report.notModelled) lines.push(`  - ${n}`);
        }
    }
    if (report.unknowns.length) {
        lines.push("", "Unknown offline:");
        for (const u of report.unknowns) lines.push(`  - ${u}`);
    }
    if (report.issues.length) {
        lines.push("", "Access model issues:");
        for (const u of report.issues) lines.push(`  - ${u}`);
    }
    return lines.join("\n");
}

/** Tables listed per line before "… and N more" (the plan JSON has them all). */
const MAX_TABLES = 8;

/**
 * The Lake Formation matrix: one row per principal, its cells grouped by catalog and letters (at most MAX_TABLES
 * shown per line); a table shows its columns when not all, and its row filters.
 */
export function renderLakeFormation(rows: LfMatrixRow[]): string[] {
    const lines = [
        "Lake Formation (s select, d describe, w insert/delete, a alter/drop, c create, l data location; [columns] when not all; rf: row filter):",
    ];
    for (const row of rows) {
        const who = row.principal === row.name || row.name.startsWith("account ") ? "" : `: ${row.principal}`;
        lines.push(`  ${row.name} (${row.kind})${who}`);
        for (const c of row.adminOf ?? [])
            lines.push(`      all  every table of catalog ${c} (data lake administrator: grants itself anything)`);
        for (const c of row.readOnlyAdminOf ?? [])
            lines.push(`      d    every resource of catalog ${c} (read-only administrator)`);
        // One line per catalog and letters; a table shows its columns (or the ones withheld, when fewer) and row filters.
        const groups = new Map<string, string[]>();
        for (const c of row.cells) {
            const columns = c.columns
                ? (c.hiddenColumns?.length ?? 0) < c.columns.length
                    ? `[all but ${c.hiddenColumns?.join(", ")}]`
                    : `[${c.columns.join(", ")}]`
                : "";
            const filter = c.rowFilters ? `(rf: ${c.rowFilters.join(" | ")})` : "";
            const key = `${c.letters.padEnd(4)} ${c.kind === "location" ? "location" : c.catalogId}`;
            groups.set(key, [...(groups.get(key) ?? []), [c.resource, columns, filter].filter((x) => x).join(" ")]);
        }
        for (const [key, items] of groups) {
            const shown = items.slice(0, MAX_TABLES).join(", ");
            const more = items.length > MAX_TABLES ? ` … and ${items.length - MAX_TABLES} more (plan JSON)` : "";
            lines.push(`      ${key} ${shown}${more}`);
        }
    }
    return lines;
}
