import { validateResourceOfType } from "@pulumi/policy";
import * as aws from "@pulumi/aws";
import { type CdpPolicy, definePolicy, forTypes } from "../lib/policy";
import { propsOf } from "../lib/props";
import { judgeResourcePolicies, NOT_PUBLIC_PROMISE, policyProperty } from "../lib/resource-policy";
import { known } from "../lib/unknown";
import { TYPES } from "../lib/types";

/** Every resource that carries a key policy: keys, replica keys, imported-material keys, and aws.kms.KeyPolicy. */
const KEY_POLICY_SOURCES = [
    policyProperty([...TYPES.kmsKey, ...TYPES.kmsReplicaKey, ...TYPES.kmsExternalKey, ...TYPES.kmsReplicaExternalKey]),
    policyProperty(TYPES.kmsKeyPolicy),
];

/** Keys with a deletion window: customer-managed keys, their replicas, keys with imported material. */
const KEYS_WITH_DELETION_WINDOW: readonly string[] = [
    ...TYPES.kmsKey,
    ...TYPES.kmsReplicaKey,
    ...TYPES.kmsExternalKey,
    ...TYPES.kmsReplicaExternalKey,
];

/** The props kms-key-deletion-window reads. */
interface DeletionWindowProps {
    deletionWindowInDays?: number;
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
        "KMS keys, replica keys and keys with imported material (aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey) wait at least the configured number of days (default 7, AWS's minimum; unset means AWS's default of 30) before deletion, so an accidental deletion can be cancelled (FSBP KMS.3).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set deletionWindowInDays on the aws.kms.Key (or ReplicaKey, ExternalKey, ReplicaExternalKey) to at least the configured minimum (the platform uses 30).",
    configSchema: { properties: { minimumDays: { type: "integer", minimum: 7, maximum: 30, default: 7 } } },
    cdp: { concern: "encryption", controls: ["FSBP KMS.3"], inspects: [...KEYS_WITH_DELETION_WINDOW] },
    validateResource: forTypes(KEYS_WITH_DELETION_WINDOW, (args, reportViolation) => {
        const minimum = (args.getConfig<{ minimumDays?: number }>().minimumDays ?? 7) as number;
        const raw = known(() => propsOf<DeletionWindowProps>(args).deletionWindowInDays);
        const window = raw === undefined || raw === null ? 30 : Number(raw);
        if (!(window >= minimum)) {
            reportViolation(`${args.name}: deletion window is ${raw} days; at least ${minimum} required`);
        }
    }),
});

const kmsKeyPolicyNotPublic = definePolicy({
    name: "kms-key-policy-not-public",
    description: `KMS key policies (of aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey and aws.kms.KeyPolicy) ${NOT_PUBLIC_PROMISE}; in key policies a kms:EncryptionContext condition naming one account's resource ARN also ties a service principal (FSBP KMS.5).`,
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Name account, role or service principals in the key policy; if "*" is unavoidable, confine it with StringEquals on aws:PrincipalOrgID ("o-..."), aws:PrincipalOrgPaths ("o-.../r-.../ou-.../*"), aws:PrincipalAccount or kms:CallerAccount; give service principals an aws:SourceAccount or aws:SourceArn condition (CloudWatch Logs: ArnLike kms:EncryptionContext:aws:logs:arn).',
    cdp: {
        concern: "encryption",
        controls: ["FSBP KMS.5"],
        inspects: KEY_POLICY_SOURCES.flatMap((s) => [...s.types]),
    },
    validateResource: forTypes(
        KEY_POLICY_SOURCES.flatMap((s) => [...s.types]),
        (args, reportViolation) => judgeResourcePolicies(args, KEY_POLICY_SOURCES, reportViolation),
    ),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const kmsPolicies: CdpPolicy[] = [kmsKeyRotation, kmsKeyDeletionWindow, kmsKeyPolicyNotPublic];
