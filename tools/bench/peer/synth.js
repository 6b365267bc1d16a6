// The peer of the offline plan + policy gate: what a CDK user runs instead. `cdk synth` of an app with N stacks, each
// holding one aws-analytics-reference-architecture DataLakeStorage (raw, clean and transformed zone buckets, access
// log bucket, KMS key, 15 resources), checked by cdk-nag's AwsSolutionsChecks (its default reports included).
//
//   node tools/bench/peer/synth.js N OUTDIR   → prints {"stacks", "resources", "nagFindings", "synthMs"} as JSON
const { performance } = require("node:perf_hooks");
const started = performance.now();
const cdk = require("aws-cdk-lib");
const { DataLakeStorage } = require("aws-analytics-reference-architecture");
const { AwsSolutionsChecks } = require("cdk-nag");

const count = Number(process.argv[2] ?? 1);
const outdir = process.argv[3];
if (!Number.isInteger(count) || count < 1 || !outdir) {
    console.error("usage: node synth.js N OUTDIR");
    process.exit(2);
}
const app = new cdk.App({ outdir });
cdk.Aspects.of(app).add(new AwsSolutionsChecks());
for (let i = 0; i < count; i++) {
    // One stack per lake: DataLakeStorage's buckets, key and log bucket are singletons within a stack.
    const stack = new cdk.Stack(app, `Lake${i}`, { env: { account: "123456789012", region: "eu-west-1" } });
    new DataLakeStorage(stack, "Storage", {});
}
const assembly = app.synth();
let resources = 0;
let nagFindings = 0;
for (const stack of assembly.stacks) {
    resources += Object.keys(stack.template.Resources ?? {}).length;
    nagFindings += stack.messages.filter((m) => String(m.entry.data).startsWith("AwsSolutions-")).length;
}
console.log(
    JSON.stringify({
        stacks: assembly.stacks.length,
        resources,
        nagFindings,
        synthMs: Math.round(performance.now() - started),
    }),
);
