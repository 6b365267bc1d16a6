import type { ResourceValidationArgs } from "@pulumi/policy";
import { allowReach, isAbsentDocument, type ParsedPolicy, parsePolicy } from "./iam";
import { type CdpPolicy, definePolicy, forTypes, isType } from "./policy";
import { propsOf } from "./props";
import { probe } from "./unknown";

/**
 * Resource policies (bucket, key, queue, topic, stream, bus, secret, API, catalog...) judged for openness with IAM
 * semantics (lib/iam): every Allow statement must reach only named accounts, an organisation or accounts through a
 * confining condition, or service principals tied to a source account/resource.
 */

/**
 * The openness problems of a parsed resource policy, one message per statement:
 * - an Allow open to every principal (`"*"`, `{AWS: "*"}`, a `"*"` among other principals, a wildcard principal,
 *   `NotPrincipal`) that no condition confines to a named organisation, account, VPC or source resource (the
 *   confining test must be positive, not IfExists, not ForAllValues, with no wildcard value such as `o-*`);
 * - an Allow to a service principal that no such condition confines (aws:SourceAccount, aws:SourceArn,
 *   aws:SourceOrgID in practice; a kms:EncryptionContext key naming one account's ARN also counts): any account's
 *   use of that service would reach the resource (the confused-deputy problem,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html);
 * - a statement that cannot be read (treated as open).
 */
export function openGrantProblems(policy: ParsedPolicy): string[] {
    const problems = policy.unreadable.map((u) => `cannot be judged: ${u}`);
    for (const s of policy.statements) {
        if (s.effect === "Deny" && s.unreadable.length === 0) continue;
        if (!s.principal && s.unreadable.length === 0) continue;
        const reach = allowReach(s);
        if (reach.open) problems.push(`${s.label} ${reach.why}`);
        else if (reach.unscopedServices.length) {
            problems.push(
                `${s.label} allows ${reach.unscopedServices.join(", ")} without an aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition naming one account or organisation (any account's use of the service would reach this resource)`,
            );
        }
    }
    return problems;
}

/** Where a resource type holds a resource policy: the property, read from the resource's props. */
export interface PolicySource {
    types: readonly string[];
    /** Reads the document(s) from the props, each with a label naming where it came from. */
    documents: (props: Record<string, unknown>) => Array<{ where: string; document: unknown }>;
}

/** The props of a resource holding a resource policy in `policy` (a JSON string or a document object). */
interface ResourcePolicyProps {
    policy?: unknown;
}

/** A policy source reading the `policy` property of resources of `types`. */
export function policyProperty(types: readonly string[]): PolicySource {
    return {
        types,
        documents: (props) => [{ where: "policy", document: propsOf<ResourcePolicyProps>({ props }).policy }],
    };
}

/** Judges every resource policy the sources name; an unknown (computed) document is not judged at preview. */
export function judgeResourcePolicies(
    args: ResourceValidationArgs,
    sources: readonly PolicySource[],
    report: (message: string) => void,
): void {
    for (const source of sources) {
        if (!isType(args.type, source.types)) continue;
        const docs = probe(() => source.documents(args.props));
        if (!docs.known) continue;
        for (const { where, document } of docs.value) {
            const absent = probe(() => isAbsentDocument(document));
            if (!absent.known || absent.value) continue;
            const parsed = parsePolicy(() => document);
            // Unknown at preview: `pulumi up` resolves it and the engine runs the pack again before the change.
            if (!parsed.known) continue;
            for (const problem of openGrantProblems(parsed)) report(`${args.name}: ${where}: ${problem}`);
        }
    }
}

/** What a `<service>-...-not-public` policy needs besides its sources. */
export interface NotPublicSpec {
    name: string;
    /** What the policy is about, e.g. "SQS queue policies (aws.sqs.QueuePolicy, or the queue's inline policy)". */
    subject: string;
    controls: string[];
    severity?: CdpPolicy["severity"];
    remediation: string;
    sources: readonly PolicySource[];
}

/** The shared promise of the not-public policies (their descriptions start with the subject). */
export const NOT_PUBLIC_PROMISE =
    'allow nothing to every principal ("*", a "*" among other principals, a wildcard principal, NotPrincipal) unless a positive condition (not IfExists, not ForAllValues, no wildcard value) confines it to a named organisation (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:SourceOrgID), account (aws:PrincipalAccount, aws:SourceAccount, aws:SourceOwner, kms:CallerAccount, aws:PrincipalArn), VPC endpoint or VPC, or source ARN of one account, and grant service principals only under such a condition (aws:SourceAccount, aws:SourceArn... ; a kms:EncryptionContext key naming one account\'s ARN also counts). Unreadable statements count as open; documents unknown at preview are judged when `pulumi up` resolves them';

/** A resource-level policy judging the resource policies of `spec.sources` (see openGrantProblems). */
export function resourcePolicyNotPublic(spec: NotPublicSpec): CdpPolicy {
    return definePolicy({
        name: spec.name,
        description: `${spec.subject} ${NOT_PUBLIC_PROMISE} (${spec.controls.join("; ")}).`,
        severity: spec.severity ?? "critical",
        enforcementLevel: "mandatory",
        remediationSteps: spec.remediation,
        cdp: {
            concern: "governance",
            controls: spec.controls,
            inspects: spec.sources.flatMap((s) => [...s.types]),
        },
        validateResource: forTypes(
            spec.sources.flatMap((s) => [...s.types]),
            (args, reportViolation) => judgeResourcePolicies(args, spec.sources, reportViolation),
        ),
    });
}
