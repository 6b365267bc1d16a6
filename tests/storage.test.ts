import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { Naming } from "../components/shared/naming";
import { DataLake } from "../components/storage/data-lake";
import { DataLakeZone, type DataLakeZoneArgs } from "../components/storage/data-lake-zone";
import { descendants, ofType, planProgram, policyOf, resource } from "./helpers/plan";

const naming = new Naming("cdp", "test");
const provider = () => new aws.Provider("aws-test", { region: "eu-central-1", allowedAccountIds: ["123456789012"] });

function planLake(dataProtection: boolean, zones?: ConstructorParameters<typeof DataLake>[1]["zones"]) {
    return planProgram(() => {
        new DataLake("lake", { naming, dataProtection, zones }, { provider: provider() });
    });
}

function planZone(args: Partial<DataLakeZoneArgs>, extra?: (zone: DataLakeZone) => void) {
    return planProgram(() => {
        const zone = new DataLakeZone(
            "zone",
            { zone: "raw", naming, accessLogBucketName: "logs-bucket", ...args },
            { provider: provider() },
        );
        extra?.(zone);
    });
}

describe("DataLake and DataLakeZone", () => {
    let lake: Awaited<ReturnType<typeof planLake>>;
    before(async () => {
        lake = await planLake(true);
        expect(lake.errors).to.deep.equal([]);
    });

    it("encrypts each zone by default with that zone's own CMK and S3 Bucket Keys", () => {
        for (const zone of ["raw", "processed", "curated"]) {
            const sse = resource(
                lake,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                `lake-${zone}`,
            );
            const key = resource(lake, "aws:kms/key:Key", `lake-${zone}-key`);
            const bucket = resource(lake, "aws:s3/bucket:Bucket", `lake-${zone}`);
            const rule = (sse.inputs.rules as any[])[0];
            expect(rule.applyServerSideEncryptionByDefault).to.deep.equal({
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: key.outputs.arn,
            });
            expect(rule.bucketKeyEnabled).to.equal(true);
            expect(rule.blockedEncryptionTypes).to.deep.equal(["SSE-C"]);
            // The configuration is tied to its bucket the way policy checks correlate them.
            expect(sse.propertyDependencies.bucket).to.deep.equal([bucket.urn]);
        }
    });

    it("creates keys with rotation, a 30-day deletion window and no public principal", () => {
        for (const key of ofType(lake, "aws:kms/key:Key")) {
            expect(key.inputs.enableKeyRotation).to.equal(true);
            expect(key.inputs.deletionWindowInDays).to.be.within(7, 30);
            const policy = policyOf(key);
            for (const s of policy.Statement) {
                expect(s.Principal).to.not.equal("*");
                expect(JSON.stringify(s.Principal)).to.not.contain('"*"');
            }
            expect(policy.Statement[0].Principal).to.deep.equal({ AWS: "arn:aws:iam::123456789012:root" });
        }
    });

    it("blocks public access, disables ACLs and versions every bucket", () => {
        const buckets = ofType(lake, "aws:s3/bucket:Bucket");
        expect(buckets).to.have.length(4);
        for (const b of buckets) {
            const pab = resource(lake, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b.name);
            expect(pab.inputs).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(pab.propertyDependencies.bucket).to.deep.equal([b.urn]);
            expect(
                (resource(lake, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b.name).inputs.rule as any)
                    .objectOwnership,
            ).to.equal("BucketOwnerEnforced");
            expect(
                (
                    resource(lake, "aws:s3/bucketVersioning:BucketVersioning", b.name).inputs
                        .versioningConfiguration as any
                ).status,
            ).to.equal("Enabled");
        }
    });

    it("denies non-TLS requests and uploads that ask for another encryption than the zone key", () => {
        const key = resource(lake, "aws:kms/key:Key", "lake-raw-key");
        const bucket = resource(lake, "aws:s3/bucket:Bucket", "lake-raw");
        const statements = policyOf(resource(lake, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw")).Statement;
        const tls = statements.find((s) => s.Sid === "DenyInsecureTransport")!;
        expect(tls).to.deep.include({ Effect: "Deny", Principal: "*", Action: "s3:*" });
        expect(tls.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
        expect(tls.Resource).to.deep.equal([bucket.outputs.arn, `${bucket.outputs.arn}/*`]);
        const algorithm = statements.find((s) => s.Sid === "DenyNonKmsEncryptionHeader")!;
        expect(algorithm.Condition).to.deep.equal({
            StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
            // Only when the header is present: uploads without it get the default key.
            Null: { "s3:x-amz-server-side-encryption": "false" },
        });
        const otherKey = statements.find((s) => s.Sid === "DenyOtherKmsKey")!;
        expect(otherKey.Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"]).to.equal(
            key.outputs.arn,
        );
        expect(otherKey.Condition.Null["s3:x-amz-server-side-encryption-aws-kms-key-id"]).to.equal("false");
        expect(statements.find((s) => s.Sid === "DenyCustomerProvidedKeys")!.Effect).to.equal("Deny");
        expect(statements.filter((s) => s.Effect === "Allow")).to.deep.equal([]);
    });

    it("logs zone access to the access-log bucket, which only the S3 logging service of this account may write", () => {
        const logBucket = resource(lake, "aws:s3/bucket:Bucket", "lake-access-logs");
        for (const zone of ["raw", "processed", "curated"]) {
            const logging = resource(lake, "aws:s3/bucketLogging:BucketLogging", `lake-${zone}`);
            expect(logging.inputs.targetBucket).to.equal(logBucket.outputs.bucket);
            expect(logging.inputs.targetPrefix).to.equal(`${zone}/`);
        }
        const sse = resource(
            lake,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "lake-access-logs",
        );
        expect((sse.inputs.rules as any[])[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
        expect((logBucket.inputs.tags as any)["cdp:sse-s3-reason"]).to.equal("s3-server-access-log-target");
        const delivery = policyOf(
            resource(lake, "aws:s3/bucketPolicy:BucketPolicy", "lake-access-logs"),
        ).Statement.find((s) => s.Sid === "AllowS3ServerAccessLogDelivery")!;
        expect(delivery.Principal).to.deep.equal({ Service: "logging.s3.amazonaws.com" });
        const zoneArns = ofType(lake, "aws:s3/bucket:Bucket")
            .filter((b) => b.name !== "lake-access-logs")
            .map((b) => b.outputs.arn);
        expect(delivery.Condition.ArnLike["aws:SourceArn"]).to.have.members(zoneArns);
        expect(delivery.Condition.StringEquals["aws:SourceAccount"]).to.equal("123456789012");
    });

    it("tiers each zone with a lifecycle S3 accepts", () => {
        const raw = (
            resource(lake, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-raw").inputs
                .rules as any[]
        )[0];
        expect(raw.transitions).to.deep.equal([
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER_IR" },
        ]);
        expect(raw.abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 7 });
        expect(raw.expiration).to.equal(undefined);
        const curated = (
            resource(lake, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-curated").inputs
                .rules as any[]
        )[0];
        expect(curated.transitions).to.deep.equal([{ days: 30, storageClass: "INTELLIGENT_TIERING" }]);
    });

    it("creates one Glue database per zone located at the zone bucket, with no default IAMAllowedPrincipals grant", () => {
        for (const zone of ["raw", "processed", "curated"]) {
            const db = resource(lake, "aws:glue/catalogDatabase:CatalogDatabase", `lake-${zone}`);
            expect(db.inputs.name).to.equal(`cdp_test_${zone}`);
            expect(db.inputs.locationUri).to.equal(`s3://cdp-test-${zone}-123456789012-eu-central-1/`);
            expect(db.inputs.createTableDefaultPermissions).to.deep.equal([]);
        }
    });

    it("protects buckets, keys and databases when data protection is on, and only then", async () => {
        const isDataStore = (t: string) =>
            ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:glue/catalogDatabase:CatalogDatabase"].includes(t);
        const stores = lake.resources.filter((r) => isDataStore(r.type));
        expect(stores).to.have.length(10);
        for (const r of stores) {
            expect(r.protect, r.urn).to.equal(true);
            expect(r.retainOnDelete, r.urn).to.equal(true);
        }
        for (const b of ofType(lake, "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).to.equal(false);
        const dev = await planLake(false);
        for (const r of dev.resources.filter((r) => isDataStore(r.type))) {
            expect(r.protect, r.urn).to.equal(false);
        }
        for (const b of ofType(dev, "aws:s3/bucket:Bucket")) expect(b.inputs.forceDestroy).to.equal(true);
    });

    it("enables Object Lock with the configured default retention, never with forceDestroy", async () => {
        const doc = await planZone({ objectLock: { mode: "COMPLIANCE", days: 2557 }, dataProtection: false });
        const bucket = resource(doc, "aws:s3/bucket:Bucket", "zone");
        expect(bucket.inputs.objectLockEnabled).to.equal(true);
        expect(bucket.inputs.forceDestroy).to.equal(false);
        const lock = resource(doc, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "zone");
        expect(lock.inputs.rule).to.deep.equal({ defaultRetention: { mode: "COMPLIANCE", days: 2557 } });
        // Locked versions cannot be expired early, so the default lifecycle keeps noncurrent versions.
        const rule = (
            resource(doc, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "zone").inputs
                .rules as any[]
        )[0];
        expect(rule.noncurrentVersionExpiration).to.equal(undefined);
    });

    it("rejects lifecycles and lock settings S3 would refuse, naming the argument", async () => {
        const early = await planZone({
            lifecycle: {
                transitions: [{ days: 5, storageClass: "ONEZONE_IA" }],
                abortIncompleteMultipartUploadDays: 7,
            },
        });
        expect(early.errors.join("\n")).to.match(
            /DataLakeZone\(zone\)\.lifecycle\.transitions\[0\]\.days: got 5; expected at least 30 days/,
        );
        const expiry = await planZone({
            lifecycle: {
                transitions: [{ days: 90, storageClass: "GLACIER" }],
                expirationDays: 60,
                abortIncompleteMultipartUploadDays: 7,
            },
        });
        expect(expiry.errors.join("\n")).to.match(
            /expirationDays: got 60; expected more days than the last transition \(90\)/,
        );
        const lock = await planZone({ objectLock: { mode: "GOVERNANCE", days: 0 } });
        expect(lock.errors.join("\n")).to.match(/objectLock\.days: got 0/);
        // A user mistake reads as a message, not a stack trace.
        expect(lock.errors.join("\n")).to.not.match(/\n\s+at /);
    });

    it("gives least-privilege read, write and prefix-scoped statements with the KMS access they need", async () => {
        let read: any[] = [];
        let write: any[] = [];
        const doc = await planZone({}, (zone) => {
            pulumi.output(zone.readStatements("sftp/partner-a")).apply((s) => (read = s));
            pulumi.output(zone.writeStatements()).apply((s) => (write = s));
        });
        const bucketArn = resource(doc, "aws:s3/bucket:Bucket", "zone").outputs.arn;
        const keyArn = resource(doc, "aws:kms/key:Key", "zone-key").outputs.arn;
        const readObjects = read.find((s) => s.Sid.endsWith("ObjectAccess"));
        expect(readObjects.Resource).to.equal(`${bucketArn}/sftp/partner-a/*`);
        expect(readObjects.Action).to.not.include("s3:PutObject");
        const list = read.find((s) => s.Sid.endsWith("ListPrefix"));
        expect(list).to.deep.include({ Action: ["s3:ListBucket"], Resource: bucketArn });
        expect(list.Condition).to.deep.equal({ StringLike: { "s3:prefix": ["sftp/partner-a/*"] } });
        // GetBucketLocation requests carry no prefix: an s3:prefix condition would never match them.
        const bucketLevel = read.find((s) => s.Sid.endsWith("BucketAccess"));
        expect(bucketLevel).to.deep.include({ Action: ["s3:GetBucketLocation"], Resource: bucketArn });
        expect(bucketLevel.Condition).to.equal(undefined);
        const readKms = read.find((s) => s.Sid.endsWith("KmsForBucket"));
        expect(readKms).to.deep.include({ Action: ["kms:Decrypt"], Resource: keyArn });
        expect(readKms.Condition).to.deep.equal({ StringEquals: { "kms:EncryptionContext:aws:s3:arn": bucketArn } });
        const writeObjects = write.find((s) => s.Sid.endsWith("ObjectAccess"));
        expect(writeObjects.Action)
            .to.include("s3:PutObject")
            .and.not.include("s3:DeleteObject")
            .and.not.include("s3:GetObject");
        expect(writeObjects.Resource).to.equal(`${bucketArn}/*`);
        expect(write.find((s) => s.Sid.endsWith("KmsForBucket")).Action).to.deep.equal([
            "kms:GenerateDataKey",
            "kms:Decrypt",
        ]);
        for (const s of [...read, ...write]) expect(s.Resource).to.not.equal("*");
    });

    it("lets a cross-account principal in through both the bucket and the key policy, scoped to S3 and the prefix", async () => {
        const hub = "arn:aws:iam::222222222222:root";
        const doc = await planZone({ grants: [{ principalArn: hub, access: "write", prefix: "events" }] });
        const bucketArn = resource(doc, "aws:s3/bucket:Bucket", "zone").outputs.arn;
        const bucketPolicy = policyOf(resource(doc, "aws:s3/bucketPolicy:BucketPolicy", "zone")).Statement;
        const objects = bucketPolicy.find((s) => s.Sid === "Grant0ObjectAccess")!;
        expect(objects.Principal).to.deep.equal({ AWS: hub });
        expect(objects.Resource).to.equal(`${bucketArn}/events/*`);
        expect(objects.Action).to.not.include("s3:PutObjectAcl").and.not.include("s3:DeleteObject");
        const bucketLevel = bucketPolicy.find((s) => s.Sid === "Principal0BucketAccess")!;
        expect(bucketLevel).to.deep.include({ Principal: { AWS: hub }, Resource: bucketArn });
        expect(bucketLevel.Action).to.include("s3:ListBucketMultipartUploads");
        expect(bucketLevel.Condition).to.equal(undefined);
        const keyStatement = policyOf(resource(doc, "aws:kms/key:Key", "zone-key")).Statement.find(
            (s) => s.Sid === "Principal0UseKeyViaS3",
        )!;
        expect(keyStatement.Principal).to.deep.equal({ AWS: hub });
        expect(keyStatement.Condition.StringEquals).to.deep.equal({
            "kms:ViaService": "s3.eu-central-1.amazonaws.com",
            "kms:EncryptionContext:aws:s3:arn": bucketArn,
        });
    });

    it("grants cross-account writers the ACL permission and delete only when asked, and refuses delete on a read grant", async () => {
        const hub = "arn:aws:iam::222222222222:root";
        const doc = await planZone({
            grants: [
                { principalArn: hub, access: "firehose", prefix: "streams", crossAccountAcl: true },
                { principalArn: hub, access: "transfer", prefix: "sftp", crossAccountAcl: true, allowDelete: true },
            ],
        });
        const bucketArn = resource(doc, "aws:s3/bucket:Bucket", "zone").outputs.arn;
        const bucketPolicy = policyOf(resource(doc, "aws:s3/bucketPolicy:BucketPolicy", "zone")).Statement;
        expect(bucketPolicy.find((s) => s.Sid === "Grant0ObjectAccess")!.Action).to.have.members([
            "s3:AbortMultipartUpload",
            "s3:GetObject",
            "s3:PutObject",
            "s3:PutObjectAcl",
        ]);
        const sftp = bucketPolicy.find((s) => s.Sid === "Grant1ObjectAccess")!;
        expect(sftp.Resource).to.equal(`${bucketArn}/sftp/*`);
        expect(sftp.Action)
            .to.include.members(["s3:DeleteObject", "s3:GetObjectAcl", "s3:PutObjectAcl"])
            .and.not.include("s3:DeleteObjectVersion");
        // One principal, one key statement and one bucket-level statement for all its grants.
        const keyGrants = policyOf(resource(doc, "aws:kms/key:Key", "zone-key")).Statement.filter(
            (s) => s.Principal?.AWS === hub,
        );
        expect(keyGrants.map((s) => s.Action)).to.deep.equal([["kms:GenerateDataKey", "kms:Decrypt"]]);
        const bucketLevel = bucketPolicy.filter((s) => s.Resource === bucketArn && !s.Condition);
        expect(bucketLevel.map((s) => s.Action)).to.deep.equal([
            ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
        ]);
        const bad = await planZone({ grants: [{ principalArn: hub, access: "read", allowDelete: true }] });
        expect(bad.errors.join("\n")).to.contain("DataLakeZone(zone).grants[0].allowDelete: got true");
    });

    it("puts every resource of the zone on the zone's provider", async () => {
        const doc = await planZone({});
        const zone = doc.resources.find((r) => r.type === "cdp:storage:DataLakeZone")!;
        const custom = descendants(doc, zone.urn).filter((r) => r.custom);
        expect(custom.length).to.be.greaterThan(8);
        for (const r of custom) expect(r.provider, r.urn).to.match(/pulumi:providers:aws::aws-test$/);
    });
});
