import { catalogDomains } from "../programs/hub/products";
import { expect } from "chai";
import { SCHEMAS } from "../functions/preprocess/schemas";
import { catalogDomainNames, findTable, plannedCatalog } from "../model/catalog";
import { readContractFiles } from "../model/contract-files";
import { validateContract } from "../model/contracts";
import { HUB_DATASETS, HUB_DOMAIN, hubEntity } from "../model/hub-products";
import { packageRoot } from "../model/package-root";
import * as path from "node:path";
import type { ValidationError } from "../components/shared/errors";
import { isValidationError } from "../model/issues";
import { parsePlatformConfig } from "../programs/config";
import { loadEngineConfig } from "../tools/plan/stack-config";
import { ROOT } from "./helpers/plan";

describe("the hub's record types as data products", () => {
    const catalog = plannedCatalog(catalogDomains([]));

    it("every stack's catalog holds the hub's tables, owned by the hub domain, from the Lambda's output columns", () => {
        expect(catalogDomainNames([{ name: "sales" }])).to.deep.equal(["sales", HUB_DOMAIN]);
        expect(catalog.map((t) => `${t.domain}.${t.dataset}`)).to.deep.equal(
            HUB_DATASETS.map((d) => `${HUB_DOMAIN}.${d}`),
        );
        for (const dataset of HUB_DATASETS) {
            const table = findTable(catalog, HUB_DOMAIN, dataset)!;
            expect(table.prefix).to.equal(`entities/hub/entity=${dataset}/`);
            expect(table.classification, dataset).to.equal("confidential");
            // The schema's fields under their output names (money → amountMinor), then the processing columns; no
            // platform-managed version (the hub's records have none).
            const fields = Object.entries(SCHEMAS[dataset].fields).map(([k, f]) =>
                ("column" in f && f.column ? f.column : k).toLowerCase(),
            );
            expect(table.columns.slice(0, fields.length).map((c) => c.name)).to.deep.equal(fields);
            expect(table.columns.map((c) => c.name)).to.not.include("version");
        }
        const column = (dataset: string, name: string) =>
            findTable(catalog, HUB_DOMAIN, dataset)!.columns.find((c) => c.name === name)!;
        expect(column("customer", "email").classification).to.equal("pii");
        expect(column("customer", "phone").classification).to.equal("pii");
        expect(column("weblog", "ip").classification).to.equal("pii");
        expect(column("transaction", "amountminor")).to.include({ type: "bigint", classification: "confidential" });
        expect(column("weblog", "status").type).to.equal("bigint");
        expect(hubEntity("transaction", SCHEMAS.transaction).attributes.amountMinor).to.deep.equal({
            type: "integer",
            required: true,
        });
    });

    it("each hub data product has a contract valid against the planned catalog, with the Lambda's required fields", () => {
        const { files, issues } = readContractFiles(path.join(packageRoot(__dirname), "contracts"));
        expect(issues).to.deep.equal([]);
        for (const dataset of HUB_DATASETS) {
            const file = files.find((f) => f.file === `${HUB_DOMAIN}/${dataset}.yaml`);
            expect(file, dataset).to.not.equal(undefined);
            const result = validateContract(file!.file, file!.doc, { catalog });
            expect(result.issues, dataset).to.deep.equal([]);
            const required = Object.entries(SCHEMAS[dataset].fields)
                .filter(([, f]) => "required" in f && f.required)
                .map(([k, f]) => ("column" in f && f.column ? f.column : k));
            expect([...(result.contract!.schema.required ?? [])].sort(), dataset).to.deep.equal(required.sort());
        }
    });

    it("a business domain may not be named like the hub's data product domain", () => {
        const raw = { ...loadEngineConfig(ROOT, "dev").config };
        const domains = JSON.parse(raw["cdp:domains"]!) as Array<{ name: string }>;
        domains[0].name = HUB_DOMAIN;
        raw["cdp:domains"] = JSON.stringify(domains);
        let issues: ValidationError["issues"] = [];
        try {
            parsePlatformConfig(raw, "customer-data-platform", "dev");
        } catch (err) {
            expect(isValidationError(err), String(err)).to.equal(true);
            issues = (err as ValidationError).issues;
        }
        const hit = issues.find((i) => i.key === "cdp:domains[0].name");
        expect(hit?.expected, JSON.stringify(issues)).to.match(/other than .*hub/);
        expect(() => catalogDomains([{ name: HUB_DOMAIN, entities: [] }])).to.throw(/reserved/);
    });
});
