import * as aws from "@pulumi/aws";
import { key, type PolicyCase } from "./kit";

/** Cases of the Athena rules (rules/athena.ts). */

type WorkgroupFlaw = "sse-s3" | "no-key" | "not-enforced" | "no-configuration" | "no-cutoff" | "no-metrics";

function athenaWorkgroup(p: aws.Provider, flaw?: WorkgroupFlaw): void {
    const cmk = key(p);
    new aws.athena.Workgroup(
        "analysts",
        {
            name: "pol-test-analysts",
            forceDestroy: true,
            configuration:
                flaw === "no-configuration"
                    ? undefined
                    : {
                          enforceWorkgroupConfiguration: flaw !== "not-enforced",
                          publishCloudwatchMetricsEnabled: flaw !== "no-metrics",
                          bytesScannedCutoffPerQuery: flaw === "no-cutoff" ? undefined : 1_000_000_000,
                          resultConfiguration: {
                              outputLocation: "s3://pol-test-athena-results-123456789012-eu-west-1/analysts/",
                              encryptionConfiguration:
                                  flaw === "sse-s3"
                                      ? { encryptionOption: "SSE_S3" }
                                      : {
                                            encryptionOption: "SSE_KMS",
                                            kmsKeyArn: flaw === "no-key" ? undefined : cmk.keyArn,
                                        },
                          },
                      },
        },
        { provider: p },
    );
}

/** A workgroup with Athena-managed query results under a CMK (no S3 output location). */
function athenaManagedResultsWorkgroup(p: aws.Provider): void {
    const cmk = key(p);
    new aws.athena.Workgroup(
        "managed",
        {
            name: "pol-test-managed",
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: 1_000_000_000,
                managedQueryResultsConfiguration: { enabled: true, encryptionConfiguration: { kmsKey: cmk.keyArn } },
            },
        },
        { provider: p },
    );
}

export const cases: PolicyCase[] = [
    // athena-workgroup-limits
    {
        policy: "athena-workgroup-limits",
        title: "no bytes-scanned cutoff per query",
        violating: (p) => athenaWorkgroup(p, "no-cutoff"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-limits",
        title: "CloudWatch metrics not published",
        violating: (p) => athenaWorkgroup(p, "no-metrics"),
        compliant: (p) => athenaWorkgroup(p),
    },
    // athena-workgroup-encrypted
    {
        policy: "athena-workgroup-encrypted",
        title: "query results encrypted with SSE_S3",
        violating: (p) => athenaWorkgroup(p, "sse-s3"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "SSE_KMS results without a key",
        violating: (p) => athenaWorkgroup(p, "no-key"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "workgroup configuration not enforced",
        violating: (p) => athenaWorkgroup(p, "not-enforced"),
        compliant: (p) => athenaWorkgroup(p),
    },
    {
        policy: "athena-workgroup-encrypted",
        title: "workgroup without configuration",
        violating: (p) => athenaWorkgroup(p, "no-configuration"),
        compliant: athenaManagedResultsWorkgroup,
    },
];
