/**
 * `_extra` and the `api_event` payload are copied from the record's text
 * when that text is exactly JSON.stringify's (normalise.ts, json-guard.ts).
 * Every record here is processed twice: as given, and with a space after its
 * opening brace, which no canonical text has, so that its document is
 * always serialised. Both documents must be byte for byte the same, however
 * the record is spelled.
 */
import type { FirehoseTransformationResultRecord } from "aws-lambda";
import { expect } from "chai";
import fc from "fast-check";
import { hasShortExponent, jsonNumberLength, resetRoundIntegers } from "../../../functions/preprocess/json-guard";
import { createBatchContext, normaliseRecord } from "../../../functions/preprocess/normalise";
import { validRecord } from "./arbitraries";
import {
    apiEvent,
    customer,
    engine,
    eventOf,
    PROCESSED_AT,
    recordId,
    run,
    SAMPLE_ARRIVAL,
    toBase64,
    transaction,
    weblog,
} from "./helpers";

/** The same JSON value with a space after the first "{", which disables copying. */
function serialised(text: string): string {
    const brace = text.indexOf("{");
    return `${text.slice(0, brace + 1)} ${text.slice(brace + 1)}`;
}

function outcome(text: string): FirehoseTransformationResultRecord {
    const record = { recordId: recordId(7), approximateArrivalTimestamp: SAMPLE_ARRIVAL, data: toBase64(text) };
    const result = run(eventOf([record]), { responseLimitBytes: Number.MAX_SAFE_INTEGER });
    expect(result.responseBytes).to.equal(Buffer.byteLength(JSON.stringify(result.response)));
    return result.response.records[0];
}

/** Asserts that `text` gives the same entry as its serialised twin, and a canonical document if Ok. */
function sameAsSerialised(text: string): boolean {
    const copied = outcome(text);
    const reference = outcome(serialised(text));
    expect(copied.result, text).to.equal(reference.result);
    if (copied.result !== "Ok") return false;
    expect(copied.data, text).to.equal(reference.data);
    const document = Buffer.from(copied.data ?? "", "base64").toString("utf8");
    expect(document, text).to.equal(`${JSON.stringify(JSON.parse(document))}\n`);
    return true;
}

/** Whether normaliseRecord copies members of `text` (rather than serialising them). */
function copies(text: string): boolean {
    const bytes = Buffer.from(text, "utf8");
    const decoded = bytes.toString("utf8").replace(/^\ufeff/, "");
    const record = normaliseRecord(
        engine(),
        createBatchContext(PROCESSED_AT),
        JSON.parse(decoded),
        decoded,
        bytes.length,
        4,
        0,
    );
    return record.copiedValue.length > 0 || record.extraMembers.length > 0;
}

/** JSON text of `value` in one of the spellings JSON allows (same value once parsed). */
function spell(value: unknown, choose: () => number): string {
    const space = (): string => (choose() < 0.9 ? "" : [" ", "\n", "\t", "\r\n"][Math.floor(choose() * 4)]);
    if (typeof value === "number") {
        const spellings = [JSON.stringify(value), value.toExponential(), value.toExponential().toUpperCase()];
        // Integers JavaScript prints in plain digits (from 1e21 it prints an exponent, which takes no ".0").
        const digits = (n: number): boolean => /^-?\d+$/.test(String(n));
        if (digits(value)) spellings.push(`${value}.0`, `${value}.000`);
        for (let k = 1; k <= 4 && digits(value) && value % 10 ** k === 0 && digits(value / 10 ** k); k++) {
            spellings.push(`${value / 10 ** k}e${k}`, `${value / 10 ** k}E+${k}`);
        }
        if (Number.isFinite(value)) spellings.push(value.toPrecision(17), value.toPrecision(21));
        if (value === 0) spellings.push("-0", "0e5");
        const chosen = spellings[Math.floor(choose() * spellings.length)];
        expect(JSON.stringify(JSON.parse(chosen)), chosen).to.equal(JSON.stringify(value));
        return chosen;
    }
    if (typeof value === "string") {
        if (choose() < 0.85) return JSON.stringify(value);
        const escaped = [...value].map((c) => {
            const r = choose();
            if (r < 0.3) return [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
            if (r < 0.4)
                return [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`).join("");
            if (c === "/" && r < 0.7) return "\\/";
            return JSON.stringify(c).slice(1, -1);
        });
        return `"${escaped.join("")}"`;
    }
    if (Array.isArray(value)) return `[${value.map((v) => space() + spell(v, choose) + space()).join(",")}]`;
    if (typeof value === "object" && value !== null) {
        const members = Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${space()}${spell(k, choose)}${space()}:${space()}${spell(v, choose)}${space()}`);
        // A duplicate key: JSON.parse keeps the last value (at the first key's place).
        if (members.length > 0 && choose() < 0.05) members.unshift(`${members[members.length - 1].split(":")[0]}:1`);
        return `{${members.join(",")}}`;
    }
    return JSON.stringify(value);
}

/** Every JSON spelling of the integer `n` with an exponent (plain ones differ in value or are longer). */
function exponentSpellings(n: number): string[] {
    const spellings = new Set<string>();
    for (let exponent = -2; exponent <= 16; exponent++) {
        const mantissa = n / 10 ** exponent;
        for (let decimals = 0; decimals <= 3; decimals++) {
            for (const m of [String(mantissa), mantissa.toFixed(decimals)]) {
                if (!/^(0|[1-9]\d*)(\.\d+)?$/.test(m)) continue;
                for (const e of ["e", "E"]) {
                    for (const sign of exponent < 0 ? ["-"] : ["", "+"]) {
                        for (const zeros of ["", "0", "00"]) {
                            const spelling = `${m}${e}${sign}${zeros}${Math.abs(exponent)}`;
                            if (Number(spelling) === n) spellings.add(spelling);
                        }
                    }
                }
            }
        }
    }
    return [...spellings];
}

describe("preprocess: members copied from the record's text", () => {
    it("finds every spelling of a round number as short as its digits", () => {
        let checked = 0;
        for (const digits of [1, 5, 12, 17, 123, 905, 4321, 70_001, 123_456]) {
            for (const n of [digits * 100, digits * 1000]) {
                resetRoundIntegers();
                const length = jsonNumberLength(n, true);
                expect(length).to.equal(String(n).length);
                for (const spelling of exponentSpellings(n)) {
                    if (spelling.length > length) continue;
                    expect(hasShortExponent(`{"a":"x","n":${spelling}}`), spelling).to.equal(true);
                    checked++;
                }
            }
        }
        expect(checked).to.be.greaterThan(50);
        resetRoundIntegers();
        expect(jsonNumberLength(10_000, false)).to.be.NaN;
        expect(jsonNumberLength(0.05, false)).to.be.NaN;
        expect(jsonNumberLength(2 ** 53, false)).to.be.NaN;
        expect(jsonNumberLength(0.30000000000000004, false)).to.be.NaN;
        expect(jsonNumberLength(45.3, false)).to.equal(4);
        expect(jsonNumberLength(-0, false)).to.equal(1);
    });

    it("copies compact JSON.stringify text, and nothing that only looks like it", () => {
        const base = JSON.stringify(weblog({ referrer: "https://example.org/" })).slice(0, -1);
        const withStatus = (status: string) =>
            JSON.stringify(weblog({ host: "h" })).replace('"status":200', `"status":${status}`);
        const withPayload = (payload: unknown, spelled: string) =>
            JSON.stringify(apiEvent({ payload })).replace(
                `"payload":${JSON.stringify(payload)}`,
                `"payload":${spelled}`,
            );
        // [text, whether members are copied from it]
        const cases: [string, boolean][] = [
            [
                JSON.stringify(
                    weblog({ host: "shop.example.com", items: [{ sku: "A", quantity: 2 }], tags: [], meta: {} }),
                ),
                true,
            ],
            [JSON.stringify(apiEvent({ requestId: "req_1", apiVersion: "2024-06-20" })), true],
            [JSON.stringify(apiEvent()), true],
            [JSON.stringify(customer({ address: { city: "Zoë", ключ: "значение 😀" }, note: "\ufffd" })), true],
            [`${JSON.stringify(transaction({ n: 1 }))}\n`, true],
            [`\ufeff${JSON.stringify(transaction({ n: 1 }))}`, true],
            // Numbers with other spellings as short as JSON.stringify's, or shorter.
            [`${base},"n":200}`, true],
            [`${base},"n":2e2}`, false],
            [`${base},"n":1000}`, true],
            [`${base},"n":1E3 }`, false],
            [`${base}, "n":1e3}`, false],
            [`${base},"n":10e2}`, false],
            [`${base},"n":12000}`, true],
            [`${base},"n":1.2e4}`, false],
            [`${base},"n":50000}`, false],
            [`${base},"n":0.19}`, true],
            [`${base},"n":0.05}`, false],
            [`${base},"n":5e-2}`, false],
            [`${base},"n":100.5}`, true],
            [`${base},"n":1e21}`, false],
            [`${base},"n":-0}`, false],
            [`${base},"n":9007199254740993}`, false],
            [`${base},"n":0.30000000000000003}`, false],
            [`${base},"n":1.0}`, false],
            // A known field spelled otherwise: re-serialised, so the rest may be copied.
            [withStatus("2e2"), true],
            [withStatus("200.0"), false],
            // Escapes, whitespace, duplicate and index-like keys.
            [`${base},"s":"\\u0041\\/b"}`, false],
            [`${base},"s":"q\\"q"}`, false],
            [`${base},"s":"\\u001F"}`, false],
            [`${base},"s":"\\u001f"}`, false],
            [`${base},"a":{"x":1},"a":{"y":2}}`, false],
            [`${base},"b":1,"0":2}`, false],
            [`${base},"o":{"b":1,"1":2}}`, false],
            [`${base} ,"a":1}`, false],
            [`${base},"a":[1 ,2]}`, false],
            // api_event payloads.
            [withPayload([1, "two", { three: 3 }], JSON.stringify([1, "two", { three: 3 }])), true],
            [withPayload("text", '"text"'), true],
            [withPayload(2, "2e0"), false],
            [withPayload({ total: 100 }, '{"total":1e2}'), false],
        ];
        for (const [text, copied] of cases) {
            expect(sameAsSerialised(text), text).to.equal(true);
            expect(copies(text), text).to.equal(copied);
        }
    });

    it("gives the same document for every spelling of a valid record", function () {
        this.timeout(60_000);
        let ok = 0;
        let copied = 0;
        fc.assert(
            fc.property(
                validRecord,
                fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
                    minLength: 64,
                    maxLength: 64,
                }),
                ({ record }, randoms) => {
                    let i = 0;
                    const choose = (): number => randoms[i++ % randoms.length];
                    const text = choose() < 0.3 ? JSON.stringify(record) : spell(record, choose);
                    if (!sameAsSerialised(text)) return;
                    ok++;
                    if (copies(text)) copied++;
                },
            ),
            { numRuns: 3_000 },
        );
        expect(ok).to.be.greaterThan(2_000);
        expect(copied).to.be.greaterThan(500);
    });
});
