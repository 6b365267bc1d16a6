import type { ResourceValidationArgs } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { expect } from "chai";
import { ALL_POLICIES } from "../../policies/cdp-guardrails/policies";
import { appliesTo, forTypes } from "../../policies/cdp-guardrails/lib/policy";
import type { PlannedResource } from "../../tools/plan/harness";
import { evaluatePolicies, type OfflinePack } from "../../tools/plan/policy";
import { planOf } from "../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getPulumiType } = require("@pulumi/policy/policy") as { getPulumiType(v: unknown): string | undefined };

const QUEUE = "aws:sqs/queue:Queue";
const TOPIC = "aws:sns/topic:Topic";

function resource(type: string, name: string): PlannedResource {
    return {
        urn: `urn:pulumi:test::p::${type}::${name}`,
        type,
        name,
        parent: "urn:pulumi:test::p::pulumi:pulumi:Stack::p-test",
        provider: "",
        custom: true,
        id: `${name}-id`,
        inputs: { name },
        outputs: { name },
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        providers: {},
    };
}

describe("policy validations typed for the offline plan (forTypes)", () => {
    it("runs a forTypes validation on its types only, as the CLI's analyzer calls it on every resource", () => {
        const seen: string[] = [];
        const validate = forTypes([QUEUE], (args) => {
            seen.push(args.type);
        });
        const args = (type: string) => ({ type }) as ResourceValidationArgs;
        void validate(args(TOPIC), () => undefined);
        void validate(args(QUEUE), () => undefined);
        expect(seen).to.deep.equal([QUEUE]);
        expect(appliesTo(validate, QUEUE, getPulumiType)).to.equal(true);
        expect(appliesTo(validate, TOPIC, getPulumiType)).to.equal(false);
    });

    it("skips in the plan the validations that do nothing on a type, with the same diagnostics", async () => {
        const calls: string[] = [];
        const pack: OfflinePack = {
            name: "test-pack",
            version: "0.0.1",
            enforcementLevel: "mandatory",
            policies: [
                {
                    name: "queue-named",
                    description: "queues report their name",
                    validateResource: forTypes([QUEUE], (args, report) => {
                        calls.push(`typed ${args.name}`);
                        report(`queue ${args.name}`);
                    }),
                },
                {
                    name: "mixed",
                    description: "one validation per type",
                    validateResource: [
                        validateResourceOfType(aws.sqs.Queue, (_q, args, report) => {
                            calls.push(`of-type ${args.name}`);
                            report(`of-type queue ${args.name}`);
                        }),
                        forTypes([TOPIC], (args, report) => {
                            calls.push(`typed ${args.name}`);
                            report(`topic ${args.name}`);
                        }),
                    ],
                },
                {
                    name: "untyped",
                    description: "runs on everything",
                    validateResource: (args) => {
                        calls.push(`untyped ${args.name}`);
                    },
                },
            ],
        };
        const report = await evaluatePolicies(planOf([resource(QUEUE, "q1"), resource(TOPIC, "t1")]), [pack]);
        expect(calls).to.deep.equal(["typed q1", "of-type q1", "untyped q1", "typed t1", "untyped t1"]);
        expect(
            report.violations.map((v) => `${v.policy} ${v.urn.split("::").pop()}: ${v.message.split("\n").pop()}`),
        ).to.deep.equal(["queue-named q1: queue q1", "mixed q1: of-type queue q1", "mixed t1: topic t1"]);
    });

    it("types every resource validation of the pack, so the plan runs each only on the types it inspects", () => {
        const untyped: string[] = [];
        for (const p of ALL_POLICIES) {
            const validate = (p as { validateResource?: unknown }).validateResource;
            if (!validate) continue;
            for (const v of Array.isArray(validate) ? validate : [validate]) {
                // Typed: it does not apply to a type no policy inspects.
                if (appliesTo(v, "aws:none/none:None", getPulumiType)) untyped.push(p.name);
            }
        }
        expect(untyped, "wrap these in forTypes (or onType)").to.deep.equal([]);
    });

    it("marks each resource validation with types its policy lists as inspected", () => {
        for (const p of ALL_POLICIES) {
            const validate = (p as { validateResource?: unknown }).validateResource;
            if (!validate) continue;
            for (const v of Array.isArray(validate) ? validate : [validate]) {
                const applies = p.cdp.inspects.some((t) => appliesTo(v, t, getPulumiType));
                expect(applies, `${p.name}: a validation applies to none of cdp.inspects`).to.equal(true);
            }
        }
    });
});
