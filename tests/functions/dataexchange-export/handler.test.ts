/**
 * The Data Exchange exporter Lambda against a mocked Data Exchange client
 * (aws-sdk-client-mock on @aws-sdk/client-dataexchange).
 *
 * Why a mock and not an emulator: no local AWS emulator implements the
 * Data Exchange jobs API (CreateJob / StartJob / ListJobs) — moto has no
 * Data Exchange backend (its service list goes from databrew to datapipeline)
 * and LocalStack community does not emulate Data Exchange either — so the
 * tests pin the exact requests the function sends and feed it the documented
 * response shapes instead. What the real service
 * does with them (dynamic references in the key pattern, SSE-KMS writes with
 * the caller's permissions) is documented in functions/dataexchange-export/README.md.
 */
import {
    CreateJobCommand,
    DataExchangeClient,
    ListJobsCommand,
    StartJobCommand,
    ThrottlingException,
} from "@aws-sdk/client-dataexchange";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { expect } from "chai";
import { loadConfig } from "../../../functions/dataexchange-export/config";
import { MalformedEventError } from "../../../functions/dataexchange-export/event";
import { createHandler, type ExportHandler } from "../../../functions/dataexchange-export/handler";
import {
    BUCKET,
    CREDIT_SCORES_KEY_PATTERN,
    DATA_SET_ID,
    ENV,
    KMS_KEY_ARN,
    REVISION_ID,
    REVISION_ID_2,
    UNKNOWN_DATA_SET_ID,
    exportJob,
    fakeJobId,
    fakeJobsApi,
    recordingLogger,
    revisionEvent,
} from "./helpers";

describe("dataexchange-export handler", () => {
    // Installed for this suite only (a mock created at load time would also capture other files' clients).
    let ddx: AwsClientStub<DataExchangeClient>;
    let logger: ReturnType<typeof recordingLogger>;
    let handler: ExportHandler;

    before(() => {
        ddx = mockClient(DataExchangeClient);
    });

    beforeEach(() => {
        ddx.reset();
        logger = recordingLogger();
        handler = createHandler({ config: loadConfig({ ...ENV }), client: new DataExchangeClient({}), logger });
    });

    after(() => ddx.restore());

    const createInputs = () => ddx.commandCalls(CreateJobCommand).map((call) => call.args[0].input);
    const startedJobIds = () => ddx.commandCalls(StartJobCommand).map((call) => call.args[0].input.JobId);

    describe("a new revision", () => {
        it("creates an EXPORT_REVISIONS_TO_S3 job to the raw bucket with SSE-KMS, then starts it", async () => {
            fakeJobsApi(ddx);
            const summary = await handler(revisionEvent());

            expect(ddx.commandCalls(ListJobsCommand).map((call) => call.args[0].input)).to.deep.equal([
                { DataSetId: DATA_SET_ID, RevisionId: REVISION_ID, NextToken: undefined },
            ]);
            expect(createInputs()).to.deep.equal([
                {
                    Type: "EXPORT_REVISIONS_TO_S3",
                    Details: {
                        ExportRevisionsToS3: {
                            DataSetId: DATA_SET_ID,
                            RevisionDestinations: [
                                {
                                    Bucket: BUCKET,
                                    KeyPattern:
                                        "thirdparty/credit-scores/year=${Revision.CreatedAt.Year}/month=${Revision.CreatedAt.Month}/" +
                                        "day=${Revision.CreatedAt.Day}/revision=${Revision.Id}/${Asset.Name}",
                                    RevisionId: REVISION_ID,
                                },
                            ],
                            Encryption: { Type: "aws:kms", KmsKeyArn: KMS_KEY_ARN },
                        },
                    },
                },
            ]);
            const jobId = fakeJobId(1);
            expect(startedJobIds()).to.deep.equal([jobId]);
            // StartJob comes after CreateJob.
            expect(ddx.commandCalls(StartJobCommand)[0].calledAfter(ddx.commandCalls(CreateJobCommand)[0])).to.equal(
                true,
            );
            expect(summary).to.deep.equal({
                dataSetId: DATA_SET_ID,
                dataset: "credit-scores",
                revisionIds: [REVISION_ID],
                jobIds: [jobId],
                skipped: [],
            });
            expect(logger.lines.map((l) => l.message)).to.include.members(["export job created", "export job started"]);
        });

        it("uses PREFIX in the key pattern", async () => {
            fakeJobsApi(ddx);
            handler = createHandler({
                config: loadConfig({ ...ENV, PREFIX: "/vendors/thirdparty/" }),
                client: new DataExchangeClient({}),
                logger,
            });
            await handler(revisionEvent());
            expect(createInputs()[0]?.Details?.ExportRevisionsToS3?.RevisionDestinations?.[0]?.KeyPattern).to.equal(
                "vendors/thirdparty/credit-scores/year=${Revision.CreatedAt.Year}/month=${Revision.CreatedAt.Month}/" +
                    "day=${Revision.CreatedAt.Day}/revision=${Revision.Id}/${Asset.Name}",
            );
        });

        it("exports each revision of an event with its own job, in event order, ignoring duplicates", async () => {
            fakeJobsApi(ddx);
            const summary = await handler(revisionEvent([REVISION_ID, REVISION_ID_2, REVISION_ID]));
            expect(
                createInputs().map((input) => input.Details?.ExportRevisionsToS3?.RevisionDestinations),
            ).to.deep.equal([
                [{ Bucket: BUCKET, KeyPattern: CREDIT_SCORES_KEY_PATTERN, RevisionId: REVISION_ID }],
                [{ Bucket: BUCKET, KeyPattern: CREDIT_SCORES_KEY_PATTERN, RevisionId: REVISION_ID_2 }],
            ]);
            expect(startedJobIds()).to.deep.equal([fakeJobId(1), fakeJobId(2)]);
            expect(summary.revisionIds).to.deep.equal([REVISION_ID, REVISION_ID_2]);
            expect(summary.jobIds).to.deep.equal(startedJobIds());
        });
    });

    describe("idempotency", () => {
        it("a retried event for an exported revision starts no second export", async () => {
            const jobs = fakeJobsApi(ddx);
            const first = await handler(revisionEvent());
            const retried = await handler(revisionEvent());

            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(1);
            expect(ddx.commandCalls(StartJobCommand)).to.have.length(1);
            expect(ddx.commandCalls(ListJobsCommand)).to.have.length(2);
            expect(jobs).to.have.length(1);
            expect(retried).to.deep.equal({
                dataSetId: DATA_SET_ID,
                dataset: "credit-scores",
                revisionIds: [REVISION_ID],
                jobIds: [],
                skipped: [
                    { revisionId: REVISION_ID, reason: "export-exists", jobId: first.jobIds[0], state: "IN_PROGRESS" },
                ],
            });
            const skipLog = logger.lines.find((l) => l.message.includes("idempotent retry"));
            expect(skipLog?.attributes).to.include({
                revisionId: REVISION_ID,
                existingJobId: first.jobIds[0],
                existingJobState: "IN_PROGRESS",
            });
        });

        for (const state of ["IN_PROGRESS", "COMPLETED"]) {
            it(`skips a revision whose export job is ${state}`, async () => {
                fakeJobsApi(ddx, { initial: [exportJob("existingjob0000000000000000000001", state)] });
                const summary = await handler(revisionEvent());
                expect(ddx.commandCalls(CreateJobCommand)).to.have.length(0);
                expect(ddx.commandCalls(StartJobCommand)).to.have.length(0);
                expect(summary.skipped).to.deep.equal([
                    {
                        revisionId: REVISION_ID,
                        reason: "export-exists",
                        jobId: "existingjob0000000000000000000001",
                        state,
                    },
                ]);
            });
        }

        it("starts (rather than duplicates) an export job left WAITING by a failed attempt", async () => {
            fakeJobsApi(ddx, { initial: [exportJob("waitingjob00000000000000000000001", "WAITING")] });
            const summary = await handler(revisionEvent());
            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(0);
            expect(startedJobIds()).to.deep.equal(["waitingjob00000000000000000000001"]);
            expect(summary.jobIds).to.deep.equal(["waitingjob00000000000000000000001"]);
            expect(logger.lines.map((l) => l.message)).to.include(
                "export job found WAITING (created but never started): starting it",
            );
        });

        for (const state of ["ERROR", "CANCELLED", "TIMED_OUT"]) {
            it(`exports again when the earlier export job ended ${state}`, async () => {
                fakeJobsApi(ddx, { initial: [exportJob("failedjob000000000000000000000001", state)] });
                const summary = await handler(revisionEvent());
                expect(ddx.commandCalls(CreateJobCommand)).to.have.length(1);
                expect(summary.jobIds).to.have.length(1);
                expect(summary.skipped).to.deep.equal([]);
            });
        }

        it("ignores export jobs of the revision to another destination (e.g. an auto-export event action)", async () => {
            fakeJobsApi(ddx, {
                initial: [
                    exportJob("autoexport00000000000000000000001", "COMPLETED", REVISION_ID, {
                        bucket: "someone-elses-bucket",
                        eventActionArn: "arn:aws:dataexchange:eu-west-1:111122223333:event-actions/abc",
                    }),
                    exportJob("oldlayout000000000000000000000001", "COMPLETED", REVISION_ID, {
                        keyPattern: "thirdparty/credit-scores/${Revision.CreatedAt}/${Asset.Name}",
                    }),
                ],
            });
            await handler(revisionEvent());
            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(1);
        });

        it("follows ListJobs pagination to find an existing export", async () => {
            const others = Array.from({ length: 5 }, (_, i) =>
                exportJob(`otherjob${String(i).padStart(25, "0")}`, "COMPLETED", REVISION_ID, {
                    bucket: "other-bucket",
                }),
            );
            fakeJobsApi(ddx, {
                initial: [...others, exportJob("existingjob0000000000000000000001", "COMPLETED")],
                pageSize: 2,
            });
            const summary = await handler(revisionEvent());
            expect(ddx.commandCalls(ListJobsCommand).map((call) => call.args[0].input.NextToken)).to.deep.equal([
                undefined,
                "2",
                "4",
            ]);
            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(0);
            expect(summary.skipped[0]?.jobId).to.equal("existingjob0000000000000000000001");
        });

        it("only exports the revisions of a multi-revision event that are not exported yet", async () => {
            fakeJobsApi(ddx, { initial: [exportJob("existingjob0000000000000000000001", "COMPLETED", REVISION_ID)] });
            const summary = await handler(revisionEvent([REVISION_ID, REVISION_ID_2]));
            expect(
                createInputs().map((i) => i.Details?.ExportRevisionsToS3?.RevisionDestinations?.[0]?.RevisionId),
            ).to.deep.equal([REVISION_ID_2]);
            expect(summary.skipped.map((s) => s.revisionId)).to.deep.equal([REVISION_ID]);
            expect(summary.jobIds).to.have.length(1);
        });
    });

    describe("data sets not in DATASETS", () => {
        it("are logged and ignored, without calling Data Exchange", async () => {
            const summary = await handler(revisionEvent([REVISION_ID], UNKNOWN_DATA_SET_ID));
            expect(ddx.calls()).to.have.length(0);
            expect(summary).to.deep.equal({
                dataSetId: UNKNOWN_DATA_SET_ID,
                revisionIds: [REVISION_ID],
                jobIds: [],
                skipped: [{ revisionId: REVISION_ID, reason: "unknown-data-set" }],
            });
            expect(logger.lines).to.deep.include({
                level: "warn",
                message: "event ignored: data set not configured in DATASETS",
                attributes: {
                    eventId: "dc529cb6-2e28-4b3f-9b47-ed2e8e5a5c21",
                    dataSetId: UNKNOWN_DATA_SET_ID,
                    revisionIds: [REVISION_ID],
                },
            });
        });
    });

    describe("malformed events", () => {
        const malformed: Array<[string, unknown, RegExp]> = [
            ["not an object", "hello", /expected an EventBridge event object/],
            ["null", null, /expected an EventBridge event object/],
            ["another source", { ...revisionEvent(), source: "aws.s3" }, /"source" must be "aws\.dataexchange"/],
            [
                "another detail-type",
                { ...revisionEvent(), "detail-type": "Data Sets Published To Product" },
                /"detail-type" must be "Revision Published To Data Set"/,
            ],
            ["no resources", { ...revisionEvent(), resources: [] }, /"resources" must hold exactly one data set id/],
            ["two resources", { ...revisionEvent(), resources: [DATA_SET_ID, DATA_SET_ID] }, /exactly one data set id/],
            [
                "a non-id resource",
                { ...revisionEvent(), resources: ["../etc"] },
                /"resources\[0\]" is not a data set id/,
            ],
            ["no detail", { ...revisionEvent(), detail: undefined }, /"detail" must be an object/],
            ["no RevisionIds", { ...revisionEvent(), detail: {} }, /"detail\.RevisionIds" must be a non-empty array/],
            ["empty RevisionIds", revisionEvent([]), /"detail\.RevisionIds" must be a non-empty array/],
            ["a string RevisionIds", revisionEvent(REVISION_ID), /"detail\.RevisionIds" must be a non-empty array/],
            [
                "a non-string revision id",
                revisionEvent([REVISION_ID, 42]),
                /"detail\.RevisionIds\[1\]" is not a revision id/,
            ],
            ["a revision id with a slash", revisionEvent(["a/b"]), /"detail\.RevisionIds\[0\]" is not a revision id/],
        ];
        for (const [name, event, message] of malformed) {
            it(`throws a clear error on ${name}`, async () => {
                fakeJobsApi(ddx);
                let caught: unknown;
                try {
                    await handler(event);
                } catch (error) {
                    caught = error;
                }
                expect(caught).to.be.instanceOf(MalformedEventError);
                expect((caught as Error).message).to.match(/^malformed "Revision Published To Data Set" event: /);
                expect((caught as Error).message).to.match(message);
                expect(ddx.calls()).to.have.length(0);
                expect(logger.lines.map((l) => [l.level, l.message])).to.deep.equal([
                    ["error", "malformed event rejected"],
                ]);
            });
        }
    });

    describe("AWS errors propagate (async retries, then the DLQ)", () => {
        const throttled = () =>
            new ThrottlingException({
                message: "Rate exceeded",
                Message: "Rate exceeded",
                $metadata: { httpStatusCode: 429 },
            });

        async function rejection(promise: Promise<unknown>): Promise<unknown> {
            try {
                await promise;
            } catch (error) {
                return error;
            }
            throw new Error("expected the handler to reject");
        }

        it("from CreateJob, without starting anything", async () => {
            fakeJobsApi(ddx, { createFault: () => throttled() });
            const error = await rejection(handler(revisionEvent()));
            expect(error).to.be.instanceOf(ThrottlingException);
            expect((error as Error).message).to.equal("Rate exceeded");
            expect(ddx.commandCalls(StartJobCommand)).to.have.length(0);
        });

        it("from ListJobs, before creating anything", async () => {
            ddx.on(ListJobsCommand).rejects(throttled());
            const error = await rejection(handler(revisionEvent()));
            expect(error).to.be.instanceOf(ThrottlingException);
            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(0);
        });

        it("from StartJob; the retry then starts the WAITING job instead of creating another", async () => {
            const jobs = fakeJobsApi(ddx, { startFault: (call) => (call === 1 ? throttled() : undefined) });
            expect(await rejection(handler(revisionEvent()))).to.be.instanceOf(ThrottlingException);
            expect(jobs.map((j) => j.State)).to.deep.equal(["WAITING"]);

            const retried = await handler(revisionEvent());
            expect(ddx.commandCalls(CreateJobCommand)).to.have.length(1);
            expect(retried.jobIds).to.deep.equal([jobs[0]?.Id]);
            expect(jobs.map((j) => j.State)).to.deep.equal(["IN_PROGRESS"]);
        });

        it("mid-event; the retry skips the revisions already exported", async () => {
            const jobs = fakeJobsApi(ddx, { createFault: (call) => (call === 2 ? throttled() : undefined) });
            const event = revisionEvent([REVISION_ID, REVISION_ID_2]);
            expect(await rejection(handler(event))).to.be.instanceOf(ThrottlingException);
            expect(startedJobIds()).to.deep.equal([fakeJobId(1)]);

            const retried = await handler(event);
            expect(retried.skipped).to.deep.equal([
                { revisionId: REVISION_ID, reason: "export-exists", jobId: fakeJobId(1), state: "IN_PROGRESS" },
            ]);
            expect(retried.jobIds).to.deep.equal([fakeJobId(2)]);
            expect(
                jobs.map((j) => j.Details?.ExportRevisionsToS3?.RevisionDestinations?.[0]?.RevisionId),
            ).to.deep.equal([REVISION_ID, REVISION_ID_2]);
        });
    });
});
