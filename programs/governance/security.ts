import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import type { SecurityServices } from "../../components/baseline/security-services";
import { AUDIT_TRAIL_BUCKET, AuditTrail } from "../../components/governance/audit-trail";
import { ATHENA_RESULTS_BUCKET, QueryWorkgroup } from "../../components/governance/query-workgroup";
import { awsContext } from "../../components/shared/context";
import type { Naming } from "../../components/shared/naming";
import { AccessLogBucket } from "../../components/storage/access-log-bucket";
import type { DataLake } from "../../components/storage/data-lake";
import type { PlatformConfig } from "../config";

/** The governance account's audit and query resources (`governanceAudit`). */
export interface GovernanceAudit {
    /** The platform's CloudTrail trail (`cdp:security.trail`). */
    readonly trail?: AuditTrail;
    /** The Athena workgroup for governance and discovery queries. */
    readonly workgroup: QueryWorkgroup;
    /** Server access logs of the trail and query-results buckets. */
    readonly accessLogs: AccessLogBucket;
    /** Macie's classification job over the raw and curated zones (when Macie is on). */
    readonly macieJob?: aws.macie2.ClassificationJob;
}

/**
 * The governance plane's audit, monitoring and query resources, built in the governance program after its lake: the
 * audit trail (data events on every zone), the Athena workgroup, the access-log bucket of both, and the Macie
 * classification job over the raw and curated zones (the zone keys admit Macie: see `macieZones`).
 */
export function governanceAudit(args: {
    config: PlatformConfig;
    naming: Naming;
    parent: pulumi.Resource;
    lake: DataLake;
    alarmTopicArn: pulumi.Input<string>;
    security?: SecurityServices;
}): GovernanceAudit {
    const { config, naming, parent, lake } = args;
    const security = config.security;
    const ctx = awsContext(parent);
    const audit = naming.child("audit");
    const bucketArn = (purpose: string) =>
        pulumi
            .all([ctx.partition, ctx.accountId, ctx.region])
            .apply(([p, account, region]) => `arn:${p}:s3:::${naming.bucket(purpose, account, region)}`);
    const accessLogs = new AccessLogBucket(
        "audit-access-logs",
        {
            naming: audit,
            sourceBucketArns: [
                ...(security.trail ? [bucketArn(AUDIT_TRAIL_BUCKET)] : []),
                bucketArn(ATHENA_RESULTS_BUCKET),
            ],
            retentionDays: 365,
            dataProtection: config.dataProtection,
        },
        { parent },
    );
    const trail = security.trail
        ? new AuditTrail(
              "audit-trail",
              {
                  naming,
                  accessLogBucketName: accessLogs.bucketName,
                  dataEventBuckets: Object.entries(lake.zones).map(([name, zone]) => ({ name, arn: zone.bucketArn })),
                  alarmTopicArn: args.alarmTopicArn,
                  logRetentionDays: config.logRetentionDays,
                  retentionDays: security.trailRetentionDays,
                  objectLock: security.trailObjectLock,
                  organization: security.organizationTrail,
                  dataProtection: config.dataProtection,
              },
              { parent },
          )
        : undefined;
    const workgroup = new QueryWorkgroup(
        "governance-queries",
        {
            naming,
            accessLogBucketName: accessLogs.bucketName,
            bytesScannedCutoffPerQuery: security.athenaBytesScannedCutoff,
            resultRetentionDays: security.athenaResultRetentionDays,
            dataProtection: config.dataProtection,
        },
        { parent },
    );
    const macieJob = args.security?.macieClassificationJob("macie-zones", {
        description: "Sensitive data discovery over the raw and curated zones of the data lake",
        bucketNames: MACIE_ZONES.map((z) => lake.zone(z).bucketName),
        dependsOn: MACIE_ZONES.map((z) => lake.zone(z).kmsKey.key),
    });
    return { trail, workgroup, accessLogs, macieJob };
}

/** The zones Macie's classification job scans (their keys admit Macie's service-linked role). */
export const MACIE_ZONES: readonly string[] = ["raw", "curated"];
