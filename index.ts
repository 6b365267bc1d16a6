/**
 * The platform's root Pulumi program: validates the stack's `cdp:*` configuration and composes the per-account
 * programs (see programs/platform.ts). `pulumi up` runs it for real; `npm run plan` runs it offline.
 */
import { deployPlatform, loadPlatformConfig } from "./programs/platform";

const outputs = deployPlatform(loadPlatformConfig());

export const accounts = outputs.accounts;
export const rawZoneBucketArn = outputs.rawZoneBucketArn;
export const processedZoneBucketArn = outputs.processedZoneBucketArn;
export const curatedZoneBucketArn = outputs.curatedZoneBucketArn;
export const zoneKeyArns = outputs.zoneKeyArns;
export const accessLogBucketName = outputs.accessLogBucketName;
export const domainKeyArns = outputs.domainKeyArns;
export const ingestStreamArn = outputs.ingestStreamArn;
export const ingestBusArn = outputs.ingestBusArn;
