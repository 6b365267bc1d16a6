/**
 * Imported by the plan's entry points right after `./compile-cache`, before anything loads `@pulumi/pulumi`: makes the
 * parts of the SDK an offline plan does not run load on first use instead of at start-up.
 *
 * `require("@pulumi/pulumi")` loads, besides the programming model, the Automation API (`pulumi.automation`) and
 * function serialization (`pulumi.runtime.serializeFunction`, `computeCodePaths`), which bring npm's arborist,
 * pacote, sigstore and TypeScript: about 900 of the 1,100 modules the SDK loads, most of the time a small plan takes.
 * A plan registers resources under mocks; it needs them only if the program itself calls them (an AWS
 * `CallbackFunction`, say), and then they load at that call, unchanged.
 *
 * How: before the SDK loads, each of those modules has a stand-in in Node's module cache (the `require.cache` a
 * `require` of that file consults first). The stand-in says it is an ES module (so the SDK's `__importStar` hands it
 * over as is) and offers the functions the SDK picks up when it loads, as wrappers; any other use (a property, a key
 * listing, a call of a wrapper) loads the real module, which from then on is what every `require` returns. Nothing in
 * `node_modules` changes, and a process that does not import this module is untouched. Where the SDK is not
 * installed where expected, or a file is not where this SDK version keeps it, that module simply loads as usual.
 * `CDP_PLAN_EAGER_SDK=1` turns the stand-ins off (to compare).
 */
import Module from "node:module";
import * as path from "node:path";

/** SDK modules (relative to the package root) and the function exports the SDK reads from them as it loads. */
const LAZY_MODULES: ReadonlyArray<{ file: string; functions: readonly string[] }> = [
    // `pulumi.automation`: drives the Pulumi CLI (LocalWorkspace, Stack...); index.js only keeps the namespace.
    { file: "automation/index.js", functions: [] },
    // runtime/index.js re-exports these functions (`exports.serializeFunction = serializeClosure_1.serializeFunction`).
    { file: "runtime/closure/serializeClosure.js", functions: ["serializeFunction", "serializeFunctionAsync"] },
    { file: "runtime/closure/codePaths.js", functions: ["computeCodePaths"] },
];

type Exports = Record<string | symbol, unknown>;

/** Puts a stand-in for `file` in the module cache; the real module loads on first use. */
function deferModule(file: string, functions: readonly string[]): void {
    let real: Exports | undefined;
    const load = (): Exports => {
        if (real === undefined) {
            // The stand-in leaves the cache, so this `require` (and every later one) loads and keeps the real module.
            if (require.cache[file] === standIn) delete require.cache[file];
            real = require(file) as Exports;
        }
        return real;
    };
    const wrappers = new Map<string | symbol, unknown>(
        functions.map((name) => [
            name,
            (...args: unknown[]) => (load()[name] as (...a: unknown[]) => unknown)(...args),
        ]),
    );
    const exports = new Proxy({} as Exports, {
        get: (_target, key) => {
            if (real === undefined) {
                if (key === "__esModule") return true;
                if (wrappers.has(key)) return wrappers.get(key);
            }
            return load()[key];
        },
        has: (_target, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_target, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
            // Reported configurable: the (empty) proxy target does not hold the property.
            return descriptor && { ...descriptor, configurable: true };
        },
        set: (_target, key, value) => Reflect.set(load(), key, value),
        defineProperty: (_target, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
        deleteProperty: (_target, key) => Reflect.deleteProperty(load(), key),
    });
    const standIn = new Module(file, module);
    standIn.filename = file;
    standIn.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
        path.dirname(file),
    );
    standIn.exports = exports;
    standIn.loaded = true;
    require.cache[file] = standIn;
}

function deferSdkModules(): void {
    if (process.env.CDP_PLAN_EAGER_SDK === "1") return;
    let root: string;
    try {
        root = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    } catch {
        return;
    }
    // Too late once the SDK is loaded (its modules already hold the real ones).
    if (require.cache[path.join(root, "index.js")]) return;
    for (const { file, functions } of LAZY_MODULES) {
        let resolved: string;
        try {
            resolved = require.resolve(path.join(root, file));
        } catch {
            continue;
        }
        if (!require.cache[resolved]) deferModule(resolved, functions);
    }
}

deferSdkModules();
