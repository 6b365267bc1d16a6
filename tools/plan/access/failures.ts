import type { AccessReport } from "./prove";

/** Whether the proof fails the plan: a required access denied or unknown, or an invariant broken. (Apart from the
 * proof itself, so a plan without it, `--no-access`, never loads the IAM simulator.) */
export function accessFailures(report: AccessReport): string[] {
    return [
        ...report.required
            .filter((r) => r.verdict === "denied" || r.verdict === "unknown")
            .map((r) => `required access ${r.id}: ${r.verdict}`),
        ...report.invariants.filter((i) => i.verdict === "broken").map((i) => `invariant ${i.id}: broken`),
    ];
}
