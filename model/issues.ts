/**
 * How a validation problem is reported, everywhere: stack config, component arguments, entity definitions, Lambda
 * environments. Pulumi-free, so runtime code and tools use the same wording; `components/shared/errors.ts` adds the
 * Pulumi-aware `ValidationError` (printed by `pulumi up` without a stack trace).
 */

/** One problem with a user-supplied value: where it is, what it was and what was expected. */
export interface ValidationIssue {
    /** Config key or argument path, e.g. `cdp:domains[1].name` or `DataLakeZone(raw).lifecycle[0].days`. */
    readonly key: string;
    /** The offending value (rendered with `describeValue`). */
    readonly value: unknown;
    /** What would have been accepted. */
    readonly expected: string;
}

/** Renders a value for an error message: strings quoted, long values shortened, `undefined` as "(missing)". */
export function describeValue(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    let text: string;
    try {
        text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    } catch {
        text = String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(issue: ValidationIssue): string {
    return `${issue.key}: got ${describeValue(issue.value)}; expected ${issue.expected}`;
}

/** The message of an error listing `issues` under `subject`. */
export function issuesMessage(subject: string, issues: readonly ValidationIssue[]): string {
    return `${subject}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`;
}

/** Marker shared by every error that carries validation issues (survives several copies of a module being loaded). */
export interface CarriesIssues {
    readonly cdpValidationError: true;
    readonly subject: string;
    readonly issues: readonly ValidationIssue[];
}

/** A validation failure outside a Pulumi program (runtime code, tools). */
export class ContractError extends Error implements CarriesIssues {
    public readonly cdpValidationError = true as const;

    constructor(
        public readonly subject: string,
        public readonly issues: readonly ValidationIssue[],
    ) {
        super(issuesMessage(subject, issues));
        this.name = "ContractError";
    }
}

export function isValidationError(err: unknown): err is Error & CarriesIssues {
    return (
        typeof err === "object" && err !== null && (err as { cdpValidationError?: boolean }).cdpValidationError === true
    );
}

/** Collects issues while checking a value, then throws them all at once. */
export class IssueCollector {
    private readonly found: ValidationIssue[] = [];

    add(key: string, value: unknown, expected: string): void {
        this.found.push({ key, value, expected });
    }

    /** Adds issues found by another check. */
    addAll(issues: readonly ValidationIssue[]): void {
        this.found.push(...issues);
    }

    get issues(): readonly ValidationIssue[] {
        return this.found;
    }

    /** Throws an error naming `subject` and listing every issue, when any was recorded. */
    throwIfAny(subject: string): void {
        if (this.found.length > 0) {
            throw this.error(subject, this.found);
        }
    }

    /** The error thrown by `throwIfAny`; the Pulumi-aware collector throws a `pulumi.RunError`. */
    protected error(subject: string, issues: readonly ValidationIssue[]): Error {
        return new ContractError(subject, issues);
    }
}
