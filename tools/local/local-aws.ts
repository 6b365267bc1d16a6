/**
 * What the AWS SDK clients of tools/local share against local emulators
 * (kinesalite, dynalite and the like): a region, dummy credentials and an
 * HTTP/1.1 request handler. The SDK v3 Kinesis client defaults to HTTP/2,
 * which a local HTTP/1.1 emulator does not speak.
 */
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** Region and dummy credentials used against local emulators. */
export const LOCAL_REGION = "us-east-1";
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

/** Client settings for a local endpoint: region, dummy credentials, a fresh HTTP/1.1 handler. */
export function localClientConfig(endpoint: string, region: string = LOCAL_REGION) {
    return {
        endpoint,
        region,
        credentials: LOCAL_CREDENTIALS,
        requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    };
}
