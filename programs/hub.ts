import * as pulumi from "@pulumi/pulumi";
import { AccountTarget } from "./accounts";
import { AccountProgram, ZoneRef } from "./program";

export interface HubProgramArgs {
    readonly target: AccountTarget;
    /** The raw zone the hub lands data in. */
    readonly rawZone: ZoneRef;
}

export interface HubOutputs {
    readonly program: AccountProgram;
    /** Raw zone the hub writes to (consumed from the governance program). */
    readonly rawZoneBucketArn: pulumi.Output<string>;
}

/**
 * The ingestion hub account: Kinesis → preprocessing → Firehose → raw zone, SFTP, EventBridge and Data Exchange
 * (the ingestion issue). Until then it only establishes the account, its provider and the raw-zone contract.
 */
export function hubProgram(args: HubProgramArgs): HubOutputs {
    const program = new AccountProgram("Hub", "hub", args.target);
    return program.finish({ program, rawZoneBucketArn: args.rawZone.bucketArn });
}
