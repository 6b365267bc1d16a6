import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { Naming } from "../shared/naming";
import { dataStoreOptions } from "../shared/protection";
import { CLASSIFICATIONS, DEFAULT_ZONE_CLASSIFICATIONS, LAKE_ZONES } from "../../model/names";
import { type LakeFormation, LF_TAG_KEYS } from "../governance/lake-formation";
import { AccessLogBucket } from "./access-log-bucket";
import type { ObjectLockSpec } from "../../model/lifecycle";
import { DataLakeZone, type ZoneGrant } from "./data-lake-zone";
import type { ZoneLifecycle } from "../../model/lifecycle";

/** One zone of the lake as the `DataLake` builds it. */
export interface ZoneSpec {
    /** Zone name: `raw`, `processed`, `curated` or another 2-20 character lower-case name. */
    name: string;
    /**
     * Data classification: the zone's tag and database parameter and, with Lake Formation, its `classification`
     * LF-tag (then one of `CLASSIFICATIONS`).
     */
    classification: string;
    /**
     * Lifecycle override.
     * @default `DEFAULT_ZONE_LIFECYCLES[name]`, else `GENERIC_ZONE_LIFECYCLE`; with `objectLock`, without
     * `noncurrentExpirationDays` (see `DataLakeZoneArgs.lifecycle`)
     */
    lifecycle?: ZoneLifecycle;
    /**
     * Object Lock default retention for this zone.
     * @default none: no Object Lock
     */
    objectLock?: ObjectLockSpec;
    /**
     * Cross-account principals allowed into this zone.
     * @default none
     */
    grants?: ZoneGrant[];
    /**
     * Macie's service-linked role, admitted to the zone key for classification jobs (see
     * `DataLakeZoneArgs.macieServiceRoleArn`).
     * @default none
     */
    macieServiceRoleArn?: pulumi.Input<string>;
}

/** The medallion zones of the platform, raw → processed → curated. */
export const DEFAULT_ZONES: readonly ZoneSpec[] = LAKE_ZONES.map((name) => ({
    name,
    classification: DEFAULT_ZONE_CLASSIFICATIONS[name],
}));

export interface DataLakeArgs {
    /** Naming scope of the zone buckets (`<prefix>-<env>[-<scope>]-<zone>-<account>-<region>`) and Glue databases. */
    naming: Naming;
    /**
     * Zones to build, at least one; names must be unique.
     * @default `DEFAULT_ZONES`: raw, processed, curated with `DEFAULT_ZONE_CLASSIFICATIONS`
     */
    zones?: ZoneSpec[];
    /**
     * Days server access logs are kept; at least 90.
     * @default 365
     */
    accessLogRetentionDays?: number;
    /**
     * Protect buckets, keys and databases from deletion.
     * @default true
     */
    dataProtection?: boolean;
    /**
     * Lake Formation of the account: when given, each zone database gets the LF-tags `domain` (= `lfDomain`),
     * `classification` (= the zone's) and `zone` (= the zone's name), so access is granted by tag.
     * @default none: no LF-tags
     */
    lakeFormation?: LakeFormation;
    /**
     * Value of the `domain` LF-tag (with `lakeFormation`).
     * @default "platform"
     */
    lfDomain?: string;
}

/**
 * The data lake storage layer: one `DataLakeZone` per zone spec, the server access log bucket they log to, and one
 * Glue Data Catalog database per zone, located at the zone bucket.
 */
export class DataLake extends pulumi.ComponentResource {
    public readonly zones: Readonly<Record<string, DataLakeZone>>;
    public readonly databases: Readonly<Record<string, aws.glue.CatalogDatabase>>;
    public readonly accessLogs: AccessLogBucket;

    constructor(name: string, args: DataLakeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:storage:DataLake", name, {}, opts);
        const specs = args.zones ?? [...DEFAULT_ZONES];
        const issues = new IssueCollector();
        const seen = new Set<string>();
        specs.forEach((spec, i) => {
            if (seen.has(spec.name)) {
                issues.add(`DataLake(${name}).zones[${i}].name`, spec.name, "a zone name not used by another zone");
            }
            seen.add(spec.name);
            if (args.lakeFormation && !args.lakeFormation.zoneValues.includes(spec.name)) {
                issues.add(
                    `DataLake(${name}).zones[${i}].name`,
                    spec.name,
                    `one of the zone LF-tag values ${args.lakeFormation.zoneValues.join(", ")}`,
                );
            }
            if (args.lakeFormation && !(CLASSIFICATIONS as readonly string[]).includes(spec.classification)) {
                issues.add(
                    `DataLake(${name}).zones[${i}].classification`,
                    spec.classification,
                    `one of ${CLASSIFICATIONS.join(", ")} (the classification LF-tag values)`,
                );
            }
        });
        if (specs.length === 0) {
            issues.add(`DataLake(${name}).zones`, specs, "at least one zone");
        }
        issues.throwIfAny(`Invalid arguments for DataLake "${name}"`);

        const dataProtection = args.dataProtection ?? true;
        const ctx = awsContext(this);
        // Zone bucket names are known before the zones exist, so the log bucket can authorise exactly them.
        const zoneBucketNames = Object.fromEntries(
            specs.map((spec) => [
                spec.name,
                pulumi
                    .all([ctx.accountId, ctx.region])
                    .apply(([account, region]) => args.naming.bucket(spec.name, account, region)),
            ]),
        );
        this.accessLogs = new AccessLogBucket(
            `${name}-access-logs`,
            {
                naming: args.naming,
                sourceBucketArns: specs.map(
                    (spec) => pulumi.interpolate`arn:${ctx.partition}:s3:::${zoneBucketNames[spec.name]}`,
                ),
                retentionDays: args.accessLogRetentionDays,
                dataProtection,
            },
            { parent: this },
        );

        const zones: Record<string, DataLakeZone> = {};
        const databases: Record<string, aws.glue.CatalogDatabase> = {};
        for (const spec of specs) {
            const zone = new DataLakeZone(
                `${name}-${spec.name}`,
                {
                    zone: spec.name,
                    naming: args.naming,
                    bucketName: zoneBucketNames[spec.name],
                    accessLogBucketName: this.accessLogs.bucketName,
                    lifecycle: spec.lifecycle,
                    objectLock: spec.objectLock,
                    classification: spec.classification,
                    grants: spec.grants,
                    macieServiceRoleArn: spec.macieServiceRoleArn,
                    dataProtection,
                },
                { parent: this },
            );
            zones[spec.name] = zone;
            const database = new aws.glue.CatalogDatabase(
                `${name}-${spec.name}`,
                {
                    name: args.naming.name("glueDatabase", spec.name),
                    description: `${spec.name} zone of the ${args.naming.prefix}-${args.naming.environment} data lake`,
                    locationUri: pulumi.interpolate`s3://${zone.bucketName}/`,
                    // No implicit IAMAllowedPrincipals grant on new tables: access goes through Lake Formation.
                    createTableDefaultPermissions: [],
                    parameters: { "cdp:zone": spec.name, "cdp:classification": spec.classification },
                },
                // After the Lake Formation settings: a database created before them gets IAMAllowedPrincipals (the
                // provider omits the empty createTableDefaultPermissions above, so the settings are the real control).
                dataStoreOptions(dataProtection, {
                    parent: this,
                    dependsOn: args.lakeFormation ? args.lakeFormation.catalogDependencies : [],
                }),
            );
            databases[spec.name] = database;
            if (args.lakeFormation) {
                const lf = args.lakeFormation;
                new aws.lakeformation.ResourceLfTags(
                    `${name}-${spec.name}`,
                    {
                        database: { name: database.name },
                        lfTags: [
                            { key: LF_TAG_KEYS.domain, value: args.lfDomain ?? "platform" },
                            { key: LF_TAG_KEYS.classification, value: spec.classification },
                            { key: LF_TAG_KEYS.zone, value: spec.name },
                        ],
                    },
                    { parent: this, dependsOn: Object.values(lf.tags) },
                );
            }
        }
        this.zones = zones;
        this.databases = databases;
        this.registerOutputs({
            zones: Object.fromEntries(
                Object.entries(zones).map(([k, z]) => [k, { bucketArn: z.bucketArn, keyArn: z.keyArn }]),
            ),
            accessLogBucketName: this.accessLogs.bucketName,
        });
    }

    /** The zone named `name`, or a clear error naming the zones that exist. */
    zone(name: string): DataLakeZone {
        const zone = this.zones[name];
        if (!zone) {
            throw new Error(`DataLake has no zone "${name}"; zones are: ${Object.keys(this.zones).join(", ")}`);
        }
        return zone;
    }
}
