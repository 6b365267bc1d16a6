/**
 * One Gremlin connection per Lambda execution environment, opened on first use and reused across invocations
 * ("Using AWS Lambda functions in Amazon Neptune": https://docs.aws.amazon.com/neptune/latest/userguide/lambda-functions.html
 * recommends one connection per environment, re-opened after a connection error). With IAM authentication each
 * opening signs its handshake afresh (signer.ts).
 */
import * as gremlin from "gremlin";
import type { LineageConfig } from "../../model/env/lineage";
import { type CredentialsProvider, signedHandshakeHeaders } from "./signer";

type Source = gremlin.process.GraphTraversalSource;

export interface GraphConnection {
    /** The traversal source of the open connection (opened if needed). */
    source(): Promise<Source>;
    /** Drops the connection; the next `source()` opens (and signs) a new one. */
    reset(): Promise<void>;
}

export function createConnection(
    config: Pick<LineageConfig, "url" | "endpoint" | "port" | "iamAuth">,
    signing: { region: string; credentials: CredentialsProvider },
): GraphConnection {
    let open: { connection: gremlin.driver.DriverRemoteConnection; g: Source } | undefined;
    return {
        async source() {
            if (open) return open.g;
            const headers = config.iamAuth
                ? await signedHandshakeHeaders({
                      host: config.endpoint,
                      port: config.port,
                      region: signing.region,
                      credentials: signing.credentials,
                  })
                : {};
            const connection = new gremlin.driver.DriverRemoteConnection(config.url, {
                headers,
                // Neptune's TLS certificates are public; never disable verification.
                rejectUnauthorized: true,
            });
            const g = gremlin.process.AnonymousTraversalSource.traversal().withRemote(connection);
            open = { connection, g };
            return g;
        },
        async reset() {
            const current = open;
            open = undefined;
            await current?.connection.close().catch(() => undefined);
        },
    };
}
