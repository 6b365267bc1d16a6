import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * Documentation contract of component arguments (issue 9): every optional property of an exported `...Args` interface
 * under components/ states the default the code applies in a `@default` JSDoc tag, every property has a description,
 * and required properties carry no `@default`.
 */

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = path.join(ROOT, "components");

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(full);
        return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
    });
}

interface ArgsProperty {
    /** `components/<plane>/<file>.ts:<Interface>`. */
    owner: string;
    /** `components/<plane>/<file>.ts:<Interface>.<property>`. */
    where: string;
    optional: boolean;
    description: string;
    hasDefault: boolean;
}

function commentText(comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string {
    if (comment === undefined) return "";
    return typeof comment === "string" ? comment : comment.map((part) => part.text).join("");
}

/** The properties of every exported interface whose name ends in `Args`, in every component source file. */
function argsProperties(): ArgsProperty[] {
    const found: ArgsProperty[] = [];
    for (const file of sourceFiles(COMPONENTS)) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
        const relative = path.relative(ROOT, file).split(path.sep).join("/");
        for (const statement of source.statements) {
            if (!ts.isInterfaceDeclaration(statement) || !statement.name.text.endsWith("Args")) continue;
            const exported = ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
            if (!exported) continue;
            for (const member of statement.members) {
                if (!ts.isPropertySignature(member)) continue;
                const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
                const owner = `${relative}:${statement.name.text}`;
                found.push({
                    owner,
                    where: `${owner}.${member.name.getText(source)}`,
                    optional: member.questionToken !== undefined,
                    description: docs
                        .map((doc) => commentText(doc.comment))
                        .join(" ")
                        .trim(),
                    hasDefault: ts.getJSDocTags(member).some((tag) => tag.tagName.text === "default"),
                });
            }
        }
    }
    return found;
}

describe("component argument documentation", () => {
    const properties = argsProperties();

    it("finds the Args interfaces of the components", () => {
        const interfaces = new Set(properties.map((p) => p.owner));
        expect(interfaces).to.include("components/storage/data-lake.ts:DataLakeArgs");
        expect(interfaces).to.include("components/domain/producer-domain.ts:ProducerDomainArgs");
        expect(properties.some((p) => p.optional)).to.equal(true);
    });

    it("states the default of every optional property in a @default tag", () => {
        const missing = properties.filter((p) => p.optional && !p.hasDefault).map((p) => p.where);
        expect(missing, `optional properties without @default:\n  ${missing.join("\n  ")}`).to.deep.equal([]);
    });

    it("describes every property", () => {
        const undocumented = properties.filter((p) => p.description === "").map((p) => p.where);
        expect(undocumented, `properties without a description:\n  ${undocumented.join("\n  ")}`).to.deep.equal([]);
    });

    it("gives required properties no @default", () => {
        const wrong = properties.filter((p) => !p.optional && p.hasDefault).map((p) => p.where);
        expect(wrong, `required properties with @default:\n  ${wrong.join("\n  ")}`).to.deep.equal([]);
    });
});
