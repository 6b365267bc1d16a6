import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { asList } from "../lib/stack";
import { TYPES } from "../lib/types";

/** Inspector: the platform's compute is Lambda, so Inspector scans Lambda packages and Lambda code. */

interface EnablerProps {
    resourceTypes?: string[];
}

const inspectorLambda = definePolicy({
    name: "inspector-lambda-scanning",
    description:
        "Inspector v2 enablers (aws.inspector2.Enabler) scan Lambda functions: standard scanning (LAMBDA, FSBP Inspector.3) and code scanning (LAMBDA_CODE, FSBP Inspector.4).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Include "LAMBDA" and "LAMBDA_CODE" in the aws.inspector2.Enabler resourceTypes (or turn cdp:security.inspector off where the organisation manages Inspector centrally).',
    cdp: {
        concern: "governance",
        controls: ["FSBP Inspector.3", "FSBP Inspector.4"],
        inspects: [...TYPES.inspectorEnabler],
    },
    validateResource: onType(TYPES.inspectorEnabler, "Inspector enabler", (props: EnablerProps) => {
        const types = asList(props.resourceTypes);
        return ["LAMBDA", "LAMBDA_CODE"]
            .filter((t) => !types.includes(t))
            .map((t) => `resourceTypes does not include ${t}`);
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const inspectorPolicies: CdpPolicy[] = [inspectorLambda];
