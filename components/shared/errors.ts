import * as pulumi from "@pulumi/pulumi";

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

/**
 * A mistake in stack configuration or component arguments.
 *
 * It extends `pulumi.RunError`, so `pulumi up`/`preview` print only the message (no stack trace), and the offline
 * plan exits with code 2. The message lists every issue found, each naming the key, the bad value and what is
 * expected.
 */
export class ValidationError extends pulumi.RunError {
    /** Marker that survives several copies of this module being loaded (see `isValidationError`). */
    public readonly cdpValidationError = true;

    constructor(
        public readonly subject: string,
        public readonly issues: readonly ValidationIssue[],
    ) {
        super(`${subject}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
        this.name = "ValidationError";
    }
}

export function isValidationError(err: unknown): err is ValidationError {
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

    get issues(): readonly ValidationIssue[] {
        return this.found;
    }

    /** Throws a `ValidationError` naming `subject` when any issue was recorded. */
    throwIfAny(subject: string): void {
        if (this.found.length > 0) {
            throw new ValidationError(subject, this.found);
        }
    }
}
