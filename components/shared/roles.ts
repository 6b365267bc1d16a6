import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "./errors";
import { type PolicyCondition, policyJson, type PolicyStatement } from "./iam";

/**
 * What a service's documented trust policy pins when the service assumes a role (the confused-deputy guard):
 * - `sourceAccount`: the service sends `aws:SourceAccount` (and `aws:SourceArn`) when it assumes the role;
 * - `externalIdAccount`: the service passes the resource owner's account id as `sts:ExternalId`;
 * - `passRole`: the documented trust names the service principal only. The service does not document sending
 *   `aws:SourceAccount`, and a condition on a key the service does not send denies every AssumeRole; the guard is
 *   `iam:PassRole`, which only principals of the role's own account can be given, so no other account can make the
 *   service use the role.
 */
export type TrustGuard = "sourceAccount" | "externalIdAccount" | "passRole";

export interface ServiceTrust {
    readonly guard: TrustGuard;
    /** The service documents `aws:SourceArn` in the trust policy (pass the resource ARN as `trustCondition`). */
    readonly sourceArn: boolean;
    /** The AWS page that shows the trust policy. */
    readonly doc: string;
}

/**
 * The trust policy of each service the platform creates roles for, as its documentation shows it. A role for a service
 * not listed here is refused: add the service with the page that documents its trust policy.
 */
export const SERVICE_TRUST: Readonly<Record<string, ServiceTrust>> = {
    "lambda.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
    },
    "apigateway.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    },
    "dax.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.access-control.html",
    },
    "entityresolution.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/entityresolution/latest/userguide/create-workflow-job-role.html",
    },
    "lakeformation.amazonaws.com": {
        guard: "passRole",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/lake-formation/latest/dg/registration-role.html",
    },
    // "Allow Firehose to assume an IAM role": sts:ExternalId is the account id, "so that only you can request
    // Firehose to assume the role".
    "firehose.amazonaws.com": {
        guard: "externalIdAccount",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role",
    },
    "transfer.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/transfer/latest/userguide/confused-deputy.html",
    },
    // aws:SourceArn is the schedule group's ARN, never a schedule's.
    "scheduler.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: true,
        doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
    },
    // EventBridge rule targets: aws:SourceAccount kept as it was; not among the services the issue-10 review checked
    // against their pages.
    "events.amazonaws.com": {
        guard: "sourceAccount",
        sourceArn: false,
        doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    },
};

export interface ServiceRoleSpec {
    /** Service principal that assumes the role, e.g. `lambda.amazonaws.com` (one of `SERVICE_TRUST`). */
    service: string;
    /** The account whose use of the service may assume it (`aws:SourceAccount` or `sts:ExternalId`, per service). */
    accountId: pulumi.Input<string>;
    /** What the role is for; shown in the console. */
    description: pulumi.Input<string>;
    /** Exactly what the role may do. */
    statements: PolicyStatement[];
    /**
     * `aws:SourceArn` condition, for services that document it (`SERVICE_TRUST[service].sourceArn`).
     * @default none: only the service's account guard
     */
    trustCondition?: PolicyCondition;
    /**
     * IAM path of the role (policies can confine a grant to a path with `aws:PrincipalArn`).
     * @default "/"
     */
    path?: string;
}

/** The trust-policy condition `service`'s documentation shows (throws for a service without a documented entry). */
export function serviceTrustCondition(
    role: string,
    spec: Pick<ServiceRoleSpec, "service" | "accountId" | "trustCondition">,
): PolicyCondition | undefined {
    const trust = SERVICE_TRUST[spec.service];
    if (!trust) {
        throw new ValidationError(`Invalid service role "${role}"`, [
            {
                key: `serviceRole(${role}).service`,
                value: spec.service,
                expected: `a service with a documented trust policy in SERVICE_TRUST (${Object.keys(SERVICE_TRUST).join(", ")})`,
            },
        ]);
    }
    if (spec.trustCondition && !trust.sourceArn) {
        throw new ValidationError(`Invalid service role "${role}"`, [
            {
                key: `serviceRole(${role}).trustCondition`,
                value: spec.trustCondition,
                expected: `none: ${spec.service} documents no aws:SourceArn in its trust policy (${trust.doc})`,
            },
        ]);
    }
    const guard: PolicyCondition =
        trust.guard === "sourceAccount"
            ? { StringEquals: { "aws:SourceAccount": spec.accountId } }
            : trust.guard === "externalIdAccount"
              ? { StringEquals: { "sts:ExternalId": spec.accountId } }
              : {};
    const condition = { ...guard, ...(spec.trustCondition ?? {}) };
    return Object.keys(condition).length > 0 ? condition : undefined;
}

/**
 * A role a service assumes for this account only, with the trust its documentation shows (`SERVICE_TRUST`) and an
 * inline policy of exactly the given statements.
 */
export function serviceRole(
    name: string,
    parent: pulumi.Resource,
    spec: ServiceRoleSpec,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const condition = serviceTrustCondition(name, spec);
    const role = new aws.iam.Role(
        name,
        {
            description: spec.description,
            ...(spec.path ? { path: spec.path } : {}),
            assumeRolePolicy: policyJson([
                {
                    Effect: "Allow",
                    Principal: { Service: spec.service },
                    Action: "sts:AssumeRole",
                    ...(condition ? { Condition: condition } : {}),
                },
            ]),
        },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(name, { role: role.id, policy: policyJson(spec.statements) }, { parent });
    return { role, policy };
}
