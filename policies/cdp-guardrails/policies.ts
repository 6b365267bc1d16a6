import type { CdpPolicy } from "./lib/policy";
import { encryptionAnalyticsPolicies } from "./rules/encryption-analytics";
import { encryptionDataPolicies } from "./rules/encryption-data";
import { governanceComputePolicies } from "./rules/governance-compute";
import { governanceLakePolicies } from "./rules/governance-lake";
import { governanceNetworkIamPolicies } from "./rules/governance-network-iam";
import { kmsPolicies } from "./rules/kms";
import { s3Policies } from "./rules/s3";

/**
 * Every policy of the pack, with its metadata. Kept apart from the `PolicyPack` construction (index.ts), which
 * starts the analyzer server the Pulumi CLI talks to, so that the offline plan and the tests can evaluate them.
 */
export const ALL_POLICIES: readonly CdpPolicy[] = [
    ...s3Policies,
    ...kmsPolicies,
    ...encryptionDataPolicies,
    ...encryptionAnalyticsPolicies,
    ...governanceLakePolicies,
    ...governanceComputePolicies,
    ...governanceNetworkIamPolicies,
];

export const PACK_NAME = "cdp-guardrails";

export const encryptionPolicies = ALL_POLICIES.filter((p) => p.cdp.concern === "encryption");
export const governancePolicies = ALL_POLICIES.filter((p) => p.cdp.concern === "governance");
