import { type CdpPolicy, definePolicy, onType } from "../lib/policy";
import { TYPES } from "../lib/types";

/** Macie: accounts the platform enables Macie in keep it running. */

interface AccountProps {
    status?: string;
}

const macieEnabled = definePolicy({
    name: "macie-enabled",
    description:
        "Macie accounts (aws.macie2.Account) are enabled, not paused (FSBP Macie.1): a paused Macie runs no sensitive data discovery over the zones.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set status "ENABLED" (the default) on the aws.macie2.Account, or turn cdp:security.macie off where the organisation\'s Macie administrator manages the account.',
    cdp: { concern: "governance", controls: ["FSBP Macie.1"], inspects: [...TYPES.macieAccount] },
    validateResource: onType(TYPES.macieAccount, "Macie account", (props: AccountProps) =>
        props.status !== undefined && props.status !== "ENABLED" ? [`status is ${props.status}, not ENABLED`] : [],
    ),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const maciePolicies: CdpPolicy[] = [macieEnabled];
