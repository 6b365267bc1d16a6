/**
 * Bundles Lambda functions with esbuild.
 *
 * Library: `bundleFunction(entry, outfile)`.
 * CLI:     `node dist/functions/build.js [--outdir DIR]` (or through ts-node)
 *          bundles every functions/<name>/index.ts into DIR/<name>/index.js,
 *          DIR defaulting to dist/lambda (not dist/functions, where tsc
 *          writes its unbundled per-module output).
 *
 * Bundles are CommonJS for Node.js 24, minified, with a linked source map
 * next to them (enable with NODE_OPTIONS=--enable-source-maps). The AWS SDK
 * v3 (`@aws-sdk/*`) is left external because the Lambda runtime provides it.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { packageRoot } from "../model/package-root";

export interface BundleOptions {
    /** Bundle `@aws-sdk/*` too instead of relying on the Lambda runtime copy. */
    readonly bundleAwsSdk?: boolean;
    readonly minify?: boolean;
}

/** A file to bundle, or inline source resolved from `resolveDir`. */
export type BundleEntry = string | { readonly contents: string; readonly resolveDir: string };

export interface BundleResult {
    readonly outfile: string;
    /** Size of the bundle itself, source map excluded. */
    readonly bytes: number;
}

export async function bundleFunction(
    entry: BundleEntry,
    outfile: string,
    options: BundleOptions = {},
): Promise<BundleResult> {
    await build({
        ...(typeof entry === "string"
            ? { entryPoints: [entry] }
            : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "ts" as const } }),
        outfile,
        bundle: true,
        platform: "node",
        target: "node24",
        format: "cjs",
        minify: options.minify ?? true,
        sourcemap: "linked",
        external: options.bundleAwsSdk ? [] : ["@aws-sdk/*"],
        legalComments: "none",
        logLevel: "warning",
    });
    return { outfile, bytes: statSync(outfile).size };
}

export interface FunctionEntry {
    readonly name: string;
    readonly entry: string;
}

/** Every `<functionsDir>/<name>/index.ts` (shared helpers have no index.ts). */
export function findFunctionEntries(functionsDir: string): FunctionEntry[] {
    return readdirSync(functionsDir, { withFileTypes: true })
        .filter((dirent) => dirent.isDirectory())
        .map((dirent) => ({ name: dirent.name, entry: path.join(functionsDir, dirent.name, "index.ts") }))
        .filter((fn) => existsSync(fn.entry))
        .sort((a, b) => a.name.localeCompare(b.name));
}

async function main(argv: string[]): Promise<void> {
    const root = packageRoot(__dirname);
    const flag = argv.indexOf("--outdir");
    const outdir = path.resolve(root, flag >= 0 && argv[flag + 1] ? argv[flag + 1] : "dist/lambda");
    const functions = findFunctionEntries(path.join(root, "functions"));
    for (const fn of functions) {
        const result = await bundleFunction(fn.entry, path.join(outdir, fn.name, "index.js"));
        console.log(`${fn.name}: ${path.relative(root, result.outfile)} (${(result.bytes / 1024).toFixed(1)} KiB)`);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
