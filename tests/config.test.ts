import { expect } from "chai";
import type { ValidationError } from "../components/shared/errors";
import { isValidationError } from "../model/issues";
import { parsePlatformConfig } from "../programs/config";
import { ROOT } from "./helpers/plan";
import { loadEngineConfig } from "../tools/plan/stack-config";

/** The dev stack's config as the engine passes it, with `changes` applied (undefined deletes a key). */
function devConfig(changes: Record<string, unknown> = {}): Record<string, string | undefined> {
    const raw: Record<string, string | undefined> = { ...loadEngineConfig(ROOT, "dev").config };
    for (const [k, v] of Object.entries(changes)) {
        raw[k] = v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    }
    return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
}

function issuesOf(raw: Record<string, string | undefined>): ValidationError["issues"] {
    try {
        parsePlatformConfig(raw, "customer-data-platform", "dev");
    } catch (err) {
        expect(isValidationError(err), String(err)).to.equal(true);
        return (err as ValidationError).issues;
    }
    throw new Error("expected the config to be rejected");
}

function expectIssue(raw: Record<string, string | undefined>, key: string, expected: RegExp): void {
    const issues = issuesOf(raw);
    const hit = issues.find((i) => i.key === key);
    expect(hit, `no issue for ${key}; got ${JSON.stringify(issues)}`).to.not.equal(undefined);
    expect(hit!.expected).to.match(expected);
}

describe("stack configuration", () => {
    it("reads the dev and prod stacks into typed config", () => {
        const dev = parsePlatformConfig(loadEngineConfig(ROOT, "dev").config, "customer-data-platform", "dev");
        expect(dev.region).to.equal("eu-west-1");
        expect(dev.dataProtection).to.equal(false);
        expect(dev.placement).to.deep.equal({
            hub: "sandbox",
            governance: "sandbox",
            analytics: "sandbox",
            ml: "sandbox",
        });
        expect(dev.domains.map((d) => d.name)).to.deep.equal(["sales", "payments"]);
        expect(dev.domains[0].costCenter).to.equal("CC-1001");
        const prod = parsePlatformConfig(loadEngineConfig(ROOT, "prod").config, "customer-data-platform", "prod");
        expect(prod.dataProtection).to.equal(true);
        expect(new Set(Object.values(prod.accounts).map((a) => a.id)).size).to.equal(7);
        expect(prod.lake.zones.curated?.objectLock).to.deep.equal({ mode: "GOVERNANCE", days: 2557 });
    });

    it("defaults data protection to on when the stack does not say", () => {
        const cfg = parsePlatformConfig(devConfig({ "cdp:dataProtection": undefined }), "p", "dev");
        expect(cfg.dataProtection).to.equal(true);
    });

    it("rejects a missing required key", () => {
        expectIssue(devConfig({ "cdp:region": undefined }), "cdp:region", /AWS region/);
        expectIssue(devConfig({ "cdp:tags": undefined }), "cdp:tags", /owner/);
    });

    it("rejects values of the wrong type", () => {
        expectIssue(devConfig({ "cdp:dataProtection": "yes" }), "cdp:dataProtection", /true or false/);
        expectIssue(devConfig({ "cdp:logRetentionDays": "31" }), "cdp:logRetentionDays", /one of 1, 3, 5/);
        expectIssue(devConfig({ "cdp:domains": { name: "sales" } }), "cdp:domains", /a list/);
        expectIssue(
            devConfig({ "cdp:accounts": { sandbox: { id: 111111111111 } } }),
            "cdp:accounts.sandbox.id",
            /quoted string/,
        );
    });

    it("rejects an unknown account alias", () => {
        const domains = [{ name: "sales", account: "nowhere", owner: "team" }];
        expectIssue(
            devConfig({ "cdp:domains": domains }),
            "cdp:domains[0].account",
            /alias defined in cdp:accounts \(sandbox\)/,
        );
        expectIssue(devConfig({ "cdp:placement": { hub: "elsewhere" } }), "cdp:placement.hub", /account alias/);
    });

    it("rejects invalid domain names and duplicates", () => {
        const bad = (name: string) => devConfig({ "cdp:domains": [{ name, account: "sandbox", owner: "t" }] });
        expectIssue(bad("Sales_EU"), "cdp:domains[0].name", /lower-case letters/);
        expectIssue(bad("a".repeat(30)), "cdp:domains[0].name", /2-24/);
        expectIssue(bad("sales--eu"), "cdp:domains[0].name", /single hyphens/);
        // The governance catalog names a domain's database like a zone's; `platform` is the zone databases' domain tag;
        // `hub` owns the hub's own record types.
        for (const reserved of ["raw", "processed", "curated", "platform", "hub"])
            expectIssue(bad(reserved), "cdp:domains[0].name", /other than the lake zones, platform and hub/);
        const dup = devConfig({
            "cdp:domains": [
                { name: "sales", account: "sandbox", owner: "t" },
                { name: "sales", account: "sandbox", owner: "u" },
            ],
        });
        expectIssue(dup, "cdp:domains[1].name", /not used by another domain/);
    });

    it("rejects names that would break AWS naming rules", () => {
        expectIssue(devConfig({ "cdp:namePrefix": "CDP_Platform" }), "cdp:namePrefix", /lower-case/);
        expectIssue(devConfig({ "cdp:environment": "Prod-EU-West" }), "cdp:environment", /lower-case/);
        expectIssue(
            devConfig({ "cdp:tags": { owner: "team<script>", costCenter: "1" } }),
            "cdp:tags.owner",
            /tag value/,
        );
        expectIssue(
            devConfig({ "cdp:tags": { owner: "t", costCenter: "1", extra: { "aws:foo": "x" } } }),
            "cdp:tags.extra.aws:foo",
            /not starting with aws:/,
        );
    });

    it("rejects settings it does not know (typos), at every level", () => {
        expectIssue(devConfig({ "cdp:dataprotection": "false" }), "cdp:dataprotection", /no such setting/);
        expectIssue(
            devConfig({ "cdp:accounts": { sandbox: { id: "111111111111", role: "x" } } }),
            "cdp:accounts.sandbox.role",
            /no such setting/,
        );
    });

    it("requires a deployment role in every account of a multi-account stack, in that account", () => {
        const accounts = {
            a: { id: "111111111111" },
            b: { id: "222222222222", roleArn: "arn:aws:iam::999999999999:role/deployer" },
        };
        const issues = issuesOf(
            devConfig({
                "cdp:accounts": accounts,
                "cdp:placement": { hub: "a", governance: "a", analytics: "b", ml: "b" },
                "cdp:domains": undefined,
            }),
        );
        expect(issues.map((i) => i.key)).to.include.members(["cdp:accounts.a.roleArn", "cdp:accounts.b.roleArn"]);
        expect(issues.find((i) => i.key === "cdp:accounts.b.roleArn")!.expected).to.match(
            /a role in account 222222222222/,
        );
    });

    it("validates lake lifecycle overrides against what S3 accepts", () => {
        const lake = { zones: { raw: { lifecycle: { transitions: [{ days: 10, storageClass: "STANDARD_IA" }] } } } };
        expectIssue(
            devConfig({ "cdp:lake": lake }),
            "cdp:lake.zones.raw.lifecycle.transitions[0].days",
            /at least 30 days/,
        );
        const order = {
            zones: {
                raw: {
                    lifecycle: {
                        transitions: [
                            { days: 30, storageClass: "GLACIER" },
                            { days: 60, storageClass: "STANDARD_IA" },
                        ],
                    },
                },
            },
        };
        expectIssue(
            devConfig({ "cdp:lake": order }),
            "cdp:lake.zones.raw.lifecycle.transitions[1].storageClass",
            /after GLACIER/,
        );
        const lock = { zones: { curated: { objectLock: { mode: "STRICT", days: 0 } } } };
        const issues = issuesOf(devConfig({ "cdp:lake": lock }));
        expect(issues.map((i) => i.key)).to.include.members([
            "cdp:lake.zones.curated.objectLock.mode",
            "cdp:lake.zones.curated.objectLock.days",
        ]);
    });

    it("requires a Lake Formation admin role when no deployment role can be one, and known classifications", () => {
        expectIssue(
            devConfig({ "cdp:lake": { accessLogRetentionDays: 90 } }),
            "cdp:lake.adminRoleArns",
            /at least one Lake Formation admin role/,
        );
        expectIssue(
            devConfig({ "cdp:lake": { adminRoleArns: ["arn:aws:iam::111111111111:user/alice"] } }),
            "cdp:lake.adminRoleArns[0]",
            /no users/,
        );
        expectIssue(
            devConfig({
                "cdp:lake": {
                    adminRoleArns: ["arn:aws:iam::111111111111:role/a"],
                    zones: { raw: { classification: "secret" } },
                },
            }),
            "cdp:lake.zones.raw.classification",
            /one of public, internal, confidential, pii, restricted/,
        );
        const prod = parsePlatformConfig(loadEngineConfig(ROOT, "prod").config, "p", "prod");
        expect(prod.lake.adminRoleArns).to.deep.equal(["arn:aws:iam::333333333333:role/cdp-deployer"]);
    });

    it("reports every problem at once, each with key, value and expectation", () => {
        const err = (() => {
            try {
                parsePlatformConfig(
                    devConfig({ "cdp:region": "mars-1", "cdp:logRetentionDays": "forever" }),
                    "p",
                    "dev",
                );
            } catch (e) {
                return e as ValidationError;
            }
            throw new Error("not rejected");
        })();
        expect(err.message).to.contain('cdp:region: got "mars-1"; expected an AWS region');
        expect(err.message).to.contain('cdp:logRetentionDays: got "forever"');
        expect(err.message).to.contain("Pulumi.dev.yaml");
    });
    it("reads cdp:processing with its defaults, and rejects bad ETL settings naming key, value and expectation", () => {
        const defaults = parsePlatformConfig(devConfig(), "p", "dev").processing;
        expect(defaults.schedule).to.deep.equal({ expression: "cron(0 2 * * ? *)", timezone: "UTC" });
        expect(defaults.startOnArrival).to.equal(true);
        expect(defaults.rawToProcessed).to.deep.equal({
            workerType: "G.1X",
            numberOfWorkers: 2,
            timeoutMinutes: 120,
            maxRetries: 0,
        });
        expect(defaults.retry).to.deep.equal({ maxAttempts: 2, intervalSeconds: 60, backoffRate: 2 });
        expect(defaults.refreshMarts).to.equal(undefined);
        const tuned = parsePlatformConfig(
            devConfig({
                "cdp:processing": {
                    schedule: { expression: "rate(6 hours)", timezone: "Europe/Paris" },
                    processedToCurated: { workerType: "G.2X", numberOfWorkers: 20 },
                    refreshMarts: {
                        enabled: true,
                        workgroupName: "cdp-marts",
                        workgroupArn:
                            "arn:aws:redshift-serverless:eu-west-1:333333333333:workgroup/0b7c1a4e-1111-4c2d-9e3f-123456789abc",
                        database: "marts",
                        sql: "CALL marts.refresh()",
                    },
                },
            }),
            "p",
            "dev",
        ).processing;
        expect(tuned.schedule).to.deep.equal({ expression: "rate(6 hours)", timezone: "Europe/Paris" });
        expect(tuned.processedToCurated).to.deep.include({ workerType: "G.2X", numberOfWorkers: 20 });
        expect(tuned.refreshMarts).to.deep.equal({
            workgroupName: "cdp-marts",
            workgroupArn:
                "arn:aws:redshift-serverless:eu-west-1:333333333333:workgroup/0b7c1a4e-1111-4c2d-9e3f-123456789abc",
            database: "marts",
            sql: "CALL marts.refresh()",
        });
        // The switch off: nothing else is required.
        expect(
            parsePlatformConfig(devConfig({ "cdp:processing": { refreshMarts: { enabled: false } } }), "p", "dev")
                .processing.refreshMarts,
        ).to.equal(undefined);
        const bad = (processing: unknown) => devConfig({ "cdp:processing": processing });
        expectIssue(bad({ schedule: { expression: "every day" } }), "cdp:processing.schedule.expression", /cron\(/);
        expectIssue(
            bad({ rawToProcessed: { workerType: "G.3X" } }),
            "cdp:processing.rawToProcessed.workerType",
            /G\.1X/,
        );
        expectIssue(
            bad({ rawToProcessed: { numberOfWorkers: 1 } }),
            "cdp:processing.rawToProcessed.numberOfWorkers",
            /2 to 299/,
        );
        expectIssue(bad({ retry: { backoffRate: 0.5 } }), "cdp:processing.retry.backoffRate", /from 1 to 10/);
        expectIssue(bad({ refreshMarts: { enabled: true } }), "cdp:processing.refreshMarts.workgroupName", /workgroup/);
        expectIssue(
            bad({
                refreshMarts: {
                    enabled: true,
                    workgroupArn: "arn:aws:redshift-serverless:eu-west-1:333333333333:workgroup/*",
                },
            }),
            "cdp:processing.refreshMarts.workgroupArn",
            /workgroup id/,
        );
        expectIssue(
            bad({ qualityChecks: [{ table: "sales_order", rulesets: [] }] }),
            "cdp:processing.qualityChecks[0].rulesets",
            /non-empty/,
        );
        expectIssue(
            bad({ scripts: { rawToProcessed: "../outside.py" } }),
            "cdp:processing.scripts.rawToProcessed",
            /inside the project/,
        );
        expectIssue(bad({ schedul: {} }), "cdp:processing.schedul", /./);
        // Data quality: absent = the data contracts' rulesets, [] = none (the named opt-out).
        const quality = (processing: unknown) =>
            parsePlatformConfig(devConfig({ "cdp:processing": processing }), "p", "dev").processing.qualityChecks;
        expect(quality({})).to.equal(undefined);
        expect(quality({ qualityChecks: [] })).to.deep.equal([]);
    });

    it("reads cdp:processing.curated (the curated job's sources) and rejects bad sources naming each key", () => {
        const curated = (value: unknown) =>
            parsePlatformConfig(devConfig({ "cdp:processing": { curated: value } }), "p", "dev").processing.curated;
        expect(parsePlatformConfig(devConfig(), "p", "dev").processing.curated).to.equal(undefined);
        const sources = {
            customers: [{ dataset: "crm.client", idColumn: "clientNo", attributeColumns: { email: "emailAddress" } }],
            transactions: [
                { dataset: "purchase", idColumn: "purchaseRef", timeColumn: "boughtAt", amountColumn: "totalCents" },
                {
                    dataset: "payments.payment",
                    idColumn: "paymentId",
                    timeColumn: "settledAt",
                    kind: "payment",
                    statusColumn: "status",
                    statuses: ["settled"],
                },
            ],
            ltvHorizonYears: 2,
        };
        expect(curated(sources)).to.deep.equal(sources);
        const bad = (value: unknown) => devConfig({ "cdp:processing": { curated: value } });
        const at = "cdp:processing.curated";
        expectIssue(bad({ transactions: [] }), `${at}.transactions`, /non-empty list/);
        expectIssue(bad({ transactions: [{ dataset: "order" }] }), `${at}.transactions[0].idColumn`, /column/);
        expectIssue(
            bad({ transactions: [{ dataset: "order", idColumn: "orderId", timeColumn: "at", kind: "refund" }] }),
            `${at}.transactions[0].kind`,
            /spend, payment/,
        );
        expectIssue(
            bad({ transactions: [{ dataset: "order", idColumn: "orderId", timeColumn: "at", statuses: ["ok"] }] }),
            `${at}.transactions[0].statuses`,
            /statusColumn given together/,
        );
        expectIssue(bad({ customers: [{ dataset: "Sales.Customer" }] }), `${at}.customers[0].dataset`, /<domain>/);
        expectIssue(bad({ web: [{ dataset: "weblog", timeColumn: "a.b" }] }), `${at}.web[0].timeColumn`, /column/);
        expectIssue(bad({ web: [{ dataset: "weblog", attributes: [] }] }), `${at}.web[0].attributes`, /dataset/);
        expectIssue(bad({ web: ["weblog"] }), `${at}.web[0]`, /a source/);
        const mapped = (attributeColumns: unknown) => bad({ customers: [{ dataset: "client", attributeColumns }] });
        expectIssue(mapped({ phone: "tel" }), `${at}.customers[0].attributeColumns.phone`, /profile attribute: email/);
        expectIssue(mapped({ email: "e mail" }), `${at}.customers[0].attributeColumns.email`, /column/);
        expectIssue(mapped(["email"]), `${at}.customers[0].attributeColumns`, /object of profile attributes/);
        expectIssue(mapped({}), `${at}.customers[0].attributeColumns`, /object of profile attributes/);
        expectIssue(bad({ ltvHorizonYears: 0 }), `${at}.ltvHorizonYears`, /above 0/);
        expectIssue(bad({ matches: "x" }), `${at}.matches`, /known settings/);
    });

    it("admits platform (the curated outputs) in a consumer's domains with the curated zone only", () => {
        const consumer = (extra: Record<string, unknown>) =>
            devConfig({
                "cdp:governance": {
                    consumers: [
                        {
                            name: "analysts",
                            kind: "analytics",
                            roleArn: "arn:aws:iam::111111111111:role/cdp-analyst",
                            ...extra,
                        },
                    ],
                },
            });
        const ok = parsePlatformConfig(consumer({ domains: ["sales", "platform"] }), "p", "dev");
        expect(ok.governance.consumers[0].domains).to.deep.equal(["sales", "platform"]);
        expectIssue(
            consumer({ domains: ["platform"], zones: ["curated", "processed"] }),
            "cdp:governance.consumers[0].domains",
            /only with zones \[curated\]/,
        );
    });
});
