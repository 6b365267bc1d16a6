/**
 * Minimal typings for kinesalite 3.x (ships none): an in-process Kinesis
 * emulator returned as a plain Node HTTP(S) server. Only what tools/local uses.
 */
declare module "kinesalite" {
    import type { Server } from "node:http";

    interface KinesaliteOptions {
        /** LevelDB directory; omitted = in-memory store (memdown). */
        path?: string;
        /** Serve HTTPS with kinesalite's bundled self-signed certificate. */
        ssl?: boolean;
        /** Milliseconds a stream stays CREATING (default 500; 0 = immediately ACTIVE). */
        createStreamMs?: number;
        /** Milliseconds a stream stays DELETING (default 500). */
        deleteStreamMs?: number;
        /** Milliseconds a stream stays UPDATING (default 500). */
        updateStreamMs?: number;
        /** Open-shard limit across all streams, as LimitExceededException (default 10). */
        shardLimit?: number;
    }

    /** `close` also closes the store; calling `listen` again recreates it. */
    function kinesalite(options?: KinesaliteOptions): Server;

    export = kinesalite;
}
