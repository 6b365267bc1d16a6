/**
 * The Lambda environment contracts (model/env/): what a component sets parses back, through the function's own
 * `loadConfig`, to the typed configuration it meant; the components under the offline plan set exactly their
 * contract's variables; and TypeScript refuses a component an undeclared name, a missing required variable or a
 * structured value it did not write with the contract's `format`.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { AccountBaseline } from "../components/baseline/account-baseline";
import { ProducerDomain } from "../components/domain/producer-domain";
import { StreamIngest } from "../components/ingest/stream-ingest";
import { Naming } from "../components/shared/naming";
import { findFunctionEntries } from "../functions/build";
import { loadConfig as loadPublisherConfig } from "../functions/change-publisher/config";
import { loadConfig as loadExportConfig } from "../functions/dataexchange-export/config";
import { loadConfig as loadDomainApiConfig } from "../functions/domain-api/config";
import { loadConfig as loadPreprocessConfig } from "../functions/preprocess/config";
import type { EntityDefinition } from "../model/entities";
import { contractReconcilerEnv } from "../model/env/contract-reconciler";
import { changePublisherEnv, type PublisherConfig, type TableEntity } from "../model/env/change-publisher";
import { dataExchangeExportEnv, type ExportConfig } from "../model/env/dataexchange-export";
import { type DomainApiConfig, domainApiEnv } from "../model/env/domain-api";
import {
    componentVariableNames,
    type EnvContract,
    EnvError,
    type EnvVariables,
    envVariables,
    fail,
} from "../model/env/kit";
import { lineageEnv } from "../model/env/lineage";
import { type PreprocessConfig, preprocessEnv } from "../model/env/preprocess";
import { daxEndpointUrl } from "../model/names";
import type { PlanDocument } from "../tools/plan/document";
import { ofType, planProgram, planStack, ROOT, resource } from "./helpers/plan";

const CONTRACTS: Readonly<Record<string, EnvContract<EnvVariables, unknown>>> = {
    "change-publisher": changePublisherEnv,
    "contract-reconciler": contractReconcilerEnv,
    "dataexchange-export": dataExchangeExportEnv,
    "domain-api": domainApiEnv,
    lineage: lineageEnv,
    preprocess: preprocessEnv,
};

/** What a component's `envVariables` result becomes in the function's `process.env`. */
const asEnv = (variables: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, value as string]));

const ENTITIES: EntityDefinition[] = [
    {
        name: "customer",
        partitionKey: "customerId",
        attributes: {
            customerId: { type: "string", required: true },
            email: { type: "email", required: true, pii: true },
            segment: { type: "string", enum: ["retail", "business"] },
        },
        indexes: [{ name: "bySegment", partitionKey: "segment" }],
    },
    {
        name: "order",
        partitionKey: "customerId",
        sortKey: "orderId",
        attributes: {
            customerId: { type: "string", required: true },
            orderId: { type: "string", required: true },
            amountMinor: { type: "integer", required: true, minimum: 0 },
            expiresAt: { type: "integer" },
        },
        ttlAttribute: "expiresAt",
    },
];

describe("Lambda environment contracts", () => {
    it("one contract per function, named after its folder, declaring each variable once with a description", () => {
        const functions = findFunctionEntries(path.join(ROOT, "functions")).map((f) => f.name);
        expect(Object.keys(CONTRACTS).sort()).to.deep.equal(functions);
        for (const [name, contract] of Object.entries(CONTRACTS)) {
            expect(contract.function).to.equal(name);
            for (const [variable, spec] of Object.entries(contract.variables)) {
                expect(variable, name).to.match(/^[A-Z][A-Z0-9_]*$/);
                expect(spec.description, `${name} ${variable}`).to.be.a("string").and.not.equal("");
            }
        }
    });

    describe("round trip: the variables a component sets parse back to the config it meant", () => {
        it("change-publisher", () => {
            const v = changePublisherEnv.variables;
            const tables = new Map<string, TableEntity>([
                ["cdp-prod-sales-customer", { entity: "customer", partitionKey: "customerId" }],
                ["cdp-prod-sales-order", { entity: "order", partitionKey: "customerId", sortKey: "orderId" }],
                ["cdp-prod-sales.order_lines", { entity: "order_line", partitionKey: "orderId", sortKey: "lineNo" }],
            ]);
            const env = envVariables(changePublisherEnv, {
                DOMAIN: "sales-eu",
                STREAM_ARN: "arn:aws:kinesis:eu-west-1:222222222222:stream/cdp-prod-ingest",
                EVENT_BUS_ARN: "arn:aws-us-gov:events:us-gov-west-1:222222222222:event-bus/cdp-prod-events",
                IDEMPOTENCY_TABLE: "cdp-prod-sales-publisher-idempotency",
                TABLE_ENTITIES: v.TABLE_ENTITIES.format(tables),
                IDEMPOTENCY_TTL_SECONDS: v.IDEMPOTENCY_TTL_SECONDS.format(2 * 86_400),
                IDEMPOTENCY_LEASE_SECONDS: v.IDEMPOTENCY_LEASE_SECONDS.format(900),
            });
            const expected: PublisherConfig = {
                domain: "sales-eu",
                streamArn: "arn:aws:kinesis:eu-west-1:222222222222:stream/cdp-prod-ingest",
                streamRegion: "eu-west-1",
                eventBusArn: "arn:aws-us-gov:events:us-gov-west-1:222222222222:event-bus/cdp-prod-events",
                eventBusRegion: "us-gov-west-1",
                idempotencyTable: "cdp-prod-sales-publisher-idempotency",
                tables,
                idempotencyTtlSeconds: 172_800,
                leaseSeconds: 900,
            };
            expect(loadPublisherConfig(asEnv(env))).to.deep.equal(expected);
            // The defaults, when the component leaves the optional ones unset.
            const { IDEMPOTENCY_TTL_SECONDS: _ttl, IDEMPOTENCY_LEASE_SECONDS: _lease, ...minimal } = env;
            expect(loadPublisherConfig(asEnv(minimal))).to.include({
                idempotencyTtlSeconds: 604_800,
                leaseSeconds: 300,
            });
        });

        it("domain-api", () => {
            const v = domainApiEnv.variables;
            const tables = { customer: "cdp-prod-sales-customer", order: "cdp-prod-sales-order" };
            const env = envVariables(domainApiEnv, {
                DOMAIN: "sales",
                ENTITIES: v.ENTITIES.format(ENTITIES),
                TABLES: v.TABLES.format(tables),
                DAX_ENDPOINT: daxEndpointUrl("sales-dax.abc123.dax-clusters.eu-west-1.amazonaws.com"),
            });
            const expected: DomainApiConfig = {
                domain: "sales",
                entities: ENTITIES,
                tables,
                daxEndpoint: "daxs://sales-dax.abc123.dax-clusters.eu-west-1.amazonaws.com",
                region: "eu-west-1",
            };
            // AWS_REGION comes from the Lambda runtime, not from the component.
            expect(loadDomainApiConfig({ ...asEnv(env), AWS_REGION: "eu-west-1" })).to.deep.equal(expected);
        });

        it("preprocess", () => {
            const v = preprocessEnv.variables;
            const salt = " a 32-character HMAC key, as is ";
            const hashing = envVariables(preprocessEnv, {
                HASH_IDENTIFIERS: v.HASH_IDENTIFIERS.format(true),
                HASH_SALT: salt,
                MAX_FAILURE_LOGS: v.MAX_FAILURE_LOGS.format(0),
            });
            const expected: PreprocessConfig = { hashIdentifiers: true, hashSalt: salt, maxFailureLogs: 0 };
            expect(loadPreprocessConfig(asEnv(hashing))).to.deep.equal(expected);
            const plain = envVariables(preprocessEnv, { HASH_IDENTIFIERS: v.HASH_IDENTIFIERS.format(false) });
            expect(loadPreprocessConfig(asEnv(plain))).to.deep.equal({
                hashIdentifiers: false,
                hashSalt: undefined,
                maxFailureLogs: 20,
            });
        });

        it("dataexchange-export", () => {
            const datasets = new Map([
                ["8d494cba5e4720172f4bd8f9e85d1a83", "credit-bureau-scores"],
                ["0f5e8f5b8d1c4e3aa2b1c0d9e8f7a6b5", "fx-rates"],
            ]);
            const env = envVariables(dataExchangeExportEnv, {
                RAW_BUCKET: "cdp-prod-raw-333333333333-eu-west-1",
                RAW_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                PREFIX: "vendors/thirdparty",
                DATASETS: dataExchangeExportEnv.variables.DATASETS.format(datasets),
            });
            const expected: ExportConfig = {
                bucket: "cdp-prod-raw-333333333333-eu-west-1",
                kmsKeyArn: "arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                datasets,
                prefix: "vendors/thirdparty",
            };
            expect(loadExportConfig(asEnv(env))).to.deep.equal(expected);
        });
    });

    describe("envVariables and load", () => {
        it("refuses, at compile time, undeclared names, missing required ones and hand-written structured values", () => {
            const tables = new Map([["t-customers", { entity: "customer", partitionKey: "customerId" }]]);
            const output = pulumi.output("arn:aws:kinesis:eu-west-1:222222222222:stream/s");
            const typeChecks = () => [
                envVariables(changePublisherEnv, {
                    DOMAIN: "sales",
                    STREAM_ARN: output,
                    EVENT_BUS_ARN: output,
                    IDEMPOTENCY_TABLE: "idempotency",
                    // @ts-expect-error JSON must come from TABLE_ENTITIES.format
                    TABLE_ENTITIES: pulumi.jsonStringify(output),
                }),
                envVariables(changePublisherEnv, {
                    DOMAIN: "sales",
                    STREAM_ARN: output,
                    EVENT_BUS_ARN: output,
                    IDEMPOTENCY_TABLE: "idempotency",
                    TABLE_ENTITIES: changePublisherEnv.variables.TABLE_ENTITIES.format(tables),
                    // @ts-expect-error a number is written by its format
                    IDEMPOTENCY_TTL_SECONDS: "86400",
                }),
                envVariables(preprocessEnv, {
                    // @ts-expect-error a boolean is written by its format
                    HASH_IDENTIFIERS: "true",
                }),
                envVariables(domainApiEnv, {
                    // @ts-expect-error a required variable may not be undefined
                    DOMAIN: undefined,
                    ENTITIES: domainApiEnv.variables.ENTITIES.format(ENTITIES),
                    TABLES: domainApiEnv.variables.TABLES.format({}),
                }),
            ];
            expect(typeChecks).to.be.a("function");
            // Also refused when run (callers outside TypeScript's reach).
            expect(() =>
                envVariables(domainApiEnv, {
                    DOMAIN: "sales",
                    ENTITIES: domainApiEnv.variables.ENTITIES.format(ENTITIES),
                    TABLES: domainApiEnv.variables.TABLES.format({}),
                    // @ts-expect-error the Lambda runtime sets AWS_REGION
                    AWS_REGION: "eu-west-1",
                }),
            ).to.throw("domain-api: AWS_REGION is not a variable its component sets");
            expect(() =>
                envVariables(preprocessEnv, {
                    // @ts-expect-error not a variable of the contract
                    HASH_PEPPER: "x",
                }),
            ).to.throw("preprocess: HASH_PEPPER is not a variable its component sets");
            expect(() =>
                // @ts-expect-error RAW_KMS_KEY_ARN is missing
                envVariables(dataExchangeExportEnv, {
                    RAW_BUCKET: "raw",
                    DATASETS: dataExchangeExportEnv.variables.DATASETS.format(new Map([["d1", "x"]])),
                }),
            ).to.throw("dataexchange-export: the required variable RAW_KMS_KEY_ARN is not set");
        });

        it("reports every invalid variable at once, each naming itself", () => {
            let error: unknown;
            try {
                changePublisherEnv.load({ DOMAIN: "Sales", STREAM_ARN: "cdp-hub-events", IDEMPOTENCY_TABLE: "ab" });
            } catch (e) {
                error = e;
            }
            expect(error).to.be.instanceOf(EnvError);
            const { problems, message } = error as EnvError;
            expect(problems.map((p) => p.variable)).to.deep.equal([
                "DOMAIN",
                "STREAM_ARN",
                "EVENT_BUS_ARN",
                "IDEMPOTENCY_TABLE",
                "TABLE_ENTITIES",
            ]);
            expect(message.split("\n")[0]).to.equal("5 environment variables are invalid:");
            expect(message).to.contain("  - EVENT_BUS_ARN is required but not set");
            expect(() => fail("X", "X is wrong")).to.throw(EnvError, /^X is wrong$/);
        });

        it("never echoes the HMAC key", () => {
            expect(() => preprocessEnv.load({ HASH_IDENTIFIERS: "yes", HASH_SALT: "short-secret" }))
                .to.throw(/^HASH_IDENTIFIERS=true requires HASH_SALT of at least 16 characters$/)
                .and.not.to.match(/short-secret/);
        });
    });
});

/** The function variables of a planned Lambda function, and the contract of its bundle. */
function plannedEnvironment(doc: PlanDocument, name: string) {
    const fn = resource(doc, "aws:lambda/function:Function", name);
    const bundle = path.basename((fn.inputs.code as { asset: string }).asset);
    const { NODE_OPTIONS, ...variables } = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    return { bundle, contract: CONTRACTS[bundle], variables, nodeOptions: NODE_OPTIONS };
}

/** Exactly the contract's variables: only names it lets a component set, every required one. */
function expectContractVariables(doc: PlanDocument, name: string): Record<string, string> {
    const { bundle, contract, variables, nodeOptions } = plannedEnvironment(doc, name);
    expect(contract, `${name}: bundle ${bundle} has a contract`).to.not.equal(undefined);
    // Set by NodeFunction for every function (source maps), not part of any contract.
    expect(nodeOptions, name).to.equal("--enable-source-maps");
    const names = Object.keys(variables);
    expect(componentVariableNames(contract), name).to.include.members(names);
    const required = Object.entries(contract.variables).filter(([, v]) => v.required);
    expect(names, name).to.include.members(required.map(([n]) => n));
    return variables;
}

describe("planned Lambda environments follow the contracts (prod plan)", () => {
    let prod: PlanDocument;
    before(async () => {
        prod = await planStack("prod");
        expect(prod.errors).to.deep.equal([]);
    });

    it("every function sets exactly its contract's variables, and they load", () => {
        const functions = ofType(prod, "aws:lambda/function:Function");
        expect(new Set(functions.map((fn) => plannedEnvironment(prod, fn.name).bundle))).to.have.all.keys(
            Object.keys(CONTRACTS),
        );
        for (const fn of functions) {
            const variables = expectContractVariables(prod, fn.name);
            const { contract } = plannedEnvironment(prod, fn.name);
            expect(() => contract.load(variables), fn.name).to.not.throw();
        }
    });

    it("change-publisher: the hub's stream and bus, the idempotency table and the entity tables", () => {
        const variables = expectContractVariables(prod, "sales-publisher-function");
        const table = (name: string) => resource(prod, "aws:dynamodb/table:Table", name).inputs.name as string;
        expect(loadPublisherConfig(variables)).to.deep.equal({
            domain: "sales",
            streamArn: prod.outputs.ingestStreamArn,
            streamRegion: "eu-west-1",
            eventBusArn: prod.outputs.ingestBusArn,
            eventBusRegion: "eu-west-1",
            idempotencyTable: table("sales-publisher-idempotency"),
            tables: new Map([
                [table("sales-store-customer"), { entity: "customer", partitionKey: "customerId" }],
                [table("sales-store-order"), { entity: "order", partitionKey: "customerId", sortKey: "orderId" }],
            ]),
            idempotencyTtlSeconds: 604_800,
            leaseSeconds: 300,
        });
    });

    it("domain-api: the domain's entities and tables", () => {
        const variables = expectContractVariables(prod, "sales-api-handler");
        const config = loadDomainApiConfig(variables);
        expect(config.domain).to.equal("sales");
        expect(config.entities.map((e) => e.name)).to.deep.equal(["customer", "order"]);
        expect(config.tables).to.deep.equal({
            customer: resource(prod, "aws:dynamodb/table:Table", "sales-store-customer").inputs.name,
            order: resource(prod, "aws:dynamodb/table:Table", "sales-store-order").inputs.name,
        });
        expect(config).to.not.have.property("daxEndpoint");
    });

    it("dataexchange-export: the raw zone's bucket and key, the subscribed data sets", () => {
        const variables = expectContractVariables(prod, "thirdparty-exporter");
        expect(loadExportConfig(variables)).to.deep.equal({
            bucket: resource(prod, "aws:s3/bucket:Bucket", "lake-raw").inputs.bucket,
            kmsKeyArn: resource(prod, "aws:kms/key:Key", "lake-raw-key").outputs.arn,
            datasets: new Map([["8d494cba5e4720172f4bd8f9e85d1a83", "credit-bureau-scores"]]),
            prefix: "thirdparty",
        });
    });

    it("preprocess: no hashing in prod's config", () => {
        const variables = expectContractVariables(prod, "stream-preprocess");
        expect(loadPreprocessConfig(variables)).to.deep.equal({
            hashIdentifiers: false,
            hashSalt: undefined,
            maxFailureLogs: 20,
        });
    });
});

describe("planned Lambda environments follow the contracts (optional variables)", () => {
    it("StreamIngest with identifier hashing sets HASH_SALT, which loads as the HMAC key", async () => {
        const salt = "a-secret-of-at-least-16-characters";
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            new StreamIngest(
                "s",
                {
                    naming: new Naming("cdp", "test"),
                    rawZone: {
                        bucketName: "raw",
                        bucketArn: "arn:aws:s3:::raw",
                        keyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                    },
                    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                    alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
                    logRetentionDays: 30,
                    hashIdentifiers: true,
                    hashSalt: salt,
                },
                { provider },
            );
        });
        expect(doc.errors).to.deep.equal([]);
        const variables = expectContractVariables(doc, "s-preprocess");
        expect(Object.keys(variables).sort()).to.deep.equal(["HASH_IDENTIFIERS", "HASH_SALT"]);
        expect(loadPreprocessConfig(variables)).to.deep.equal({
            hashIdentifiers: true,
            hashSalt: salt,
            maxFailureLogs: 20,
        });
    });

    it("ProducerDomain with DAX sets DAX_ENDPOINT to the cluster's TLS endpoint", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("aws-domain", {
                region: "eu-west-1",
                allowedAccountIds: ["123456789012"],
                defaultTags: { tags: { Project: "p", Environment: "t", Owner: "o", CostCenter: "c" } },
            });
            new ProducerDomain(
                "loyalty",
                {
                    domain: "loyalty",
                    naming: new Naming("acme", "test", "loyalty"),
                    entities: [
                        {
                            name: "member",
                            partitionKey: "memberId",
                            attributes: { memberId: { type: "string", required: true }, tier: { type: "string" } },
                        },
                    ],
                    logRetentionDays: 30,
                    dax: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-1", "subnet-2"], nodes: 1 },
                    baseline: new AccountBaseline("loyalty-baseline", { apiGatewayLogging: true }, { provider }),
                },
                { provider },
            );
        });
        expect(doc.errors).to.deep.equal([]);
        const variables = expectContractVariables(doc, "loyalty-api-handler");
        const cluster = resource(doc, "aws:dax/cluster:Cluster", "loyalty-store-dax");
        expect(loadDomainApiConfig(variables).daxEndpoint).to.equal(
            daxEndpointUrl(cluster.outputs.clusterAddress as string),
        );
    });
});
