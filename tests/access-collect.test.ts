/**
 * The access proof's collector and evaluator on small synthetic plans: what it links, and how it judges.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import type { PlannedResource, PlanResult } from "../tools/plan/harness";
import { collectAccessModel } from "../tools/plan/access/collect";
import { AccessEvaluator, proveAccess } from "../tools/plan/access/prove";
import { planOf, ROOT } from "./helpers/plan";

const STACK = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t";
const A = "111111111111";
const B = "222222222222";
const PROVIDERS: Record<string, string> = {
    [A]: `${STACK}$pulumi:providers:aws::a`,
    [B]: `${STACK}$pulumi:providers:aws::b`,
};

function res(
    type: string,
    name: string,
    account: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = {},
    extra: Partial<PlannedResource> = {},
): PlannedResource {
    return {
        urn: `${STACK}$${type}::${name}`,
        type,
        name,
        parent: STACK,
        provider: PROVIDERS[account],
        custom: true,
        id: name,
        inputs,
        outputs,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        providers: {},
        ...extra,
    };
}

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const roleArn = `arn:aws:iam::${B}:role/writer`;
const bucketArn = "arn:aws:s3:::data-bucket";
const keyArn = `arn:aws:kms:eu-west-1:${A}:key/k1`;
const fnArn = `arn:aws:lambda:eu-west-1:${A}:function:fn`;
const queueArn = `arn:aws:sqs:eu-west-1:${A}:q`;

/** Account A holds a bucket (with key, BPA, policy), a function and a queue; account B a role writing the bucket. */
function synthetic(
    overrides: { bucketPolicy?: unknown[]; rolePolicy?: unknown[]; keyPolicy?: unknown[]; restrict?: boolean } = {},
): PlanResult {
    const provider = (account: string) => ({
        ...res("pulumi:providers:aws", account === A ? "a" : "b", account, {
            region: "eu-west-1",
            allowedAccountIds: JSON.stringify([account]),
        }),
        urn: PROVIDERS[account],
        provider: "",
    });
    const role = res(
        "aws:iam/role:Role",
        "writer",
        B,
        {
            assumeRolePolicy: doc({
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": B } },
            }),
        },
        { arn: roleArn, name: "writer-1" },
    );
    const component = {
        ...res("cdp:test:Writer", "writer", B, {}),
        custom: false,
        provider: "",
        outputs: {
            requiredAccess: [
                {
                    id: "writer/put",
                    principal: roleArn,
                    requests: [
                        { actions: ["s3:PutObject"], resource: `${bucketArn}/in/x` },
                        {
                            actions: ["kms:GenerateDataKey"],
                            resource: keyArn,
                            context: {
                                "kms:ViaService": "s3.eu-west-1.amazonaws.com",
                                "kms:EncryptionContext:aws:s3:arn": bucketArn,
                            },
                        },
                    ],
                    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example",
                    why: "test",
                },
            ],
        },
    };
    return planOf(
        [
            { ...res("pulumi:pulumi:Stack", "p-t", A, {}), urn: STACK, parent: "", custom: false, provider: "" },
            provider(A),
            provider(B),
            component,
            role,
            res(
                "aws:iam/rolePolicy:RolePolicy",
                "writer",
                B,
                {
                    role: "writer-1",
                    policy: doc(
                        ...(overrides.rolePolicy ?? [
                            { Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/in/*` },
                            {
                                Effect: "Allow",
                                Action: "kms:GenerateDataKey",
                                Resource: keyArn,
                                Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
                            },
                        ]),
                    ),
                },
                {},
                { propertyDependencies: { role: [role.urn] } },
            ),
            res(
                "aws:s3/bucket:Bucket",
                "data",
                A,
                { bucket: "data-bucket", tags: { DataZone: "raw" } },
                { arn: bucketArn },
            ),
            res("aws:s3/bucketPolicy:BucketPolicy", "data", A, {
                bucket: "data-bucket",
                policy: doc(
                    {
                        Sid: "Tls",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucketArn, `${bucketArn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                    ...(overrides.bucketPolicy ?? [
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${B}:root` },
                            Action: "s3:PutObject",
                            Resource: `${bucketArn}/in/*`,
                        },
                    ]),
                ),
            }),
            res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data", A, {
                bucket: "data-bucket",
                restrictPublicBuckets: overrides.restrict ?? true,
            }),
            res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data", A, {
                bucket: "data-bucket",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn } }],
            }),
            res(
                "aws:kms/key:Key",
                "key",
                A,
                {
                    policy: doc(
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${A}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                        ...(overrides.keyPolicy ?? [
                            {
                                Effect: "Allow",
                                Principal: { AWS: `arn:aws:iam::${B}:root` },
                                Action: "kms:GenerateDataKey",
                                Resource: "*",
                                Condition: {
                                    StringEquals: {
                                        "kms:ViaService": "s3.eu-west-1.amazonaws.com",
                                        "kms:EncryptionContext:aws:s3:arn": bucketArn,
                                    },
                                },
                            },
                        ]),
                    ),
                },
                { arn: keyArn },
            ),
            res("aws:lambda/function:Function", "fn", A, { name: "fn" }, { arn: fnArn }),
            res("aws:lambda/permission:Permission", "fn-events", A, {
                action: "lambda:InvokeFunction",
                function: "fn",
                principal: "events.amazonaws.com",
                sourceArn: `arn:aws:events:eu-west-1:${A}:rule/r`,
                sourceAccount: A,
            }),
            res(
                "aws:sqs/queue:Queue",
                "q",
                A,
                { name: "q" },
                { arn: queueArn, url: `https://sqs.eu-west-1.amazonaws.com/${A}/q` },
            ),
            res("aws:sqs/queuePolicy:QueuePolicy", "q", A, {
                queueUrl: `https://sqs.eu-west-1.amazonaws.com/${A}/q`,
                policy: doc({
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sqs:SendMessage",
                    Resource: queueArn,
                    Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:eu-west-1:${A}:rule/r` } },
                }),
            }),
        ],
        "t",
    );
}

describe("access proof: collector and evaluator (synthetic plans)", () => {
    it("links roles to their inline policies, buckets to policy, BPA and key, queues and Lambda permissions", () => {
        const model = collectAccessModel(synthetic());
        expect(model.accounts).to.deep.equal([A, B]);
        expect(model.principals.get(roleArn)?.identity.map((p) => p.name)).to.deep.equal(["writer"]);
        expect(model.principals.get(roleArn)?.trust?.name).to.equal("writer trust");
        const bucket = model.resources.find((r) => r.kind === "bucket")!;
        expect(bucket).to.include({ account: A, zone: "raw", keyArn, restrictPublicBuckets: true });
        expect(bucket.policy?.name).to.equal("data bucket policy");
        expect(model.resources.find((r) => r.kind === "queue")?.policy?.name).to.equal("q queue policy");
        const fn = model.resources.find((r) => r.kind === "function")!;
        expect(JSON.parse(fn.policy!.text).Statement[0]).to.deep.include({
            Principal: { Service: "events.amazonaws.com" },
            Condition: {
                ArnLike: { "aws:SourceArn": `arn:aws:events:eu-west-1:${A}:rule/r` },
                StringEquals: { "aws:SourceAccount": A },
            },
        });
        expect(model.declarations.map((d) => d.id)).to.deep.equal(["writer/put"]);
        expect(model.issues).to.deep.equal([]);
    });

    it("allows a cross-account write only when identity, bucket and key policies all allow it", () => {
        expect(proveAccess(synthetic()).required[0].verdict).to.equal("allowed");
        const noBucketGrant = proveAccess(synthetic({ bucketPolicy: [] })).required[0];
        expect(noBucketGrant.verdict).to.equal("denied");
        expect(noBucketGrant.requests.find((q) => q.action === "s3:PutObject")?.deniedBy).to.deep.equal(["resource"]);
        const noKeyGrant = proveAccess(synthetic({ keyPolicy: [] })).required[0];
        expect(noKeyGrant.requests.find((q) => q.action === "kms:GenerateDataKey")?.deniedBy).to.deep.equal(["key"]);
        const noIdentity = proveAccess(synthetic({ rolePolicy: [] })).required[0];
        expect(noIdentity.requests.every((q) => q.deniedBy.includes("identity"))).to.equal(true);
    });

    it("conditions are ANDed and evaluated on the request context (ViaService, encryption context, TLS)", () => {
        const ev = new AccessEvaluator(collectAccessModel(synthetic()));
        const via = { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": bucketArn };
        expect(ev.decide(roleArn, "kms:GenerateDataKey", keyArn, via).allowed).to.equal(true);
        expect(
            ev.decide(roleArn, "kms:GenerateDataKey", keyArn, {
                ...via,
                "kms:ViaService": "sqs.eu-west-1.amazonaws.com",
            }).allowed,
        ).to.equal(false);
        expect(
            ev.decide(roleArn, "kms:GenerateDataKey", keyArn, {
                ...via,
                "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other",
            }).allowed,
        ).to.equal(false);
        const plain = ev.decide(roleArn, "s3:PutObject", `${bucketArn}/in/x`, { "aws:SecureTransport": "false" });
        expect(plain).to.include({ allowed: false });
        expect(plain.deniedBy).to.include("explicit-deny");
        expect(plain.denyStatements).to.deep.equal(["data bucket policy#Tls"]);
        expect(ev.decide(roleArn, "s3:PutObject", `${bucketArn}/other/x`).allowed).to.equal(false);
    });

    it("Block Public Access stops a public grant for anonymous and other accounts; without it the invariant breaks", () => {
        const open = [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${bucketArn}/*` }];
        const blocked = proveAccess(synthetic({ bucketPolicy: open }));
        expect(blocked.invariants.find((i) => i.id === "no-outside-access")?.verdict).to.equal("holds");
        const ev = new AccessEvaluator(collectAccessModel(synthetic({ bucketPolicy: open })));
        expect(ev.decide("anonymous", "s3:GetObject", `${bucketArn}/x`).deniedBy).to.include("bpa");
        const exposed = proveAccess(synthetic({ bucketPolicy: open, restrict: false }));
        const outside = exposed.invariants.find((i) => i.id === "no-outside-access")!;
        expect(outside.verdict).to.equal("broken");
        expect(outside.violations.join("\n")).to.contain("anonymous s3:GetObject arn:aws:s3:::data-bucket/");
    });

    it("a service principal is admitted only with its source conditions", () => {
        const ev = new AccessEvaluator(collectAccessModel(synthetic()));
        const own = { "aws:SourceArn": `arn:aws:events:eu-west-1:${A}:rule/r`, "aws:SourceAccount": A };
        expect(ev.decide("events.amazonaws.com", "lambda:InvokeFunction", fnArn, own).allowed).to.equal(true);
        expect(ev.decide("events.amazonaws.com", "sqs:SendMessage", queueArn, own).allowed).to.equal(true);
        const foreign = {
            "aws:SourceArn": "arn:aws:events:eu-west-1:999999999999:rule/r",
            "aws:SourceAccount": "999999999999",
        };
        expect(ev.decide("events.amazonaws.com", "lambda:InvokeFunction", fnArn, foreign).allowed).to.equal(false);
        expect(proveAccess(synthetic()).invariants.find((i) => i.id === "service-principals-scoped")?.verdict).to.equal(
            "holds",
        );
    });

    it("reports what it cannot know: unknown principals, invalid policies, AWS managed policies it does not embed", () => {
        const plan = synthetic();
        plan.resources.push(
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "writer-admin", B, {
                role: "writer-1",
                policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
            }),
        );
        plan.resources.find((r) => r.name === "q" && r.type === "aws:sqs/queuePolicy:QueuePolicy")!.inputs.policy =
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}';
        const model = collectAccessModel(plan);
        expect(model.notModelled.join("\n")).to.contain(
            "AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess",
        );
        expect(model.issues.join("\n")).to.contain("q queue policy: invalid resource policy");
        const ev = new AccessEvaluator(model);
        expect(ev.decide(`arn:aws:iam::${B}:role/ghost`, "s3:GetObject", `${bucketArn}/x`).unknown).to.contain(
            "not in the plan",
        );
    });

    it("only the plan tool imports the AGPL simulator (tools/plan/access), and it stays a devDependency", () => {
        const importers: string[] = [];
        for (const dir of [
            "components",
            "model",
            "functions",
            "programs",
            "policies",
            "tools",
            "examples",
            "index.ts",
        ]) {
            const at = path.join(ROOT, dir);
            const files = dir.endsWith(".ts")
                ? [at]
                : readdirSync(at, { recursive: true, encoding: "utf8" })
                      .filter((f) => f.endsWith(".ts") && !f.includes("node_modules"))
                      .map((f) => path.join(at, f));
            for (const file of files) {
                const specifiers = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles;
                if (specifiers.some((f) => f.fileName.startsWith("@cloud-copilot/")))
                    importers.push(path.relative(ROOT, file));
            }
        }
        expect(
            importers.every((f) => f.startsWith(path.join("tools", "plan", "access") + path.sep)),
            importers.join(),
        ).to.be.true;
        expect(importers).to.include(path.join("tools", "plan", "access", "engine.ts"));
        const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
        expect(pkg.dependencies).to.not.have.property("@cloud-copilot/iam-simulate");
        expect(pkg.devDependencies).to.have.property("@cloud-copilot/iam-simulate");
    });
});
