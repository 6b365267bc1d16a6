/**
 * The benchmark's zoned lake program: `lakes` data lakes of `zones` zones (raw, processed, curated), one per
 * domain, in one account with one Lake Formation, tagged and LF-tagged so that it passes the policy gate. Plan it:
 *
 *   npm run plan -- --program tools/bench/lake-program --config lakes=10
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as cdp from "../../../components";

// As a domain team's project does, through the installed package (here the package refers to itself).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DataLake, DEFAULT_ZONES, LakeFormation, Naming } = require("customer-data-platform-as-code") as typeof cdp;

const config = new pulumi.Config();
const lakes = config.requireNumber("lakes");
const zones = DEFAULT_ZONES.slice(0, config.requireNumber("zones"));
const accountId = config.require("accountId");
const stack = pulumi.getStack();

const provider = new aws.Provider("lakes", {
    region: "eu-west-1",
    allowedAccountIds: [accountId],
    defaultTags: { tags: { Project: "lakes", Environment: stack, Owner: "data-platform", CostCenter: "CC-1000" } },
});
const domains = Array.from({ length: lakes }, (_, i) => `domain${i}`);
const lakeFormation = new LakeFormation(
    "lake-formation",
    { adminRoleArns: [`arn:aws:iam::${accountId}:role/cdp-deployer`], domains: ["platform", ...domains] },
    { provider },
);
for (const domain of domains) {
    new DataLake(
        domain,
        { naming: new Naming("acme", stack, domain), zones, lakeFormation, lfDomain: domain },
        { provider },
    );
}

export const lakeCount = lakes;
