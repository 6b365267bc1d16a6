import * as aws from "@pulumi/aws";
import { KmsKey } from "../../components/shared/kms";
import { Naming } from "../../components/shared/naming";
import { LakeFormation } from "../../components/governance/lake-formation";
import { DataLake } from "../../components/storage/data-lake";

/**
 * Building blocks for policy-case programs. Compliant cases must trigger no policy at all, so they build on these
 * (a provider with the required default tags, platform components) instead of bare resources.
 */
export const naming = new Naming("pol", "test");

/** A provider pinned to one account with the platform's required default tags. */
export function provider(name = "aws-policy-test"): aws.Provider {
    return new aws.Provider(name, {
        region: "eu-west-1",
        allowedAccountIds: ["123456789012"],
        defaultTags: { tags: { Project: "policy-test", Environment: "test", Owner: "platform", CostCenter: "CC-1" } },
    });
}

/** A compliant customer-managed key. */
export function key(p: aws.Provider, name = "cmk"): KmsKey {
    return new KmsKey(
        name,
        { description: "policy test", alias: naming.name("kmsAlias", name), dataProtection: false },
        { provider: p },
    );
}

/** A compliant data lake (Lake Formation settings and LF-tags, zones, access-log bucket, tagged catalog databases). */
export function lake(p: aws.Provider): DataLake {
    const lakeFormation = new LakeFormation(
        "lf",
        { adminRoleArns: ["arn:aws:iam::123456789012:role/lf-admin"], domains: [] },
        { provider: p },
    );
    return new DataLake("lake", { naming, dataProtection: false, lakeFormation }, { provider: p });
}

/** A policy-case program: builds resources on the given provider. */
export type CaseProgram = (p: aws.Provider) => void;

/** One violating and one compliant program for a policy. */
export interface PolicyCase {
    /** Policy name (must exist in the pack). */
    policy: string;
    /** What the case shows, for the test title. */
    title: string;
    /** Must make `policy` fire (and it is enough that it fires). */
    violating: CaseProgram;
    /** Must make no policy of the pack fire. */
    compliant: CaseProgram;
}
