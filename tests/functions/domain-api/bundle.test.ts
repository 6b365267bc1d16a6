/**
 * The deployed artefacts of the domain API: the module entry point (cold-start configuration) and its esbuild
 * bundle, which must export `handler`, leave the AWS SDK to the Lambda runtime, inline the DAX client and Powertools,
 * carry no Pulumi, and behave like the source against a DynamoDB emulator (AWS_ENDPOINT_URL_DYNAMODB).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { APIGatewayProxyResult } from "aws-lambda";
import { expect } from "chai";
import { bundleFunction, findFunctionEntries } from "../../../functions/build";
import { packageRoot } from "../../../model/package-root";
import type { DomainApiHandler } from "../../../functions/domain-api/handler";
import {
    DOMAIN,
    ENTITIES,
    createTables,
    customer,
    proxyEvent,
    startDynalite,
    tablesFor,
    type Dynalite,
} from "./helpers";

const ENV_NAMES = [
    "DOMAIN",
    "ENTITIES",
    "TABLES",
    "DAX_ENDPOINT",
    "AWS_REGION",
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "POWERTOOLS_LOG_LEVEL",
] as const;
type Env = Partial<Record<(typeof ENV_NAMES)[number], string>>;

/** Runs `fn` (sync or async) with `env` applied to process.env, restoring it afterwards. */
function withEnv<T>(env: Env, fn: () => T): T {
    const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
    const restore = () => {
        for (const name of ENV_NAMES) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
        }
    };
    for (const name of ENV_NAMES) {
        if (env[name] === undefined) delete process.env[name];
        else process.env[name] = env[name];
    }
    let result: T;
    try {
        result = fn();
    } catch (error) {
        restore();
        throw error;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
}

/** Loads a module afresh (as a cold start would) with the given environment. */
function coldStart(modulePath: string, env: Env): { handler?: DomainApiHandler } {
    const resolved = require.resolve(modulePath);
    delete require.cache[resolved];
    return withEnv(
        { POWERTOOLS_LOG_LEVEL: "SILENT", ...env },
        () => require(resolved) as { handler?: DomainApiHandler },
    );
}

describe("domain-api entry point and bundle", function () {
    this.timeout(60_000);
    const root = packageRoot(__dirname);
    const source = path.join(root, "functions/domain-api/index.ts");
    const tables = tablesFor("bundle");
    let dynalite: Dynalite;
    let outdir: string;
    let outfile: string;
    let bytes: number;
    let env: Env;

    before(async () => {
        // Inside the repository so the bundle's external `@aws-sdk/*` requires resolve to node_modules.
        outdir = mkdtempSync(path.join(__dirname, ".bundle-"));
        outfile = path.join(outdir, "domain-api", "index.js");
        ({ bytes } = await bundleFunction(source, outfile));
        dynalite = await startDynalite();
        await createTables(dynalite.endpoint, tables);
        env = {
            DOMAIN,
            ENTITIES: JSON.stringify(ENTITIES),
            TABLES: JSON.stringify(tables),
            AWS_REGION: "us-east-1",
            AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
            AWS_ACCESS_KEY_ID: "local",
            AWS_SECRET_ACCESS_KEY: "local",
        };
    });

    after(async () => {
        await dynalite?.stop();
        if (outdir) rmSync(outdir, { recursive: true, force: true });
    });

    it("is found by the build as a function entry", () => {
        expect(findFunctionEntries(path.join(root, "functions")).map((f) => f.name)).to.include("domain-api");
    });

    it("bundles to one CommonJS file: AWS SDK external, DAX client and Powertools inlined, no Pulumi", () => {
        expect(bytes).to.be.greaterThan(10_000).and.lessThan(1_000_000);
        const code = readFileSync(outfile, "utf8");
        expect(code).to.match(/require\("@aws-sdk\/client-dynamodb"\)/);
        expect(code).to.match(/require\("@aws-sdk\/lib-dynamodb"\)/);
        expect(code).not.to.match(/require\(["']\.\.?\//);
        expect(code).not.to.match(/require\("@aws-lambda-powertools/);
        expect(code).not.to.match(/require\("@amazon-dax-sdk/);
        expect(code).not.to.match(/@pulumi/);
    });

    for (const [name, modulePath] of [
        ["source", () => source],
        ["bundle", () => outfile],
    ] as const) {
        it(`${name}: exports a handler serving the API from DynamoDB`, async () => {
            const { handler } = coldStart(modulePath(), env);
            expect(handler).to.be.a("function");
            const id = `${name}-1`;
            // The SDK reads its endpoint and credentials from the environment at the first call.
            await withEnv(env, async () => {
                const created: APIGatewayProxyResult = await handler!(
                    proxyEvent("POST", "/customers", { body: customer(id) }),
                );
                expect(created.statusCode, created.body).to.equal(201);
                const read = await handler!(proxyEvent("GET", `/customers/${id}`));
                expect(read.statusCode).to.equal(200);
                expect(JSON.parse(read.body)).to.include({ customerId: id, version: 1 });
            });
        });

        it(`${name}: fails at cold start with an error naming the missing or invalid variable`, () => {
            expect(() => coldStart(modulePath(), { ...env, DOMAIN: undefined })).to.throw(/^DOMAIN is required/);
            expect(() => coldStart(modulePath(), { ...env, ENTITIES: "[" })).to.throw(/^ENTITIES is not valid JSON/);
            expect(() => coldStart(modulePath(), { ...env, TABLES: "{}" })).to.throw(/^TABLES is invalid/);
            expect(() => coldStart(modulePath(), { ...env, DAX_ENDPOINT: "http://dax" })).to.throw(
                /^DAX_ENDPOINT must be/,
            );
        });
    }

    it("bundle: builds its store with the DAX client when DAX_ENDPOINT is set", () => {
        // In a child process: the DAX client starts background cluster discovery.
        const probe = spawnSync(
            process.execPath,
            [
                "-e",
                `const m = require(${JSON.stringify(outfile)}); process.stdout.write(typeof m.handler); process.exit(0);`,
            ],
            {
                env: {
                    ...process.env,
                    ...env,
                    AWS_ENDPOINT_URL_DYNAMODB: undefined,
                    DAX_ENDPOINT: "dax://127.0.0.1:1",
                    POWERTOOLS_LOG_LEVEL: "SILENT",
                },
                encoding: "utf8",
                timeout: 30_000,
            },
        );
        expect(probe.status, probe.stderr).to.equal(0);
        expect(probe.stdout).to.equal("function");
    });
});
