/**
 * Layering: runtime code (functions/) imports only its own helpers and the Pulumi-free contract layer (model/), which
 * imports only itself; no deployment code (components/, programs/, tools/, policies/) and no `@pulumi/*` package
 * reaches a Lambda, and no bundle carries Pulumi.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { bundleFunction, findFunctionEntries } from "../functions/build";
import { lambdaBundleDir } from "../model/package-root";
import { ROOT } from "./helpers/plan";

/** Every module specifier of a TypeScript source: imports (type-only too), re-exports, `require` and `import()`. */
function specifiersOf(source: string): string[] {
    return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The source file a relative specifier names (`x.ts`, `x/index.ts`), or undefined. */
function resolveRelative(from: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(from), specifier);
    return [base, `${base}.ts`, path.join(base, "index.ts")].find((f) => f.endsWith(".ts") && existsSync(f));
}

function sourcesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
        .map((f) => path.join(dir, f))
        .sort();
}

const rel = (file: string) => path.relative(ROOT, file);

/**
 * Every forbidden import reachable from `entries` through relative imports: a relative import leaving `allowed`
 * (directories) or a package matching `forbidden`, each with the chain of files that leads to it.
 */
function violations(entries: readonly string[], allowed: readonly string[], forbidden: RegExp): string[] {
    const found: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string, chain: readonly string[]) => {
        if (seen.has(file)) return;
        seen.add(file);
        const via = [...chain, rel(file)];
        for (const specifier of specifiersOf(readFileSync(file, "utf8"))) {
            if (specifier.startsWith(".")) {
                const target = resolveRelative(file, specifier);
                if (target === undefined) {
                    found.push(`${via.join(" → ")}: "${specifier}" resolves to no TypeScript source`);
                } else if (!allowed.some((dir) => target.startsWith(dir + path.sep))) {
                    found.push(`${via.join(" → ")} → ${rel(target)}`);
                } else {
                    visit(target, via);
                }
            } else if (forbidden.test(specifier)) {
                found.push(`${via.join(" → ")} → ${specifier}`);
            }
        }
    };
    for (const entry of entries) visit(entry, []);
    return found;
}

const FUNCTIONS = path.join(ROOT, "functions");
const MODEL = path.join(ROOT, "model");
/** Pulumi, its policy SDK and every other `@pulumi/*` package. */
const PULUMI = /^@pulumi(\/|$)/;

describe("architecture: runtime code stays Pulumi-free", () => {
    it("the import scan sees every kind of import", () => {
        const source = [
            'import type { A } from "../../components/a";',
            "import {",
            "    b,",
            '} from "../b";',
            'export * from "@pulumi/pulumi";',
            "import './side-effect';",
            'const c = require("../../tools/c");',
            'const d = await import("@pulumi/aws");',
        ].join("\n");
        expect(specifiersOf(source)).to.have.members([
            "../../components/a",
            "../b",
            "@pulumi/pulumi",
            "./side-effect",
            "../../tools/c",
            "@pulumi/aws",
        ]);
    });

    it("functions/ imports only functions/ and model/, and no @pulumi package, even indirectly", () => {
        const sources = sourcesUnder(FUNCTIONS);
        expect(sources.length).to.be.greaterThan(20);
        expect(violations(sources, [FUNCTIONS, MODEL], PULUMI)).to.deep.equal([]);
    });

    it("model/ imports only model/, and no @pulumi package", () => {
        const sources = sourcesUnder(MODEL);
        expect(sources.map(rel)).to.include.members(["model/env/kit.ts", "model/names.ts"]);
        expect(violations(sources, [MODEL], PULUMI)).to.deep.equal([]);
    });

    it("the check catches a function importing a component, a tool or Pulumi", () => {
        const dir = mkdtempSync(path.join(FUNCTIONS, ".architecture-"));
        try {
            const file = path.join(dir, "bad.ts");
            writeFileSync(
                file,
                'import { Naming } from "../../components/shared/naming";\nimport * as pulumi from "@pulumi/pulumi";\n',
            );
            expect(violations([file], [FUNCTIONS, MODEL], PULUMI)).to.deep.equal([
                `${rel(file)} → components/shared/naming.ts`,
                `${rel(file)} → @pulumi/pulumi`,
            ]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("no Lambda bundle contains @pulumi", function () {
        this.timeout(120_000);
        const entries = findFunctionEntries(FUNCTIONS);
        let outdir: string;
        before(() => {
            outdir = mkdtempSync(path.join(os.tmpdir(), "cdp-architecture-"));
        });
        after(() => {
            if (outdir) rmSync(outdir, { recursive: true, force: true });
        });

        for (const fn of entries) {
            it(`${fn.name}: bundled afresh`, async () => {
                const { outfile } = await bundleFunction(fn.entry, path.join(outdir, fn.name, "index.js"));
                expect(readFileSync(outfile, "utf8")).not.to.contain("@pulumi");
            });
        }

        it("dist/lambda/*/index.js, as `npm run build` left them", function () {
            const bundles = entries
                .map((fn) => path.join(lambdaBundleDir(ROOT, fn.name), "index.js"))
                .filter((file) => existsSync(file));
            if (bundles.length === 0) this.skip();
            for (const file of bundles) expect(readFileSync(file, "utf8"), rel(file)).not.to.contain("@pulumi");
        });
    });
});
