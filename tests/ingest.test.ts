import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { Naming } from "../components/shared/naming";
import { SftpIngest } from "../components/ingest/sftp-ingest";
import { StreamIngest } from "../components/ingest/stream-ingest";
import type { PlanDocument } from "../tools/plan/document";
import { descendants, ofType, planProgram, planStack, policyOf, resource } from "./helpers/plan";

const HUB = "222222222222";

function statementsOf(doc: PlanDocument, type: string, name: string, key = "policy") {
    return policyOf(resource(doc, type, name), key).Statement;
}

describe("ingestion hub (prod plan)", () => {
    let prod: PlanDocument;
    before(async () => {
        prod = await planStack("prod");
        expect(prod.errors).to.deep.equal([]);
    });

    it("feeds Firehose from the CMK-encrypted stream and runs our preprocessing Lambda as its transformation", () => {
        const stream = resource(prod, "aws:kinesis/stream:Stream", "stream");
        const hubKey = resource(prod, "aws:kms/key:Key", "hub-key");
        expect(stream.inputs).to.include({ encryptionType: "KMS", kmsKeyId: hubKey.outputs.arn, retentionPeriod: 168 });
        expect((stream.inputs.streamModeDetails as any).streamMode).to.equal("ON_DEMAND");
        const firehose = resource(prod, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "stream");
        expect((firehose.inputs.kinesisSourceConfiguration as any).kinesisStreamArn).to.equal(stream.outputs.arn);
        const fn = resource(prod, "aws:lambda/function:Function", "stream-preprocess");
        expect(fn.inputs).to.include({ runtime: "nodejs24.x", handler: "index.handler" });
        expect((fn.inputs.code as any).asset).to.match(/dist\/lambda\/preprocess$/);
        const s3 = firehose.inputs.extendedS3Configuration as any;
        const params = Object.fromEntries(
            s3.processingConfiguration.processors[0].parameters.map((p: any) => [p.parameterName, p.parameterValue]),
        );
        expect(params.LambdaArn).to.equal(`${fn.outputs.arn}:$LATEST`);
        expect(Number(params.BufferSizeInMBs)).to.be.at.most(3);
    });

    it("partitions by the keys the Lambda returns, keeps an error prefix, compresses and encrypts with the zone key", () => {
        const s3 = resource(prod, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "stream").inputs
            .extendedS3Configuration as any;
        expect(s3.prefix).to.equal(
            "streams/source=!{partitionKeyFromLambda:source}/entity=!{partitionKeyFromLambda:entity}/event_date=!{partitionKeyFromLambda:event_date}/",
        );
        expect(s3.errorOutputPrefix).to.match(/^errors\/streams\/!\{firehose:error-output-type\}\//);
        expect(s3.dynamicPartitioningConfiguration.enabled).to.equal(true);
        expect(s3.compressionFormat).to.equal("GZIP");
        expect(s3.kmsKeyArn).to.equal(resource(prod, "aws:kms/key:Key", "lake-raw-key").outputs.arn);
        expect(s3.bucketArn).to.equal(prod.outputs.rawZoneBucketArn);
        const logGroup = resource(prod, "aws:cloudwatch/logGroup:LogGroup", "stream-delivery");
        expect(s3.cloudwatchLoggingOptions.logGroupName).to.equal(logGroup.outputs.name);
        expect(logGroup.inputs.kmsKeyId).to.equal(resource(prod, "aws:kms/key:Key", "hub-key").outputs.arn);
    });

    it("gives the delivery role only the stream, its key via Kinesis, the raw prefixes, the function and its log group", () => {
        const statements = statementsOf(prod, "aws:iam/rolePolicy:RolePolicy", "stream-delivery");
        const resources = statements.flatMap((s) => [s.Resource].flat());
        const raw = prod.outputs.rawZoneBucketArn as string;
        for (const r of resources) {
            expect(r, "no wildcard resource").to.not.equal("*");
            const known =
                r.includes(":kinesis:") ||
                r.includes(":kms:") ||
                r.includes(":lambda:") ||
                r.includes(":logs:") ||
                r === raw ||
                r.startsWith(`${raw}/streams/`) ||
                r.startsWith(`${raw}/errors/streams/`);
            expect(known, r).to.equal(true);
        }
        const objects = statements.filter((s) => [s.Action].flat().includes("s3:PutObject"));
        expect(objects.map((s) => s.Resource)).to.have.members([`${raw}/streams/*`, `${raw}/errors/streams/*`]);
        expect(statements.flatMap((s) => [s.Action].flat())).to.not.include("s3:DeleteObject");
    });

    // Firehose's documented S3 destination actions, plus PutObjectAcl for a bucket in another account (it sends
    // x-amz-acl: bucket-owner-full-control): in the role AND in the raw bucket policy, for both Firehose paths.
    const FIREHOSE_OBJECT = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject", "s3:PutObjectAcl"];
    const FIREHOSE_BUCKET = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"];

    /** The S3 actions statements allow on `resource` (any of their resources), with the statements' conditions. */
    function allowedOn(statements: Array<Record<string, any>>, resource: string) {
        const matching = statements.filter(
            (s) => s.Effect === "Allow" && [s.Resource].flat().includes(resource) && !s.NotAction,
        );
        return {
            actions: [...new Set(matching.flatMap((s) => [s.Action].flat()))],
            conditionOf: (action: string) => matching.find((s) => [s.Action].flat().includes(action))?.Condition,
        };
    }

    for (const [name, folder] of [
        ["stream", "streams"],
        ["events", "events"],
    ]) {
        it(`${name} Firehose: role and raw bucket policy both allow what cross-account S3 delivery needs, PutObjectAcl included`, () => {
            const raw = prod.outputs.rawZoneBucketArn as string;
            const role = statementsOf(prod, "aws:iam/rolePolicy:RolePolicy", `${name}-delivery`);
            const bucket = statementsOf(prod, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw").filter(
                (s) => s.Effect === "Allow" && s.Principal?.AWS === `arn:aws:iam::${HUB}:root`,
            );
            for (const [side, statements] of [
                ["role", role],
                ["bucket policy", bucket],
            ] as const) {
                for (const prefix of [`${folder}/`, `errors/${folder}/`]) {
                    const objects = statements.filter((s) => [s.Resource].flat().includes(`${raw}/${prefix}*`));
                    expect(
                        [...new Set(objects.flatMap((s) => [s.Action].flat()))],
                        `${side}: ${prefix}*`,
                    ).to.include.members(FIREHOSE_OBJECT);
                    const list = statements.find(
                        (s) =>
                            [s.Action].flat().includes("s3:ListBucket") &&
                            JSON.stringify(s.Condition ?? {}).includes(`"${prefix}*"`),
                    );
                    expect(list, `${side}: ListBucket on ${prefix}`).to.not.equal(undefined);
                }
                const onBucket = allowedOn(statements, raw);
                expect(onBucket.actions, side).to.include.members(FIREHOSE_BUCKET);
                for (const action of ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]) {
                    // Its only condition may confine the principal (aws:PrincipalArn), never the prefix.
                    expect(
                        JSON.stringify(onBucket.conditionOf(action) ?? {}),
                        `${side}: ${action} has no prefix to match`,
                    ).to.not.include("s3:prefix");
                }
            }
        });
    }

    it("no policy of the plan puts s3:prefix on bucket actions whose requests carry no prefix", async () => {
        const dev = await planStack("dev");
        for (const doc of [prod, dev]) {
            for (const r of doc.resources) {
                for (const key of ["policy", "assumeRolePolicy"]) {
                    if (typeof r.inputs[key] !== "string") continue;
                    for (const s of JSON.parse(r.inputs[key] as string).Statement ?? []) {
                        const actions = [s.Action ?? []].flat() as string[];
                        if (!actions.some((a) => a === "s3:GetBucketLocation" || a === "s3:ListBucketMultipartUploads"))
                            continue;
                        expect(JSON.stringify(s.Condition ?? {}), `${doc.stack} ${r.name} ${s.Sid}`).to.not.contain(
                            "s3:prefix",
                        );
                    }
                }
            }
        }
    });

    it("lets the hub account write only the raw prefixes its components write, nowhere else in raw/", () => {
        const raw = prod.outputs.rawZoneBucketArn as string;
        const hubGrants = statementsOf(prod, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw").filter(
            (s) => s.Effect === "Allow" && s.Principal?.AWS === `arn:aws:iam::${HUB}:root`,
        );
        // What the hub writes, read from the planned components: Firehose prefixes, partner homes, export prefix.
        const written = new Set<string>();
        for (const f of ofType(prod, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
            const s3 = f.inputs.extendedS3Configuration as { prefix: string; errorOutputPrefix: string };
            written.add(`${s3.prefix.split("/")[0]}/`);
            written.add(`${s3.errorOutputPrefix.split("/").slice(0, 2).join("/")}/`);
        }
        written.add("sftp/");
        const exporter = resource(prod, "aws:lambda/function:Function", "thirdparty-exporter");
        written.add(`${(exporter.inputs.environment as any).variables.PREFIX}/`);
        const writeActions = ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"];
        const granted = new Set<string>();
        for (const s of hubGrants.filter((x) => [x.Action].flat().some((a: string) => writeActions.includes(a)))) {
            for (const r of [s.Resource].flat() as string[]) {
                expect(r, "an object prefix, not the whole zone").to.match(new RegExp(`^${raw}/.+/\\*$`));
                granted.add(r.slice(raw.length + 1, -1));
            }
        }
        expect([...granted].sort()).to.deep.equal([...written].sort());
        expect([...granted].sort()).to.deep.equal([
            "errors/events/",
            "errors/streams/",
            "events/",
            "sftp/",
            "streams/",
            "thirdparty/",
        ]);
    });

    it("SFTP: partners may delete (upload-then-rename) only in their own folder, never versions; cross-account ACLs on both sides", () => {
        const raw = prod.outputs.rawZoneBucketArn as string;
        const role = statementsOf(prod, "aws:iam/rolePolicy:RolePolicy", "sftp");
        const bucket = statementsOf(prod, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw");
        const all = [...role, ...bucket];
        for (const s of all) expect([s.Action].flat(), s.Sid).to.not.include("s3:DeleteObjectVersion");
        for (const statements of [role, bucket]) {
            const sftp = allowedOn(statements, `${raw}/sftp/*`).actions;
            expect(sftp).to.include.members(["s3:DeleteObject", "s3:PutObjectAcl", "s3:GetObjectAcl", "s3:PutObject"]);
        }
        // Delete appears nowhere else in the raw bucket policy.
        for (const s of bucket.filter((x) => [x.Action].flat().includes("s3:DeleteObject")))
            expect(s.Resource).to.equal(`${raw}/sftp/*`);
        for (const partner of ["acme-bank", "card-processor"]) {
            const session = JSON.parse(
                resource(prod, "aws:transfer/user:User", `sftp-${partner}`).inputs.policy as string,
            ).Statement as Array<Record<string, any>>;
            const deletes = session.filter((s) => [s.Action].flat().includes("s3:DeleteObject"));
            expect(deletes.map((s) => s.Resource)).to.deep.equal([`${raw}/sftp/${partner}/*`]);
            // Nothing a partner may do reaches beyond its folder: no bucket-wide listing of in-progress uploads.
            expect(session.flatMap((s) => [s.Action].flat())).to.not.include("s3:ListBucketMultipartUploads");
        }
    });

    it("lets the event bus and its archive use the hub key in the bus's encryption context (ReEncrypt* included)", () => {
        const bus = resource(prod, "aws:cloudwatch/eventBus:EventBus", "events");
        const key = statementsOf(prod, "aws:kms/key:Key", "hub-key");
        const archive = key.filter(
            (s) =>
                s.Effect === "Allow" &&
                [s.Principal?.Service].flat().includes("events.amazonaws.com") &&
                [s.Action].flat().includes("kms:ReEncrypt*"),
        );
        expect(archive).to.have.length(1);
        expect(archive[0].Action).to.include.members(["kms:GenerateDataKey", "kms:Decrypt", "kms:ReEncrypt*"]);
        expect(archive[0].Condition).to.deep.equal({
            StringEquals: { "kms:EncryptionContext:aws:events:event-bus:arn": bus.outputs.arn },
        });
        expect(resource(prod, "aws:cloudwatch/eventArchive:EventArchive", "events").inputs.kmsKeyIdentifier).to.equal(
            resource(prod, "aws:kms/key:Key", "hub-key").outputs.arn,
        );
    });

    it("pins events:source: each producer account may put only its own domains' events, each publisher only its own", () => {
        const bus = resource(prod, "aws:cloudwatch/eventBus:EventBus", "events");
        const policy = statementsOf(prod, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "events");
        const byAccount = Object.fromEntries(
            policy.map((s) => [s.Principal.AWS, s.Condition?.StringEquals?.["events:source"]]),
        );
        expect(byAccount).to.deep.equal({
            "arn:aws:iam::666666666666:root": ["cdp.domain.sales"],
            "arn:aws:iam::777777777777:root": ["cdp.domain.payments"],
            "arn:aws:iam::888888888888:root": ["cdp.domain.marketing"],
        });
        for (const s of policy) expect(s).to.deep.include({ Effect: "Allow", Action: "events:PutEvents" });
        for (const domain of ["sales", "payments", "marketing"]) {
            const statements = statementsOf(prod, "aws:iam/rolePolicy:RolePolicy", `${domain}-publisher-function`);
            const put = statements.filter((s) => [s.Action].flat().includes("events:PutEvents"));
            expect(put, domain).to.have.length(1);
            expect(put[0].Resource).to.equal(bus.outputs.arn);
            expect(put[0].Condition).to.deep.equal({ StringEquals: { "events:source": `cdp.domain.${domain}` } });
        }
        const scheduler = statementsOf(prod, "aws:iam/rolePolicy:RolePolicy", "events-scheduler").find(
            (s) => s.Sid === "PutSyncEvents",
        )!;
        expect(scheduler.Condition).to.deep.equal({ StringEquals: { "events:source": "cdp.scheduler" } });
    });

    it("records on the shared stream that it attributes records to producer accounts only (the documented decision)", () => {
        const stream = resource(prod, "aws:kinesis/stream:Stream", "stream");
        expect((stream.inputs.tags as Record<string, string>)["cdp-producer-attribution"]).to.match(
            /^account-level only/,
        );
    });

    it("alarms on iterator age, freshness, delivery, Lambda errors and throttles, queued dead letters, into the encrypted topic", () => {
        const topic = resource(prod, "aws:sns/topic:Topic", "hub-alarms");
        expect(topic.inputs.kmsMasterKeyId).to.equal(resource(prod, "aws:kms/key:Key", "hub-key").outputs.arn);
        // The hub's alarms (the governance account's audit alarms are tests/security.test.ts').
        const alarms = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
            (a) => a.account === topic.account,
        );
        expect(alarms.map((a) => a.inputs.metricName)).to.have.members([
            "GetRecords.IteratorAgeMilliseconds",
            "DeliveryToS3.DataFreshness",
            "DeliveryToS3.Success",
            "Errors",
            "Throttles",
            // One per event route's dead-letter queue (crm, web, saas).
            "ApproximateNumberOfMessagesVisible",
            "ApproximateNumberOfMessagesVisible",
            "ApproximateNumberOfMessagesVisible",
        ]);
        for (const a of alarms) expect(a.inputs.alarmActions).to.deep.equal([topic.outputs.arn]);
        const queued = alarms.filter((a) => a.inputs.metricName === "ApproximateNumberOfMessagesVisible");
        expect(queued.map((a) => (a.inputs.dimensions as { QueueName: string }).QueueName).sort()).to.deep.equal(
            ["crm", "saas", "web"].map((route) => `cdp-prod-events-${route}-dlq`),
        );
    });

    it("maps each SFTP partner to its own raw folder, and its session policy cannot reach another partner's", () => {
        const server = resource(prod, "aws:transfer/server:Server", "sftp");
        expect(server.inputs).to.include({
            identityProviderType: "SERVICE_MANAGED",
            securityPolicyName: "TransferSecurityPolicy-2025-03",
        });
        expect(server.inputs.protocols).to.deep.equal(["SFTP"]);
        expect((server.inputs.structuredLogDestinations as string[])[0]).to.match(/:log-group:\/aws\/transfer\/.+:\*$/);
        const bucket = (prod.outputs.rawZoneBucketArn as string).split(":::")[1];
        for (const [me, other] of [
            ["acme-bank", "card-processor"],
            ["card-processor", "acme-bank"],
        ]) {
            const user = resource(prod, "aws:transfer/user:User", `sftp-${me}`);
            expect(user.inputs.homeDirectoryType).to.equal("LOGICAL");
            expect(user.inputs.homeDirectoryMappings).to.deep.equal([{ entry: "/", target: `/${bucket}/sftp/${me}` }]);
            const session = JSON.parse(user.inputs.policy as string).Statement as any[];
            const text = JSON.stringify(session);
            expect(text).to.contain(`sftp/${me}/`);
            expect(text).to.not.contain(`sftp/${other}`);
            for (const s of session.filter((x) =>
                [x.Action]
                    .flat()
                    .some(
                        (a: string) =>
                            a.startsWith("s3:") &&
                            a !== "s3:ListBucket" &&
                            a !== "s3:GetBucketLocation" &&
                            a !== "s3:ListBucketMultipartUploads",
                    ),
            )) {
                expect(s.Resource).to.equal(`arn:aws:s3:::${bucket}/sftp/${me}/*`);
            }
            const list = session.find((x) => [x.Action].flat().includes("s3:ListBucket"));
            expect(list.Condition).to.deep.equal({ StringLike: { "s3:prefix": [`sftp/${me}/*`] } });
        }
        // Completed uploads become queue messages, with a dead-letter queue.
        const target = resource(prod, "aws:cloudwatch/eventTarget:EventTarget", "sftp-uploads");
        expect(target.inputs.arn).to.equal(resource(prod, "aws:sqs/queue:Queue", "sftp-uploads").outputs.arn);
        expect((target.inputs.deadLetterConfig as any).arn).to.equal(
            resource(prod, "aws:sqs/queue:Queue", "sftp-uploads-dlq").outputs.arn,
        );
    });

    it("lets only producer-domain accounts put events on the encrypted, archived bus, and routes every rule through a DLQ", () => {
        const bus = resource(prod, "aws:cloudwatch/eventBus:EventBus", "events");
        expect(bus.inputs.kmsKeyIdentifier).to.equal(resource(prod, "aws:kms/key:Key", "hub-key").outputs.arn);
        const policy = statementsOf(prod, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "events");
        expect(policy.map((s) => s.Principal.AWS)).to.have.members([
            "arn:aws:iam::666666666666:root",
            "arn:aws:iam::777777777777:root",
            "arn:aws:iam::888888888888:root",
        ]);
        for (const s of policy) expect(s.Action).to.equal("events:PutEvents");
        expect(resource(prod, "aws:cloudwatch/eventArchive:EventArchive", "events").inputs.retentionDays).to.equal(90);
        // The hub's rule targets (the governance plane's rules are tested with their components).
        const targets = descendants(prod, resource(prod, "cdp:programs:Hub", "hub").urn).filter(
            (t) => t.type === "aws:cloudwatch/eventTarget:EventTarget",
        );
        expect(targets.length).to.be.greaterThan(4);
        for (const t of targets) expect((t.inputs.deadLetterConfig as any)?.arn, t.name).to.match(/^arn:aws:sqs:/);
        const firehose = resource(prod, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "events");
        expect(firehose.inputs.serverSideEncryption).to.deep.include({
            enabled: true,
            keyType: "CUSTOMER_MANAGED_CMK",
        });
        expect((firehose.inputs.extendedS3Configuration as any).prefix).to.match(
            /^events\/source=!\{partitionKeyFromQuery:source\}\//,
        );
        const schedule = resource(prod, "aws:scheduler/schedule:Schedule", "events-crm-nightly-sync");
        expect((schedule.inputs.target as any).arn).to.equal(bus.outputs.arn);
        expect((schedule.inputs.target as any).deadLetterConfig.arn).to.match(/^arn:aws:sqs:/);
        expect(schedule.inputs.kmsKeyArn).to.equal(resource(prod, "aws:kms/key:Key", "hub-key").outputs.arn);
    });

    it("exports new Data Exchange revisions with a rule per data set invoking the exporter, scoped to that rule", () => {
        const rule = resource(prod, "aws:cloudwatch/eventRule:EventRule", "thirdparty-credit-bureau-scores");
        expect(JSON.parse(rule.inputs.eventPattern as string)).to.deep.equal({
            source: ["aws.dataexchange"],
            "detail-type": ["Revision Published To Data Set"],
            resources: ["8d494cba5e4720172f4bd8f9e85d1a83"],
        });
        const permission = resource(prod, "aws:lambda/permission:Permission", "thirdparty-credit-bureau-scores");
        expect(permission.inputs).to.include({
            principal: "events.amazonaws.com",
            sourceArn: rule.outputs.arn,
            sourceAccount: HUB,
        });
        const fn = resource(prod, "aws:lambda/function:Function", "thirdparty-exporter");
        const env = (fn.inputs.environment as any).variables;
        expect(env.RAW_KMS_KEY_ARN).to.equal(resource(prod, "aws:kms/key:Key", "lake-raw-key").outputs.arn);
        expect(JSON.parse(env.DATASETS)).to.deep.equal({ "8d494cba5e4720172f4bd8f9e85d1a83": "credit-bureau-scores" });
    });

    it("keeps every hub resource in the hub account", () => {
        const hub = resource(prod, "cdp:programs:Hub", "hub");
        for (const r of descendants(prod, hub.urn).filter((x) => x.custom)) expect(r.account, r.urn).to.equal(HUB);
    });
});

describe("ingestion components reject bad input with the argument named", () => {
    const naming = new Naming("cdp", "test");
    const zone = { bucketName: "b", bucketArn: "arn:aws:s3:::b", keyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" };
    it("SftpIngest: partner names, SSH keys and open CIDRs", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            new SftpIngest(
                "sftp",
                {
                    naming,
                    rawZone: zone,
                    kmsKeyArn: "k",
                    logRetentionDays: 30,
                    partners: [{ name: "Partner_A", sshPublicKeys: ["not-a-key"] }],
                    vpc: { vpcId: "vpc-1", subnetIds: [], allowedCidrs: ["0.0.0.0/0"] },
                },
                { provider },
            );
        });
        const text = doc.errors.join("\n");
        expect(text).to.contain('SftpIngest(sftp).partners[0].name: got "Partner_A"');
        expect(text).to.contain("SftpIngest(sftp).partners[0].sshPublicKeys[0]");
        expect(text).to.contain('SftpIngest(sftp).vpc.allowedCidrs[0]: got "0.0.0.0/0"');
    });
    it("StreamIngest: retention and buffering bounds", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            new StreamIngest(
                "s",
                {
                    naming,
                    rawZone: zone,
                    kmsKeyArn: "k",
                    alarmTopicArn: "t",
                    logRetentionDays: 30,
                    retentionHours: 12,
                    buffering: { sizeMb: 5, intervalSeconds: 60 },
                },
                { provider },
            );
        });
        expect(doc.errors.join("\n"))
            .to.contain("StreamIngest(s).retentionHours: got 12")
            .and.contain("StreamIngest(s).buffering.sizeMb: got 5");
    });
});
