import type { PolicyResource } from "@pulumi/policy";
import { type CdpPolicy, definePolicy, isType } from "../lib/policy";
import { propsOf } from "../lib/props";
import { attachedTo } from "../lib/stack";
import { TYPES } from "../lib/types";

/** GuardDuty: detectors are enabled with the S3 and Lambda protection plans the platform's data and code need. */

/** The detector features (protection plans) every detector must enable. */
export const REQUIRED_GUARDDUTY_FEATURES = ["S3_DATA_EVENTS", "LAMBDA_NETWORK_LOGS"] as const;

interface DetectorProps {
    enable?: boolean;
    id?: string;
}
interface FeatureProps {
    name?: string;
    status?: string;
}

const guarddutyProtections = definePolicy({
    name: "guardduty-protections",
    description:
        "Every GuardDuty detector is enabled (FSBP GuardDuty.1) with S3 Protection (S3_DATA_EVENTS, FSBP GuardDuty.10) and Lambda Protection (LAMBDA_NETWORK_LOGS, FSBP GuardDuty.6) enabled as aws.guardduty.DetectorFeature resources.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Leave enable true on the aws.guardduty.Detector and add an aws.guardduty.DetectorFeature {detectorId: detector.id, name, status: "ENABLED"} for S3_DATA_EVENTS and LAMBDA_NETWORK_LOGS (or turn cdp:security.guardDuty off where the organisation\'s delegated administrator manages GuardDuty).',
    cdp: {
        concern: "governance",
        controls: ["FSBP GuardDuty.1", "FSBP GuardDuty.10", "FSBP GuardDuty.6"],
        inspects: [...TYPES.guarddutyDetector, ...TYPES.guarddutyDetectorFeature],
    },
    validateStack: (args, reportViolation) => {
        for (const detector of args.resources.filter((r) => isType(r.type, TYPES.guarddutyDetector))) {
            const props = propsOf<DetectorProps>(detector);
            if (props.enable === false) reportViolation(`${detector.name}: enable is false`, detector.urn);
            const features = attachedTo(args.resources, detector, TYPES.guarddutyDetectorFeature, "detectorId", "id");
            const enabled = new Set(
                features
                    .map((f: PolicyResource) => propsOf<FeatureProps>(f))
                    .filter((f) => f.status === "ENABLED")
                    .map((f) => f.name),
            );
            const missing = REQUIRED_GUARDDUTY_FEATURES.filter((f) => !enabled.has(f));
            if (missing.length > 0)
                reportViolation(
                    `${detector.name}: no enabled aws.guardduty.DetectorFeature for ${missing.join(", ")}`,
                    detector.urn,
                );
        }
    },
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const guarddutyPolicies: CdpPolicy[] = [guarddutyProtections];
