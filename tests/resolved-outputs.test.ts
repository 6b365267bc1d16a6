import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { type PolicyStatement, policyJson, policyDocument } from "../components/shared/iam";
import { resolvedAs } from "../components/shared/outputs";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkOutput = require("@pulumi/pulumi/output") as { unknown: unknown };

interface OutputInternals {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(withUnknowns?: boolean): Promise<unknown>;
}

/** Value (with unknowns), known and secret of an output. */
async function settled(output: pulumi.Output<unknown>) {
    const o = output as unknown as OutputInternals;
    return { value: await o.promise(true), known: await o.isKnown, secret: await o.isSecret };
}

/** What policyJson stands for: the SDK's own lifting of the whole document, then `jsonStringify`. */
const reference = (statements: PolicyStatement[]) => pulumi.jsonStringify(pulumi.output(policyDocument(statements)));

describe("policyJson: one Output for a policy document's inputs", () => {
    const bucketArn = pulumi.output("arn:aws:s3:::bucket");
    const cases: Record<string, () => PolicyStatement[]> = {
        "no inputs": () => [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
        "outputs and promises at every level": () => [
            {
                Sid: "Read",
                Effect: "Allow",
                Principal: { AWS: [pulumi.output("arn:aws:iam::111111111111:root"), "arn:aws:iam::222222222222:root"] },
                Action: ["s3:GetObject", "s3:ListBucket"],
                Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
                Condition: {
                    StringEquals: { "aws:SourceAccount": Promise.resolve("111111111111") as never },
                    Bool: { "aws:SecureTransport": true },
                },
            },
            { Effect: "Deny", NotAction: "kms:*", Resource: "*", Principal: "*" },
        ],
        "a secret input": () => [{ Effect: "Allow", Action: "s3:*", Resource: pulumi.secret("arn:aws:s3:::secret") }],
        "an unknown input": () => [
            { Effect: "Allow", Action: "s3:*", Resource: pulumi.output(sdkOutput.unknown as string) },
        ],
    };
    for (const [name, statements] of Object.entries(cases)) {
        it(`gives what jsonStringify(output(document)) gives: ${name}`, async () => {
            const ours = await settled(policyJson(statements()));
            expect(ours).to.deep.equal(await settled(reference(statements())));
            if (name === "a secret input") expect(ours.secret).to.equal(true);
            if (name === "an unknown input") expect(ours.known).to.equal(false);
            if (name === "outputs and promises at every level") {
                expect(JSON.parse(ours.value as string).Statement[0].Resource).to.deep.equal([
                    "arn:aws:s3:::bucket",
                    "arn:aws:s3:::bucket/*",
                ]);
            }
        });
    }
});

describe("resolvedAs: one Output for a value's inputs", () => {
    it("gives what pulumi.output gives for nested arrays and objects of outputs, promises and plain values", async () => {
        const value = () => [
            {
                id: "a",
                principal: pulumi.output("arn:aws:iam::111111111111:role/r"),
                requests: [
                    { actions: ["s3:GetObject"], resource: pulumi.interpolate`${pulumi.output("arn:aws:s3:::b")}/*` },
                    { actions: [], resource: "arn", context: { "kms:ViaService": Promise.resolve("s3") } },
                ],
            },
            { id: "b", nothing: undefined, nested: { deeper: [pulumi.secret("s")] } },
        ];
        const ours = await settled(resolvedAs(value(), (v) => v));
        expect(ours).to.deep.equal(await settled(pulumi.output(value())));
        expect(ours.secret).to.equal(true);
    });
});
