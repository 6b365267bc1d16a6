/**
 * Naming rules of platform concepts, each defined once and used by the stack config, the components and the runtime.
 */

/** A business domain's name: 2-24 lower-case letters, digits and single hyphens, starting with a letter. */
export const DOMAIN_NAME = /^[a-z](?:[a-z0-9]|-(?!-)){0,22}[a-z0-9]$/;
export const DOMAIN_NAME_EXPECTED =
    "2-24 lower-case letters, digits and single hyphens, starting with a letter (it becomes part of AWS resource names)";

/** An IAM role ARN (no users, no wildcards); group 2 is the role's account. */
export const IAM_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/[\w+=,.@/-]{1,64}$/;

/** The medallion zones of the data lake, raw → processed → curated. */
export const LAKE_ZONES = ["raw", "processed", "curated"] as const;
export type LakeZone = (typeof LAKE_ZONES)[number];

/** Data classifications, lowest to highest sensitivity; also the values of the `classification` LF-tag. */
export const CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Each zone's classification unless the stack config overrides it. */
export const DEFAULT_ZONE_CLASSIFICATIONS: Readonly<Record<LakeZone, Classification>> = {
    raw: "confidential",
    processed: "confidential",
    curated: "internal",
};
