/**
 * The CrossGuard policy pack: `pulumi preview --policy-pack policies/cdp-guardrails`.
 * Constructing the PolicyPack starts the analyzer server the Pulumi CLI connects to.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
    description: "Customer data platform guardrails: encryption/KMS and governance",
    enforcementLevel: "mandatory",
    policies: [...ALL_POLICIES],
});
