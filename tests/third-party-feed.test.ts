import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { ThirdPartyFeed, type ThirdPartyFeedArgs } from "../components/ingest/third-party-feed";
import { Naming } from "../components/shared/naming";
import type { ValidationError } from "../components/shared/errors";
import { isValidationError } from "../model/issues";
import { parsePlatformConfig } from "../programs/config";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { planProgram, policyOf, resource, ROOT } from "./helpers/plan";

const HUB = "222222222222";

describe("ThirdPartyFeed exporter (AWS Data Exchange)", () => {
    const plan = (extra: Partial<ThirdPartyFeedArgs> = {}) =>
        planProgram(() => {
            const provider = new aws.Provider("hub", { region: "eu-west-1", allowedAccountIds: [HUB] });
            new ThirdPartyFeed(
                "thirdparty",
                {
                    naming: new Naming("cdp", "test"),
                    rawZone: {
                        bucketName: "raw",
                        bucketArn: "arn:aws:s3:::raw",
                        keyArn: `arn:aws:kms:eu-west-1:${HUB}:key/raw`,
                    },
                    kmsKeyArn: `arn:aws:kms:eu-west-1:${HUB}:key/hub`,
                    logRetentionDays: 30,
                    dataSets: [{ id: "8d494cba5e4720172f4bd8f9e85d1a83", name: "scores" }],
                    ...extra,
                },
                { provider },
            );
        });

    it("may read the entitled assets from Data Exchange's buckets, only through Data Exchange", async () => {
        const doc = await plan();
        expect(doc.errors).to.deep.equal([]);
        const statements = policyOf(resource(doc, "aws:iam/rolePolicy:RolePolicy", "thirdparty-exporter")).Statement;
        const read = statements.filter((s) => s.Action === "s3:GetObject" || s.Action?.includes?.("s3:GetObject"));
        const viaDataExchange = read.find((s) => s.Resource === "arn:aws:s3:::*aws-data-exchange*");
        expect(viaDataExchange, JSON.stringify(read)).to.not.equal(undefined);
        expect(viaDataExchange!.Action).to.equal("s3:GetObject");
        expect(viaDataExchange!.Condition).to.deep.equal({
            "ForAnyValue:StringEquals": { "aws:CalledVia": "dataexchange.amazonaws.com" },
        });
    });

    it("reserves no concurrency unless asked (a new account's quota of 10 admits no reservation)", async () => {
        const unset = await plan();
        expect(resource(unset, "aws:lambda/function:Function", "thirdparty-exporter").inputs).to.not.have.property(
            "reservedConcurrentExecutions",
        );
        const reserved = await plan({ reservedConcurrency: 3 });
        expect(
            resource(reserved, "aws:lambda/function:Function", "thirdparty-exporter").inputs
                .reservedConcurrentExecutions,
        ).to.equal(3);
        const bad = await plan({ reservedConcurrency: 0 });
        expect(bad.errors.join("\n")).to.contain("ThirdPartyFeed(thirdparty).reservedConcurrency: got 0");
    });

    it("reads cdp:hub.dataExchange.reservedConcurrency, absent by default", () => {
        const base = loadEngineConfig(ROOT, "prod").config;
        const hub = JSON.parse(base["cdp:hub"] ?? "{}");
        const read = (dataExchange: unknown) =>
            parsePlatformConfig({ ...base, "cdp:hub": JSON.stringify({ ...hub, dataExchange }) }, "p", "prod").hub
                .dataExchange;
        const dataSets = hub.dataExchange.dataSets;
        expect(read({ dataSets }).reservedConcurrency).to.equal(undefined);
        expect(read({ dataSets, reservedConcurrency: 2 }).reservedConcurrency).to.equal(2);
        try {
            read({ dataSets, reservedConcurrency: 0.5 });
            expect.fail("0.5 accepted");
        } catch (err) {
            expect(isValidationError(err), String(err)).to.equal(true);
            expect((err as ValidationError).issues.map((i) => i.key)).to.include(
                "cdp:hub.dataExchange.reservedConcurrency",
            );
        }
    });
});
