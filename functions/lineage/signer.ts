/**
 * SigV4 signing of the Gremlin WebSocket handshake for Neptune IAM database authentication: the HTTP GET that opens
 * the WebSocket (`https://<endpoint>:<port>/gremlin`) is signed for service `neptune-db` in the cluster's region, and
 * its `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` and `Host` headers are sent with the upgrade request
 * ("Connecting to Neptune databases using IAM authentication with Gremlin JavaScript":
 * https://docs.aws.amazon.com/neptune/latest/userguide/iam-auth-connecting-gremlin-javascript.html; the Lambda pattern
 * of re-signing on reconnect: https://docs.aws.amazon.com/neptune/latest/userguide/lambda-functions-examples.html).
 * A signature is checked when the connection opens, so a reused connection outlives it; a new connection is signed
 * anew with the then-current credentials.
 */
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** The service name Neptune IAM authentication signs for. */
export const NEPTUNE_SIGNING_SERVICE = "neptune-db";

/** The Lambda runtime's credentials (its execution role), from the variables it sets. */
export const lambdaCredentials: CredentialsProvider = async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
        throw new Error(
            "No AWS credentials in the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY): cannot sign for Neptune IAM authentication",
        );
    }
    return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN || undefined };
};

/** The headers of a signed WebSocket handshake to `host:port/gremlin`. */
export async function signedHandshakeHeaders(spec: {
    host: string;
    port: number;
    region: string;
    credentials: CredentialsProvider;
    /** Signing time (tests). */
    now?: Date;
}): Promise<Record<string, string>> {
    const signer = new SignatureV4({
        service: NEPTUNE_SIGNING_SERVICE,
        region: spec.region,
        credentials: spec.credentials,
        sha256: Hash.bind(null, "sha256"),
    });
    const signed = await signer.sign(
        {
            method: "GET",
            protocol: "https:",
            hostname: spec.host,
            port: spec.port,
            path: "/gremlin",
            headers: { host: `${spec.host}:${spec.port}` },
        },
        spec.now ? { signingDate: spec.now } : {},
    );
    return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, String(v)]));
}
