import * as pulumi from "@pulumi/pulumi";
import {
    type CarriesIssues,
    IssueCollector as ContractIssueCollector,
    issuesMessage,
    type ValidationIssue,
} from "../../model/issues";

export { describeValue, formatIssue, isValidationError, type ValidationIssue } from "../../model/issues";

/**
 * A mistake in stack configuration or component arguments.
 *
 * It extends `pulumi.RunError`, so `pulumi up`/`preview` print only the message (no stack trace), and the offline
 * plan exits with code 2. The message lists every issue found, each naming the key, the bad value and what is
 * expected.
 */
export class ValidationError extends pulumi.RunError implements CarriesIssues {
    /** Marker that survives several copies of this module being loaded (see `isValidationError`). */
    public readonly cdpValidationError = true as const;

    constructor(
        public readonly subject: string,
        public readonly issues: readonly ValidationIssue[],
    ) {
        super(issuesMessage(subject, issues));
        this.name = "ValidationError";
    }
}

/** The issue collector of Pulumi programs and components: throws a `ValidationError`. */
export class IssueCollector extends ContractIssueCollector {
    protected override error(subject: string, issues: readonly ValidationIssue[]): Error {
        return new ValidationError(subject, issues);
    }
}
