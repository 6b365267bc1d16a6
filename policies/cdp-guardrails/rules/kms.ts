import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { isPublicPrincipal, statementsOf } from "../lib/stack";
import { TYPES } from "../lib/types";

/** The props kms-key-policy-not-public reads (aws.kms.Key, aws.kms.KeyPolicy). */
interface KeyPolicyProps {
    policy?: string;
}

const kmsKeyRotation = definePolicy({
    name: "kms-key-rotation",
    description:
        "Symmetric customer-managed KMS keys rotate their key material yearly (NIST KMS.4; cdk-nag AwsSolutions-KMS5).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set enableKeyRotation: true on the aws.kms.Key (the KmsKey component does).",
    cdp: {
        concern: "encryption",
        controls: ["NIST KMS.4", "cdk-nag AwsSolutions-KMS5"],
        inspects: [...TYPES.kmsKey],
    },
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, reportViolation) => {
        const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        if (spec === "SYMMETRIC_DEFAULT" && key.enableKeyRotation !== true) {
            reportViolation("key rotation is not enabled");
        }
    }),
});

const kmsKeyDeletionWindow = definePolicy({
    name: "kms-key-deletion-window",
    description:
        "KMS keys wait at least the configured number of days (default 7, AWS's minimum) before deletion, so an accidental deletion can be cancelled (FSBP KMS.3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set deletionWindowInDays on the aws.kms.Key to at least the configured minimum (the platform uses 30).",
    configSchema: { properties: { minimumDays: { type: "integer", minimum: 7, maximum: 30, default: 7 } } },
    cdp: { concern: "encryption", controls: ["FSBP KMS.3"], inspects: [...TYPES.kmsKey] },
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
        const minimum = (args.getConfig<{ minimumDays?: number }>().minimumDays ?? 7) as number;
        const window = key.deletionWindowInDays ?? 30;
        if (window < minimum) reportViolation(`deletion window is ${window} days; at least ${minimum} required`);
    }),
});

const kmsKeyPolicyNotPublic = definePolicy({
    name: "kms-key-policy-not-public",
    description:
        'KMS key policies grant nothing to a public principal ("*") without a condition that scopes it to an account or organisation (FSBP KMS.5).',
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Name account, role or service principals in the key policy; if "*" is unavoidable, constrain it with aws:PrincipalAccount, aws:PrincipalOrgID or kms:CallerAccount conditions.',
    cdp: {
        concern: "encryption",
        controls: ["FSBP KMS.5"],
        inspects: [...TYPES.kmsKey, ...TYPES.kmsKeyPolicy],
    },
    validateResource: (args, reportViolation) => {
        if (!isType(args.type, [...TYPES.kmsKey, ...TYPES.kmsKeyPolicy])) return;
        for (const s of statementsOf(propsOf<KeyPolicyProps>(args).policy)) {
            const scoped =
                s.Condition &&
                JSON.stringify(s.Condition).match(
                    /aws:PrincipalAccount|aws:PrincipalOrgID|kms:CallerAccount|aws:SourceAccount/,
                );
            if (s.Effect === "Allow" && isPublicPrincipal(s.Principal) && !scoped) {
                reportViolation(`statement ${s.Sid ?? "(no Sid)"} allows a public principal`);
            }
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const kmsPolicies: CdpPolicy[] = [kmsKeyRotation, kmsKeyDeletionWindow, kmsKeyPolicyNotPublic];
