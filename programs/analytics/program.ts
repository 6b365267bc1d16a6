import type { AccountTarget } from "../accounts";
import { AccountProgram, type ZoneRef } from "../program";

export interface AnalyticsProgramArgs {
    readonly target: AccountTarget;
    /** Curated zone the analytics account queries (Athena, Redshift Spectrum). */
    readonly curatedZone: ZoneRef;
}

export interface AnalyticsOutputs {
    readonly program: AccountProgram;
}

/** The business analytics consumer account: Athena, Redshift data marts, the REST API and dashboards (later issues). */
export function analyticsProgram(args: AnalyticsProgramArgs): AnalyticsOutputs {
    const program = new AccountProgram("Analytics", "analytics", args.target);
    return program.finish({ program });
}
