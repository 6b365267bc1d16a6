/**
 * An in-process dynalite (DynamoDB emulator) for tests. Unlike moto_server, whose conditional writes are not atomic
 * under concurrent requests (measured: 4 concurrent `attribute_not_exists` updates of one key gave more than one winner
 * for 5 keys in 200), dynalite serialises the writes to an item (0 in 300): tests of claims and leases use it.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export interface Dynalite {
    readonly endpoint: string;
    stop(): Promise<void>;
}

/** An in-memory dynalite on 127.0.0.1 (any free port). */
export async function startDynalite(): Promise<Dynalite> {
    const dynalite = require("dynalite") as DynaliteFactory;
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    let stopped: Promise<void> | undefined;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
            (stopped ??= new Promise<void>((resolve) => {
                server.close(() => resolve());
                (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
            })),
    };
}
