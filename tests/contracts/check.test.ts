/** `npm run contracts:check`: the repo's contracts are valid; each kind of bad contract is an issue naming file, path and expectation. */
import { catalogDomains } from "../../programs/hub/products";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as YAML from "yaml";
import { plannedCatalog } from "../../model/catalog";
import { desiredGrants, formatContractIssue, rowFilterProblem, validateContract } from "../../model/contracts";
import { checkContracts, loadStacks, main } from "../../tools/contracts/check";

const root = path.join(__dirname, "..", "..");
const stacks = loadStacks(root);
const prod = stacks.find((s) => s.name === "prod")!.config;
const catalog = plannedCatalog(catalogDomains(prod.domains));
const customer = YAML.parse(fs.readFileSync(path.join(root, "contracts", "sales", "customer.yaml"), "utf8"));

/** The customer contract with `change` applied to a deep copy. */
function variant(change: (doc: Record<string, any>) => void): Record<string, unknown> {
    const doc = structuredClone(customer);
    change(doc);
    return doc;
}

function issuesOf(doc: unknown) {
    return validateContract("sales/customer.yaml", doc, { catalog, consumers: ["analysts", "data-science"] }).issues;
}

function withDir(files: Record<string, unknown>, run: (dir: string) => void): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "contracts-"));
    try {
        for (const [file, doc] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), typeof doc === "string" ? doc : YAML.stringify(doc));
        }
        run(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("contracts:check", () => {
    it("passes the repo's contracts against both stacks", () => {
        const result = checkContracts(path.join(root, "contracts"), stacks);
        expect(result.issues.map(formatContractIssue)).to.deep.equal([]);
        // The domains' four and the hub's three (customer, transaction, weblog: every stack has the hub).
        expect(result.files).to.equal(7);
        expect(result.stacks.find((s) => s.stack === "prod")).to.deep.include({ contracts: 7, approvals: 7 });
        // dev has no marketing domain and no data-science consumer: its approvals are skipped there, not errors.
        expect(result.stacks.find((s) => s.stack === "dev")).to.deep.include({ contracts: 6, skipped: 2 });
    });

    it("names file, path and expectation for each kind of bad contract", () => {
        const cases: Array<[string, (d: Record<string, any>) => void, string, RegExp]> = [
            ["unknown table", (d) => (d.dataset = "prospect"), "$.dataset", /entity of domain sales/],
            [
                "schema property not in catalog",
                (d) => (d.schema.properties.nickname = { type: "string" }),
                "$.schema.properties.nickname",
                /a column of customer/,
            ],
            [
                "type disagrees with Glue",
                (d) => (d.schema.properties.lifetimeValue = { type: "string" }),
                "$.schema.properties.lifetimeValue.type",
                /double/,
            ],
            [
                "pii attribute not pii",
                (d) => (d.classification.email = "confidential"),
                "$.classification.email",
                /pii/,
            ],
            [
                "classification below catalog",
                (d) => (d.classification.segment = "public"),
                "$.classification.segment",
                /confidential/,
            ],
            [
                "missing classification",
                (d) => delete d.classification.segment,
                "$.classification.segment",
                /a classification/,
            ],
            [
                "unknown consumer",
                (d) => (d.consumers[0].name = "marketing-bi"),
                "$.consumers[0].name",
                /cdp:governance.consumers/,
            ],
            [
                "approved column not in schema",
                (d) => d.consumers[0].columns.push("iban"),
                "$.consumers[0].columns[4]",
                /schema/,
            ],
            [
                "bad row filter",
                (d) => (d.consumers[0].rowFilter = "segment = 'retail'; DROP TABLE x"),
                "$.consumers[0].rowFilter",
                /PartiQL/,
            ],
            [
                "row filter on another column",
                (d) => (d.consumers[0].rowFilter = "country = 'DE'"),
                "$.consumers[0].rowFilter",
                /country/,
            ],
            ["no purpose", (d) => delete d.consumers[1].purpose, "$.consumers[1].purpose", /why/],
            ["bad version", (d) => (d.version = "v1"), "$.version", /semantic version/],
            [
                "bad completeness",
                (d) => (d.quality.completeness.email = 1.5),
                "$.quality.completeness.email",
                /fraction/,
            ],
            ["unknown key", (d) => (d.sla = "gold"), "$.sla", /no such key/],
        ];
        for (const [what, change, at, expected] of cases) {
            const issues = issuesOf(variant(change));
            const hit = issues.find((i) => i.path === at);
            expect(hit, `${what}: ${issues.map(formatContractIssue).join("; ")}`).to.exist;
            expect(hit!.expected, what).to.match(expected);
            expect(hit!.file).to.equal("sales/customer.yaml");
        }
    });

    it("never throws on garbage", () => {
        for (const doc of [null, 42, "text", [], { schema: 1, consumers: "x", quality: [] }]) {
            expect(validateContract("x.yaml", doc).issues).to.not.be.empty;
        }
    });

    it("reports a domain in no stack, a wrong path, bad YAML and exits non-zero", () => {
        const orphan = variant((d) => (d.domain = "lending"));
        withDir(
            {
                "lending/customer.yaml": orphan,
                "sales/customers.yaml": customer,
                "payments/payment.yaml": "apiVersion: [unclosed",
            },
            (dir) => {
                const { issues } = checkContracts(dir, stacks);
                const text = issues.map(formatContractIssue);
                expect(
                    text.some(
                        (t) => t.startsWith("lending/customer.yaml: $.domain") && /a domain of some stack/.test(t),
                    ),
                ).to.equal(true, text.join("\n"));
                expect(
                    text.some((t) => t.startsWith("sales/customers.yaml: $") && /sales\/customer.yaml/.test(t)),
                ).to.equal(true, text.join("\n"));
                expect(text.some((t) => t.startsWith("payments/payment.yaml: $") && /valid YAML/.test(t))).to.equal(
                    true,
                    text.join("\n"),
                );
            },
        );
    });

    it("row filters: the supported PartiQL subset", () => {
        const cols = (n: string) => ["segment", "amountminor", "status"].includes(n.toLowerCase());
        for (const ok of [
            "segment = 'retail'",
            "status IN ('settled', 'failed') AND NOT (amountMinor < 0)",
            "amountMinor BETWEEN 1 AND 100 OR segment IS NOT NULL",
            "segment LIKE 'ret%'",
        ]) {
            expect(rowFilterProblem(ok, cols), ok).to.equal(undefined);
        }
        for (const bad of [
            "",
            "segment",
            "segment = ",
            "segment = 'a' AND",
            "(segment = 'a'",
            "segment == 'a'",
            "1 = 1",
            "segment = other",
        ]) {
            expect(rowFilterProblem(bad, cols), bad).to.be.a("string");
        }
    });

    it("desiredGrants: sorted catalog columns per known consumer, row filter kept, none when withdrawn", () => {
        const { contract } = validateContract("sales/customer.yaml", customer, { catalog });
        const context = {
            catalogId: "222222222222",
            databases: { sales: "cdp_prod_sales" },
            consumers: {
                analysts: "arn:aws:iam::444444444444:role/cdp-analyst",
                "data-science": "arn:aws:iam::555555555555:role/cdp-ml-training",
            },
        };
        const grants = desiredGrants(contract!, context);
        expect(grants).to.deep.equal([
            {
                contract: "sales.customer",
                principal: context.consumers.analysts,
                catalogId: "222222222222",
                database: "cdp_prod_sales",
                table: "customer",
                columns: ["customerid", "lifetimevalue", "segment", "updatedat"],
                rowFilter: "segment = 'retail'",
            },
            {
                contract: "sales.customer",
                principal: context.consumers["data-science"],
                catalogId: "222222222222",
                database: "cdp_prod_sales",
                table: "customer",
                columns: ["createdat", "customerid", "email", "lifetimevalue", "segment"],
            },
        ]);
        expect(desiredGrants({ ...contract!, status: "withdrawn" }, context)).to.deep.equal([]);
        expect(
            desiredGrants(contract!, { ...context, consumers: { analysts: context.consumers.analysts } }),
        ).to.have.length(1);
    });

    it("the CLI exits 0 on the repo's contracts and 1 on a bad one, reporting an issue once for both stacks", () => {
        const out: string[] = [];
        const log = console.log;
        const error = console.error;
        console.log = (m: string) => out.push(m);
        console.error = (m: string) => out.push(m);
        try {
            expect(main([])).to.equal(0);
            withDir({ "sales/customer.yaml": variant((d) => (d.classification.email = "internal")) }, (dir) => {
                out.length = 0;
                expect(main(["--dir", dir])).to.equal(1);
            });
        } finally {
            console.log = log;
            console.error = error;
        }
        const hits = out.filter((l) => l.startsWith("sales/customer.yaml: $.classification.email"));
        expect(hits, out.join("\n")).to.have.length(1);
        expect(hits[0]).to.match(/expected pii: the catalog marks the attribute pii \(stack dev\)/);
        expect(out.some((l) => /^prod: 1 contract\(s\)/.test(l))).to.equal(true, out.join("\n"));
    });
});
