/**
 * Where the package lives on disk: one walk up from a module's directory (source `x/y` or compiled `dist/x/y`) to the
 * closest folder holding `package.json`. Shared by the function bundler, the Lambda component that deploys the
 * bundles (`dist/lambda/<name>`) and the tools; Pulumi-free.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The closest ancestor of `from` (inclusive) holding `package.json`; throws when there is none. */
export function packageRoot(from: string = __dirname): string {
    let dir = from;
    while (!fs.existsSync(path.join(dir, "package.json"))) {
        const up = path.dirname(dir);
        if (up === dir) throw new Error(`no package.json above ${from}`);
        dir = up;
    }
    return dir;
}

/** Where `npm run build` writes the bundle of `functions/<name>/index.ts`, relative to the package root. */
export function lambdaBundleDir(root: string, name: string): string {
    return path.join(root, "dist", "lambda", name);
}
