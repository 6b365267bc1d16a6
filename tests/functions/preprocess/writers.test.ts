import { expect } from "chai";
import { writeBase64, writeLatin1, writeUtf8 } from "../../../functions/preprocess/writers";

describe("preprocess: string writers", () => {
    it("write like Buffer#write with that encoding, up to the end of the buffer", () => {
        const cases: [typeof writeLatin1, BufferEncoding, string][] = [
            [writeLatin1, "latin1", "plain ASCII text"],
            [writeLatin1, "latin1", "caf\u00e9"],
            [writeUtf8, "utf8", "caf\u00e9 \u20ac \u{1f600}"],
            [writeUtf8, "utf8", "plain"],
            [writeBase64, "base64", "eyJhIjoxfQ=="],
        ];
        for (const [write, encoding, text] of cases) {
            for (const [size, offset] of [
                [64, 0],
                [64, 5],
                [8, 3],
                [8, 8],
            ]) {
                const actual = Buffer.alloc(size, 0xaa);
                const expected = Buffer.alloc(size, 0xaa);
                expect(write(actual, text, offset), `${encoding} ${text} ${size} ${offset}`).to.equal(
                    expected.write(text, offset, encoding),
                );
                expect(actual.equals(expected), `${encoding} ${text} ${size} ${offset}`).to.equal(true);
            }
        }
    });

    it("refuse an offset past the end, as Buffer#write does", () => {
        expect(() => writeLatin1(Buffer.alloc(4), "x", 5)).to.throw(RangeError);
        expect(() => writeUtf8(Buffer.alloc(4), "x", 5)).to.throw(RangeError);
    });
});
