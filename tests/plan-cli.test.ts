import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Naming } from "../components/shared/naming";
import { DataLakeZone } from "../components/storage/data-lake-zone";
import type { PlanDocument } from "../tools/plan/document";
import { REGISTRATION_WINDOW } from "../tools/plan/registration-window";
import { ofType, planProgram, ROOT } from "./helpers/plan";

const CLI = path.join(ROOT, "dist", "tools", "plan", "cli.js");
const FIXTURE = path.join(ROOT, "tests", "fixtures", "domain-program");

function plan(args: string[], env: Record<string, string> = {}) {
    const run = spawnSync(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...env },
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function tmpFile(name: string): string {
    return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cdp-plan-")), name);
}

describe("plan CLI (compiled, as `npm run plan` runs it)", () => {
    before(() => {
        if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    });

    // Plans of the platform below skip the access proof (--no-access) where the rendering is the subject: the proof
    // has its own tests (tests/access.test.ts) and the one below.
    it("prints accounts → components → resources, counts, outputs and a summary, and exits 0", () => {
        const run = plan(["--stack", "prod", "--no-access"]);
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.match(
            /Account 333333333333 {2}eu-west-1, assume arn:aws:iam::333333333333:role\/cdp-deployer/,
        );
        expect(run.stdout).to.match(
            // The baseline's other children (its SecurityServices) may print before the Lake Formation component.
            /▸ cdp:baseline:AccountBaseline {2}baseline-governance\n(?: {4,}\S.*\n)*? {4}▸ cdp:governance:LakeFormation {2}lake-formation\n/,
        );
        expect(run.stdout).to.match(
            // Children are listed by URN: the lake's own resources may print before its access log bucket.
            /\n {4}▸ cdp:storage:DataLake {2}lake\n(?: {6,}\S.*\n)*? {6}▸ cdp:storage:AccessLogBucket {2}lake-access-logs\n/,
        );
        expect(run.stdout).to.match(
            /aws:s3\/bucket:Bucket {2}lake-raw {2}→ cdp-prod-raw-333333333333-eu-west-1 {2}\[protected, retain\]/,
        );
        expect(run.stdout).to.match(/Resources by type \(\d+\)\n\s+\d+ {2}(pulumi|aws|cdp):/);
        expect(run.stdout).to.contain("rawZoneBucketArn: arn:aws:s3:::cdp-prod-raw-333333333333-eu-west-1");
        expect(run.stdout).to.match(/Summary: \d+ resources .* 7 account\(s\)/);
    });

    it("writes the documented plan JSON", () => {
        const file = tmpFile("dev.json");
        const run = plan(["--stack", "dev", "--json", file, "--quiet", "--no-access"]);
        expect(run.code, run.stderr).to.equal(0);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(doc).to.include({ formatVersion: 1, project: "customer-data-platform", stack: "dev" });
        expect(doc).to.not.have.property("access");
        for (const { aliases, ...r } of doc.resources) {
            // `aliases` appears only on resources that have the option (an added field of format version 1).
            if (aliases !== undefined) expect(aliases).to.be.an("array").that.is.not.empty;
            expect(r).to.have.all.keys(
                "urn",
                "type",
                "name",
                "parent",
                "provider",
                "custom",
                "id",
                "inputs",
                "outputs",
                "dependencies",
                "propertyDependencies",
                "protect",
                "retainOnDelete",
                "account",
            );
        }
        const stack = doc.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        expect(stack.urn).to.equal(
            "urn:pulumi:dev::customer-data-platform::pulumi:pulumi:Stack::customer-data-platform-dev",
        );
        expect(doc.outputs).to.have.property("curatedZoneBucketArn");
        expect(doc.summary.resources).to.equal(doc.resources.length);
    });

    it("plans a domain team's own program with --program and --config, masking secrets in the JSON", () => {
        const file = tmpFile("domain.json");
        const run = plan(["--program", FIXTURE, "--stack", "ci", "--config", "zoneName=bronze", "--json", file]);
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.contain("Account 999999999999");
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(doc.project).to.equal("domain-program");
        const bucket = doc.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        expect(bucket.outputs.bucket).to.equal("acme-ci-loyalty-bronze-999999999999-eu-north-1");
        const version = doc.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")!;
        expect(version.inputs.secretString).to.equal("[secret]");
        expect(doc.outputs.token).to.equal("[secret]");
        expect(JSON.stringify(doc)).to.not.contain("encrypted-offline-value");
    });

    it("runs the access proof: its verdicts, an access section in the JSON, exit 1 on a failure", () => {
        const file = tmpFile("access.json");
        const run = plan(["--stack", "prod", "--json", file]);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(run.stdout).to.match(
            /Access proof \(@cloud-copilot\/iam-simulate\): \d+\/\d+ required accesses allowed/,
        );
        expect(run.stdout).to.contain("Access matrix (r read, w write, d decrypt, a admin");
        expect(doc.access).to.include.keys("required", "invariants", "matrix", "failures");
        expect(doc.access!.failures, run.stdout).to.equal(0);
        expect(run.code, run.stderr).to.equal(0);
        // A program whose declared accesses reach another stack passes as far as the plan can tell.
        const own = plan(["--program", FIXTURE, "--stack", "ci", "--quiet"]);
        expect(own.code, own.stderr).to.equal(0);
        // A single-account lake program (no governance account): each zone's own account owns it, nothing is broken.
        const lakeFile = tmpFile("lake.json");
        const lake = plan(["--program", path.join(ROOT, "tools", "bench", "lake-program"), "--json", lakeFile]);
        expect(lake.code, lake.stdout + lake.stderr).to.equal(0);
        const lakeDoc = JSON.parse(fs.readFileSync(lakeFile, "utf8")) as PlanDocument;
        expect(lakeDoc.access!.invariants.map((i) => i.verdict)).to.not.include("broken");
    });

    it("exits 2 with a message naming the key, the value and the expectation for bad config, without a stack trace", () => {
        const run = plan(["--program", FIXTURE, "--stack", "ci", "--config", "zoneName=Bad_Zone"]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain('DataLakeZone(landing).zone: got "Bad_Zone"; expected 2-20 lower-case letters');
        expect(run.stderr).to.not.match(/\n\s+at .*\.(js|ts):\d+/);
    });

    it("exits 2 for a platform stack with invalid config", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdp-stack-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.bad.yaml"),
            "config:\n  cdp:region: eu-west-1\n  cdp:accounts:\n    sandbox:\n      id: 12345\n  cdp:tags:\n    owner: me\n    costCenter: x\n",
        );
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            // The platform program is an async function (its module's export): re-exported, as a wrapper project would.
            `import platform = require("${path.join(ROOT, "index.ts").replace(/\\/g, "/").replace(/\.ts$/, "")}");\nexport = platform;\n`,
        );
        const run = plan(["--program", dir, "--stack", "bad"]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("Invalid stack configuration for customer-data-platform/bad");
        expect(run.stderr).to.contain(
            "cdp:accounts.sandbox.id: got 12345; expected the 12-digit account id as a quoted string",
        );
        expect(run.stderr).to.not.match(/\n\s+at .*\.(js|ts):\d+/);
    });

    it("evaluates the policy pack: exit 1 with a violations table and a policy section in the JSON", () => {
        const file = tmpFile("insecure.json");
        const run = plan(["--program", path.join(ROOT, "tests", "fixtures", "insecure-program"), "--json", file]);
        expect(run.code, run.stderr).to.equal(1);
        expect(run.stdout).to.match(/Policy violations: \d+ mandatory, 0 advisory {2}\(cdp-guardrails@\d+\.\d+\.\d+\)/);
        expect(run.stdout).to.match(
            /MANDATORY {2}high {6}kms-key-rotation\n {4}resource: urn:pulumi:plan::insecure-program::pulumi:pulumi:Stack\$aws:kms\/key:Key::unrotated/,
        );
        expect(run.stdout).to.contain("fix:      Set enableKeyRotation: true");
        expect(run.stderr).to.match(/mandatory policy violation/);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        const policies = new Set(doc.policy!.violations.map((v) => v.policy));
        for (const p of ["s3-bucket-sse-kms-cmk", "s3-public-access-block", "s3-tls-only-policy", "kms-key-rotation"])
            expect(policies.has(p), p).to.equal(true);
        expect(doc.policy!.violations[0]).to.have.all.keys(
            "pack",
            "policy",
            "severity",
            "enforcement",
            "urn",
            "message",
            "remediation",
        );
        // The platform itself passes the gate.
        expect(plan(["--stack", "prod", "--quiet", "--no-access"]).code).to.equal(0);
    });

    it("plans the worked domain example (examples/loyalty-domain) cleanly: its own account, zero violations", () => {
        const file = tmpFile("loyalty.json");
        const run = plan([
            "--program",
            path.join(ROOT, "examples", "loyalty-domain"),
            "--stack",
            "dev",
            "--json",
            file,
            "--quiet",
            "--no-access",
        ]);
        expect(run.code, run.stderr + run.stdout).to.equal(0);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(doc.policy!.violations).to.deep.equal([]);
        const custom = doc.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        expect(custom.length).to.be.greaterThan(40);
        for (const r of custom) expect(r.account, r.urn).to.equal("999999999999");
        expect(
            doc.resources.filter((r) => r.type === "aws:dynamodb/table:Table").map((r) => r.name),
        ).to.include.members(["loyalty-store-member", "loyalty-store-reward"]);
        expect(JSON.parse(doc.outputs.openApi as string).openapi).to.match(/^3\./);
    });

    it("without --stack, uses the program's only stack file, and names the files when there are several", () => {
        const file = tmpFile("only.json");
        const run = plan(["--program", FIXTURE, "--json", file, "--quiet", "--no-policy"]);
        expect(run.code, run.stderr).to.equal(0);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(doc.stack).to.equal("ci");
        expect(doc.outputs.token).to.equal("[secret]");

        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdp-stacks-"));
        for (const f of ["Pulumi.yaml", "Pulumi.ci.yaml", "index.ts"])
            fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
        fs.copyFileSync(path.join(FIXTURE, "Pulumi.ci.yaml"), path.join(dir, "Pulumi.qa.yaml"));
        const several = plan(["--program", dir]);
        expect(several.code).to.equal(2);
        expect(several.stderr).to.contain("several stack files (Pulumi.ci.yaml, Pulumi.qa.yaml)");
        expect(several.stderr).to.contain("--stack ci|qa");
    });

    it("evaluates the policy packs given with --policy-pack (repeatable) instead of the default", () => {
        const insecure = path.join(ROOT, "tests", "fixtures", "insecure-program");
        const pack = path.join(ROOT, "tests", "fixtures", "policy-pack");
        const file = tmpFile("packs.json");
        const own = plan(["--program", insecure, "--policy-pack", pack, "--json", file]);
        // The team's pack is advisory: exit 0, one advisory violation, no guardrails.
        expect(own.code, own.stderr).to.equal(0);
        expect(own.stdout).to.match(/Policy violations: 0 mandatory, 1 advisory {2}\(tagging@1\.2\.3\)/);
        expect(own.stdout).to.match(/ADVISORY .* bucket-has-tags\n {4}resource: .*aws:s3\/bucket:Bucket::naked/);
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
        expect(doc.policy!.packs).to.deep.equal([{ name: "tagging", version: "1.2.3" }]);

        const both = plan(["--program", insecure, "--policy-pack", pack, "--policy-pack", "policies/cdp-guardrails"]);
        expect(both.code).to.equal(1);
        expect(both.stdout).to.match(/\d+ mandatory, 1 advisory {2}\(tagging@1\.2\.3, cdp-guardrails@\d+\.\d+\.\d+\)/);

        const missing = plan(["--program", insecure, "--policy-pack", path.join(ROOT, "nowhere")]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.contain("--policy-pack");
        expect(missing.stderr).to.contain("not a directory");
        const conflicting = plan(["--program", insecure, "--policy-pack", pack, "--no-policy"]);
        expect(conflicting.code).to.equal(2);
        expect(conflicting.stderr).to.contain("--no-policy and --policy-pack exclude each other");
    });

    it("reports a program's bug with its stack trace at the TypeScript source lines", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdp-bug-"));
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            [
                "interface Zone {",
                "    name: string;",
                "}",
                "",
                "function upper(zone: Zone | undefined): string {",
                "    // type-only lines above and below shift the transpiled lines",
                "    return (zone as Zone).name.toUpperCase();",
                "}",
                "",
                "type Name = string;",
                "export const name: Name = upper(undefined);",
                "",
            ].join("\n"),
        );
        const run = plan(["--program", dir]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("TypeError: Cannot read properties of undefined (reading 'name')");
        expect(run.stderr).to.contain(`at upper (${path.join(dir, "index.ts")}:7:27)`);
        expect(run.stderr).to.contain(`(${path.join(dir, "index.ts")}:11:27)`);
    });

    it("exits 2 for an unknown stack or bad arguments, saying what exists", () => {
        const missing = plan(["--stack", "qa"]);
        expect(missing.code).to.equal(2);
        expect(missing.stderr).to.match(
            /no stack file .*Pulumi\.qa\.yaml for stack "qa"; stacks here: (dev, prod|prod, dev)/,
        );
        const usage = plan(["--stak", "dev"]);
        expect(usage.code).to.equal(2);
        expect(usage.stderr).to.contain('unknown argument "--stak"');
    });
});

describe("plan harness (in-process, several plans one after another)", () => {
    it("gives each plan its own provider context: a zone on the default provider lands in that plan's region", async () => {
        const zone = () => {
            new DataLakeZone("zone", { zone: "raw", naming: new Naming("cdp", "test"), accessLogBucketName: "logs" });
        };
        for (const region of ["eu-west-1", "us-west-2", "eu-west-1"]) {
            const doc = await planProgram(zone, { config: { "aws:region": region } });
            expect(doc.errors).to.deep.equal([]);
            const [bucket] = ofType(doc, "aws:s3/bucket:Bucket");
            expect(bucket.outputs.bucket).to.match(new RegExp(`-${region}$`));
        }
    });

    it("restores the SDK's promise tracking and source positions after a plan", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };
        const resource = pulumi.Resource as unknown as { stackTrace: unknown };
        const before = { promise: debuggable.debuggablePromise, stackTrace: resource.stackTrace };
        let during: unknown;
        await planProgram(() => {
            during = debuggable.debuggablePromise;
        });
        if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) expect(during).to.not.equal(before.promise);
        expect(debuggable.debuggablePromise).to.equal(before.promise);
        expect(resource.stackTrace).to.equal(before.stackTrace);
    });

    it("builds a resource's outputs on first read: read ones behave as the SDK's, and its constructor is restored", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdkOutput = require("@pulumi/pulumi/output") as { Output: unknown };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: unknown };
        const before = sdkOutput.Output;
        const beforeTransfer = sdkRpc.transferProperties;
        const seen: Record<string, unknown> = {};
        const doc = await planProgram(async () => {
            const bucket = new aws.s3.Bucket("bucket", { bucket: "cdp-lean-outputs" });
            const arn = bucket.arn;
            seen.isOutput = pulumi.Output.isInstance(arn) && (arn as object) instanceof (before as new () => object);
            seen.sdkConstructor = sdkOutput.Output === before;
            seen.arn = await new Promise((resolve) => arn.apply(resolve));
            // A property the output does not have is lifted, as the SDK's proxy lifts it; `then` is absent.
            seen.length = await new Promise((resolve) => arn.length.apply(resolve));
            seen.thenMember = (arn as unknown as { then?: unknown }).then;
            seen.interpolated = await new Promise((resolve) => pulumi.interpolate`${arn}/*`.apply(resolve));
            seen.known = await (arn as unknown as { isKnown: Promise<boolean> }).isKnown;
            seen.dependsOnBucket = (
                await (arn as unknown as { allResources(): Promise<Set<unknown>> }).allResources()
            ).has(bucket);
            // Read only after the registration completed: built from what it was settled with.
            seen.region = await new Promise((resolve) => bucket.region.apply(resolve));
        });
        expect(doc.errors).to.deep.equal([]);
        const bucketArn = "arn:aws:s3:::cdp-lean-outputs";
        expect(ofType(doc, "aws:s3/bucket:Bucket")[0].outputs.arn).to.equal(bucketArn);
        expect(seen).to.deep.equal({
            isOutput: true,
            sdkConstructor: false,
            arn: bucketArn,
            length: bucketArn.length,
            thenMember: undefined,
            interpolated: `${bucketArn}/*`,
            known: true,
            dependsOnBucket: true,
            region: ofType(doc, "aws:s3/bucket:Bucket")[0].outputs.region,
        });
        expect(seen.region).to.be.a("string");
        expect(sdkOutput.Output).to.equal(before);
        expect(sdkRpc.transferProperties).to.equal(beforeTransfer);
    });

    it("serializes registrations a few at a time without blocking: more than a window waiting on a later resource", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as { serializeResourceProperties: unknown };
        const sdk = sdkRpc.serializeResourceProperties as (...args: unknown[]) => Promise<unknown>;
        const waiters = REGISTRATION_WINDOW * 2 + 3;
        const free = REGISTRATION_WINDOW * 3;
        let serializing = 0;
        let most = 0;
        // Installed before the plan, so the window wraps it: it sees the registrations the window lets go on.
        const counting = (...args: unknown[]) => {
            most = Math.max(most, ++serializing);
            return sdk(...args).finally(() => serializing--);
        };
        sdkRpc.serializeResourceProperties = counting;
        let doc: PlanDocument;
        try {
            doc = await planProgram(() => {
                // The first registrations wait on the last one's output: every one the window admits first is stuck
                // until it lets the last one through.
                let lastArn!: (arn: string) => void;
                const last = new Promise<string>((resolve) => {
                    lastArn = resolve;
                });
                for (let i = 0; i < waiters; i++) {
                    new aws.s3.Bucket(`waiter-${i}`, { bucket: "cdp-waiter", tags: { after: last } });
                }
                for (let i = 0; i < free; i++) new aws.s3.Bucket(`free-${i}`, { bucket: `cdp-free-${i}` });
                new aws.s3.Bucket("last", { bucket: "cdp-last" }).arn.apply(lastArn);
            });
            expect(sdkRpc.serializeResourceProperties).to.equal(counting);
        } finally {
            sdkRpc.serializeResourceProperties = sdk;
        }
        expect(doc.errors).to.deep.equal([]);
        const buckets = ofType(doc, "aws:s3/bucket:Bucket");
        expect(buckets).to.have.length(waiters + free + 1);
        for (const b of buckets.filter((r) => r.name.startsWith("waiter-"))) {
            expect(b.inputs.tags).to.deep.equal({ after: "arn:aws:s3:::cdp-last" });
        }
        // At most the stuck ones and one window serialize at a time (without the window: every registration).
        expect(most).to.be.at.most(waiters + REGISTRATION_WINDOW);
    });

    it("runs every apply's function once, read or not, and restores the SDK's apply", async () => {
        const methods = (pulumi.Output as unknown as { prototype: { apply: unknown } }).prototype;
        const apply = methods.apply;
        const calls: Record<string, number> = {};
        const seen: Record<string, unknown> = {};
        const doc = await planProgram(async () => {
            const bucket = new aws.s3.Bucket("bucket", { bucket: "cdp-applies" });
            const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
            // Never read: its function still runs, and the resource it constructs is planned.
            bucket.arn.apply((arn) => {
                count("unread");
                new aws.s3.BucketPolicy("from-apply", { bucket: bucket.id, policy: JSON.stringify({ arn }) });
            });
            // Read by a registration and by the program, several times.
            const name = bucket.bucket.apply((b) => {
                count("read");
                return `${b}-copy`;
            });
            new aws.s3.Bucket("copy", { bucket: name });
            seen.name = await new Promise((resolve) => name.apply(resolve));
            seen.again = await new Promise((resolve) => name.apply(resolve));
        });
        expect(doc.errors).to.deep.equal([]);
        expect(calls).to.deep.equal({ unread: 1, read: 1 });
        expect(seen).to.deep.equal({ name: "cdp-applies-copy", again: "cdp-applies-copy" });
        expect(ofType(doc, "aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy).to.equal(
            JSON.stringify({ arn: "arn:aws:s3:::cdp-applies" }),
        );
        expect(ofType(doc, "aws:s3/bucket:Bucket").map((b) => b.inputs.bucket)).to.have.members([
            "cdp-applies",
            "cdp-applies-copy",
        ]);
        expect(methods.apply).to.equal(apply);
    });

    it("reports an error thrown in an apply nobody reads", async () => {
        const doc = await planProgram(() => {
            new aws.s3.Bucket("bucket", { bucket: "cdp-throws" }).arn.apply(() => {
                throw new Error("the apply failed");
            });
        });
        expect(doc.errors.join("\n")).to.contain("the apply failed");
    });

    it("rejects a failed registration's outputs, read before or after it failed", async () => {
        const seen: Record<string, unknown> = {};
        const outcome = (o: pulumi.Output<unknown>) =>
            (o as unknown as { promise(): Promise<unknown> }).promise().then(
                () => "resolved",
                (err: Error) => `rejected: ${err.message}`,
            );
        const doc = await planProgram(
            async () => {
                const bucket = new aws.s3.Bucket("bucket", { bucket: "cdp-no-provider" });
                const early = outcome(bucket.arn);
                await new Promise((resolve) => setImmediate(resolve));
                seen.early = await early;
                seen.late = await outcome(bucket.region);
            },
            { disableDefaultProviders: ["aws"] },
        );
        expect(doc.errors.join("\n")).to.contain("Default provider for 'aws' disabled");
        expect(seen.early).to.match(/^rejected: .*Default provider for 'aws' disabled/);
        expect(seen.late).to.equal(seen.early);
    });
});
