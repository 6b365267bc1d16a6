/**
 * The lineage writer's pure parts: the OpenLineage contract's validator (reasons, never a throw), the environment
 * contract, the SigV4 handshake signature (the local Gremlin Server has no IAM authentication, so the signature is
 * checked here: service `neptune-db`, the region, the signed host and path) and the esbuild bundle.
 */
import { createHmac, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { bundleFunction } from "../../../functions/build";
import { loadConfig } from "../../../functions/lineage/config";
import { createConnection } from "../../../functions/lineage/connection";
import { isConflict } from "../../../functions/lineage/handler";
import { NEPTUNE_SIGNING_SERVICE, signedHandshakeHeaders } from "../../../functions/lineage/signer";
import { envVariables } from "../../../model/env/kit";
import { lineageEnv } from "../../../model/env/lineage";
import {
    LINEAGE_DETAIL_TYPE,
    LINEAGE_EVENT_SOURCE,
    lineagePutEventsEntry,
    runEvent,
    stateKey,
    validateRunEvent,
} from "../../../model/lineage";
import { packageRoot } from "../../../model/package-root";

const RUN = "3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
const good = () =>
    runEvent({
        eventType: "COMPLETE",
        runId: RUN,
        job: { namespace: "glue://cdp-prod", name: "curate" },
        inputs: [{ namespace: "s3://raw", name: "orders" }],
        outputs: [{ namespace: "s3://curated", name: "revenue", facets: { schema: { fields: [] } } }],
        producer: "https://github.com/example/cdp",
        eventTime: "2026-12-01T02:00:00.123+01:00",
    });

describe("lineage contract: validateRunEvent", () => {
    it("accepts the events runEvent builds, and the PutEvents entry carries the platform's source and detail-type", () => {
        expect(validateRunEvent(good())).to.deep.equal({ ok: true, event: good() });
        const entry = lineagePutEventsEntry(good(), "cdp-prod-governance");
        expect(entry).to.include({ Source: LINEAGE_EVENT_SOURCE, DetailType: LINEAGE_DETAIL_TYPE });
        expect(validateRunEvent(JSON.parse(entry.Detail)).ok).to.equal(true);
    });

    it("names every problem of a bad event", () => {
        const result = validateRunEvent({
            eventType: "DONE",
            eventTime: "yesterday",
            run: { runId: "run-1" },
            job: { namespace: "glue://x" },
            inputs: "orders",
            producer: "",
            schemaURL: "openlineage",
        });
        expect(result).to.deep.equal({
            ok: false,
            reasons: [
                'eventType must be one of START, RUNNING, COMPLETE, FAIL, ABORT, got "DONE"',
                'eventTime must be an ISO 8601 date-time with a zone (2026-01-31T12:00:00Z), got "yesterday"',
                'run.runId must be a UUID, got "run-1"',
                "job.name must be a non-empty string, got nothing",
                "inputs must be a list of {namespace, name, facets?}",
                "producer must be a URI naming the code that produced the event",
                "schemaURL must be the OpenLineage schema URL the event follows",
            ],
        });
    });

    it("never throws, whatever the input", () => {
        fc.assert(
            fc.property(fc.anything(), (value) => {
                const result = validateRunEvent(value);
                return result.ok || result.reasons.length > 0;
            }),
            { numRuns: 500 },
        );
    });

    it("orders a run's states by time then terminal rank, across time zones", () => {
        const at = (eventType: "START" | "COMPLETE" | "RUNNING", eventTime: string) =>
            stateKey({ eventType, eventTime });
        expect(at("COMPLETE", "2026-12-01T02:00:00+01:00") > at("RUNNING", "2026-12-01T00:59:59Z")).to.equal(true);
        expect(at("COMPLETE", "2026-12-01T01:00:00Z") > at("RUNNING", "2026-12-01T01:00:00Z")).to.equal(true);
        expect(at("START", "2026-12-01T01:00:01Z") > at("COMPLETE", "2026-12-01T01:00:00Z")).to.equal(true);
    });
});

describe("lineage environment contract", () => {
    it("round trip, with Neptune's defaults (TLS, IAM auth, port 8182)", () => {
        const env = envVariables(lineageEnv, {
            NEPTUNE_ENDPOINT: "cdp-prod-lineage.cluster-abc.eu-west-1.neptune.amazonaws.com",
        });
        expect(loadConfig(env as Record<string, string>)).to.deep.equal({
            endpoint: "cdp-prod-lineage.cluster-abc.eu-west-1.neptune.amazonaws.com",
            port: 8182,
            iamAuth: true,
            tls: true,
            writeAttempts: 5,
            url: "wss://cdp-prod-lineage.cluster-abc.eu-west-1.neptune.amazonaws.com:8182/gremlin",
        });
    });

    it("names the variable of a bad endpoint or port", () => {
        expect(() => loadConfig({ NEPTUNE_ENDPOINT: "wss://host:8182" })).to.throw(
            /^NEPTUNE_ENDPOINT must be the Neptune cluster endpoint host name/,
        );
        expect(() => loadConfig({ NEPTUNE_ENDPOINT: "h", NEPTUNE_PORT: "70000" })).to.throw(
            /^NEPTUNE_PORT must be a port/,
        );
    });
});

describe("SigV4 handshake signature (Neptune IAM authentication)", () => {
    const credentials = async () => ({
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "session-token",
    });
    const now = new Date("2026-12-01T10:00:00Z");
    const host = "cdp-prod-lineage.cluster-abc.eu-west-1.neptune.amazonaws.com";

    it("signs GET /gremlin for neptune-db in the cluster's region, with the session token and host", async () => {
        const headers = await signedHandshakeHeaders({ host, port: 8182, region: "eu-west-1", credentials, now });
        expect(headers["x-amz-date"]).to.equal("20261201T100000Z");
        expect(headers["x-amz-security-token"]).to.equal("session-token");
        expect(headers.host).to.equal(`${host}:8182`);
        const auth = headers.authorization;
        expect(auth).to.match(
            /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/eu-west-1\/neptune-db\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
        );
        expect(NEPTUNE_SIGNING_SERVICE).to.equal("neptune-db");
    });

    it("is the SigV4 signature of that request (recomputed independently)", async () => {
        const headers = await signedHandshakeHeaders({ host, port: 8182, region: "eu-west-1", credentials, now });
        const sha = (s: string) => createHash("sha256").update(s).digest("hex");
        const hmac = (k: Buffer | string, s: string) => createHmac("sha256", k).update(s).digest();
        const canonical = [
            "GET",
            "/gremlin",
            "",
            `host:${host}:8182`,
            `x-amz-content-sha256:${sha("")}`,
            "x-amz-date:20261201T100000Z",
            "x-amz-security-token:session-token",
            "",
            "host;x-amz-content-sha256;x-amz-date;x-amz-security-token",
            sha(""),
        ].join("\n");
        const scope = "20261201/eu-west-1/neptune-db/aws4_request";
        const toSign = ["AWS4-HMAC-SHA256", "20261201T100000Z", scope, sha(canonical)].join("\n");
        let key = hmac(`AWS4${(await credentials()).secretAccessKey}`, "20261201");
        for (const part of ["eu-west-1", "neptune-db", "aws4_request"]) key = hmac(key, part);
        const signature = createHmac("sha256", key).update(toSign).digest("hex");
        expect(headers.authorization.endsWith(`Signature=${signature}`)).to.equal(true);
    });
});

describe("lineage bundle", function () {
    this.timeout(60_000);
    it("bundles the gremlin driver and the signer, leaving @aws-sdk to the runtime", async () => {
        const root = packageRoot(__dirname);
        const outdir = mkdtempSync(path.join(__dirname, ".bundle-"));
        try {
            const result = await bundleFunction(
                path.join(root, "functions/lineage/index.ts"),
                path.join(outdir, "index.js"),
            );
            expect(result.bytes).to.be.greaterThan(10_000).and.lessThan(2_000_000);
        } finally {
            rmSync(outdir, { recursive: true, force: true });
        }
    });

    it("classifies Neptune's and TinkerGraph's conflict errors as retryable", () => {
        expect(isConflict(new Error('{"code":"ConcurrentModificationException","detailedMessage":"..."}'))).to.equal(
            true,
        );
        expect(isConflict(new Error("Server error: Conflict: element modified in another transaction (500)"))).to.equal(
            true,
        );
        expect(isConflict(new Error("MalformedQueryException"))).to.equal(false);
    });
});

describe("the signed handshake on the wire", () => {
    it("reaches the server: Authorization, X-Amz-Date and the session token on the WebSocket upgrade request", async () => {
        const http = await import("node:http");
        const seen: Array<Record<string, string | string[] | undefined>> = [];
        const server = http.createServer();
        server.on("upgrade", (req, socket) => {
            seen.push(req.headers);
            socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
        const { port } = server.address() as import("node:net").AddressInfo;
        const hadGlobal = (globalThis as { WebSocket?: unknown }).WebSocket;
        const connection = createConnection(
            { url: `ws://127.0.0.1:${port}/gremlin`, endpoint: "127.0.0.1", port, iamAuth: true },
            {
                region: "eu-west-1",
                credentials: async () => ({
                    accessKeyId: "AKIDEXAMPLE",
                    secretAccessKey: "secret",
                    sessionToken: "tok",
                }),
            },
        );
        try {
            const g = await connection.source();
            await g
                .V()
                .limit(1)
                .toList()
                .catch(() => undefined);
        } finally {
            await connection.reset();
            server.close();
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            if (hadGlobal !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = hadGlobal;
        }
        expect(seen, "one upgrade request").to.have.length(1);
        expect(seen[0].authorization).to.match(
            /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/neptune-db\/aws4_request, /,
        );
        expect(seen[0]["x-amz-date"]).to.match(/^\d{8}T\d{6}Z$/);
        expect(seen[0]["x-amz-security-token"]).to.equal("tok");
    });
});
