import { expect } from "chai";
import { NAME_RULES, Naming, physicalName, type NameKind } from "../components/shared/naming";

const LONG_DOMAIN = "customer-lifetime-value-analytics-and-segmentation";
const LONG_STACK = "feature-branch-with-a-very-long-name-1234";

describe("naming", () => {
    it("keeps every kind within its service's length and character rules, even for long domain and stack names", () => {
        for (const kind of Object.keys(NAME_RULES) as NameKind[]) {
            const rule = NAME_RULES[kind];
            const name = physicalName(kind, "cdp", LONG_STACK, LONG_DOMAIN, "orders_Table.v2", "x".repeat(300));
            expect(name.length, kind).to.be.at.most(rule.maxLength);
            for (const ch of name) expect(rule.allowed.test(ch), `${kind}: ${ch} in ${name}`).to.equal(true);
            if (rule.lowerCase) expect(name).to.equal(name.toLowerCase());
        }
    });

    it("shortens with a hash, so long names sharing a prefix stay distinct and are stable", () => {
        const a = physicalName("lambdaFunction", "cdp", LONG_STACK, LONG_DOMAIN, "publisher");
        const b = physicalName("lambdaFunction", "cdp", LONG_STACK, LONG_DOMAIN, "api");
        expect(a.length).to.be.within(56, 64);
        expect(a).to.not.equal(b);
        expect(physicalName("lambdaFunction", "cdp", LONG_STACK, LONG_DOMAIN, "publisher")).to.equal(a);
        expect(a).to.match(/-[0-9a-f]{8}$/);
    });

    it("leaves short names readable and unchanged apart from the service's character set", () => {
        expect(physicalName("glueDatabase", "cdp", "dev", "raw")).to.equal("cdp_dev_raw");
        expect(physicalName("glueDatabase", "cdp", "dev", "sales-eu", "raw")).to.equal("cdp_dev_sales_eu_raw");
        expect(physicalName("s3Bucket", "CDP", "Dev", "Sales_EU")).to.equal("cdp-dev-sales-eu");
        expect(physicalName("iamRole", "cdp", "dev", "Firehose.Delivery")).to.equal("cdp-dev-Firehose.Delivery");
    });

    it("builds globally unique bucket names that always keep the account and region", () => {
        const naming = new Naming("cdp", LONG_STACK.replace(/-/g, "").slice(0, 10), LONG_DOMAIN);
        const name = naming.bucket("curated", "123456789012", "ap-southeast-2");
        expect(name.length).to.be.at.most(63);
        expect(name).to.match(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
        expect(name.endsWith("-123456789012-ap-southeast-2")).to.equal(true);
        expect(naming.bucket("raw", "123456789012", "ap-southeast-2")).to.not.equal(name);
        expect(new Naming("cdp", "dev").bucket("raw", "111111111111", "eu-west-1")).to.equal(
            "cdp-dev-raw-111111111111-eu-west-1",
        );
    });

    it("refuses names S3 reserves instead of producing an invalid bucket", () => {
        expect(() => physicalName("s3Bucket", "sthree", "data")).to.throw(/reserved prefix/);
        expect(() => physicalName("s3Bucket", "data", "s3alias")).to.throw(/reserved suffix/);
        expect(() => physicalName("kmsAlias", "aws", "key")).to.throw(/reserved/);
        expect(() => physicalName("dynamodbTable", "ab")).to.throw(/shorter than 3/);
    });

    it("scopes child namings under their parent", () => {
        const sales = new Naming("cdp", "prod").child("sales");
        expect(sales.name("kmsAlias", "data")).to.equal("cdp-prod-sales-data");
        expect(sales.child("eu").name("sqsQueue", "dlq")).to.equal("cdp-prod-sales-eu-dlq");
    });
});
