/**
 * The governance catalog as the dev and prod stacks plan it: governed tables from the planned catalog, LF-tags down to
 * pii columns, grants by LF-tag only, registered locations with their own roles, catalog encryption and crawlers.
 */
import { catalogDomains } from "../programs/hub/products";
import { expect } from "chai";
import { type CatalogTableSpec, catalogDomainNames, plannedCatalog } from "../model/catalog";
import { HUB_DOMAIN } from "../model/hub-products";
import { CURATED_OUTPUTS, curatedCatalog } from "../model/curated";
import { CONTRACT_ONLY_CLASSIFICATIONS } from "../model/names";
import { type PlatformConfig, parsePlatformConfig } from "../programs/config";
import type { PlanDocument } from "../tools/plan/document";
import { loadEngineConfig } from "../tools/plan/stack-config";
import * as aws from "@pulumi/aws";
import { LakeFormation } from "../components/governance/lake-formation";
import { LakeGrants } from "../components/governance/lake-grants";
import { Naming } from "../components/shared/naming";
import { DataLake } from "../components/storage/data-lake";
import { descendants, ofType, type PlanResource, planProgram, planStack, policyOf, ROOT } from "./helpers/plan";

const T = {
    database: "aws:glue/catalogDatabase:CatalogDatabase",
    table: "aws:glue/catalogTable:CatalogTable",
    tags: "aws:lakeformation/resourceLfTags:ResourceLfTags",
    permissions: "aws:lakeformation/permissions:Permissions",
    location: "aws:lakeformation/resource:Resource",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    key: "aws:kms/key:Key",
    encryption: "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
    crawler: "aws:glue/crawler:Crawler",
    securityConfiguration: "aws:glue/securityConfiguration:SecurityConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    lfTag: "aws:lakeformation/lfTag:LfTag",
};

const GOVERNANCE_ACCOUNT: Record<string, string> = { dev: "111111111111", prod: "333333333333" };

const tagsOf = (r: PlanResource) =>
    Object.fromEntries((r.inputs.lfTags as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));

/** The role of the plan whose ARN is `arn`. */
function roleByArn(doc: PlanDocument, arn: string): PlanResource {
    const role = ofType(doc, T.role).find((r) => r.outputs.arn === arn);
    if (!role) throw new Error(`no role ${arn} in the plan`);
    return role;
}

/** The inline policy statements of `role`. */
function statementsOf(doc: PlanDocument, role: PlanResource): Array<Record<string, any>> {
    return ofType(doc, T.rolePolicy)
        .filter((p) => p.inputs.role === role.outputs.id || p.inputs.role === role.outputs.name)
        .flatMap((p) => policyOf(p).Statement);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

for (const stack of ["dev", "prod"]) {
    describe(`governance catalog (${stack} plan)`, () => {
        let doc: PlanDocument;
        let config: PlatformConfig;
        let governance: PlanResource[];
        const account = GOVERNANCE_ACCOUNT[stack];
        before(async () => {
            doc = await planStack(stack);
            expect(doc.errors).to.deep.equal([]);
            config = parsePlatformConfig(loadEngineConfig(ROOT, stack).config, "customer-data-platform", stack);
            const program = ofType(doc, "cdp:programs:Governance")[0];
            governance = descendants(doc, program.urn);
        });
        const inGovernance = (type: string) => governance.filter((r) => r.type === type);

        it("plans one Parquet table per domain entity (the processed output) and per curated output, as the model says", () => {
            const planned = plannedCatalog(catalogDomains(config.domains));
            const curatedOutputs = curatedCatalog();
            const tables = inGovernance(T.table);
            expect(tables).to.have.length(planned.length + CURATED_OUTPUTS.length);
            const bucket = (zone: string) =>
                doc.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name === `lake-${zone}`)!.outputs
                    .bucket;
            const check = (database: string, spec: CatalogTableSpec) => {
                const table = tables.find((t) => t.inputs.databaseName === database && t.inputs.name === spec.table);
                expect(table, `${database}.${spec.table}`).to.not.equal(undefined);
                const sd = table!.inputs.storageDescriptor as Record<string, any>;
                expect(sd.columns.map((c: any) => [c.name, c.type])).to.deep.equal(
                    spec.columns.map((c) => [c.name, c.type]),
                );
                expect((table!.inputs.partitionKeys as any[]).map((k) => [k.name, k.type])).to.deep.equal([
                    [spec.partition.name, spec.partition.type],
                ]);
                expect(sd.serDeInfo.serializationLibrary).to.equal(
                    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                );
                expect(sd.location).to.equal(`s3://${bucket(spec.zone)}/${spec.prefix}`);
            };
            for (const spec of planned) {
                // Where the raw → processed job writes the entity: entities/<domain>/entity=<entity>/event_date=<date>/.
                expect(spec.prefix).to.equal(`entities/${spec.domain}/entity=${spec.dataset}/`);
                expect(spec.partition.name).to.equal("event_date");
                check(`cdp_${stack}_${spec.domain.replace(/-/g, "_")}`, spec);
            }
            // Where the curated job writes each output: <curated>/<output>/dt=<date>/.
            for (const spec of curatedOutputs) check(`cdp_${stack}_curated`, spec);
        });

        it("tags each domain database and table with domain, zone=processed and classification", () => {
            const planned = plannedCatalog(catalogDomains(config.domains));
            const tags = inGovernance(T.tags);
            // The business domains and the hub's data product domain (its record types' tables).
            const domains = catalogDomainNames(config.domains).map((name) => ({ name }));
            expect(domains.map((d) => d.name)).to.include(HUB_DOMAIN);
            for (const d of domains) {
                const name = `cdp_${stack}_${d.name}`;
                const db = inGovernance(T.database).find((r) => r.inputs.name === name);
                expect(db, name).to.not.equal(undefined);
                expect(db!.inputs.createTableDefaultPermissions).to.deep.equal([]);
                const dbTags = tags.find((t) => (t.inputs.database as any)?.name === name);
                const expected = planned.some((t) => t.domain === d.name && t.classification === "internal")
                    ? "internal"
                    : "confidential";
                expect(tagsOf(dbTags!)).to.deep.equal({ domain: d.name, zone: "processed", classification: expected });
            }
            for (const spec of planned) {
                const t = tags.find(
                    (r) =>
                        (r.inputs.table as any)?.databaseName === `cdp_${stack}_${spec.domain}` &&
                        (r.inputs.table as any)?.name === spec.table,
                );
                expect(tagsOf(t!), spec.table).to.deep.equal({
                    domain: spec.domain,
                    zone: "processed",
                    classification: spec.classification,
                });
            }
        });

        it("tags each curated output with domain=platform, zone=curated and its classification; pii columns at column level", () => {
            const tags = inGovernance(T.tags);
            const database = `cdp_${stack}_curated`;
            for (const output of CURATED_OUTPUTS) {
                const on = (r: PlanResource, block: string) =>
                    (r.inputs[block] as any)?.databaseName === database &&
                    (r.inputs[block] as any)?.name === output.name;
                const t = tags.find((r) => on(r, "table"));
                expect(tagsOf(t!), output.name).to.deep.equal({
                    domain: "platform",
                    zone: "curated",
                    classification: output.classification,
                });
                const pii = output.columns.filter((c) => c.pii).map((c) => c.name);
                const columns = tags.filter((r) => on(r, "tableWithColumns"));
                if (pii.length === 0) expect(columns, output.name).to.have.length(0);
                else {
                    expect((columns[0].inputs.tableWithColumns as any).columnNames).to.deep.equal(pii);
                    expect(tagsOf(columns[0])).to.deep.equal({ classification: "pii" });
                }
            }
            // The profile and the 360 hold the hashed e-mail and name: pseudonymised personal data, still pii.
            for (const name of ["customer_profile", "customer_360"]) {
                const output = CURATED_OUTPUTS.find((o) => o.name === name)!;
                expect(output.columns.filter((c) => c.pii).map((c) => c.name)).to.deep.equal(["email", "name"]);
                expect(output.classification).to.equal("confidential");
            }
            // Aggregates without customer-level rows are internal.
            for (const name of ["daily_revenue", "segment_summary"])
                expect(CURATED_OUTPUTS.find((o) => o.name === name)!.classification).to.equal("internal");
        });

        it("tags exactly the pii columns with classification=pii", () => {
            const planned = plannedCatalog(catalogDomains(config.domains));
            const columnTags = inGovernance(T.tags).filter((r) => r.inputs.tableWithColumns);
            expect(planned.some((t) => t.columns.some((c) => c.classification === "pii"))).to.equal(true);
            for (const spec of planned) {
                const pii = spec.columns.filter((c) => c.classification === "pii").map((c) => c.name);
                const tagged = columnTags.filter(
                    (r) =>
                        (r.inputs.tableWithColumns as any).databaseName === `cdp_${stack}_${spec.domain}` &&
                        (r.inputs.tableWithColumns as any).name === spec.table,
                );
                if (pii.length === 0) {
                    expect(tagged, spec.table).to.have.length(0);
                    continue;
                }
                expect(tagged, spec.table).to.have.length(1);
                expect((tagged[0].inputs.tableWithColumns as any).columnNames).to.deep.equal(pii);
                expect(tagsOf(tagged[0])).to.deep.equal({ classification: "pii" });
            }
        });

        it("defines the zone LF-tag and tags every zone database with its zone", () => {
            const zoneTag = inGovernance(T.lfTag).length
                ? inGovernance(T.lfTag)
                : ofType(doc, T.lfTag).filter((t) => t.account === account);
            const zone = zoneTag.find((t) => t.inputs.key === "zone");
            expect(zone, "zone LF-tag").to.not.equal(undefined);
            expect(zone!.inputs.values).to.include.members(["raw", "processed", "curated"]);
            // cdp:governance.lfTags adds keys with their values.
            for (const [key, values] of Object.entries(config.governance.lfTags)) {
                const defined = zoneTag.find((t) => t.inputs.key === key);
                expect(defined?.inputs.values, key).to.deep.equal(values);
            }
            if (stack === "prod") expect(Object.keys(config.governance.lfTags)).to.deep.equal(["retention"]);
            for (const z of ["raw", "processed", "curated"]) {
                const t = inGovernance(T.tags).find((r) => (r.inputs.database as any)?.name === `cdp_${stack}_${z}`);
                expect(tagsOf(t!).zone, z).to.equal(z);
            }
        });

        it("grants by LF-tag expression only, never to IAM_ALLOWED_PRINCIPALS, and never pii or restricted to consumers", () => {
            for (const p of ofType(doc, T.permissions)) {
                expect(p.inputs.principal, p.name).to.not.equal("IAM_ALLOWED_PRINCIPALS");
            }
            const grants = inGovernance(T.permissions);
            expect(grants.length).to.be.greaterThan(0);
            for (const g of grants) {
                for (const named of ["database", "table", "tableWithColumns", "dataCellsFilter"])
                    expect(g.inputs[named], `${g.name} names a ${named}`).to.equal(undefined);
                expect(Boolean(g.inputs.lfTagPolicy) || Boolean(g.inputs.dataLocation), g.name).to.equal(true);
            }
            for (const c of config.governance.consumers) {
                const own = grants.filter((g) => g.inputs.principal === c.roleArn);
                expect(own.map((g) => (g.inputs.lfTagPolicy as any).resourceType).sort()).to.deep.equal([
                    "DATABASE",
                    "TABLE",
                ]);
                for (const g of own) {
                    const policy = g.inputs.lfTagPolicy as { resourceType: string; expressions: any[] };
                    const byKey = Object.fromEntries(policy.expressions.map((e) => [e.key, e.values]));
                    expect(byKey).to.deep.equal({
                        zone: c.zones,
                        classification: c.classifications,
                        domain: c.domains,
                    });
                    expect(byKey.classification.filter((x: string) => CONTRACT_ONLY_CLASSIFICATIONS.includes(x))).to.be
                        .empty;
                    expect(g.inputs.permissions).to.deep.equal(
                        policy.resourceType === "TABLE" ? ["SELECT", "DESCRIBE"] : ["DESCRIBE"],
                    );
                    expect(g.inputs.permissionsWithGrantOptions ?? []).to.deep.equal([]);
                }
            }
        });

        it("grants across accounts only with cross-account version 3 or later (AWS RAM, IAM principals of other accounts)", () => {
            const foreign = inGovernance(T.permissions).filter((g) => {
                const principal = String(g.inputs.principal);
                const id = /^\d{12}$/.test(principal) ? principal : principal.split(":")[4];
                return id !== account;
            });
            expect(foreign.length > 0).to.equal(stack === "prod");
            const settings = ofType(doc, "aws:lakeformation/dataLakeSettings:DataLakeSettings").find(
                (r) => r.account === account,
            )!;
            const version = Number((settings.inputs.parameters as Record<string, string>).CROSS_ACCOUNT_VERSION);
            expect(version).to.be.at.least(3);
        });

        it("grants each producer domain in another account its own domain's tables, and declares every principal", () => {
            const grants = inGovernance(T.permissions);
            const producers = config.domains.filter((d) => config.accounts[d.account].id !== account);
            expect(producers.length).to.equal(stack === "prod" ? 3 : 0);
            for (const d of producers) {
                const own = grants.filter((g) => g.inputs.principal === config.accounts[d.account].id);
                expect(own, d.name).to.have.length(2);
                for (const g of own) {
                    expect((g.inputs.lfTagPolicy as any).expressions).to.deep.equal([
                        { key: "domain", values: [d.name] },
                    ]);
                }
            }
            const component = ofType(doc, "cdp:governance:LakeGrants")[0];
            const declared = component.outputs.lakeFormationPrincipals as Array<{ principal: string; kind: string }>;
            const expected = [
                ...config.lake.adminRoleArns.map((a) => `admin ${a}`),
                ...config.lake.readOnlyAdminRoleArns.map((a) => `read-only-admin ${a}`),
                ...config.governance.consumers.map((c) => `${c.kind === "ml" ? "ml" : "consumer"} ${c.roleArn}`),
                ...producers.map((d) => `producer ${config.accounts[d.account].id}`),
            ];
            expect(declared.map((p) => `${p.kind} ${p.principal}`).sort()).to.deep.equal(expected.sort());
            // Every principal granted by the component is declared.
            const granted = new Set(
                descendants(doc, component.urn)
                    .filter((r) => r.type === T.permissions)
                    .map((r) => String(r.inputs.principal)),
            );
            for (const p of granted) expect(declared.map((d) => d.principal)).to.include(p);
        });

        it("registers processed and curated with dedicated roles limited to their own zone", () => {
            const locations = inGovernance(T.location);
            expect(locations).to.have.length(2);
            for (const loc of locations) {
                expect(loc.inputs.useServiceLinkedRole).to.equal(false);
                const role = roleByArn(doc, loc.inputs.roleArn as string);
                const trust = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
                expect(trust.map((s: any) => s.Principal)).to.deep.equal([{ Service: "lakeformation.amazonaws.com" }]);
                const bucketArn = loc.inputs.arn as string;
                const statements = statementsOf(doc, role);
                expect(statements.length).to.be.greaterThan(0);
                for (const s of statements) {
                    for (const resource of list(s.Resource)) {
                        if (resource.startsWith("arn:aws:s3:::"))
                            expect(resource.startsWith(bucketArn), `${role.name}: ${resource}`).to.equal(true);
                        else expect(resource, role.name).to.match(/^arn:aws:kms:/);
                    }
                    if (list(s.Action).some((a) => a.startsWith("kms:")))
                        expect(s.Condition.StringEquals["kms:EncryptionContext:aws:s3:arn"]).to.equal(bucketArn);
                }
            }
        });

        it("encrypts each governed account's Data Catalog with its own CMK, readable through Glue by the reader accounts", () => {
            const settings = ofType(doc, T.encryption);
            const lfAccounts = new Set(
                ofType(doc, "aws:lakeformation/dataLakeSettings:DataLakeSettings").map((r) => r.account),
            );
            expect(new Set(settings.map((s) => s.account))).to.deep.equal(lfAccounts);
            for (const s of settings) {
                const cfg = s.inputs.dataCatalogEncryptionSettings as any;
                const key = ofType(doc, T.key).find((k) => k.outputs.arn === cfg.encryptionAtRest.sseAwsKmsKeyId);
                expect(key, `${s.name}: catalog key`).to.not.equal(undefined);
                expect(key!.account).to.equal(s.account);
                expect(cfg.encryptionAtRest.catalogEncryptionMode).to.equal("SSE-KMS");
                expect(cfg.connectionPasswordEncryption).to.deep.equal({
                    returnConnectionPasswordEncrypted: true,
                    awsKmsKeyId: key!.outputs.arn,
                });
                const own = policyOf(key!).Statement.find((st) => st.Sid === "AccountPrincipalsThroughGlue");
                expect(own!.Condition.StringEquals).to.deep.equal({
                    "kms:CallerAccount": s.account,
                    "kms:ViaService": "glue.eu-west-1.amazonaws.com",
                });
                if (s.account !== account) continue;
                const readers = policyOf(key!).Statement.find(
                    (st) => st.Sid === "CrossAccountMetadataReadersThroughGlue",
                );
                const expected =
                    stack === "prod"
                        ? ["444444444444", "555555555555", "666666666666", "777777777777", "888888888888"]
                        : [];
                if (expected.length === 0) {
                    expect(readers).to.equal(undefined);
                    continue;
                }
                expect(
                    list(readers!.Principal.AWS)
                        .map((a) => a.split(":")[4])
                        .sort(),
                ).to.deep.equal(expected);
                expect(readers!.Action).to.deep.equal(["kms:Decrypt", "kms:DescribeKey"]);
                expect(readers!.Condition.StringEquals["kms:ViaService"]).to.equal("glue.eu-west-1.amazonaws.com");
            }
        });

        it("creates the governed tables (domain tables and curated outputs) after the catalog encryption and Lake Formation settings", () => {
            const settings = ofType(doc, T.encryption).find((s) => s.account === account)!;
            const lfSettings = ofType(doc, "aws:lakeformation/dataLakeSettings:DataLakeSettings").find(
                (s) => s.account === account,
            )!;
            expect(
                inGovernance(T.table).filter((t) => t.inputs.databaseName === `cdp_${stack}_curated`),
            ).to.have.length(CURATED_OUTPUTS.length);
            for (const t of inGovernance(T.table)) {
                expect(t.dependencies, t.name).to.include(settings.urn);
                expect(t.dependencies, t.name).to.include(lfSettings.urn);
            }
        });

        it("crawls processed and curated under the security configuration, through Lake Formation, never deleting", () => {
            const crawlers = inGovernance(T.crawler);
            // Per zone: schema discovery (S3 target) and the governed tables' partitions (catalog targets).
            expect(crawlers).to.have.length(4);
            const [config_] = inGovernance(T.securityConfiguration);
            const enc = config_.inputs.encryptionConfiguration as any;
            expect(enc.s3Encryption.s3EncryptionMode).to.equal("SSE-KMS");
            expect(enc.cloudwatchEncryption.cloudwatchEncryptionMode).to.equal("SSE-KMS");
            expect(enc.jobBookmarksEncryption.jobBookmarksEncryptionMode).to.equal("CSE-KMS");
            const key = ofType(doc, T.key).find((k) => k.outputs.arn === enc.cloudwatchEncryption.kmsKeyArn)!;
            const logs = policyOf(key).Statement.find((s) => s.Principal?.Service === "logs.eu-west-1.amazonaws.com");
            expect(logs, "the crawler key admits CloudWatch Logs").to.not.equal(undefined);
            const governed = [...plannedCatalog(catalogDomains(config.domains)), ...curatedCatalog()];
            for (const c of crawlers) {
                expect(c.inputs.securityConfiguration).to.equal(config_.inputs.name);
                expect(c.inputs.lakeFormationConfiguration).to.deep.equal({ useLakeFormationCredentials: true });
                expect(c.inputs.schemaChangePolicy).to.deep.equal({ updateBehavior: "LOG", deleteBehavior: "LOG" });
                const zone = c.name.includes("processed") ? "processed" : "curated";
                const inZone = governed.filter((t) => t.zone === zone);
                if (c.inputs.catalogTargets) {
                    // The partition crawler: exactly the zone's governed tables.
                    const targets = c.inputs.catalogTargets as Array<{ tables: string[] }>;
                    expect(targets.flatMap((t) => t.tables).sort()).to.deep.equal(inZone.map((t) => t.table).sort());
                    expect(c.inputs.s3Targets).to.equal(undefined);
                } else {
                    expect(c.inputs.recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" });
                    // The schema crawler leaves the governed tables' folders to the model.
                    const [target] = c.inputs.s3Targets as Array<{ path: string; exclusions?: string[] }>;
                    expect(target.exclusions).to.deep.equal(inZone.map((t) => `${t.prefix}**`));
                }
                const role = roleByArn(doc, c.inputs.role as string);
                // Its log group exists before it runs, encrypted with the key the security configuration names.
                const group = inGovernance(T.logGroup).find(
                    (g) => g.inputs.name === `/aws-glue/crawlers-role/${role.outputs.name}-${config_.inputs.name}`,
                );
                expect(group, `${c.name} log group`).to.not.equal(undefined);
                expect(group!.inputs.kmsKeyId).to.equal(key.outputs.arn);
                // No S3 permission: the crawler reads through Lake Formation credentials.
                const actions = statementsOf(doc, role).flatMap((s) => list(s.Action));
                expect(actions.filter((a) => a.startsWith("s3:"))).to.deep.equal([]);
                expect(actions).to.include("lakeformation:GetDataAccess");
                const grants = inGovernance(T.permissions).filter((g) => g.inputs.principal === role.outputs.arn);
                // By LF-tag and location only, never a named table; the processed crawler also ALTERs the domains'
                // tables (their partitions).
                expect(
                    grants.every((g) => g.inputs.lfTagPolicy || g.inputs.dataLocation),
                    c.name,
                ).to.equal(true);
                const extra = zone === "processed" ? ["ALTER", "DESCRIBE", "DESCRIBE"] : [];
                expect(grants.flatMap((g) => list(g.inputs.permissions)).sort()).to.deep.equal(
                    ["ALTER", "ALTER", "CREATE_TABLE", "DATA_LOCATION_ACCESS", "DESCRIBE", "DESCRIBE", ...extra].sort(),
                );
            }
        });
    });
}

describe("LakeGrants", () => {
    it("refuses a consumer tag grant on pii or restricted data, or on a zone the zone LF-tag lacks, naming the key", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            const lakeFormation = new LakeFormation(
                "lf",
                { adminRoleArns: ["arn:aws:iam::123456789012:role/admin"], domains: ["sales"] },
                { provider },
            );
            new LakeGrants(
                "grants",
                {
                    lakeFormation,
                    adminRoleArns: ["arn:aws:iam::123456789012:role/admin"],
                    consumers: [
                        {
                            name: "analysts",
                            kind: "consumer",
                            roleArn: "arn:aws:iam::123456789012:role/analyst",
                            zones: ["curated", "gold"],
                            classifications: ["internal", "pii"],
                            domains: ["sales"],
                        },
                    ],
                },
                { provider },
            );
        });
        const errors = doc.errors.join("\n");
        expect(errors).to.contain("LakeGrants(grants).consumers[0].classifications");
        expect(errors).to.contain("only a data contract grants them");
        expect(errors).to.contain("LakeGrants(grants).consumers[0].zones");
        expect(ofType(doc, "aws:lakeformation/permissions:Permissions")).to.deep.equal([]);
    });
});

describe("LF-tag taxonomy", () => {
    const admin = ["arn:aws:iam::123456789012:role/admin"];
    it("refuses an extra LF-tag key that redefines a built-in one", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            new LakeFormation(
                "bad",
                { adminRoleArns: admin, domains: ["sales"], extraTags: { zone: ["gold"] } },
                { provider },
            );
        });
        expect(doc.errors.join("\n")).to.contain("LakeFormation(bad).extraTags.zone");
    });

    it("refuses a zone database the zone LF-tag cannot tag", async () => {
        const doc = await planProgram(() => {
            const provider = new aws.Provider("p", { region: "eu-west-1" });
            const lakeFormation = new LakeFormation(
                "lf",
                { adminRoleArns: admin, domains: ["sales"], zones: ["raw"] },
                { provider },
            );
            new DataLake(
                "lake",
                {
                    naming: new Naming("t", "test"),
                    zones: [{ name: "bronze", classification: "internal" }],
                    lakeFormation,
                    dataProtection: false,
                },
                { provider },
            );
        });
        expect(doc.errors.join("\n")).to.contain("DataLake(lake).zones[0].name");
        expect(doc.errors.join("\n")).to.contain("one of the zone LF-tag values raw");
    });
});
