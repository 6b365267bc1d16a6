import { expect } from "chai";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { structValue } from "../tools/plan/struct";
import { ROOT } from "./helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const CLI = path.join(ROOT, "dist", "tools", "plan", "cli.js");
const LAZY = path.join(ROOT, "dist", "tools", "plan", "lazy-sdk.js");

/** What a value becomes in a `google.protobuf.Struct` message and back (or the error the message raises). */
function viaMessage(value: unknown): { value?: unknown; error?: string } {
    try {
        return { value: Struct.fromJavaScript({ value }).toJavaScript().value };
    } catch (err) {
        return { error: (err as Error).message };
    }
}

function viaStructValue(value: unknown): { value?: unknown; error?: string } {
    try {
        return { value: structValue(value) };
    } catch (err) {
        return { error: (err as Error).message };
    }
}

/** Equal values (-0 is not 0) with the same key order in every object. */
function same(a: unknown, b: unknown): boolean {
    const order = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(order)
            : typeof v === "object" && v !== null
              ? Object.entries(v).map(([k, x]) => [k, order(x)])
              : v;
    return isDeepStrictEqual(a, b) && isDeepStrictEqual(order(a), order(b));
}

describe("plan fast paths: properties without protobuf messages (tools/plan/struct)", () => {
    it("yields exactly what a Struct message round trip yields, keys in the message's order", () => {
        const key = fc.oneof(fc.string(), fc.constantFrom("10", "2", "a", "B", "_", "é", "aa", "constructor"));
        const value = fc.letrec((tie) => ({
            leaf: fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(-0)),
            node: fc.oneof(
                { depthSize: "small" },
                tie("leaf"),
                fc.array(tie("node"), { maxLength: 4 }),
                fc.dictionary(key, tie("node"), { maxKeys: 5 }),
            ),
        })).node;
        fc.assert(
            fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (props) => {
                const expected = viaMessage(props);
                const actual = viaStructValue(props);
                expect(same(actual, expected), JSON.stringify({ props, expected, actual })).to.equal(true);
            }),
            { numRuns: 500 },
        );
    });

    it("converts or refuses anything else as the message does", () => {
        class Point {
            constructor(
                public x = 1,
                public y = 2,
            ) {}
        }
        const cases: unknown[] = [
            undefined,
            { a: undefined },
            [1, undefined],
            () => 1,
            { f: () => 1 },
            new Point(),
            { nested: [new Point()] },
            new Date(0),
            Symbol("s"),
            10n,
        ];
        for (const c of cases) {
            const expected = viaMessage(c);
            const actual = viaStructValue(c);
            expect(actual.error === undefined, String(c)).to.equal(expected.error === undefined);
            if (expected.error === undefined) expect(same(actual.value, expected.value), String(c)).to.equal(true);
        }
    });
});

describe("plan start-up: SDK and provider modules a plan does not use load on first use (tools/plan/lazy-sdk)", () => {
    before(() => {
        if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    });

    /** Runs `code` in a fresh Node process that loaded the plan's stand-ins first; returns what it prints as JSON. */
    function fresh(code: string): Record<string, unknown> {
        const script = `require(${JSON.stringify(LAZY)});\n${code}`;
        const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}");
    }

    const LOADED = `
        const util = require("node:util");
        const loaded = (pattern) => Object.entries(require.cache).some(([file, m]) =>
            pattern.test(file) && !util.types.isProxy(m.exports));`;

    it("does not load the Automation API, function serialization, gRPC or the AWS services a program does not use", () => {
        const out = fresh(`${LOADED}
            const pulumi = require("@pulumi/pulumi");
            const aws = require("@pulumi/aws");
            const bucket = typeof aws.s3.Bucket;
            console.log(JSON.stringify({
                arborist: loaded(/@npmcli\\/arborist\\//), typescript: loaded(/\\/typescript\\/lib\\//),
                automation: loaded(/@pulumi\\/pulumi\\/automation\\/index\\.js$/), grpc: loaded(/@grpc\\/grpc-js\\//),
                otel: loaded(/@opentelemetry\\/api\\//), s3: loaded(/@pulumi\\/aws\\/s3\\/index\\.js$/),
                ec2: loaded(/@pulumi\\/aws\\/ec2\\/index\\.js$/), bucket,
                modules: Object.keys(require.cache).length,
            }));`);
        expect(out).to.deep.include({
            arborist: false,
            typescript: false,
            automation: false,
            grpc: false,
            otel: false,
            s3: true,
            ec2: false,
            bucket: "function",
        });
    });

    it("plans with --no-access without loading the access proof or the IAM simulator it runs on", () => {
        const script = `
            require(${JSON.stringify(CLI)}).main(["--program", "tools/bench/lake-program", "--config", "lakes=1",
                "--config", "zones=1", "--quiet", "--no-access"]).then((code) => console.log(JSON.stringify({
                    code,
                    simulator: Object.keys(require.cache).some((f) => /@cloud-copilot\\/iam-simulate\\//.test(f)),
                    proof: Object.keys(require.cache).some((f) => /tools\\/plan\\/access\\/prove\\.js$/.test(f)),
                })));`;
        const run = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.match(/Summary: \d+ resources/);
        expect(JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}")).to.deep.equal({
            code: 0,
            simulator: false,
            proof: false,
        });
    });

    it("loads each deferred module on first use, whole: its exports, functions and keys are the real ones", () => {
        const out = fresh(`${LOADED}
            const pulumi = require("@pulumi/pulumi");
            const aws = require("@pulumi/aws");
            const before = loaded(/@pulumi\\/pulumi\\/automation\\/index\\.js$/);
            const workspace = typeof pulumi.automation.LocalWorkspace;
            const real = require("@pulumi/pulumi/automation");
            const keys = Object.keys(pulumi.automation).includes("LocalWorkspace");
            const serialize = typeof pulumi.runtime.serializeFunction;
            const grpcStatus = require("@grpc/grpc-js").status.UNAVAILABLE;
            console.log(JSON.stringify({
                before, workspace, same: real.LocalWorkspace === pulumi.automation.LocalWorkspace, keys, serialize,
                grpcStatus, vpc: aws.ec2.Vpc === require("@pulumi/aws/ec2").Vpc,
                after: loaded(/@pulumi\\/pulumi\\/automation\\/index\\.js$/),
            }));`);
        expect(out).to.deep.equal({
            before: false,
            workspace: "function",
            same: true,
            keys: true,
            serialize: "function",
            grpcStatus: 14,
            vpc: true,
            after: true,
        });
    });

    it("reads unchanged stack files without loading the YAML parser, with the values the parser gives", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdp-yaml-"));
        // A value of its own, so that the first process finds no cached parse; `.inf` is not kept (JSON has none).
        const marker = `m${process.pid}x${Date.now()}`;
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: yaml-cache\nruntime: nodejs\n`);
        fs.writeFileSync(
            path.join(dir, "Pulumi.dev.yaml"),
            `config:\n  yaml-cache:marker: ${marker}\n  yaml-cache:limits: {low: .inf, n: [1, 2.5, true, null]}\n`,
        );
        const read = () =>
            fresh(`${LOADED}
                const { loadEngineConfig } = require(${JSON.stringify(path.join(ROOT, "dist", "tools", "plan", "stack-config.js"))});
                const engine = loadEngineConfig(${JSON.stringify(dir)}, "dev");
                console.log(JSON.stringify({ config: engine.config, yaml: loaded(/node_modules\\/yaml\\//) }));`);
        const first = read();
        const second = read();
        expect(first.yaml).to.equal(true);
        expect(second.yaml, "a YAML file holding .inf is parsed again").to.equal(true);
        expect(second.config).to.deep.equal(first.config);
        expect(first.config).to.include({ "yaml-cache:marker": marker });
        expect(JSON.parse((first.config as Record<string, string>)["yaml-cache:limits"])).to.deep.equal({
            low: null,
            n: [1, 2.5, true, null],
        });
        // Without the `.inf`, the stack file's parse is kept: the next process does not load the parser.
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), `config:\n  yaml-cache:marker: ${marker}\n`);
        const third = read();
        const fourth = read();
        expect(third.yaml).to.equal(true);
        expect(fourth.yaml).to.equal(false);
        expect(fourth.config).to.deep.equal(third.config);
    });

    it("plans resource references to a service the program reached only through a deep import as with every module loaded", () => {
        const program = path.join(ROOT, "tests", "fixtures", "reference-program");
        const plan = (eager: boolean) => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cdp-plan-")), "plan.json");
            const run = spawnSync(process.execPath, [CLI, "--program", program, "--no-policy", "--json", file], {
                cwd: ROOT,
                encoding: "utf8",
                env: { ...process.env, CDP_PLAN_EAGER_SDK: eager ? "1" : "0" },
            });
            expect(run.status, run.stderr).to.equal(0);
            const doc = JSON.parse(fs.readFileSync(file, "utf8"));
            delete doc.summary.durationMs;
            delete doc.access?.durationMs;
            return doc;
        };
        const lazy = plan(false);
        expect(lazy.outputs).to.deep.equal({
            queueKey: "resource aws:kms/key:Key",
            queuePolicy: "resource aws:iam/role:Role",
        });
        expect(lazy).to.deep.equal(plan(true));
    });
});
