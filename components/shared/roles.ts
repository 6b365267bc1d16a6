import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type PolicyCondition, policyJson, type PolicyStatement } from "./iam";

export interface ServiceRoleSpec {
    /** Service principal that assumes the role, e.g. `lambda.amazonaws.com`. */
    service: string;
    /** Only this account's use of the service may assume it (confused-deputy guard). */
    accountId: pulumi.Input<string>;
    /** What the role is for; shown in the console. */
    description: pulumi.Input<string>;
    /** Exactly what the role may do. */
    statements: PolicyStatement[];
    /**
     * Extra trust conditions, e.g. `aws:SourceArn`.
     * @default none: only the `aws:SourceAccount` condition
     */
    trustCondition?: PolicyCondition;
}

/** A role a service assumes for this account only, with an inline policy of exactly the given statements. */
export function serviceRole(
    name: string,
    parent: pulumi.Resource,
    spec: ServiceRoleSpec,
): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
        name,
        {
            description: spec.description,
            assumeRolePolicy: policyJson([
                {
                    Effect: "Allow",
                    Principal: { Service: spec.service },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": spec.accountId },
                        ...(spec.trustCondition ?? {}),
                    },
                },
            ]),
        },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(name, { role: role.id, policy: policyJson(spec.statements) }, { parent });
    return { role, policy };
}
