import * as aws from "@pulumi/aws";
import { ACCOUNT, governedDatabase, key, type PolicyCase } from "./kit";

/** Cases of the required-tags rule (rules/tags.ts). */

/** A provider with no default tags (the kit's provider has the required ones). */
function untaggedProvider(): aws.Provider {
    return new aws.Provider("untagged", { region: "eu-west-1", allowedAccountIds: [ACCOUNT] });
}

const REQUIRED_TAGS = { Project: "policy-test", Environment: "test", Owner: "platform", CostCenter: "CC-1" };

export const cases: PolicyCase[] = [
    // Tags
    {
        policy: "required-tags",
        title: "resources on a provider without default tags",
        violating: () => void key(untaggedProvider()),
        // The kit provider's defaultTags supply every required key.
        compliant: (p) => {
            key(p);
            governedDatabase(p);
        },
    },
    {
        policy: "required-tags",
        title: "a required tag overridden with an empty value",
        violating: (p) =>
            void new aws.glue.CatalogDatabase(
                "blank-owner",
                { name: "pol_test_blank", createTableDefaultPermissions: [], tags: { Owner: "" } },
                { provider: p },
            ),
        // Own tags alone satisfy the rule where the provider has no default tags.
        compliant: () => {
            const p = untaggedProvider();
            new aws.kms.Key(
                "tagged",
                { description: "policy test", enableKeyRotation: true, deletionWindowInDays: 30, tags: REQUIRED_TAGS },
                { provider: p },
            );
        },
    },
];
