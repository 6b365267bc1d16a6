import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { descendants, ofType, planProgram, planStack, type PlanResource, resource, policyOf } from "./helpers/plan";
import type { PlanDocument } from "../tools/plan/document";

function providerInputs(doc: PlanDocument, urn: string): Record<string, any> {
    const p = doc.resources.find((r) => r.urn === urn);
    if (!p) throw new Error(`no provider ${urn}`);
    const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    return {
        ...p.inputs,
        allowedAccountIds: parse(p.inputs.allowedAccountIds),
        assumeRoles: parse(p.inputs.assumeRoles),
        defaultTags: parse(p.inputs.defaultTags),
    };
}

function program(doc: PlanDocument, type: string, name: string): PlanResource {
    return resource(doc, type, name);
}

describe("platform stacks", () => {
    let dev: PlanDocument;
    let prod: PlanDocument;
    before(async () => {
        dev = await planStack("dev");
        prod = await planStack("prod");
    });

    it("produce zero mandatory policy violations (the CI policy gate)", async () => {
        for (const stack of ["dev", "prod"]) {
            const doc = await planStack(stack, {}, true);
            expect(
                doc.policy!.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy} ${v.urn}`),
                stack,
            ).to.deep.equal([]);
        }
    });

    it("create one AccountBaseline per distinct account, holding that account's Lake Formation and API logging role", () => {
        for (const doc of [dev, prod]) {
            const baselines = ofType(doc, "cdp:baseline:AccountBaseline");
            const accounts = new Set(doc.resources.filter((r) => r.custom && r.account).map((r) => r.account));
            expect(baselines.map((b) => b.account).sort()).to.deep.equal([...accounts].sort());
            for (const type of [
                "aws:lakeformation/dataLakeSettings:DataLakeSettings",
                "aws:apigateway/account:Account",
            ]) {
                const perAccount = ofType(doc, type).map((r) => r.account);
                expect(new Set(perAccount).size, `${doc.stack}: one ${type} per account`).to.equal(perAccount.length);
                for (const r of ofType(doc, type)) {
                    const baseline = baselines.find((b) => descendants(doc, b.urn).some((d) => d.urn === r.urn));
                    expect(baseline, `${r.urn} belongs to a baseline`).to.not.equal(undefined);
                }
            }
        }
    });

    it("create every Glue database and table after its account's Lake Formation settings", () => {
        for (const doc of [dev, prod]) {
            const settings = ofType(doc, "aws:lakeformation/dataLakeSettings:DataLakeSettings");
            const catalog = [
                ...ofType(doc, "aws:glue/catalogDatabase:CatalogDatabase"),
                ...ofType(doc, "aws:glue/catalogTable:CatalogTable"),
            ];
            expect(catalog.length).to.be.greaterThan(3);
            for (const r of catalog) {
                const own = settings.find((s) => s.account === r.account);
                expect(own, `${r.urn}: Lake Formation settings in account ${r.account}`).to.not.equal(undefined);
                expect(r.dependencies, `${r.urn} depends on ${own!.urn}`).to.include(own!.urn);
            }
        }
    });

    it("plan without errors", () => {
        expect(dev.errors).to.deep.equal([]);
        expect(prod.errors).to.deep.equal([]);
        expect(dev.summary.custom).to.be.greaterThan(40);
        expect(prod.summary.custom).to.be.greaterThan(40);
    });

    it("deploy dev into its one account and prod into seven, each through an assumed deployment role", () => {
        expect(dev.accounts.map((a) => a.accountId)).to.deep.equal(["111111111111"]);
        expect(dev.accounts[0].roleArn).to.equal(undefined);
        expect(new Set(prod.accounts.map((a) => a.accountId)).size).to.equal(7);
        for (const p of ofType(prod, "pulumi:providers:aws")) {
            const inputs = providerInputs(prod, p.urn);
            expect(inputs.assumeRoles).to.have.length(1);
            const roleAccount = /iam::(\d{12}):role\/cdp-deployer$/.exec(inputs.assumeRoles[0].roleArn)![1];
            expect(inputs.allowedAccountIds).to.deep.equal([roleAccount]);
            expect(inputs.region).to.equal("eu-west-1");
        }
    });

    it("puts every resource of a domain on that domain account's provider", () => {
        const accounts: Record<string, string> = {
            sales: "666666666666",
            payments: "777777777777",
            marketing: "888888888888",
        };
        for (const [domain, account] of Object.entries(accounts)) {
            const root = program(prod, "cdp:programs:Producer", `domain-${domain}`);
            const custom = descendants(prod, root.urn).filter((r) => r.custom);
            expect(custom.length, domain).to.be.greaterThan(0);
            for (const r of custom) {
                // pulumi-aws resources on the domain's aws provider; the few aws-native ones on its aws-native twin.
                expect(r.provider, r.urn).to.match(
                    new RegExp(`pulumi:providers:aws(-native)?::aws(-native)?-domain-${domain}$`),
                );
                expect(r.account).to.equal(account);
                // ARNs that carry an account (API Gateway's do not) carry the domain's.
                const arn = r.outputs.arn;
                if (typeof arn === "string" && arn.split(":")[4] !== "") expect(arn, r.urn).to.contain(`:${account}:`);
            }
        }
    });

    it("puts the data lake in the governance account and lets only the hub account write its raw zone", () => {
        const governance = program(prod, "cdp:programs:Governance", "governance");
        for (const r of descendants(prod, governance.urn).filter((x) => x.custom))
            expect(r.account, r.urn).to.equal("333333333333");
        const rawPolicy = policyOf(resource(prod, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw")).Statement;
        const grants = rawPolicy.filter((s) => s.Effect === "Allow");
        for (const g of grants) expect(g.Principal).to.deep.equal({ AWS: "arn:aws:iam::222222222222:root" });
        // Objects only under the hub's own folders (tests/ingest.test.ts checks which); delete only in the SFTP folder.
        const raw = "arn:aws:s3:::cdp-prod-raw-333333333333-eu-west-1";
        for (const g of grants) expect(g.Resource, g.Sid).to.not.equal(`${raw}/*`);
        const deletes = grants.filter((s) => [s.Action].flat().includes("s3:DeleteObject"));
        expect(deletes.map((s) => s.Resource)).to.deep.equal([`${raw}/sftp/*`]);
        for (const zone of ["curated"]) {
            expect(
                policyOf(resource(prod, "aws:s3/bucketPolicy:BucketPolicy", `lake-${zone}`)).Statement.filter(
                    (s) => s.Effect === "Allow",
                ),
            ).to.deep.equal([]);
        }
        // In dev the hub shares the account: no cross-account grant at all.
        expect(
            policyOf(resource(dev, "aws:s3/bucketPolicy:BucketPolicy", "lake-raw")).Statement.filter(
                (s) => s.Effect === "Allow",
            ),
        ).to.deep.equal([]);
    });

    it("makes Lake Formation decide access: explicit admin roles, no IAMAllowedPrincipals defaults, LF-tags on every zone database", () => {
        const settings = resource(prod, "aws:lakeformation/dataLakeSettings:DataLakeSettings", "lake-formation");
        expect(settings.inputs.admins).to.deep.equal(["arn:aws:iam::333333333333:role/cdp-deployer"]);
        expect(settings.inputs.readOnlyAdmins).to.deep.equal(["arn:aws:iam::333333333333:role/cdp-data-auditor"]);
        expect(settings.inputs.createDatabaseDefaultPermissions).to.deep.equal([]);
        expect(settings.inputs.createTableDefaultPermissions).to.deep.equal([]);
        expect(resource(prod, "aws:lakeformation/lfTag:LfTag", "lake-formation-domain").inputs.values).to.deep.equal([
            "platform",
            "sales",
            "payments",
            "marketing",
            // The hub's own record types' data product domain.
            "hub",
        ]);
        for (const zone of ["raw", "processed", "curated"]) {
            const tags = resource(prod, "aws:lakeformation/resourceLfTags:ResourceLfTags", `lake-${zone}`);
            const db = resource(prod, "aws:glue/catalogDatabase:CatalogDatabase", `lake-${zone}`);
            expect((tags.inputs.database as { name: string }).name).to.equal(db.outputs.name);
            expect(tags.inputs.lfTags).to.deep.equal([
                { key: "domain", value: "platform" },
                { key: "classification", value: zone === "curated" ? "internal" : "confidential" },
                { key: "zone", value: zone },
            ]);
            // Tags can only be attached once their definitions exist.
            expect(tags.dependencies).to.include(
                resource(prod, "aws:lakeformation/lfTag:LfTag", "lake-formation-classification").urn,
            );
        }
    });

    it("sets the platform's default tags on every provider, with DataDomain on domain accounts", () => {
        for (const doc of [dev, prod]) {
            for (const p of ofType(doc, "pulumi:providers:aws")) {
                const tags = providerInputs(doc, p.urn).defaultTags.tags;
                expect(tags).to.include.keys("Project", "Environment", "Owner", "CostCenter", "ManagedBy", "Program");
                expect(tags.Environment).to.equal(doc.stack);
                if (p.name.startsWith("aws-domain-")) {
                    expect(tags.DataDomain).to.equal(p.name.slice("aws-domain-".length));
                    expect(tags.Program).to.equal("producer");
                } else {
                    expect(tags).to.not.have.key("DataDomain");
                }
            }
        }
        const sales = providerInputs(prod, resource(prod, "pulumi:providers:aws", "aws-domain-sales").urn).defaultTags
            .tags;
        expect(sales).to.include({ Owner: "sales-data-team", CostCenter: "CC-2001", Compliance: "pci-dss" });
        // The mocks merge default tags into tagsAll, as AWS does.
        expect(resource(prod, "aws:s3/bucket:Bucket", "lake-raw").outputs.tagsAll).to.include({
            Program: "governance",
            DataZone: "raw",
        });
    });

    it("protects prod data stores and leaves dev ones disposable", () => {
        const stores = (doc: PlanDocument) =>
            doc.resources.filter((r) =>
                ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:glue/catalogDatabase:CatalogDatabase"].includes(
                    r.type,
                ),
            );
        // 3 zones + access logs + 3 catalog databases + 3 zone keys + hub key + governance key + the crawlers' key, the
        // audit trail (bucket, key), the audit access-log bucket, the Athena results (bucket, key), and per domain: its
        // key, a products zone (bucket, key, access-log bucket, database), its governed database in governance and its
        // account's catalog key; and governance's catalog key; the ETL artifacts bucket and its access-log bucket; the
        // hub's data product database (model/hub-products.ts).
        expect(stores(prod)).to.have.length(13 + 5 + 3 * 7 + 1 + 2 + 1);
        for (const r of stores(prod)) expect(r.protect && r.retainOnDelete, r.urn).to.equal(true);
        for (const r of stores(dev)) expect(r.protect, r.urn).to.equal(false);
        expect(
            resource(prod, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "lake-curated").inputs
                .rule,
        ).to.deep.equal({
            defaultRetention: { mode: "GOVERNANCE", days: 2557 },
        });
    });

    it("exports the contract other stacks read", () => {
        expect(prod.outputs.rawZoneBucketArn).to.equal("arn:aws:s3:::cdp-prod-raw-333333333333-eu-west-1");
        expect(Object.keys(prod.outputs.domainKeyArns as object)).to.have.members(["sales", "payments", "marketing"]);
        expect((prod.outputs.domainKeyArns as Record<string, string>).sales).to.match(
            /^arn:aws:kms:eu-west-1:666666666666:key\//,
        );
    });

    it("refuses resources on the default provider when the stack disables it, as the engine does", async () => {
        const doc = await planProgram(() => new aws.s3.Bucket("stray"), { disableDefaultProviders: ["aws"] });
        expect(doc.errors.join("\n")).to.contain(
            "Default provider for 'aws' disabled. 'aws:s3/bucket:Bucket' (\"stray\") must use an explicit provider",
        );
        expect(ofType(doc, "aws:s3/bucket:Bucket")).to.deep.equal([]);
        expect(
            dev.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && !r.provider),
        ).to.deep.equal([]);
    });

    it("scales domains without changing the platform's shape", async () => {
        const entities = [
            { name: "thing", partitionKey: "thingId", attributes: { thingId: { type: "string", required: true } } },
        ];
        const domains = Array.from({ length: 12 }, (_, i) => ({
            name: `domain${i}`,
            account: "sandbox",
            owner: "team",
            entities,
        }));
        const big = await planStack("dev", { "cdp:domains": JSON.stringify(domains) });
        expect(big.errors).to.deep.equal([]);
        expect(ofType(big, "cdp:programs:Producer")).to.have.length(12);
        // Lake zones and hub (4), the governance, catalog and crawlers' keys (3), audit trail and Athena results (2),
        // plus a domain key and a products-zone key per domain.
        expect(ofType(big, "aws:kms/key:Key")).to.have.length(7 + 2 + 12 * 2);
    });
});
