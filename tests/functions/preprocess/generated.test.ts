/**
 * The field fillers generated per record type at cold start (generated.ts)
 * must do exactly what the generic loop over the schema's fields does: the
 * same normalised values under the same columns, the same copied length,
 * and the same rejection (reason, field, detail) for the first bad field.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Rejection } from "../../../functions/preprocess/failures";
import { fillFields, generateFiller } from "../../../functions/preprocess/generated";
import { resetRoundIntegers } from "../../../functions/preprocess/json-guard";
import { createEngine, type CompiledSchema, type Engine } from "../../../functions/preprocess/normalise";
import { createIdentifierHasher } from "../../../functions/preprocess/privacy";
import { validRecord } from "./arbitraries";

type Outcome =
    | { readonly filled: string; readonly keys: string[]; readonly copiedLength: number }
    | { readonly rejected: string };

function outcome(schema: CompiledSchema, fill: () => number, out: Record<string, unknown>): Outcome {
    resetRoundIntegers();
    try {
        const copiedLength = fill();
        // Values by column (JSON.stringify keeps -0 apart from 0 only via Object.is below).
        const values = Object.keys(schema.template).map((key) => {
            const value = out[key];
            return Object.is(value, -0) ? "-0" : value;
        });
        return { filled: JSON.stringify(values), keys: Object.keys(out), copiedLength };
    } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        return { rejected: JSON.stringify([error.reason, error.field, error.detail]) };
    }
}

function compare(engine: Engine, schema: CompiledSchema, input: Record<string, unknown>): Outcome {
    const generic: Record<string, unknown> = { ...schema.template };
    const generated: Record<string, unknown> = { ...schema.template };
    const expected = outcome(
        schema,
        () => fillFields(schema.fields, schema.copiedField, engine.maxDepth, input, generic),
        generic,
    );
    const actual = outcome(schema, () => schema.fill(input, generated), generated);
    expect(actual, JSON.stringify(input)).to.deep.equal(expected);
    return expected;
}

/** Values a field may be given: valid-looking, blank, of the wrong type, needing escapes, deep. */
const anyValue = fc.oneof(
    fc.constantFrom(
        null,
        "",
        " ",
        "\t\n",
        0,
        -0,
        1e21,
        -1.5,
        2 ** 53,
        true,
        false,
        "true",
        "42",
        "  MiXeD Case  ",
        'quote " and \\ backslash',
        "tab\there\u0001",
        "Zoë 😀 \u00e9\u0301",
        "\ud800",
        "2024-06-01T12:00:00Z",
        "not an email@",
        "+44 20 7946 0000",
        "EUR",
        "12.34",
        "https://example.com/a?b=c",
        "GET",
        "203.0.113.9",
        { a: [1, { b: "c" }] },
        { __proto__: null, ok: 1 },
        [],
        {},
    ),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.jsonValue({ maxDepth: 4 }),
    fc.constantFrom(...[2, 4, 8].map((depth) => JSON.parse(`${"[".repeat(depth)}1${"]".repeat(depth)}`))),
);

/** A valid record with some of its fields replaced, removed or added. */
const mutatedRecord = fc
    .tuple(validRecord, fc.array(fc.tuple(fc.nat(40), fc.option(anyValue, { nil: undefined })), { maxLength: 4 }))
    .map(([{ record }, changes]) => {
        const input: Record<string, unknown> = { ...record };
        const keys = [
            ...Object.keys(record),
            "customerId",
            "email",
            "amount",
            "currency",
            "payload",
            "status",
            "timestamp",
        ];
        for (const [at, value] of changes) {
            const key = keys[at % keys.length];
            if (value === undefined) delete input[key];
            else input[key] = value;
        }
        return input;
    });

describe("preprocess: generated field fillers", () => {
    const engines: [string, Engine][] = [
        ["default", createEngine()],
        ["hashing identifiers", createEngine({ hashIdentifier: createIdentifierHasher("generated-test-salt-0123") })],
        ["maxDepth 3", createEngine({ maxDepth: 3 })],
    ];

    for (const [name, engine] of engines) {
        it(`fill like the generic loop on valid and altered records (${name})`, function () {
            this.timeout(60_000);
            let filled = 0;
            let rejected = 0;
            fc.assert(
                fc.property(mutatedRecord, (input) => {
                    // Every record type, not only the record's own: most fields are then missing or foreign.
                    for (const schema of engine.schemas.values()) {
                        if ("filled" in compare(engine, schema, input)) filled++;
                        else rejected++;
                    }
                }),
                { numRuns: 1_500 },
            );
            expect(filled).to.be.greaterThan(500);
            expect(rejected).to.be.greaterThan(500);
        });
    }

    it("is one straight-line function per record type, with one call site per normaliser", () => {
        const engine = createEngine();
        for (const schema of engine.schemas.values()) {
            const source = schema.fill.toString();
            expect(source).not.to.match(/\bfor\b|\bwhile\b/);
            for (const field of schema.fields) expect(source).to.include(`input[${JSON.stringify(field.key)}]`);
            // A fresh filler for the same fields behaves the same (no state between records).
            const again = generateFiller(schema.fields, schema.copiedField, engine.maxDepth);
            expect(again.toString()).to.equal(source);
        }
    });
});
