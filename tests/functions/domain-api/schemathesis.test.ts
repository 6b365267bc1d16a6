/**
 * Fuzzing the domain API against its own OpenAPI document with schemathesis (PyPI, `schemathesis` 4.x), through
 * the local adapter over dynalite: every check (`--checks all`: no 5xx, documented statuses, content types,
 * headers and response schemas, schema-violating requests rejected, schema-valid ones accepted, 405 with Allow for
 * undocumented methods, auth enforced, stateful create → read/update/delete through the document's links).
 *
 * Skipped when the CLI is missing, unless CI is set (then missing is a failure).
 *
 * Two settings, both deliberate:
 * - `--generation-with-security-parameters false` plus an explicit `Authorization` header: SigV4 cannot be
 *   generated, and API Gateway answers a missing signature with 403, where schemathesis' missing-header check
 *   insists on 401. The adapter still rejects missing and wrong credentials (the `ignored_auth` check runs).
 * - list/query operations may answer 400 to schema-valid input: `nextToken` is opaque (any string is schema-valid)
 *   and a token this API did not issue must be rejected with 400.
 * - `schemathesis_hooks.py` drops ST302 ("created resource not found") when the created key holds a percent-escape:
 *   schemathesis decodes such a key before putting it in the read's path, so it reads another key.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { openApiDocument } from "../../../model/openapi";
import { startDomainApiServer, type DomainApiServer } from "../../../tools/local/domain-api-server";
import {
    DOMAIN,
    ENTITIES,
    recordingLogger,
    startDynalite,
    tablesFor,
    type Dynalite,
    type RecordingLogger,
} from "./helpers";

const CLI = process.env.SCHEMATHESIS ?? "schemathesis";
const AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/execute-api/aws4_request";
const MAX_EXAMPLES = "50";
/** Drops one known false positive of schemathesis (ST302 for keys holding a percent-escape); see the file. */
const HOOKS = path.join(__dirname, "schemathesis_hooks.py");

/** `schemathesis --version` → major version, or undefined when the CLI is missing. */
function installedMajor(): number | undefined {
    const probe = spawnSync(CLI, ["--version"], { encoding: "utf8", timeout: 60_000 });
    if (probe.error || probe.status !== 0) return undefined;
    const match = /version\s+(\d+)\./.exec(probe.stdout);
    return match ? Number(match[1]) : undefined;
}

function run(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        // Asynchronous: the adapter under test runs in this process.
        const child = spawn(CLI, args, {
            cwd,
            env: { ...process.env, NO_COLOR: "1", PYTHONUNBUFFERED: "1", SCHEMATHESIS_HOOKS: HOOKS },
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, output });
        });
    });
}

describe("domain API fuzzing with schemathesis (local adapter, dynalite)", function () {
    this.timeout(180_000);
    let dynalite: Dynalite | undefined;
    let api: DomainApiServer | undefined;
    let workdir: string | undefined;
    let logger: RecordingLogger;

    before(function () {
        const major = installedMajor();
        if (major === undefined) {
            if (process.env.CI)
                throw new Error(`schemathesis CLI (${CLI}) not found: python3 -m pip install schemathesis`);
            this.skip();
        }
        if (major !== undefined && major < 4) throw new Error(`schemathesis ${major}.x found, these options need 4.x`);
    });

    after(async () => {
        await api?.close();
        await dynalite?.stop();
        if (workdir) rmSync(workdir, { recursive: true, force: true });
    });

    it("finds no server error and no response violating the document (--checks all)", async () => {
        dynalite = await startDynalite();
        logger = recordingLogger();
        api = await startDomainApiServer({
            domain: DOMAIN,
            entities: ENTITIES,
            tables: tablesFor("fuzz"),
            endpoint: dynalite.endpoint,
            createTables: true,
            authorization: AUTHORIZATION,
            logger,
        });
        workdir = mkdtempSync(path.join(tmpdir(), "domain-api-fuzz-"));
        const document = openApiDocument(DOMAIN, ENTITIES, { serverUrl: api.url });
        const documentFile = path.join(workdir, "openapi.json");
        writeFileSync(documentFile, JSON.stringify(document, null, 2));
        const pagedOperations = Object.values(
            document.paths as Record<string, Record<string, { operationId?: string; parameters?: { name: string }[] }>>,
        )
            .map((item) => item.get)
            .filter((op) => op?.parameters?.some((p) => p.name === "nextToken"))
            .map((op) => JSON.stringify(op!.operationId));
        const configFile = path.join(workdir, "schemathesis.toml");
        writeFileSync(
            configFile,
            [
                "[[operations]]",
                `include-operation-id = [${pagedOperations.join(", ")}]`,
                'checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]',
                "",
            ].join("\n"),
        );

        const started = Date.now();
        const { code, output } = await run(
            [
                "--config-file",
                configFile,
                "run",
                documentFile,
                "--url",
                api.url,
                "--checks",
                "all",
                "--header",
                `Authorization: ${AUTHORIZATION}`,
                "--generation-with-security-parameters",
                "false",
                "--max-examples",
                MAX_EXAMPLES,
                "--generation-database",
                "none",
                "--request-timeout",
                "10",
                "--no-color",
            ],
            workdir,
            150_000,
        );
        const seconds = (Date.now() - started) / 1000;
        const summary = output
            .split("\n")
            .filter((line) => /generated|issues found|failures in|Seed/.test(line))
            .join("\n");
        console.log(`      schemathesis (${seconds.toFixed(1)} s):\n${summary.replace(/^/gm, "        ")}`);
        expect(code, output.slice(-6000)).to.equal(0);
        expect(output).to.contain("No issues found");
        expect(
            logger.lines.filter((line) => line.level === "error"),
            "handler errors logged",
        ).to.deep.equal([]);
    });
});
