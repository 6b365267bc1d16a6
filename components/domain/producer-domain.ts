import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import { KmsKey } from "../shared/kms";
import { logsKeyStatement } from "../shared/logs";
import type { Naming } from "../shared/naming";
import { DOMAIN_NAME, DOMAIN_NAME_RULE } from "../../model/names";
import type { AccountBaseline } from "../baseline/account-baseline";
import { ChangePublisher, type HubTargets } from "./change-publisher";
import { DataProducts } from "./data-products";
import { EntityResolution, type EntityResolutionArgs, type MatchType } from "./entity-resolution";
import { type EntityDefinition, entityIssues } from "../../model/entities";
import { type DaxSpec, OperationalStore } from "./operational-store";
import { PublishingApi, type PublishingApiArgs } from "./publishing-api";

export interface ProducerDomainArgs {
    /** Domain name, e.g. `sales` (2-24 lower-case letters, digits, single hyphens). */
    domain: string;
    /** Naming scoped to the domain, e.g. `new Naming("acme", "prod", "sales")`. */
    naming: Naming;
    /** The entities the domain owns and publishes. At least one. */
    entities: EntityDefinition[];
    /**
     * The hub's stream, bus and key the domain publishes change events to.
     * @default none: no change publisher, nothing is published
     */
    hub?: HubTargets;
    /** Days the domain's log groups (functions, API access logs) keep logs. */
    logRetentionDays: number;
    /**
     * DAX in front of the tables (VPC, subnets); the API then reads and writes through it.
     * @default none: no DAX
     */
    dax?: DaxSpec;
    /**
     * API authorisation.
     * @default { kind: "AWS_IAM" } (SigV4)
     */
    authorization?: PublishingApiArgs["authorization"];
    /**
     * API stage throttling.
     * @default { rateLimit: 100, burstLimit: 200 }
     */
    throttle?: PublishingApiArgs["throttle"];
    /**
     * The domain account's `AccountBaseline`: its API Gateway logging setting (needs `apiGatewayLogging: true`) and,
     * for data products, its Lake Formation (needs `lakeFormation`). One per account, shared by the domains in it.
     */
    baseline: AccountBaseline;
    /**
     * Protect the key, the tables (including the publisher's idempotency table) and the data products' storage from
     * deletion.
     * @default true
     */
    dataProtection?: boolean;
    /**
     * Publish the entities as data products (Glue tables with LF-tags) in the account's Lake Formation (the
     * baseline's), shared with central governance when `governanceAccountId` is set (another account; omit it when
     * governance is this account).
     * @default none: no data products
     */
    dataProducts?: { governanceAccountId?: string };
    /**
     * AWS Entity Resolution over one entity's data product (needs `dataProducts`), writing matches to `output` (the
     * processed zone). Uses `@pulumi/aws-native`, so pass its explicit provider.
     * @default none: no Entity Resolution
     */
    entityResolution?: {
        entity: string;
        matchOn: Record<string, MatchType>;
        output: EntityResolutionArgs["output"];
        provider: pulumi.ProviderResource;
    };
}

/**
 * The blueprint every business domain deploys in its own account: a domain CMK, the operational store (DynamoDB tables
 * per entity, optional DAX), a publishing REST API (IAM-authorised, validated by models generated from the entity
 * definitions), a change publisher that streams every change to the hub's Kinesis stream and EventBridge bus, and its
 * data products (Glue tables with LF-tags shared with central governance).
 */
export class ProducerDomain extends pulumi.ComponentResource {
    public readonly key: KmsKey;
    public readonly store: OperationalStore;
    public readonly api: PublishingApi;
    public readonly publisher?: ChangePublisher;
    public readonly dataProducts?: DataProducts;
    public readonly entityResolution?: EntityResolution;
    public readonly apiUrl: pulumi.Output<string>;
    /** The OpenAPI 3 document of the API (JSON). */
    public readonly openApi: string;

    constructor(name: string, args: ProducerDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:domain:ProducerDomain", name, {}, opts);
        const issues = new IssueCollector();
        const at = `ProducerDomain(${name})`;
        if (!DOMAIN_NAME.test(args.domain ?? "")) issues.add(`${at}.domain`, args.domain, DOMAIN_NAME_RULE);
        if (!args.entities || args.entities.length === 0)
            issues.add(`${at}.entities`, args.entities, "at least one entity definition");
        else issues.addAll(entityIssues(`${at}.entities`, args.entities));
        const er = args.entityResolution;
        if (er && !args.entities?.some((e) => e.name === er.entity)) {
            issues.add(
                `${at}.entityResolution.entity`,
                er.entity,
                `one of the domain's entities (${(args.entities ?? []).map((e) => e.name).join(", ")})`,
            );
        }
        if (!args.baseline?.apiGatewayAccount)
            issues.add(
                `${at}.baseline`,
                args.baseline ? "an AccountBaseline without apiGatewayLogging" : undefined,
                "the account's AccountBaseline with apiGatewayLogging: true (the API stage needs the logging role)",
            );
        if (args.dataProducts && args.baseline && !args.baseline.lakeFormation)
            issues.add(
                `${at}.baseline`,
                "an AccountBaseline without lakeFormation",
                "the account's AccountBaseline with lakeFormation: data products are tagged with its LF-tags",
            );
        if (er && !args.dataProducts)
            issues.add(
                `${at}.dataProducts`,
                undefined,
                "data products: Entity Resolution reads the entity's data-product table",
            );
        issues.throwIfAny(`Invalid arguments for ProducerDomain "${name}"`);

        const dataProtection = args.dataProtection ?? true;
        const ctx = awsContext(this);
        this.key = new KmsKey(
            `${name}-key`,
            {
                description: `Data of the ${args.domain} domain`,
                alias: args.naming.name("kmsAlias", "data"),
                policyStatements: [logsKeyStatement(ctx)],
                dataProtection,
            },
            { parent: this },
        );
        this.store = new OperationalStore(
            `${name}-store`,
            { naming: args.naming, entities: args.entities, kmsKeyArn: this.key.keyArn, dataProtection, dax: args.dax },
            { parent: this },
        );
        // What every part of the domain shares.
        const shared = {
            naming: args.naming,
            domain: args.domain,
            entities: args.entities,
            tables: this.store.tables,
            kmsKeyArn: this.key.keyArn,
            logRetentionDays: args.logRetentionDays,
        };
        this.api = new PublishingApi(
            `${name}-api`,
            {
                ...shared,
                authorization: args.authorization,
                throttle: args.throttle,
                dax:
                    this.store.dax && args.dax
                        ? {
                              cluster: this.store.dax.cluster,
                              clientSecurityGroup: this.store.dax.clientSecurityGroup,
                              subnetIds: args.dax.subnetIds,
                          }
                        : undefined,
                apiGatewayAccount: args.baseline.apiGatewayAccount!,
            },
            { parent: this },
        );
        if (args.hub) {
            this.publisher = new ChangePublisher(
                `${name}-publisher`,
                {
                    ...shared,
                    hub: args.hub,
                    dataProtection,
                },
                { parent: this },
            );
        }
        if (args.dataProducts) {
            this.dataProducts = new DataProducts(
                `${name}-products`,
                {
                    ...shared,
                    lakeFormation: args.baseline.lakeFormation!,
                    governanceAccountId: args.dataProducts.governanceAccountId,
                    dataProtection,
                },
                { parent: this },
            );
        }
        if (er && this.dataProducts) {
            const entity = args.entities.find((e) => e.name === er.entity)!;
            const table = this.dataProducts.tables[entity.name];
            const zone = this.dataProducts.lake.zone("products");
            this.entityResolution = new EntityResolution(
                `${name}-entity-resolution`,
                {
                    naming: args.naming,
                    entity,
                    matchOn: er.matchOn,
                    inputTable: {
                        arn: table.arn,
                        databaseName: table.databaseName,
                        name: table.name,
                        bucketArn: zone.bucketArn,
                        keyArn: zone.keyArn,
                    },
                    output: er.output,
                },
                { parent: this, providers: { "aws-native": er.provider } },
            );
        }
        this.apiUrl = this.api.url;
        this.openApi = this.api.openApi;
        this.registerOutputs({ apiUrl: this.apiUrl, keyArn: this.key.keyArn });
    }
}
