/**
 * The platform's root Pulumi program: validates the stack's `cdp:*` configuration and composes the per-account
 * programs (see programs/platform.ts). `pulumi up` runs it for real; `npm run plan` runs it offline. The program is
 * an async function (the composition yields between programs and domains); what it returns are the stack outputs.
 */
import { deployPlatform, loadPlatformConfig } from "./programs/platform";

export = async () => {
    const outputs = await deployPlatform(loadPlatformConfig());
    return {
        accounts: outputs.accounts,
        rawZoneBucketArn: outputs.rawZoneBucketArn,
        processedZoneBucketArn: outputs.processedZoneBucketArn,
        curatedZoneBucketArn: outputs.curatedZoneBucketArn,
        zoneKeyArns: outputs.zoneKeyArns,
        accessLogBucketName: outputs.accessLogBucketName,
        domainKeyArns: outputs.domainKeyArns,
        ingestStreamArn: outputs.ingestStreamArn,
        ingestBusArn: outputs.ingestBusArn,
    };
};
