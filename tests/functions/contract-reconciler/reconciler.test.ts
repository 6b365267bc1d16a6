/**
 * The contract reconciler against moto_server's Lake Formation over HTTP (GrantPermissions, RevokePermissions and
 * ListPermissions are moto's), moto's EventBridge → SQS for the audit events, and dynalite for the contracts table.
 *
 * moto (5.x) does not implement CreateDataCellsFilter, GetDataCellsFilter, UpdateDataCellsFilter or
 * DeleteDataCellsFilter (they answer 404; ListDataCellsFilter always returns []). Those calls, and only those, go to
 * a second LakeFormationClient stubbed with aws-sdk-client-mock over an in-memory filter store; grants ON a filter
 * (a DataCellsFilter resource) are still moto's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateTableCommand, DeleteItemCommand, type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
    CreateDataCellsFilterCommand,
    type DataCellsFilter,
    DeleteDataCellsFilterCommand,
    GetDataCellsFilterCommand,
    LakeFormationClient,
    ListPermissionsCommand,
    UpdateDataCellsFilterCommand,
} from "@aws-sdk/client-lakeformation";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as YAML from "yaml";
import { AUDIT_SOURCE, DETAIL_TYPES } from "../../../functions/contract-reconciler/audit";
import { createHandler, type ReconcilerHandler } from "../../../functions/contract-reconciler/handler";
import { contractItem } from "../../../model/contracts";
import { contractReconcilerEnv, type ReconcilerConfig } from "../../../model/env/contract-reconciler";
import { startDynalite, type Dynalite } from "../../helpers/dynalite";
import {
    createHubBus,
    drainQueue,
    LOCAL_CREDENTIALS,
    type Moto,
    MOTO_ACCOUNT,
    MOTO_REGION,
    type MotoClients,
    motoClients,
    nextSequenceNumber,
    startMoto,
} from "../change-publisher/helpers";

const ANALYSTS = "arn:aws:iam::444444444444:role/cdp-analyst";
const SCIENCE = "arn:aws:iam::555555555555:role/cdp-ml-training";
const TABLE = "cdp-test-contracts";
const root = path.join(__dirname, "..", "..", "..");
const readContract = (file: string) =>
    YAML.parse(fs.readFileSync(path.join(root, "contracts", file), "utf8")) as Record<string, any>;

/** What a principal may SELECT on a table, as ListPermissions shows it. */
type Grant = { principal: string; table: string; columns?: string[]; filter?: string };

describe("contract reconciler (moto Lake Formation)", function () {
    this.timeout(120_000);
    let moto: Moto | undefined;
    let dynalite: Dynalite;
    let clients: MotoClients;
    let ddb: MotoClients;
    let lf: LakeFormationClient;
    let filterStore: Map<string, DataCellsFilter & { VersionId: string }>;
    let handler: ReconcilerHandler;
    let queueUrl: string;
    let config: ReconcilerConfig;
    const logs: Array<{ level: string; message: string; attributes: Record<string, unknown> }> = [];

    before(async function () {
        moto = await startMoto();
        if (!moto) {
            if (process.env.CI) throw new Error("moto_server is not installed");
            this.skip();
        }
        dynalite = await startDynalite();
        clients = motoClients(moto.endpoint);
        ddb = motoClients(moto.endpoint, dynalite.endpoint);
        await ddb.dynamodb.send(
            new CreateTableCommand({
                TableName: TABLE,
                AttributeDefinitions: [{ AttributeName: "contractId", AttributeType: "S" }],
                KeySchema: [{ AttributeName: "contractId", KeyType: "HASH" }],
                BillingMode: "PAY_PER_REQUEST",
            }),
        );
    });

    after(async () => {
        clients?.destroy();
        ddb?.destroy();
        lf?.destroy();
        await dynalite?.stop();
        await moto?.stop();
    });

    beforeEach(async () => {
        await fetch(`${moto!.endpoint}/moto-api/reset`, { method: "POST" });
        const bus = await createHubBus(clients, "governance-audit");
        // The helper's rule matches cdp.domain.<domain>; add one for the audit source.
        const { PutRuleCommand, PutTargetsCommand } = await import("@aws-sdk/client-eventbridge");
        const { GetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
        const { Attributes } = await clients.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: bus.queueUrl, AttributeNames: ["QueueArn"] }),
        );
        await clients.eventBridge.send(
            new PutRuleCommand({
                Name: "audit",
                EventBusName: "governance-audit",
                EventPattern: JSON.stringify({ source: [AUDIT_SOURCE] }),
                State: "ENABLED",
            }),
        );
        await clients.eventBridge.send(
            new PutTargetsCommand({
                Rule: "audit",
                EventBusName: "governance-audit",
                Targets: [{ Id: "q", Arn: Attributes!.QueueArn! }],
            }),
        );
        queueUrl = bus.queueUrl;
        config = contractReconcilerEnv.load({
            CONTRACTS_TABLE: TABLE,
            CATALOG_ID: MOTO_ACCOUNT,
            CONSUMERS: JSON.stringify({ analysts: ANALYSTS, "data-science": SCIENCE }),
            DATABASES: JSON.stringify({ sales: "cdp_test_sales", payments: "cdp_test_payments" }),
            AUDIT_BUS_ARN: bus.busArn,
        });
        lf?.destroy();
        lf = new LakeFormationClient({
            endpoint: moto!.endpoint,
            region: MOTO_REGION,
            credentials: LOCAL_CREDENTIALS,
            requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
            maxAttempts: 1,
        });
        filterStore = new Map();
        const filters = new LakeFormationClient({ region: MOTO_REGION, credentials: LOCAL_CREDENTIALS });
        const stub = mockClient(filters);
        const key = (f: { DatabaseName?: string; TableName?: string; Name?: string }) =>
            `${f.DatabaseName}/${f.TableName}/${f.Name}`;
        const notFound = () => Object.assign(new Error("filter not found"), { name: "EntityNotFoundException" });
        let version = 0;
        stub.on(GetDataCellsFilterCommand).callsFake(async (input) => {
            const f = filterStore.get(key(input));
            if (!f) throw notFound();
            return { DataCellsFilter: structuredClone(f) };
        });
        stub.on(CreateDataCellsFilterCommand).callsFake(async ({ TableData }) => {
            if (filterStore.has(key(TableData)))
                throw Object.assign(new Error("exists"), { name: "AlreadyExistsException" });
            filterStore.set(key(TableData), { ...TableData, VersionId: String(++version) });
            return {};
        });
        stub.on(UpdateDataCellsFilterCommand).callsFake(async ({ TableData }) => {
            if (!filterStore.has(key(TableData))) throw notFound();
            filterStore.set(key(TableData), { ...TableData, VersionId: String(++version) });
            return {};
        });
        stub.on(DeleteDataCellsFilterCommand).callsFake(async (input) => {
            if (!filterStore.delete(key({ ...input }))) throw notFound();
            return {};
        });
        logs.length = 0;
        const log = (level: string) => (message: string, attributes: Record<string, unknown>) =>
            logs.push({ level, message, attributes });
        handler = createHandler({
            config,
            dynamodb: ddb.dynamodb,
            lakeFormation: lf,
            filters,
            eventBridge: clients.eventBridge,
            logger: { info: log("info"), warn: log("warn"), error: log("error") },
        });
        for (const id of ["sales.customer", "sales.order", "payments.payment"]) {
            await ddb.dynamodb.send(new DeleteItemCommand({ TableName: TABLE, Key: { contractId: { S: id } } }));
        }
    });

    async function put(doc: Record<string, unknown>): Promise<void> {
        await (ddb.dynamodb as DynamoDBClient).send(
            new PutItemCommand({ TableName: TABLE, Item: contractItem(`${doc.domain}/${doc.dataset}.yaml`, doc) }),
        );
    }

    function records(...ids: string[]): DynamoDBStreamEvent & { sequences: string[] } {
        const sequences = ids.map(() => nextSequenceNumber());
        return {
            sequences,
            Records: ids.map((id, i) => ({
                eventID: `e${i}`,
                eventName: "MODIFY",
                eventSource: "aws:dynamodb",
                dynamodb: {
                    Keys: { contractId: { S: id } },
                    SequenceNumber: sequences[i],
                    StreamViewType: "NEW_AND_OLD_IMAGES",
                },
            })),
        };
    }

    async function grants(): Promise<Grant[]> {
        const out = await lf.send(new ListPermissionsCommand({ CatalogId: MOTO_ACCOUNT }));
        return (out.PrincipalResourcePermissions ?? [])
            .filter((p) => p.Permissions?.includes("SELECT"))
            .map((p): Grant => {
                const r = p.Resource!;
                return r.TableWithColumns
                    ? {
                          principal: p.Principal!.DataLakePrincipalIdentifier!,
                          table: `${r.TableWithColumns.DatabaseName}.${r.TableWithColumns.Name}`,
                          columns: [...r.TableWithColumns.ColumnNames!].sort(),
                      }
                    : {
                          principal: p.Principal!.DataLakePrincipalIdentifier!,
                          table: `${r.DataCellsFilter!.DatabaseName}.${r.DataCellsFilter!.TableName}`,
                          filter: r.DataCellsFilter!.Name,
                      };
            })
            .sort((a, b) => `${a.principal}${a.table}${a.filter}`.localeCompare(`${b.principal}${b.table}${b.filter}`));
    }

    const customer = () => readContract("sales/customer.yaml");
    const V1_GRANTS: Grant[] = [
        { principal: ANALYSTS, table: "cdp_test_sales.customer", filter: "contract-analysts" },
        {
            principal: SCIENCE,
            table: "cdp_test_sales.customer",
            columns: ["createdat", "customerid", "email", "lifetimevalue", "segment"],
        },
    ];

    it("grant: column grants and a row-filtered grant through a data cells filter, with audit events", async () => {
        await put(customer());
        const out = await handler(records("sales.customer"));
        expect(out.batchItemFailures).to.deep.equal([]);
        expect(await grants()).to.deep.equal(V1_GRANTS);
        expect(
            [...filterStore.values()].map((f) => [f.Name, [...f.ColumnNames!].sort(), f.RowFilter?.FilterExpression]),
        ).to.deep.equal([
            ["contract-analysts", ["customerid", "lifetimevalue", "segment", "updatedat"], "segment = 'retail'"],
        ]);
        const events = await drainQueue(clients.sqs, queueUrl);
        expect(
            events.map((e) => [e.source, e["detail-type"], e.detail.action, e.detail.consumer]).sort(),
        ).to.deep.equal([
            [AUDIT_SOURCE, DETAIL_TYPES.change, "filter-created", "analysts"],
            [AUDIT_SOURCE, DETAIL_TYPES.change, "granted", "analysts"],
            [AUDIT_SOURCE, DETAIL_TYPES.change, "granted", "data-science"],
        ]);
        expect(events.every((e) => e.detail.contractId === "sales.customer" && e.detail.version === "1.2.0")).to.equal(
            true,
        );
    });

    it("narrow: fewer columns and a dropped row filter revoke what the earlier version granted", async () => {
        await put(customer());
        await handler(records("sales.customer"));
        const v2 = customer();
        v2.version = "1.3.0";
        v2.consumers[0] = { ...v2.consumers[0], columns: ["customerId", "segment"] };
        delete v2.consumers[0].rowFilter;
        v2.consumers[1].columns = ["customerId", "segment"]; // no more email
        await put(v2);
        await drainQueue(clients.sqs, queueUrl);
        const out = await handler(records("sales.customer"));
        expect(out.batchItemFailures).to.deep.equal([]);
        expect(await grants()).to.deep.equal([
            { principal: ANALYSTS, table: "cdp_test_sales.customer", columns: ["customerid", "segment"] },
            { principal: SCIENCE, table: "cdp_test_sales.customer", columns: ["customerid", "segment"] },
        ]);
        expect(filterStore.size).to.equal(0);
        const actions = (await drainQueue(clients.sqs, queueUrl))
            .map((e) => `${e.detail.consumer}:${e.detail.action}`)
            .sort();
        expect(actions).to.deep.equal([
            "analysts:filter-deleted",
            "analysts:granted",
            "analysts:revoked",
            "data-science:granted",
            "data-science:revoked",
        ]);
    });

    it("replay: an old or repeated record yields the same permissions and no change", async () => {
        await put(customer());
        const first = records("sales.customer");
        await handler(first);
        await drainQueue(clients.sqs, queueUrl);
        const again = await handler(first);
        const twice = await handler(records("sales.customer", "sales.customer"));
        expect(again.outcomes[0].changes).to.deep.equal([]);
        expect(twice.outcomes).to.have.length(1); // records of one contract collapse
        expect(await grants()).to.deep.equal(V1_GRANTS);
        expect(await drainQueue(clients.sqs, queueUrl)).to.deep.equal([]);
    });

    it("withdraw: status withdrawn, then the item removed, leave no grant and no filter", async () => {
        await put(customer());
        await handler(records("sales.customer"));
        await put({ ...customer(), status: "withdrawn" });
        await handler(records("sales.customer"));
        expect(await grants()).to.deep.equal([]);
        expect(filterStore.size).to.equal(0);
        await put(customer());
        await handler(records("sales.customer"));
        expect(await grants()).to.deep.equal(V1_GRANTS);
        await ddb.dynamodb.send(
            new DeleteItemCommand({ TableName: TABLE, Key: { contractId: { S: "sales.customer" } } }),
        );
        const out = await handler(records("sales.customer"));
        expect(out.outcomes[0].status).to.equal("removed");
        expect(await grants()).to.deep.equal([]);
    });

    it("invalid: rejected with a reason, grants nothing and revokes what the earlier version granted", async () => {
        await put(customer());
        await handler(records("sales.customer"));
        await drainQueue(clients.sqs, queueUrl);
        const bad = customer();
        bad.version = "1.4.0";
        bad.consumers[1].columns.push("iban");
        await put(bad);
        const out = await handler(records("sales.customer"));
        expect(out.batchItemFailures).to.deep.equal([]);
        expect(out.outcomes[0].status).to.equal("rejected");
        expect(out.outcomes[0].reasons.join("\n")).to.match(
            /\$\.consumers\[1\]\.columns\[5\]: got "iban"; expected a property of the contract's schema/,
        );
        expect(await grants()).to.deep.equal([]);
        const events = await drainQueue(clients.sqs, queueUrl);
        const rejected = events.filter((e) => e["detail-type"] === DETAIL_TYPES.rejected);
        expect(rejected).to.have.length(1);
        expect((rejected[0].detail.reasons as string[])[0]).to.match(/iban/);
        expect(logs.some((l) => l.level === "warn" && l.message === "contract rejected")).to.equal(true);
    });

    it("concurrent updates: two batches racing for one contract converge on the latest version", async () => {
        for (let round = 0; round < 3; round++) {
            await put(customer());
            const v2 = customer();
            v2.version = "2.0.0";
            v2.consumers = [v2.consumers[1]];
            const [a, b] = await Promise.all([
                handler(records("sales.customer")),
                (async () => {
                    await put(v2);
                    return handler(records("sales.customer"));
                })(),
            ]);
            expect([...a.batchItemFailures, ...b.batchItemFailures]).to.deep.equal([]);
            // A run that read v1 re-reads the item after converging and repeats while it changed.
            expect(await grants()).to.deep.equal([V1_GRANTS[1]]);
            expect(filterStore.size).to.equal(0);
        }
    });

    it("partial batch failure: only the failing contract's records are reported", async () => {
        await put(customer());
        const payment = readContract("payments/payment.yaml");
        await put(payment);
        // The payments filter cannot be created (a throttled or failing API): its records fail, sales goes through.
        const failing = createHandler({
            config,
            dynamodb: ddb.dynamodb,
            lakeFormation: lf,
            filters: {
                send: async (command: unknown) => {
                    const input = (
                        command as { input: { TableData?: { DatabaseName?: string }; DatabaseName?: string } }
                    ).input;
                    if ((input.TableData?.DatabaseName ?? input.DatabaseName) === "cdp_test_payments") {
                        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
                    }
                    throw Object.assign(new Error("no filter"), { name: "EntityNotFoundException" });
                },
            } as never,
            eventBridge: clients.eventBridge,
            logger: { info() {}, warn() {}, error() {} },
        });
        const batch = records("payments.payment", "sales.order", "payments.payment");
        await put(readContract("sales/order.yaml"));
        const out = await failing(batch);
        expect(out.batchItemFailures).to.deep.equal([
            { itemIdentifier: batch.sequences[0] },
            { itemIdentifier: batch.sequences[2] },
        ]);
        expect((await grants()).filter((g) => g.table === "cdp_test_sales.order")).to.have.length(2);
    });

    it("a consumer this deployment does not configure is skipped, not a rejection", async () => {
        const doc = customer();
        doc.consumers.push({ name: "partner-bi", columns: ["customerId"], purpose: "Granted in another stack only." });
        await put(doc);
        const out = await handler(records("sales.customer"));
        expect(out.outcomes[0]).to.deep.include({ status: "applied", skipped: ["partner-bi"] });
        expect(await grants()).to.deep.equal(V1_GRANTS);
    });

    it("a record of an unknown domain is skipped, not retried forever", async () => {
        const out = await handler(records("lending.loan"));
        expect(out.batchItemFailures).to.deep.equal([]);
        expect(logs.some((l) => l.level === "error" && /no configured domain/.test(l.message))).to.equal(true);
    });
});
