import { CdpPolicy } from "../lib/policy";

/** Policies of this group (see policies/README.md for the coverage table). */
export const governanceLakePolicies: CdpPolicy[] = [];
