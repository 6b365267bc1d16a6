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

/**
 * gremlin 3.7.3 opens its WebSocket with `globalThis.WebSocket` whenever the runtime has one (Node 22 and newer, so the
 * nodejs24.x Lambda runtime) and then passes it no options: the SigV4 `headers` would be dropped and Neptune would
 * refuse the handshake. The driver fixed it after 3.7.3 (apache/tinkerpop#2968, "Use `ws` WebSocket when options are
 * provided": https://github.com/apache/tinkerpop/pull/2968), a line Neptune does not accept yet, so the writer
 * removes the global (it uses no other WebSocket) and the driver falls back to the bundled `ws`, which sends them.
 * tests/functions/lineage/unit.test.ts checks the headers on the wire.
 */
export function useWsWebSocket(): void {
    const g = globalThis as { WebSocket?: unknown };
    if (g.WebSocket !== undefined) delete g.WebSocket;
}

export function createConnection(
    config: Pick<LineageConfig, "url" | "endpoint" | "port" | "iamAuth">,
    signing: { region: string; credentials: CredentialsProvider },
): GraphConnection {
    let open: { connection: gremlin.driver.DriverRemoteConnection; g: Source } | undefined;
    return {
        async source() {
            if (open) return open.g;
            if (config.iamAuth) useWsWebSocket();
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
