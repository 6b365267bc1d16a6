/**
 * Environment contract of the lineage writer (functions/lineage), set by `LineageWriter`
 * (components/governance/lineage.ts). A misconfigured writer fails at cold start, naming the variable, instead of
 * writing lineage to the wrong graph or without IAM authentication.
 */
import { boolean, defineEnv, fail, integer, optional, required, text } from "./kit";

export interface LineageConfig {
    /** Neptune cluster (writer) endpoint host name (NEPTUNE_ENDPOINT), without scheme or port. */
    readonly endpoint: string;
    /** Port of the Gremlin WebSocket endpoint (NEPTUNE_PORT). */
    readonly port: number;
    /** Sign the WebSocket handshake with SigV4 (service `neptune-db`) (NEPTUNE_IAM_AUTH). */
    readonly iamAuth: boolean;
    /** Connect with TLS, `wss://` (NEPTUNE_TLS): Neptune accepts TLS 1.2+ only. */
    readonly tls: boolean;
    /** Attempts of one event's write on a conflict (ConcurrentModificationException) (WRITE_ATTEMPTS). */
    readonly writeAttempts: number;
    /** The `wss://host:port/gremlin` URL the driver connects to. */
    readonly url: string;
}

/** A host name: letters, digits, dots and hyphens (a cluster endpoint, or `localhost` in tests). */
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/;

export const DEFAULT_NEPTUNE_PORT = 8182;
export const DEFAULT_WRITE_ATTEMPTS = 5;

export const lineageEnv = defineEnv(
    "lineage",
    {
        NEPTUNE_ENDPOINT: required(
            text((value, name) =>
                HOST.test(value)
                    ? value
                    : fail(
                          name,
                          `${name} must be the Neptune cluster endpoint host name (no scheme, no port), got "${value}"`,
                      ),
            ),
            "the Neptune cluster (writer) endpoint host name",
        ),
        NEPTUNE_PORT: optional(
            integer({ min: 1 }),
            "port of the cluster's Gremlin endpoint (Neptune: 8182)",
            DEFAULT_NEPTUNE_PORT,
        ),
        NEPTUNE_IAM_AUTH: optional(
            boolean,
            "sign the WebSocket handshake with SigV4 (IAM database authentication); false only for a local Gremlin Server",
            true,
        ),
        NEPTUNE_TLS: optional(boolean, "wss:// (Neptune requires TLS); false only for a local Gremlin Server", true),
        WRITE_ATTEMPTS: optional(
            integer({ min: 1 }),
            "attempts of one event's write when Neptune reports a concurrent modification",
            DEFAULT_WRITE_ATTEMPTS,
        ),
    },
    (env): LineageConfig => {
        if (env.NEPTUNE_PORT > 65535)
            fail("NEPTUNE_PORT", `NEPTUNE_PORT must be a port (1-65535), got ${env.NEPTUNE_PORT}`);
        return {
            endpoint: env.NEPTUNE_ENDPOINT,
            port: env.NEPTUNE_PORT,
            iamAuth: env.NEPTUNE_IAM_AUTH,
            tls: env.NEPTUNE_TLS,
            writeAttempts: env.WRITE_ATTEMPTS,
            url: `${env.NEPTUNE_TLS ? "wss" : "ws"}://${env.NEPTUNE_ENDPOINT}:${env.NEPTUNE_PORT}/gremlin`,
        };
    },
);
