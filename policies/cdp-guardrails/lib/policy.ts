import type {
    EnforcementLevel,
    ReportViolation,
    ResourceValidation,
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

/** Where `forTypes` records the types a validation inspects. */
const INSPECTED_TYPES = Symbol("cdp:inspected-types");

/**
 * `validate`, run on resources of `types` only (on any other it returns at once), and marked with those types: the
 * offline plan (tools/plan/policy.ts, `appliesTo`) then skips it for other types, where the analyzer would still
 * deserialize the resource's properties for it. The CLI's analyzer calls it on every resource, with the same result.
 */
export function forTypes(types: readonly string[], validate: ResourceValidation): ResourceValidation {
    const inspected = [...types];
    const fn: ResourceValidation = (args, reportViolation) =>
        isType(args.type, inspected) ? validate(args, reportViolation) : undefined;
    Object.defineProperty(fn, INSPECTED_TYPES, { value: inspected });
    return fn;
}

/**
 * False when `validate` is known to do nothing on resources of `type`: marked by `forTypes` with other types, or
 * bound to another type by `@pulumi/policy`'s `validateResourceOfType` (its `getPulumiType`).
 */
export function appliesTo(validate: unknown, type: string, pulumiTypeOf: (v: unknown) => string | undefined): boolean {
    const inspected = (validate as { [INSPECTED_TYPES]?: readonly string[] })?.[INSPECTED_TYPES];
    if (inspected) return isType(type, inspected);
    const pulumiType = pulumiTypeOf(validate);
    return !pulumiType || pulumiType === type;
}

/**
 * Runs `check` on resources of `types`, their props read through `P`, and reports each problem it returns, prefixed
 * with the kind and resource name.
 */
export function onType<P extends object>(
    types: readonly string[],
    kind: string,
    check: (props: P, args: ResourceValidationArgs) => string[],
): ResourceValidation {
    return forTypes(types, (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        for (const problem of check(propsOf<P>(args), args)) reportViolation(`${kind} ${args.name}: ${problem}`);
    });
}
