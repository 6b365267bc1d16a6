/**
 * The access proof's Lake Formation part on small synthetic programs (raw pulumi-aws resources and a component that
 * declares the principals and the contract approvals): tag inheritance, column lists, data cells filters, and the
 * three invariants (pii only by contract, nothing for IAMAllowedPrincipals, every grantee declared).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
    LF_APPROVALS_OUTPUT,
    LF_PRINCIPALS_OUTPUT,
    type LakeFormationApproval,
    type LakeFormationPrincipal,
} from "../model/access";
import type { LfMatrixRow } from "../tools/plan/access/lake-formation";
import { type AccessReport, proveAccess } from "../tools/plan/access/prove";
import { renderAccess } from "../tools/plan/access/render";
import { runPlan } from "../tools/plan/harness";

const GOV = "333333333333";
const ANALYTICS = "444444444444";
const ML = "555555555555";
const DOMAIN = "666666666666";
const ANALYST = `arn:aws:iam::${ANALYTICS}:role/analyst`;
const SCIENTIST = `arn:aws:iam::${ML}:role/scientist`;
const DEPLOYER = `arn:aws:iam::${GOV}:role/cdp-deployer`;

type Expression = Array<{ key: string; values: string[] }>;

interface Options {
    /** Extra resources in the governance account (grants, filters...), given the catalog. */
    extra?: (c: Catalog) => void;
    /** The analyst's tag grant (TABLE). */
    analystExpression?: Expression;
    approvals?: LakeFormationApproval[];
    principals?: LakeFormationPrincipal[];
    settings?: Partial<aws.lakeformation.DataLakeSettingsArgs>;
    /** The database waits for the settings (the default). */
    ordered?: boolean;
}

interface Catalog {
    gov: aws.Provider;
    settings: aws.lakeformation.DataLakeSettings;
    database: aws.glue.CatalogDatabase;
    customer: aws.glue.CatalogTable;
    order: aws.glue.CatalogTable;
    tags: pulumi.Resource[];
}

/** A program component (`cdp:programs:<Kind>`) on an account's provider: how the proof knows the account's role. */
class Program extends pulumi.ComponentResource {
    constructor(kind: string, name: string, provider: aws.Provider) {
        super(`cdp:programs:${kind}`, name, {}, { providers: { aws: provider } });
        this.registerOutputs({});
    }
}

/** The governance plane's declarations, as the governance and contract components register them. */
class Declarations extends pulumi.ComponentResource {
    constructor(name: string, principals: LakeFormationPrincipal[], approvals: LakeFormationApproval[]) {
        super("cdp:test:LakeFormationDeclarations", name, {}, {});
        this.registerOutputs({ [LF_PRINCIPALS_OUTPUT]: principals, [LF_APPROVALS_OUTPUT]: approvals });
    }
}

const provider = (name: string, account: string) =>
    new aws.Provider(name, { region: "eu-west-1", allowedAccountIds: [account] });

/**
 * Governance catalog `sales` (tags domain=sales, classification=internal) with `customer` (its own classification
 * confidential; columns email and name tagged pii) and `order` (inherits internal); the analyst (analytics account)
 * and the scientist (ML account) granted by LF-tag expression.
 */
function program(options: Options = {}): () => void {
    return () => {
        const gov = provider("gov", GOV);
        new Program("Governance", "governance", gov);
        new Program("Analytics", "analytics", provider("analytics", ANALYTICS));
        new Program("Ml", "ml", provider("ml", ML));
        new Program("Producer", "domain-sales", provider("sales", DOMAIN));
        const settings = new aws.lakeformation.DataLakeSettings(
            "settings",
            {
                admins: [DEPLOYER],
                createDatabaseDefaultPermissions: [],
                createTableDefaultPermissions: [],
                ...options.settings,
            },
            { provider: gov },
        );
        const tags = ["domain", "classification"].map(
            (key) =>
                new aws.lakeformation.LfTag(
                    key,
                    { key, values: key === "domain" ? ["sales"] : ["internal", "confidential", "pii"] },
                    { provider: gov, dependsOn: [settings] },
                ),
        );
        const after = options.ordered === false ? [] : [settings];
        const database = new aws.glue.CatalogDatabase(
            "sales",
            { name: "sales", createTableDefaultPermissions: [] },
            { provider: gov, dependsOn: after },
        );
        const table = (name: string, columns: string[]) =>
            new aws.glue.CatalogTable(
                name,
                {
                    databaseName: database.name,
                    name,
                    tableType: "EXTERNAL_TABLE",
                    storageDescriptor: { columns: columns.map((c) => ({ name: c, type: "string" })) },
                    partitionKeys: [{ name: "dt", type: "string" }],
                },
                { provider: gov, dependsOn: after },
            );
        const customer = table("customer", ["customerid", "email", "name", "country", "segment"]);
        const order = table("order", ["orderid", "customerid", "amount"]);
        new aws.lakeformation.ResourceLfTags(
            "sales-db",
            {
                database: { name: database.name },
                lfTags: [
                    { key: "domain", value: "sales" },
                    { key: "classification", value: "internal" },
                ],
            },
            { provider: gov, dependsOn: tags },
        );
        new aws.lakeformation.ResourceLfTags(
            "customer",
            {
                table: { databaseName: database.name, name: customer.name },
                lfTags: [{ key: "classification", value: "confidential" }],
            },
            { provider: gov, dependsOn: tags },
        );
        new aws.lakeformation.ResourceLfTags(
            "customer-pii",
            {
                tableWithColumns: { databaseName: database.name, name: customer.name, columnNames: ["email", "name"] },
                lfTags: [{ key: "classification", value: "pii" }],
            },
            { provider: gov, dependsOn: tags },
        );
        const tagGrant = (name: string, principal: string, expressions: Expression) =>
            new aws.lakeformation.Permissions(
                name,
                { principal, permissions: ["SELECT", "DESCRIBE"], lfTagPolicy: { resourceType: "TABLE", expressions } },
                { provider: gov },
            );
        tagGrant(
            "analyst-tables",
            ANALYST,
            options.analystExpression ?? [
                { key: "domain", values: ["sales"] },
                { key: "classification", values: ["internal", "confidential"] },
            ],
        );
        tagGrant("scientist-tables", SCIENTIST, [{ key: "classification", values: ["internal"] }]);
        new aws.lakeformation.Permissions(
            "analyst-databases",
            {
                principal: ANALYST,
                permissions: ["DESCRIBE"],
                lfTagPolicy: { resourceType: "DATABASE", expressions: [{ key: "domain", values: ["sales"] }] },
            },
            { provider: gov },
        );
        options.extra?.({ gov, settings, database, customer, order, tags });
        new Declarations(
            "governance-declarations",
            options.principals ?? [
                { principal: DEPLOYER, kind: "admin", name: "deployer" },
                { principal: ANALYST, kind: "consumer", name: "analysts" },
                { principal: SCIENTIST, kind: "ml", name: "data-science" },
            ],
            options.approvals ?? [],
        );
    };
}

async function prove(options: Options = {}): Promise<AccessReport> {
    const result = await runPlan({ project: "lf", stack: "test", config: {}, program: program(options) });
    if (result.errors.length) throw new Error(result.errors.join("\n"));
    return proveAccess(result);
}

const invariant = (report: AccessReport, id: string) => {
    const found = report.invariants.find((i) => i.id === id);
    if (!found) throw new Error(`no invariant ${id}`);
    return found;
};
const row = (report: AccessReport, principal: string): LfMatrixRow => {
    const found = report.lakeFormation.find((r) => r.principal === principal);
    if (!found) throw new Error(`no row for ${principal}; have ${report.lakeFormation.map((r) => r.principal)}`);
    return found;
};
const cell = (report: AccessReport, principal: string, resource: string) =>
    row(report, principal).cells.find((c) => c.resource === resource);

const approval = (columns: string[], extra: Partial<LakeFormationApproval> = {}): LakeFormationApproval => ({
    contract: "sales.customer",
    principal: ANALYST,
    catalogId: GOV,
    database: "sales",
    table: "customer",
    columns,
    ...extra,
});

describe("access proof: Lake Formation", () => {
    let base: AccessReport;
    before(async () => {
        base = await prove();
    });

    it("follows LF-tag inheritance: database → table → column overrides", () => {
        // order inherits the database's classification=internal: the scientist's internal grant reaches it.
        expect(cell(base, SCIENTIST, "sales.order")).to.include({ letters: "sd", catalogId: GOV });
        expect(cell(base, SCIENTIST, "sales.order")?.columns).to.equal(undefined);
        // customer's own classification=confidential overrides the database's: no internal column is left.
        expect(cell(base, SCIENTIST, "sales.customer")).to.equal(undefined);
        // The analyst's expression (confidential, not pii) reaches customer's columns except the pii-tagged ones.
        expect(cell(base, ANALYST, "sales.customer")?.columns).to.deep.equal([
            "customerid",
            "country",
            "segment",
            "dt",
        ]);
        expect(cell(base, ANALYST, "sales.customer")?.hiddenColumns).to.deep.equal(["email", "name"]);
        expect(cell(base, ANALYST, "sales.order")?.columns).to.equal(undefined);
        expect(cell(base, ANALYST, "sales")).to.include({ kind: "database", letters: "d" });
        expect(row(base, DEPLOYER).adminOf).to.deep.equal([GOV]);
    });

    it("holds on the base program: no pii for consumers, nothing for IAMAllowedPrincipals, every grantee declared", () => {
        for (const id of ["lf-pii-by-contract-only", "lf-no-iam-allowed-principals", "lf-principals-declared"])
            expect(invariant(base, id), id).to.include({ verdict: "holds" });
        expect(invariant(base, "lf-pii-by-contract-only").checked).to.equal(4); // 2 readers × 2 pii columns
        expect(base.issues).to.deep.equal([]);
        expect(base.invariants.find((i) => i.id === "lake-formation-grants")).to.equal(undefined);
        const text = renderAccess(base);
        expect(text).to.include("analysts (consumer): arn:aws:iam::444444444444:role/analyst");
        expect(text).to.include("      sd   333333333333 sales.customer [all but email, name], sales.order\n");
    });

    it("breaks (a) when a consumer's tag expression admits pii, and names the columns and the grant", async () => {
        const report = await prove({
            analystExpression: [{ key: "classification", values: ["internal", "confidential", "pii"] }],
        });
        const a = invariant(report, "lf-pii-by-contract-only");
        expect(a.verdict).to.equal("broken");
        expect(a.violations).to.deep.equal([
            "analysts (consumer) selects pii sales.customer.{email, name} in 333333333333 through analyst-tables, no contract approval lists it",
        ]);
    });

    it("holds (a) when a contract approval lists the pii columns for that principal and table; partly otherwise", async () => {
        const pii = [{ key: "classification", values: ["internal", "confidential", "pii"] }];
        const both = await prove({ analystExpression: pii, approvals: [approval(["email", "name"])] });
        expect(invariant(both, "lf-pii-by-contract-only").verdict).to.equal("holds");
        const one = await prove({ analystExpression: pii, approvals: [approval(["email"])] });
        expect(invariant(one, "lf-pii-by-contract-only").violations).to.deep.equal([
            "analysts (consumer) selects pii sales.customer.{name} in 333333333333 through analyst-tables, no contract approval lists it",
        ]);
        // An approval for another principal does not cover the analyst.
        const other = await prove({
            analystExpression: pii,
            approvals: [approval(["email", "name"], { principal: SCIENTIST })],
        });
        expect(invariant(other, "lf-pii-by-contract-only").verdict).to.equal("broken");
    });

    it("counts the contract approvals as grants: the approved columns, row-filtered, in the matrix", async () => {
        const report = await prove({ approvals: [approval(["customerid", "email"], { rowFilter: "country = 'DE'" })] });
        expect(invariant(report, "lf-pii-by-contract-only").verdict).to.equal("holds");
        const c = cell(report, ANALYST, "sales.customer");
        expect(c?.columns).to.deep.equal(["customerid", "email", "country", "segment", "dt"]);
        expect(c?.rowFilters).to.deep.equal(["country = 'DE'"]);
        expect(c?.grants).to.deep.equal(["analyst-tables", "contract sales.customer"]);
    });

    it("breaks (a) for a grant to the consumer's account: its administrators can pass it on", async () => {
        const report = await prove({
            extra: ({ gov, customer }) =>
                new aws.lakeformation.Permissions(
                    "analytics-account",
                    {
                        principal: ANALYTICS,
                        permissions: ["SELECT"],
                        table: { databaseName: "sales", name: customer.name },
                    },
                    { provider: gov },
                ),
        });
        const v = invariant(report, "lf-pii-by-contract-only").violations;
        expect(v).to.include(
            "analysts (consumer) selects pii sales.customer.{email, name} in 333333333333 through analytics-account (the grant to account 444444444444), no contract approval lists it",
        );
        // The account itself is an analytics account: a reader, judged too.
        expect(
            v.some((x) => x.startsWith("account 444444444444 (analytics) (consumer, inferred) selects pii")),
        ).to.equal(true);
    });

    it("column include and exclude lists: an included pii column breaks (a), excluding the pii columns holds", async () => {
        const grant = (name: string, columns: Partial<aws.lakeformation.PermissionsArgs["tableWithColumns"]>) => ({
            extra: ({ gov, customer }: Catalog) =>
                new aws.lakeformation.Permissions(
                    name,
                    {
                        principal: SCIENTIST,
                        permissions: ["SELECT"],
                        tableWithColumns: { databaseName: "sales", name: customer.name, ...columns },
                    },
                    { provider: gov },
                ),
        });
        const included = await prove(grant("scientist-columns", { columnNames: ["customerid", "email"] }));
        expect(invariant(included, "lf-pii-by-contract-only").violations).to.deep.equal([
            "data-science (ml) selects pii sales.customer.{email} in 333333333333 through scientist-columns, no contract approval lists it",
        ]);
        expect(cell(included, SCIENTIST, "sales.customer")?.columns).to.deep.equal(["customerid", "email"]);
        const excluded = await prove(
            grant("scientist-columns", { wildcard: true, excludedColumnNames: ["email", "name"] }),
        );
        expect(invariant(excluded, "lf-pii-by-contract-only").verdict).to.equal("holds");
        expect(cell(excluded, SCIENTIST, "sales.customer")?.columns).to.deep.equal([
            "customerid",
            "country",
            "segment",
            "dt",
        ]);
    });

    it("data cells filters: the filter's columns and row filter; a filter over every column breaks (a)", async () => {
        const filtered = (
            name: string,
            tableData: Pick<
                aws.types.input.lakeformation.DataCellsFilterTableData,
                "columnNames" | "columnWildcard" | "rowFilter"
            >,
        ) => ({
            extra: ({ gov, customer }: Catalog) => {
                const filter = new aws.lakeformation.DataCellsFilter(
                    name,
                    {
                        tableData: {
                            tableCatalogId: GOV,
                            databaseName: "sales",
                            tableName: customer.name,
                            name,
                            ...tableData,
                        },
                    },
                    { provider: gov },
                );
                new aws.lakeformation.Permissions(
                    `${name}-grant`,
                    {
                        principal: SCIENTIST,
                        permissions: ["SELECT"],
                        dataCellsFilter: { tableCatalogId: GOV, databaseName: "sales", tableName: customer.name, name },
                    },
                    { provider: gov, dependsOn: [filter] },
                );
            },
        });
        const germany = await prove(
            filtered("germany", {
                columnNames: ["customerid", "country"],
                rowFilter: { filterExpression: "country = 'DE'" },
            }),
        );
        expect(invariant(germany, "lf-pii-by-contract-only").verdict).to.equal("holds");
        expect(cell(germany, SCIENTIST, "sales.customer")).to.deep.include({
            columns: ["customerid", "country"],
            rowFilters: ["country = 'DE'"],
            grants: ["germany-grant"],
        });
        expect(renderAccess(germany)).to.include(
            "sales.customer [customerid, country] (rf: country = 'DE'), sales.order",
        );
        const everything = await prove(
            filtered("all-columns", { columnWildcard: {}, rowFilter: { allRowsWildcard: {} } }),
        );
        expect(invariant(everything, "lf-pii-by-contract-only").violations).to.deep.equal([
            "data-science (ml) selects pii sales.customer.{email, name} in 333333333333 through all-columns-grant, no contract approval lists it",
        ]);
    });

    it("ALL by a partly matching expression gives SELECT and DESCRIBE only; a wildcard table grant; ResourceLfTag on a column", async () => {
        const report = await prove({
            analystExpression: [{ key: "classification", values: ["confidential"] }],
            extra: ({ gov, database, order, tags }) => {
                // order.amount becomes confidential (one tag on one column): the analyst's expression reaches it alone.
                new aws.lakeformation.ResourceLfTag(
                    "order-amount",
                    {
                        tableWithColumns: { databaseName: database.name, name: order.name, columnNames: ["amount"] },
                        lfTag: { key: "classification", value: "confidential" },
                    },
                    { provider: gov, dependsOn: tags },
                );
                new aws.lakeformation.Permissions(
                    "scientist-all",
                    {
                        principal: SCIENTIST,
                        permissions: ["ALL"],
                        lfTagPolicy: {
                            resourceType: "TABLE",
                            expressions: [{ key: "classification", values: ["internal", "confidential"] }],
                        },
                    },
                    { provider: gov },
                );
                new aws.lakeformation.Permissions(
                    "analyst-describe-all",
                    { principal: ANALYST, permissions: ["DESCRIBE"], table: { databaseName: "sales", wildcard: true } },
                    { provider: gov },
                );
            },
        });
        expect(cell(report, ANALYST, "sales.order")).to.deep.include({ letters: "sd", columns: ["amount"] });
        expect(cell(report, ANALYST, "sales.customer")?.grants).to.deep.equal([
            "analyst-describe-all",
            "analyst-tables",
        ]);
        // customer: every column but the pii ones matches, so ALL is SELECT and DESCRIBE; order: all match, so ALL.
        expect(cell(report, SCIENTIST, "sales.customer")).to.deep.include({
            letters: "sd",
            hiddenColumns: ["email", "name"],
        });
        expect(cell(report, SCIENTIST, "sales.order")).to.include({ letters: "sdwa" });
        expect(invariant(report, "lf-pii-by-contract-only").verdict).to.equal("holds");
    });

    it("breaks (b) for every way of handing access back to IAMAllowedPrincipals", async () => {
        const b = (r: AccessReport) => invariant(r, "lf-no-iam-allowed-principals");
        const grant = await prove({
            extra: ({ gov, database }) =>
                new aws.lakeformation.Permissions(
                    "iam-allowed",
                    { principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"], database: { name: database.name } },
                    { provider: gov },
                ),
        });
        expect(b(grant).violations).to.deep.equal(["Permissions iam-allowed grants ALL to IAM_ALLOWED_PRINCIPALS"]);
        const defaults = await prove({
            settings: {
                createTableDefaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
            },
        });
        expect(b(defaults).violations).to.deep.equal([
            "DataLakeSettings settings: createTableDefaultPermissions grants ALL to IAM_ALLOWED_PRINCIPALS on every new table (must be empty)",
        ]);
        const database = await prove({
            extra: ({ gov, settings }) =>
                new aws.glue.CatalogDatabase(
                    "legacy",
                    {
                        name: "legacy",
                        createTableDefaultPermissions: [
                            {
                                permissions: ["ALL"],
                                principal: { dataLakePrincipalIdentifier: "IAM_ALLOWED_PRINCIPALS" },
                            },
                        ],
                    },
                    { provider: gov, dependsOn: [settings] },
                ),
        });
        expect(b(database).violations).to.deep.equal([
            "CatalogDatabase legacy: createTableDefaultPermissions grants ALL to IAM_ALLOWED_PRINCIPALS on its new tables",
        ]);
        const unordered = await prove({ ordered: false });
        expect(b(unordered).violations).to.have.length(3);
        expect(b(unordered).violations[0]).to.match(/^CatalogDatabase sales does not depend on settings/);
    });

    it("breaks (c) for an undeclared grantee and for a consumer outside the reader accounts", async () => {
        const stranger = "arn:aws:iam::999999999999:role/stranger";
        const undeclared = await prove({
            extra: ({ gov, order }) =>
                new aws.lakeformation.Permissions(
                    "stranger",
                    {
                        principal: stranger,
                        permissions: ["SELECT"],
                        table: { databaseName: "sales", name: order.name },
                    },
                    { provider: gov },
                ),
        });
        expect(invariant(undeclared, "lf-principals-declared").violations).to.deep.equal([
            `${stranger} is granted by stranger but not declared in lakeFormationPrincipals: the proof cannot tell whether it may see pii`,
        ]);
        // A role the plan creates in the governance account must be declared too (it could be a reader).
        const own = await prove({
            extra: ({ gov, order }) => {
                const role = new aws.iam.Role(
                    "quality",
                    {
                        name: "quality",
                        assumeRolePolicy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Service: "glue.amazonaws.com" },
                                    Action: "sts:AssumeRole",
                                    Condition: { StringEquals: { "aws:SourceAccount": GOV } },
                                },
                            ],
                        }),
                    },
                    { provider: gov },
                );
                new aws.lakeformation.Permissions(
                    "quality-order",
                    {
                        principal: role.arn,
                        permissions: ["SELECT"],
                        table: { databaseName: "sales", name: order.name },
                    },
                    { provider: gov },
                );
            },
        });
        expect(invariant(own, "lf-principals-declared").violations).to.have.length(1);
        expect(invariant(own, "lf-principals-declared").violations[0]).to.match(
            /^arn:aws:iam::333333333333:role\/quality is granted by quality-order but not declared/,
        );
        const misplaced = await prove({
            principals: [
                { principal: ANALYST, kind: "consumer", name: "analysts" },
                { principal: SCIENTIST, kind: "ml", name: "data-science" },
                { principal: `arn:aws:iam::${DOMAIN}:role/reader`, kind: "consumer", name: "domain-reader" },
            ],
        });
        expect(invariant(misplaced, "lf-principals-declared").violations).to.deep.equal([
            "domain-reader (consumer) is in account 666666666666, not an analytics, ML or governance account of the stack (333333333333, 444444444444, 555555555555)",
        ]);
    });
});
