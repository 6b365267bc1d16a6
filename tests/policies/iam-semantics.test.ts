import { expect } from "chai";
import {
    allowReach,
    evaluateConditions,
    globCanMatchPrefix,
    globCoversPrefix,
    globMatch,
    isServiceWideAction,
    parsePolicy,
    requestContext,
    whyNotDenyingEvery,
} from "../../policies/cdp-guardrails/lib/iam";

/** Statement semantics of the pack (policies/cdp-guardrails/lib/iam): the answers the statement-level rules use. */

const BUCKET = "arn:aws:s3:::cdp-raw";
const HTTP = requestContext({ "aws:SecureTransport": "false" });
const one = (statement: Record<string, unknown>) => {
    const parsed = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statement }));
    expect(parsed.known).to.equal(true);
    return parsed.statements[0];
};
const tlsDeny = (extra: Record<string, unknown> = {}) => ({
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET, `${BUCKET}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
    ...extra,
});
const deniesHttp = (s: Record<string, unknown>) =>
    [{ arn: BUCKET }, { prefix: `${BUCKET}/` }].every((t) => whyNotDenyingEvery(one(s), "s3", t, HTTP) === undefined);

describe("IAM semantics: wildcard matching", () => {
    it("matches * and ? as IAM does, actions case-insensitively", () => {
        expect(globMatch("s3:Get*", "s3:GetObject")).to.equal(true);
        expect(globMatch("s3:Get?bject", "s3:GetObject")).to.equal(true);
        expect(globMatch("S3:GET*", "s3:GetObject", true)).to.equal(true);
        expect(globMatch("S3:GET*", "s3:GetObject")).to.equal(false);
        expect(globCoversPrefix("arn:aws:s3:::cdp-*", `${BUCKET}/`)).to.equal(true);
        expect(globCoversPrefix(`${BUCKET}/*/*`, `${BUCKET}/`)).to.equal(false);
        expect(globCoversPrefix("arn:*:s3:::cdp-raw/*", `${BUCKET}/`)).to.equal(true);
        expect(globCanMatchPrefix("*:Get*", "s3:", true)).to.equal(true);
        expect(globCanMatchPrefix("kms:*", "s3:", true)).to.equal(false);
    });

    it("finds service-wide action patterns, however written", () => {
        for (const a of ["*", "s3:*", "S3:*", "s3:**", "*:*", "*:Get*", "s?:*", "s3*"]) {
            expect(isServiceWideAction(a), a).to.equal(true);
        }
        for (const a of ["s3:GetObject", "s3:Get*", "kms:Decrypt"]) expect(isServiceWideAction(a), a).to.equal(false);
    });
});

describe("IAM semantics: conditions", () => {
    const tests = (condition: Record<string, unknown>) =>
        one({ Effect: "Allow", Action: "s3:*", Condition: condition }).conditions;

    it("ANDs the tests of a statement and ORs the values of one test; keys are case-insensitive", () => {
        const c = tests({
            StringEquals: { "AWS:PrincipalAccount": ["111111111111", "222222222222"] },
            Bool: { "aws:securetransport": "true" },
        });
        expect(
            evaluateConditions(
                c,
                requestContext({ "aws:PrincipalAccount": "222222222222", "aws:SecureTransport": "true" }),
            ),
        ).to.equal(true);
        expect(
            evaluateConditions(
                c,
                requestContext({ "aws:PrincipalAccount": "222222222222", "aws:SecureTransport": "false" }),
            ),
        ).to.equal(false);
    });

    it("negated operators and IfExists are true on an absent key, ForAllValues on an empty set, ForAnyValue is not", () => {
        const ctx = requestContext({});
        expect(evaluateConditions(tests({ StringNotEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }), ctx)).to.equal(
            true,
        );
        expect(
            evaluateConditions(tests({ StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abcdefghij" } }), ctx),
        ).to.equal(true);
        expect(evaluateConditions(tests({ "ForAllValues:StringEquals": { "aws:TagKeys": "a" } }), ctx)).to.equal(true);
        expect(evaluateConditions(tests({ "ForAnyValue:StringEquals": { "aws:TagKeys": "a" } }), ctx)).to.equal(false);
        expect(evaluateConditions(tests({ Null: { "aws:TagKeys": "true" } }), ctx)).to.equal(true);
    });

    it("evaluates ARN, numeric, date and IP operators", () => {
        const arn = "arn:aws:events:eu-west-1:111111111111:rule/r";
        expect(
            evaluateConditions(
                tests({ ArnLike: { "aws:SourceArn": "arn:aws:events:*:111111111111:rule/*" } }),
                requestContext({ "aws:SourceArn": arn }),
            ),
        ).to.equal(true);
        expect(
            evaluateConditions(
                tests({ ArnNotLike: { "aws:SourceArn": "arn:aws:events:*:111111111111:*" } }),
                requestContext({ "aws:SourceArn": arn }),
            ),
        ).to.equal(false);
        expect(
            evaluateConditions(
                tests({ NumericLessThan: { "s3:max-keys": "10" } }),
                requestContext({ "s3:max-keys": "5" }),
            ),
        ).to.equal(true);
        expect(
            evaluateConditions(
                tests({ DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }),
                requestContext({ "aws:CurrentTime": "2026-01-01T00:00:00Z" }),
            ),
        ).to.equal(true);
        expect(
            evaluateConditions(
                tests({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
                requestContext({ "aws:SourceIp": "10.1.2.3" }),
            ),
        ).to.equal(true);
        expect(
            evaluateConditions(
                tests({ NotIpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
                requestContext({ "aws:SourceIp": "10.1.2.3" }),
            ),
        ).to.equal(false);
    });
});

describe("IAM semantics: does a Deny catch every plain-HTTP request?", () => {
    it("accepts the canonical statement and its equivalent forms", () => {
        expect(deniesHttp(tlsDeny())).to.equal(true);
        expect(deniesHttp(tlsDeny({ Condition: { BoolIfExists: { "AWS:SECURETRANSPORT": false } } }))).to.equal(true);
        expect(deniesHttp(tlsDeny({ Condition: { StringNotEquals: { "aws:SecureTransport": "true" } } }))).to.equal(
            true,
        );
        expect(deniesHttp(tlsDeny({ Principal: { AWS: ["arn:aws:iam::111111111111:root", "*"] } }))).to.equal(true);
        expect(deniesHttp(tlsDeny({ Action: ["s3:GetObject", "S3:*"], Resource: "arn:aws:s3:::cdp-*" }))).to.equal(
            true,
        );
        expect(deniesHttp(tlsDeny({ Action: undefined, NotAction: "iam:*" }))).to.equal(true);
        expect(deniesHttp(tlsDeny({ Resource: undefined, NotResource: "arn:aws:s3:::other/*" }))).to.equal(true);
    });

    it("rejects the evasions: an ANDed extra test, NotPrincipal, partial actions or resources, the wrong value", () => {
        const extra = {
            Bool: { "aws:SecureTransport": "false" },
            StringNotEquals: { "aws:PrincipalAccount": "111111111111" },
        };
        expect(deniesHttp(tlsDeny({ Condition: extra }))).to.equal(false);
        expect(
            deniesHttp(
                tlsDeny({ Condition: { ...extra, StringNotEquals: undefined, StringLike: { "s3:prefix": "raw/*" } } }),
            ),
        ).to.equal(false);
        expect(
            deniesHttp(tlsDeny({ Principal: undefined, NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" } })),
        ).to.equal(false);
        expect(deniesHttp(tlsDeny({ Principal: { AWS: "arn:aws:iam::111111111111:root" } }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Principal: { Service: "*" } }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Principal: { AWS: "arn:aws:iam::*:root" } }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Action: "s3:Get*" }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Action: undefined, NotAction: "s3:GetObject" }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Resource: [BUCKET, `${BUCKET}/public/*`] }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Resource: undefined, NotResource: `${BUCKET}/public/*` }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Condition: { Bool: { "aws:SecureTransport": "true" } } }))).to.equal(false);
        expect(deniesHttp(tlsDeny({ Effect: "Allow" }))).to.equal(false);
        // IfExists on another key still narrows: a request carrying the key with another value is not denied
        const ifExists = {
            Bool: { "aws:SecureTransport": "false" },
            StringEqualsIfExists: { "aws:PrincipalTag/team": "x" },
        };
        expect(deniesHttp(tlsDeny({ Condition: ifExists }))).to.equal(false);
        // ...while a test that holds for every value (StringLikeIfExists "*") does not narrow the deny
        const always = { Bool: { "aws:SecureTransport": "false" }, StringLikeIfExists: { "aws:userid": "*" } };
        expect(deniesHttp(tlsDeny({ Condition: always }))).to.equal(true);
        // an unreadable condition value makes the deny unprovable
        expect(deniesHttp(tlsDeny({ Condition: { Bool: { "aws:SecureTransport": { nested: "false" } } } }))).to.equal(
            false,
        );
    });
});

describe("IAM semantics: whom does an Allow reach?", () => {
    const reach = (s: Record<string, unknown>) =>
        allowReach(one({ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", ...s }));

    it("confines '*' only with a positive test naming an organisation, org path, account, VPC or source", () => {
        const scoped = [
            { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
            { StringLike: { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*" } },
            { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"] } },
            { StringEquals: { "AWS:PRINCIPALACCOUNT": ["111111111111", "222222222222"] } },
            { StringEquals: { "kms:CallerAccount": "111111111111", "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/*" } },
            { StringEquals: { "aws:SourceVpce": "vpce-0123abcd" } },
        ];
        for (const c of scoped) expect(reach({ Principal: "*", Condition: c }).open, JSON.stringify(c)).to.equal(false);
        const kinds = scoped.map((c) => reach({ Principal: "*", Condition: c }).scope);
        expect(kinds).to.deep.equal([
            "organisation",
            "organisation",
            "organisation",
            "account",
            "account",
            "account",
            "network",
        ]);
    });

    it("sees through the evasions: wide values, negation, IfExists, ForAllValues, hidden '*', NotPrincipal", () => {
        const open: Array<Record<string, unknown>> = [
            { Principal: "*" },
            { Principal: { AWS: ["arn:aws:iam::111111111111:root", "*"] } },
            { Principal: { AWS: "arn:aws:iam::*:root" } },
            { NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" } },
            { Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } },
            { Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgPaths": "*/r-ab12/*" } } },
            { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5", "*"] } } },
            { Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
            { Principal: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
            { Principal: "*", Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
            { Principal: "*", Condition: { StringLike: { "aws:PrincipalAccount": "1111*" } } },
            { Principal: "*", Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } },
            { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } },
        ];
        for (const s of open) expect(reach(s).open, JSON.stringify(s)).to.equal(true);
    });

    it("names accounts and ties service principals to a source", () => {
        const named = reach({ Principal: { AWS: ["111111111111", "arn:aws:iam::222222222222:role/x"] } });
        expect(named.open).to.equal(false);
        expect(named.accounts).to.deep.equal(["111111111111", "222222222222"]);
        expect(reach({ Principal: { Service: "events.amazonaws.com" } }).unscopedServices).to.deep.equal([
            "events.amazonaws.com",
        ]);
        const sources = [
            { StringEquals: { "aws:SourceAccount": "111111111111" } },
            { ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:111111111111:rule/*" } },
            { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::cdp-raw" } },
            { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111111111111:log-group:*" } },
        ];
        for (const c of sources) {
            expect(
                reach({ Principal: { Service: "events.amazonaws.com" }, Condition: c }).unscopedServices,
                JSON.stringify(c),
            ).to.deep.equal([]);
        }
        const wide = [
            { ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:*:rule/*" } },
            { StringLike: { "aws:SourceAccount": "*" } },
            { StringEqualsIfExists: { "aws:SourceAccount": "111111111111" } },
        ];
        for (const c of wide) {
            expect(
                reach({ Principal: { Service: "events.amazonaws.com" }, Condition: c }).unscopedServices,
                JSON.stringify(c),
            ).to.have.length(1);
        }
    });

    it("treats unreadable statements and unknown documents conservatively", () => {
        expect(reach({ Principal: { AWS: 42 } }).open).to.equal(true);
        expect(reach({ Principal: { Robot: "x" } }).open).to.equal(true);
        const unknown = parsePolicy(() => {
            const e = new Error("unknown");
            Object.defineProperty(e, "constructor", { value: { name: "UnknownValueError" } });
            throw e;
        });
        expect(unknown.known).to.equal(false);
    });
});
