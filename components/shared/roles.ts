import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "./errors";
import { type PolicyCondition, policyJson, type PolicyStatement } from "./iam";
import { SERVICE_TRUST } from "../../model/service-trust";

export { SERVICE_TRUST, type ServiceTrust, type TrustGuard } from "../../model/service-trust";

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
     * Physical role name, for services that name resources after the role (Glue crawler log groups).
     * @default generated from the resource name
     */
    roleName?: string;
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
            ...(spec.roleName ? { name: spec.roleName } : {}),
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
