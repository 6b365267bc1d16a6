import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { AUDIT_METRIC_FILTERS } from "../components/governance/audit-trail";
import { ATHENA_ENGINE_VERSION } from "../components/governance/query-workgroup";
import { IssueCollector } from "../components/shared/errors";
import { Reader } from "../programs/config-reader";
import { parseSecurity } from "../programs/security-config";
import type { PlanDocument } from "../tools/plan/document";
import * as aws from "@pulumi/aws";
import { SecurityServices } from "../components/baseline/security-services";
import { AuditTrail } from "../components/governance/audit-trail";
import { QueryWorkgroup } from "../components/governance/query-workgroup";
import { Naming } from "../components/shared/naming";
import { descendants, ofType, type PlanResource, planProgram, planStack, policyOf, resource } from "./helpers/plan";

const T = {
    trail: "aws:cloudtrail/trail:Trail",
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    detector: "aws:guardduty/detector:Detector",
    feature: "aws:guardduty/detectorFeature:DetectorFeature",
    hub: "aws:securityhub/account:Account",
    standard: "aws:securityhub/standardsSubscription:StandardsSubscription",
    inspector: "aws:inspector2/enabler:Enabler",
    analyzer: "aws:accessanalyzer/analyzer:Analyzer",
    macie: "aws:macie2/account:Account",
    macieJob: "aws:macie2/classificationJob:ClassificationJob",
    workgroup: "aws:athena/workgroup:Workgroup",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
} as const;

const SECURITY_SERVICE_TYPES = [T.detector, T.feature, T.hub, T.standard, T.inspector, T.analyzer, T.macie, T.macieJob];

/** The KMS key of the component named `component` (its `KmsKey` child). */
function keyOf(doc: PlanDocument, component: string): PlanResource {
    return resource(doc, T.key, `${component}-key`);
}

const out = (r: PlanResource, k: string) => (r.outputs as Record<string, any>)[k];

describe("audit and security services (plan)", () => {
    let prod: PlanDocument;
    let dev: PlanDocument;
    before(async () => {
        prod = await planStack("prod");
        dev = await planStack("dev");
    });

    describe("audit trail", () => {
        it("is multi-region with log-file validation, encrypted with its own CMK, which also encrypts its bucket", () => {
            for (const doc of [prod, dev]) {
                const trails = ofType(doc, T.trail);
                expect(trails).to.have.length(1);
                const trail = trails[0];
                const key = keyOf(doc, "audit-trail");
                expect(trail.account).to.equal(key.account);
                expect(trail.inputs.isMultiRegionTrail).to.equal(true);
                expect(trail.inputs.includeGlobalServiceEvents).to.equal(true);
                expect(trail.inputs.enableLogFileValidation).to.equal(true);
                expect(trail.inputs.kmsKeyId).to.equal(out(key, "arn"));
                const sse = resource(doc, T.sse, "audit-trail");
                expect((sse.inputs.rules as any[])[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(
                    out(key, "arn"),
                );
                expect(trail.inputs.s3BucketName).to.equal(out(resource(doc, T.bucket, "audit-trail"), "bucket"));
            }
        });

        it("admits CloudTrail to its key and bucket for this trail only (aws:SourceArn), per the CloudTrail pages", () => {
            const trail = ofType(prod, T.trail)[0];
            const trailArn = `arn:aws:cloudtrail:eu-west-1:${trail.account}:trail/${trail.inputs.name}`;
            const keyPolicy = policyOf(keyOf(prod, "audit-trail"));
            const encrypt = keyPolicy.Statement.find((s) => s.Sid === "AllowCloudTrailToEncryptLogs")!;
            expect(encrypt.Principal).to.deep.equal({ Service: "cloudtrail.amazonaws.com" });
            expect(encrypt.Condition.StringEquals["aws:SourceArn"]).to.equal(trailArn);
            expect(encrypt.Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"]).to.equal(
                `arn:aws:cloudtrail:*:${trail.account}:trail/*`,
            );
            const bucketPolicy = policyOf(resource(prod, T.bucketPolicy, "audit-trail"));
            const write = bucketPolicy.Statement.find((s) => s.Sid === "AWSCloudTrailWrite")!;
            expect(write.Condition.StringEquals).to.deep.equal({
                "s3:x-amz-acl": "bucket-owner-full-control",
                "aws:SourceArn": trailArn,
            });
            const acl = bucketPolicy.Statement.find((s) => s.Sid === "AWSCloudTrailAclCheck")!;
            expect(acl.Condition.StringEquals["aws:SourceArn"]).to.equal(trailArn);
        });

        it("keeps prod log files write-once (Object Lock from cdp:security.trailObjectLock) and expires them late", () => {
            const lock = resource(
                prod,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                "audit-trail",
            );
            expect(lock.inputs.rule).to.deep.equal({ defaultRetention: { mode: "GOVERNANCE", days: 365 } });
            const rule = (resource(prod, T.lifecycle, "audit-trail").inputs.rules as any[])[0];
            expect(rule.expiration.days).to.equal(2557);
            expect(rule.noncurrentVersionExpiration).to.equal(undefined);
            expect(
                ofType(dev, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").map((r) => r.name),
            ).to.not.include("audit-trail");
            expect((ofType(prod, T.workgroup)[0].inputs.configuration as any).bytesScannedCutoffPerQuery).to.equal(
                50 * 1024 ** 3,
            );
        });

        it("records object-level events of exactly the three zone buckets, and all management events", () => {
            for (const doc of [prod, dev]) {
                const selectors = ofType(doc, T.trail)[0].inputs.advancedEventSelectors as any[];
                const management = selectors.find((s) =>
                    s.fieldSelectors.some((f: any) => f.field === "eventCategory" && f.equals[0] === "Management"),
                );
                expect(management.fieldSelectors).to.have.length(1);
                const data = selectors.find((s) =>
                    s.fieldSelectors.some((f: any) => f.field === "eventCategory" && f.equals[0] === "Data"),
                );
                const arns = data.fieldSelectors.find((f: any) => f.field === "resources.ARN").startsWiths;
                const zones = ["raw", "processed", "curated"].map(
                    (z) => `${out(resource(doc, T.bucket, `lake-${z}`), "arn")}/`,
                );
                expect([...arns].sort()).to.deep.equal([...zones].sort());
            }
        });

        it("becomes the organisation's trail with organizationTrail (owned by the management account)", async () => {
            const doc = await planStack("dev", {
                "cdp:security": JSON.stringify({
                    organizationTrail: { organizationId: "o-abcdefghij", managementAccountId: "999988887777" },
                }),
            });
            const trail = ofType(doc, T.trail)[0];
            expect(trail.inputs.isOrganizationTrail).to.equal(true);
            const trailArn = `arn:aws:cloudtrail:eu-west-1:999988887777:trail/${trail.inputs.name}`;
            const write = policyOf(resource(doc, T.bucketPolicy, "audit-trail")).Statement.find(
                (s) => s.Sid === "AWSCloudTrailWrite",
            )!;
            expect(write.Condition.StringEquals["aws:SourceArn"]).to.equal(trailArn);
            const bucketArn = out(resource(doc, T.bucket, "audit-trail"), "arn");
            expect(write.Resource).to.deep.equal([
                `${bucketArn}/AWSLogs/${trail.account}/*`,
                `${bucketArn}/AWSLogs/o-abcdefghij/*`,
            ]);
            const encrypt = policyOf(keyOf(doc, "audit-trail")).Statement.find(
                (s) => s.Sid === "AllowCloudTrailToEncryptLogs",
            )!;
            expect(encrypt.Condition.StringEquals["aws:SourceArn"]).to.equal(trailArn);
        });

        it("delivers to an encrypted log group through a role that may only create streams and put events there", () => {
            const group = resource(prod, T.logGroup, "audit-trail-logs");
            expect(group.inputs.kmsKeyId).to.equal(out(keyOf(prod, "audit-trail"), "arn"));
            const trail = ofType(prod, T.trail)[0];
            expect(trail.inputs.cloudWatchLogsGroupArn).to.equal(`${out(group, "arn")}:*`);
            const statements = policyOf(resource(prod, T.rolePolicy, "audit-trail-cloudwatch")).Statement;
            expect(statements.flatMap((s) => [s.Action].flat()).sort()).to.deep.equal([
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ]);
            for (const s of statements) expect(s.Resource).to.equal(`${out(group, "arn")}:log-stream:*`);
        });

        it("has a metric filter and an alarm to the governance alarm topic for each CIS-style event", () => {
            const topic = resource(prod, T.topic, "governance-alarms");
            for (const id of Object.keys(AUDIT_METRIC_FILTERS)) {
                const filter = resource(prod, T.filter, `audit-trail-${id}`);
                expect(filter.inputs.logGroupName).to.equal(
                    out(resource(prod, T.logGroup, "audit-trail-logs"), "name"),
                );
                const alarm = resource(prod, T.alarm, `audit-trail-${id}`);
                expect(alarm.inputs.metricName).to.equal((filter.inputs.metricTransformation as any).name);
                expect(alarm.inputs.alarmActions).to.deep.equal([out(topic, "arn")]);
            }
            const lf = resource(prod, T.filter, "audit-trail-lake-formation-permission-changes").inputs
                .pattern as string;
            for (const call of [
                "GrantPermissions",
                "RevokePermissions",
                "BatchGrantPermissions",
                "BatchRevokePermissions",
                "PutDataLakeSettings",
            ])
                expect(lf).to.include(`$.eventName = ${call})`);
        });
    });

    describe("security services", () => {
        it("run in every account of the stack by default, each once, with GuardDuty's S3 and Lambda features", () => {
            for (const doc of [prod, dev]) {
                const accounts = new Set(doc.resources.filter((r) => r.custom && r.account).map((r) => r.account));
                for (const type of [T.detector, T.hub, T.standard, T.inspector, T.macie]) {
                    expect(
                        ofType(doc, type)
                            .map((r) => r.account)
                            .sort(),
                        type,
                    ).to.deep.equal([...accounts].sort());
                }
                expect(ofType(doc, T.analyzer)).to.have.length(2 * accounts.size);
                for (const detector of ofType(doc, T.detector)) {
                    const features = ofType(doc, T.feature).filter((f) => f.account === detector.account);
                    expect(features.map((f) => f.inputs.name).sort()).to.deep.equal([
                        "LAMBDA_NETWORK_LOGS",
                        "S3_DATA_EVENTS",
                    ]);
                }
                for (const standard of ofType(doc, T.standard)) {
                    expect(standard.inputs.standardsArn).to.match(
                        /:securityhub:eu-west-1::standards\/aws-foundational-security-best-practices\/v\/1\.0\.0$/,
                    );
                    const hub = ofType(doc, T.hub).find((h) => h.account === standard.account)!;
                    expect(standard.dependencies).to.include(hub.urn);
                }
                for (const inspector of ofType(doc, T.inspector))
                    expect(inspector.inputs.resourceTypes).to.deep.equal(["LAMBDA", "LAMBDA_CODE"]);
            }
        });

        it("scan the raw and curated zones with Macie, whose role the zone keys admit via S3 only", () => {
            const job = ofType(prod, T.macieJob);
            expect(job).to.have.length(1);
            const buckets = (job[0].inputs.s3JobDefinition as any).bucketDefinitions[0].buckets;
            expect(buckets).to.deep.equal(
                ["raw", "curated"].map((z) => out(resource(prod, T.bucket, `lake-${z}`), "bucket")),
            );
            const macie = ofType(prod, T.macie).find((m) => m.account === job[0].account)!;
            expect(job[0].dependencies).to.include(macie.urn);
            for (const zone of ["raw", "processed", "curated"]) {
                const key = keyOf(prod, `lake-${zone}`);
                const statement = policyOf(key).Statement.find((s) => s.Sid === "MacieServiceLinkedRoleDecryptViaS3");
                if (zone === "processed") {
                    expect(statement, zone).to.equal(undefined);
                    continue;
                }
                expect(statement!.Principal.AWS).to.equal(
                    `arn:aws:iam::${key.account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`,
                );
                expect(statement!.Action).to.equal("kms:Decrypt");
                expect(statement!.Condition.StringEquals["kms:ViaService"]).to.equal("s3.eu-west-1.amazonaws.com");
                // KMS rejects a policy naming a role that does not exist yet: the key waits for Macie.
                expect(key.dependencies).to.include(macie.urn);
                expect(job[0].dependencies).to.include(key.urn);
            }
        });

        it("are each removed by their switch (an organisation that manages them centrally)", async () => {
            const off = await planStack("dev", {
                "cdp:security": JSON.stringify({
                    guardDuty: false,
                    securityHub: false,
                    inspector: false,
                    accessAnalyzer: false,
                    macie: false,
                    trail: false,
                }),
            });
            for (const type of [...SECURITY_SERVICE_TYPES, T.trail, T.filter])
                expect(ofType(off, type), type).to.deep.equal([]);
            for (const zone of ["raw", "curated"])
                expect(JSON.stringify(policyOf(keyOf(off, `lake-${zone}`)))).to.not.include("Macie");
            // The Athena workgroup is the governance plane's own, not a switchable account service.
            expect(ofType(off, T.workgroup)).to.have.length(1);
            const unusedOff = await planStack("dev", { "cdp:security": JSON.stringify({ unusedAccessAgeDays: 0 }) });
            expect(ofType(unusedOff, T.analyzer).map((a) => a.inputs.type)).to.deep.equal(["ACCOUNT"]);
        });
    });

    describe("Athena workgroup", () => {
        it("enforces its configuration, encrypts results with its CMK into an expiring bucket, caps bytes scanned", async () => {
            const doc = await planStack("dev", {
                "cdp:security": JSON.stringify({ athenaBytesScannedCutoff: 50_000_000, athenaResultRetentionDays: 7 }),
            });
            const wg = ofType(doc, T.workgroup)[0];
            const config = wg.inputs.configuration as any;
            expect(config.enforceWorkgroupConfiguration).to.equal(true);
            expect(config.publishCloudwatchMetricsEnabled).to.equal(true);
            expect(config.bytesScannedCutoffPerQuery).to.equal(50_000_000);
            expect(config.engineVersion.selectedEngineVersion).to.equal(ATHENA_ENGINE_VERSION);
            const key = keyOf(doc, "governance-queries");
            expect(config.resultConfiguration.encryptionConfiguration).to.deep.equal({
                encryptionOption: "SSE_KMS",
                kmsKeyArn: out(key, "arn"),
            });
            const bucket = resource(doc, T.bucket, "governance-queries");
            expect(config.resultConfiguration.outputLocation).to.equal(`s3://${out(bucket, "bucket")}/results/`);
            const rule = (resource(doc, T.lifecycle, "governance-queries").inputs.rules as any[])[0];
            expect(rule.expiration.days).to.equal(7);
        });
    });

    describe("dashboards", () => {
        it("give each program with alarms or metrics one dashboard showing them (the audit alarms in governance)", () => {
            for (const doc of [prod, dev]) {
                const dashboards = ofType(doc, T.dashboard);
                expect(dashboards.map((d) => d.name).sort()).to.include.members(["governance-health", "hub-health"]);
                for (const d of dashboards) {
                    const program = doc.resources.find((r) => r.urn === d.parent)!;
                    expect(program.type).to.match(/^cdp:programs:/);
                    const alarmArns = descendants(doc, program.urn)
                        .filter((r) => r.type === T.alarm)
                        .map((a) => out(a, "arn"));
                    const body = JSON.parse(d.inputs.dashboardBody as string);
                    const shown = body.widgets
                        .filter((w: any) => w.type === "alarm")
                        .flatMap((w: any) => w.properties.alarms);
                    expect([...shown].sort(), d.name).to.deep.equal([...alarmArns].sort());
                }
                const governance = JSON.parse(
                    resource(doc, T.dashboard, "governance-health").inputs.dashboardBody as string,
                );
                const governanceAlarms = governance.widgets
                    .filter((w: any) => w.type === "alarm")
                    .flatMap((w: any) => w.properties.alarms);
                expect(governanceAlarms.length).to.be.at.least(Object.keys(AUDIT_METRIC_FILTERS).length);
            }
        });
    });
});

describe("audit and security components reject bad arguments, naming each", () => {
    it("AuditTrail, QueryWorkgroup and SecurityServices", async () => {
        const naming = new Naming("cdp", "test");
        const provider = () => new aws.Provider("aws-test", { region: "eu-west-1" });
        const doc = await planProgram(() => {
            const p = provider();
            try {
                new AuditTrail(
                    "trail",
                    {
                        naming,
                        accessLogBucketName: "logs",
                        dataEventBuckets: [],
                        alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
                        logRetentionDays: 365,
                        retentionDays: 100,
                        objectLock: { mode: "GOVERNANCE", days: 200 },
                    },
                    { provider: p },
                );
            } catch (e) {
                void pulumi.log.error(String(e));
            }
            try {
                new QueryWorkgroup(
                    "queries",
                    { naming, accessLogBucketName: "logs", bytesScannedCutoffPerQuery: 5 },
                    { provider: p },
                );
            } catch (e) {
                void pulumi.log.error(String(e));
            }
            try {
                new SecurityServices("security", { naming, unusedAccessAgeDays: 400 }, { provider: p });
            } catch (e) {
                void pulumi.log.error(String(e));
            }
        });
        const errors = doc.errors.join("\n");
        expect(errors).to.match(/AuditTrail\(trail\)\.retentionDays: got 100/);
        expect(errors).to.match(/AuditTrail\(trail\)\.objectLock\.days: got 200/);
        expect(errors).to.match(/QueryWorkgroup\(queries\)\.bytesScannedCutoffPerQuery: got 5/);
        expect(errors).to.match(/SecurityServices\(security\)\.unusedAccessAgeDays: got 400/);
    });
});

describe("cdp:security config", () => {
    const parse = (raw: unknown) => {
        const issues = new IssueCollector();
        const config = parseSecurity(new Reader(issues), raw);
        return { config, issues: issues.issues.map((i) => `${i.key}: ${i.expected}`) };
    };

    it("turns every service on by default", () => {
        const { config, issues } = parse(undefined);
        expect(issues).to.deep.equal([]);
        for (const k of ["guardDuty", "securityHub", "inspector", "accessAnalyzer", "macie", "trail"] as const)
            expect(config[k], k).to.equal(true);
    });

    it("names the key, the value and the expectation of each bad setting", () => {
        const { issues } = parse({
            guardDuty: "maybe",
            athenaBytesScannedCutoff: 5,
            trailRetentionDays: 30,
            organizationTrail: { organizationId: "org-1", managementAccountId: 1234 },
            nope: true,
        });
        expect(issues.join("\n")).to.include("cdp:security.guardDuty: true or false");
        expect(issues.join("\n")).to.include(
            "cdp:security.athenaBytesScannedCutoff: a whole number of bytes ≥ 10000000",
        );
        expect(issues.join("\n")).to.include("cdp:security.trailRetentionDays");
        expect(issues.join("\n")).to.include("cdp:security.organizationTrail.organizationId");
        expect(issues.join("\n")).to.include("cdp:security.organizationTrail.managementAccountId");
        expect(issues.join("\n")).to.include("cdp:security.nope: no such setting");
    });
});
