/**
 * The platform's tag vocabulary. Provider `defaultTags` carry these, so every taggable resource of an account
 * gets them without each component repeating them; components add only resource-specific tags.
 */
export const TAG_KEYS = {
    project: "Project",
    environment: "Environment",
    owner: "Owner",
    costCenter: "CostCenter",
    dataDomain: "DataDomain",
    managedBy: "ManagedBy",
    program: "Program",
    zone: "DataZone",
    classification: "DataClassification",
} as const;

/** Tags every provider of the platform sets. */
export interface BaseTagValues {
    readonly project: string;
    readonly environment: string;
    readonly owner: string;
    readonly costCenter: string;
    /** Which per-account program deploys the resources (hub, governance, producer, analytics, ml). */
    readonly program: string;
    /** Business domain, for producer-domain accounts. */
    readonly dataDomain?: string;
    /** Additional organisation tags; must not redefine the keys above. */
    readonly extra?: Readonly<Record<string, string>>;
}

/** The default tags for one account's provider. */
export function defaultTags(values: BaseTagValues): Record<string, string> {
    const tags: Record<string, string> = {
        ...(values.extra ?? {}),
        [TAG_KEYS.project]: values.project,
        [TAG_KEYS.environment]: values.environment,
        [TAG_KEYS.owner]: values.owner,
        [TAG_KEYS.costCenter]: values.costCenter,
        [TAG_KEYS.managedBy]: "pulumi",
        [TAG_KEYS.program]: values.program,
    };
    if (values.dataDomain !== undefined) {
        tags[TAG_KEYS.dataDomain] = values.dataDomain;
    }
    return tags;
}

/** Tag keys the platform owns; user-supplied extra tags may not redefine them. */
export const RESERVED_TAG_KEYS: readonly string[] = Object.values(TAG_KEYS);

/** AWS tag limits: key 1-128, value 0-256 characters of letters, digits, spaces and `_.:/=+-@`; no `aws:` keys. */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
export const TAG_KEY_PATTERN = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu;

/** Resource-level tags for a data-lake zone. */
export function zoneTags(zone: string, classification: string): Record<string, string> {
    return { [TAG_KEYS.zone]: zone, [TAG_KEYS.classification]: classification };
}
