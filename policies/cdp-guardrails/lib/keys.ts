/**
 * True when `keyId` names an AWS-managed key (`alias/aws/<service>`, as an alias name or an alias ARN, or the bare
 * `aws/<service>` form some services accept), which the platform's CMK mandate rejects.
 */
export function isAwsManagedKey(keyId: unknown): boolean {
    return typeof keyId === "string" && (/(^|:)alias\/aws\//.test(keyId) || /^aws\//.test(keyId));
}

/** The problem with a key reference that must be a customer-managed key, or undefined when it is one. */
export function cmkProblem(property: string, keyId: unknown): string | undefined {
    if (keyId === undefined || keyId === null || keyId === "") return `${property} is not set`;
    if (isAwsManagedKey(keyId))
        return `${property} is the AWS-managed key ${String(keyId)}, not a customer-managed key`;
    return undefined;
}
