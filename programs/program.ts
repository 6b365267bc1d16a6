import * as pulumi from "@pulumi/pulumi";
import { type AccountTarget, programOptions } from "./accounts";

/**
 * The root component of one per-account program. Everything a program creates is its child, so it inherits the
 * account's provider and shows up under that account in `pulumi preview` and the offline plan.
 */
export class AccountProgram extends pulumi.ComponentResource {
    constructor(
        /** Program kind: Hub, Governance, Producer, Analytics, Ml. */
        kind: string,
        name: string,
        public readonly target: AccountTarget,
    ) {
        super(`cdp:programs:${kind}`, name, {}, programOptions(target));
    }

    /** Registers the program's outputs and returns them. */
    finish<T extends Record<string, unknown>>(outputs: T): T {
        this.registerOutputs(outputs);
        return outputs;
    }
}

/** A zone as other programs consume it. */
export interface ZoneRef {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    readonly keyArn: pulumi.Output<string>;
}
