import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../components/shared/context";
import { createDashboard } from "../components/shared/dashboards";
import { physicalName } from "../components/shared/naming";
import { TAG_KEYS } from "../components/shared/tags";
import { type AccountTarget, programOptions } from "./accounts";

/**
 * The root component of one per-account program. Everything a program creates is its child, so it inherits the
 * account's provider and shows up under that account in `pulumi preview` and the offline plan.
 */
export class AccountProgram extends pulumi.ComponentResource {
    constructor(
        /** Program kind: Hub, Governance, Producer, Analytics, Ml. */
        kind: string,
        private readonly programName: string,
        public readonly target: AccountTarget,
    ) {
        super(`cdp:programs:${kind}`, programName, {}, programOptions(target));
    }

    /**
     * Creates the program's platform-health dashboard from the alarms and metrics its components collected
     * (components/shared/dashboards.ts), registers the program's outputs and returns them.
     */
    finish<T extends Record<string, unknown>>(outputs: T): T {
        const tags = this.target.tags;
        createDashboard(`${this.programName}-health`, this, {
            dashboardName: physicalName(
                "generic",
                tags[TAG_KEYS.project] ?? "",
                tags[TAG_KEYS.environment] ?? "",
                this.programName,
                "health",
            ),
            region: awsContext(this).region,
        });
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
