/**
 * A real Apache TinkerPop Gremlin Server for tests, of the same TinkerPop version as the `gremlin` driver the lineage
 * Lambda bundles: installed from Maven Central by install-gremlin-server.sh (once, cached; `.ci/run` runs it too),
 * started on Java 17 on a free port with an in-memory TinkerTransactionGraph (string ids, transactions: each
 * sessionless traversal commits or rolls back as a whole, as on Neptune), and stopped by the test.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface GremlinServer {
    readonly host: string;
    readonly port: number;
    /** `ws://127.0.0.1:<port>/gremlin` */
    readonly url: string;
    stop(): Promise<void>;
}

/** The TinkerPop version of the installed `gremlin` driver. */
export function driverVersion(): string {
    return (require("gremlin/package.json") as { version: string }).version;
}

/** Home of the installed Gremlin Server of `version` (installs it if needed). */
export function gremlinServerHome(version = driverVersion()): string {
    const script = path.join(__dirname, "install-gremlin-server.sh");
    const out = execFileSync("bash", [script, version], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return out.trim().split("\n").pop()!.trim();
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

function canConnect(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

/** conf, lib and every plugin under ext (the JVM expands only a trailing `*`). */
function classPath(home: string): string {
    const ext = path.join(home, "ext");
    const plugins = fs.existsSync(ext)
        ? fs
              .readdirSync(ext, { withFileTypes: true })
              .filter((d) => d.isDirectory())
              .map((d) => path.join(ext, d.name, "lib", "*"))
        : [];
    return [path.join(home, "conf"), path.join(home, "lib", "*"), ...plugins].join(path.delimiter);
}

/** Starts a Gremlin Server; rejects with its log when it does not listen within `timeoutMs`. */
export async function startGremlinServer(options: { timeoutMs?: number } = {}): Promise<GremlinServer> {
    const home = gremlinServerHome();
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gremlin-server-"));
    const properties = path.join(dir, "graph.properties");
    fs.writeFileSync(
        properties,
        [
            "gremlin.graph=org.apache.tinkerpop.gremlin.tinkergraph.structure.TinkerTransactionGraph",
            // String ids, as the lineage writer (and Neptune) use.
            "gremlin.tinkergraph.vertexIdManager=ANY",
            "gremlin.tinkergraph.edgeIdManager=ANY",
            // Neptune's default cardinality is set: the writer must say `single` itself, and this shows it does.
            "gremlin.tinkergraph.defaultVertexPropertyCardinality=set",
            "",
        ].join("\n"),
    );
    const yaml = path.join(dir, "gremlin-server.yaml");
    fs.writeFileSync(
        yaml,
        [
            "host: 127.0.0.1",
            `port: ${port}`,
            "evaluationTimeout: 30000",
            "channelizer: org.apache.tinkerpop.gremlin.server.channel.WebSocketChannelizer",
            `graphs: { graph: ${JSON.stringify(properties)} }`,
            "scriptEngines:",
            "  gremlin-groovy:",
            "    plugins:",
            "      org.apache.tinkerpop.gremlin.server.jsr223.GremlinServerGremlinPlugin: {}",
            "      org.apache.tinkerpop.gremlin.tinkergraph.jsr223.TinkerGraphGremlinPlugin: {}",
            "      org.apache.tinkerpop.gremlin.jsr223.ScriptFileGremlinPlugin:",
            `        files: [${JSON.stringify(path.join(home, "scripts", "empty-sample.groovy"))}]`,
            "serializers:",
            "  - { className: org.apache.tinkerpop.gremlin.util.ser.GraphBinaryMessageSerializerV1 }",
            "  - { className: org.apache.tinkerpop.gremlin.util.ser.GraphSONMessageSerializerV3 }",
            "processors:",
            "  - { className: org.apache.tinkerpop.gremlin.server.op.traversal.TraversalOpProcessor }",
            "metrics: { jmxReporter: {enabled: false} }",
            "strictTransactionManagement: false",
            "",
        ].join("\n"),
    );
    const log = path.join(dir, "server.log");
    const out = fs.openSync(log, "a");
    const child: ChildProcess = spawn(
        "java",
        [
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseSerialGC",
            `-Dlogback.configurationFile=${path.join(home, "conf", "logback.xml")}`,
            "-cp",
            classPath(home),
            "org.apache.tinkerpop.gremlin.server.GremlinServer",
            yaml,
        ],
        { cwd: home, stdio: ["ignore", out, out] },
    );
    let exited = false;
    child.once("exit", () => {
        exited = true;
    });
    const deadline = Date.now() + (options.timeoutMs ?? 90_000);
    while (!(await canConnect(port))) {
        if (exited || Date.now() > deadline) {
            child.kill("SIGKILL");
            const text = fs.readFileSync(log, "utf8");
            throw new Error(`Gremlin Server did not start on port ${port}:\n${text.slice(-4000)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    let stopped: Promise<void> | undefined;
    return {
        host: "127.0.0.1",
        port,
        url: `ws://127.0.0.1:${port}/gremlin`,
        stop: () =>
            (stopped ??= new Promise<void>((resolve) => {
                if (exited) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
                setTimeout(() => child.kill("SIGKILL"), 5000).unref();
            }).then(() => {
                fs.closeSync(out);
                fs.rmSync(dir, { recursive: true, force: true });
            })),
    };
}
