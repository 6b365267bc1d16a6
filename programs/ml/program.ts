import type { AccountTarget } from "../accounts";
import { AccountProgram, type ZoneRef } from "../program";

export interface MlProgramArgs {
    readonly target: AccountTarget;
    /** Curated zone the ML account reads governed data from. */
    readonly curatedZone: ZoneRef;
}

export interface MlOutputs {
    readonly program: AccountProgram;
}

/** The machine-learning account: SageMaker and Personalize over governed data (later issues). */
export function mlProgram(args: MlProgramArgs): MlOutputs {
    const program = new AccountProgram("Ml", "ml", args.target);
    return program.finish({ program });
}
