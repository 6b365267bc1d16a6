import type {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
} from "@pulumi/policy";
import { propsOf } from "./props";

/** The two concerns the pack covers. */
export type Concern = "encryption" | "governance";

/** What the platform documents about each policy (the coverage table in policies/README.md). */
export interface PolicyMetadata {
    concern: Concern;
    /** Controls implemented, e.g. `FSBP S3.5`, `cdk-nag AwsSolutions-S10`, `LF-1`, or `platform rule`. */
    controls: string[];
    /** Resource type tokens the policy inspects. */
    inspects: string[];
}

export type CdpPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
    severity: Severity;
    enforcementLevel: EnforcementLevel;
    remediationSteps: string;
    cdp: PolicyMetadata;
};

/** Identity helper that type-checks a policy definition with its metadata. */
export function definePolicy<P extends CdpPolicy>(policy: P): P {
    return policy;
}

/** True when `type` is one of `tokens` (pass both the v7 token and its deprecated `...V2` twin where one exists). */
export function isType(type: string, tokens: readonly string[]): boolean {
    return tokens.includes(type);
}

/**
 * Runs `check` on resources of `types`, their props read through `P`, and reports each problem it returns, prefixed
 * with the kind and resource name.
 */
export function onType<P extends object>(
    types: readonly string[],
    kind: string,
    check: (props: P, args: ResourceValidationArgs) => string[],
) {
    return (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        if (!isType(args.type, types)) return;
        for (const problem of check(propsOf<P>(args), args)) reportViolation(`${kind} ${args.name}: ${problem}`);
    };
}
