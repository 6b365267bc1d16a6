/** Lake Formation's identifier for "whoever IAM allows": grants to it switch Lake Formation permissions off. */
export const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

export function isIamAllowedPrincipals(principal: unknown): boolean {
    return typeof principal === "string" && principal.trim().toUpperCase() === IAM_ALLOWED_PRINCIPALS;
}
