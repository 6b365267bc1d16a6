/**
 * Imported by the plan's entry points right after `./compile-cache`, before anything loads `@pulumi/pulumi`: makes the
 * parts of the SDK and of the AWS provider a plan does not use load on first use instead of at start-up.
 *
 * `require("@pulumi/pulumi")` loads, besides the programming model, the Automation API (`pulumi.automation`) and
 * function serialization (`pulumi.runtime.serializeFunction`, `computeCodePaths`), which bring npm's arborist,
 * pacote, sigstore and TypeScript: about 900 of the 1,100 modules the SDK loads, most of the time a small plan takes.
 * A plan registers resources under mocks; it needs them only if the program itself calls them (an AWS
 * `CallbackFunction`, say), and then they load at that call, unchanged. Likewise `require("@pulumi/aws")` loads the
 * index module of each of its ~240 services (`aws.s3`, `aws.kms`...), where a program uses a handful: each service
 * loads when the program first reaches into it.
 *
 * A service's index module also registers its resource types for resource references: the SDK turns a reference in
 * a resource's outputs back into a resource object only for registered types. A program holds a reference only to a
 * resource it created, through its service's module; and before the plan's monitor hands back outputs with references
 * (the mocks echo the inputs), it loads the services of the referenced types (`loadModulesReferencedBy`).
 *
 * How: before the SDK loads, each of those modules has a stand-in in Node's module cache (the `require.cache` a
 * `require` of that file consults first). The stand-in says it is an ES module (so the SDK's `__importStar` hands it
 * over as is) and offers the functions the SDK picks up when it loads, as wrappers; any other use (a property, a key
 * listing, a call of a wrapper) loads the real module, which from then on is what every `require` returns. Nothing in
 * `node_modules` changes, and a process that does not import this module is untouched. Where the SDK is not
 * installed where expected, or a file is not where this version keeps it, that module simply loads as usual.
 * `CDP_PLAN_EAGER_SDK=1` turns the stand-ins off (to compare).
 */
import * as fs from "node:fs";
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

/** How the SDK marks a resource reference in serialized properties (`runtime/rpc`: specialSigKey, specialResourceSig). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Puts a stand-in for `file` in the module cache; the real module loads on first use. Returns its loader. */
function deferModule(file: string, functions: readonly string[]): () => Exports {
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
    return load;
}

/** Loaders of the deferred AWS service modules, by service (`s3`), until each has loaded. */
const deferredServices = new Map<string, () => unknown>();

/** The installed package's root directory, unless its index module is loaded already (then it is too late). */
function packageDir(name: string): string | undefined {
    try {
        const root = path.dirname(require.resolve(`${name}/package.json`));
        return require.cache[path.join(root, "index.js")] ? undefined : root;
    } catch {
        return undefined;
    }
}

/**
 * What the SDK loads only to talk to a Pulumi engine over gRPC, which an offline plan never does: the gRPC library
 * (with Node's `tls`, `net` and `http2`), the generated gRPC clients and services (`proto/*_grpc_pb.js`, whose
 * loading builds them through the library) and OpenTelemetry (trace context for those calls). The SDK reads them only
 * inside functions (`grpc.status` when an RPC fails, a client when it connects), so a stand-in serves until then.
 */
function grpcModules(root: string): string[] {
    const files: string[] = [];
    for (const name of ["@grpc/grpc-js", "@opentelemetry/api"]) {
        try {
            files.push(require.resolve(name, { paths: [root] }));
        } catch {
            // Not installed where the SDK finds it: nothing to defer.
        }
    }
    try {
        const proto = path.join(root, "proto");
        for (const file of fs.readdirSync(proto)) if (file.endsWith("_grpc_pb.js")) files.push(path.join(proto, file));
    } catch {
        // No generated gRPC modules where this SDK version would keep them.
    }
    return files;
}

function deferSdkModules(): void {
    const root = packageDir("@pulumi/pulumi");
    if (!root) return;
    const modules = [...LAZY_MODULES, ...grpcModules(root).map((file) => ({ file, functions: [] }))];
    for (const { file, functions } of modules) {
        let resolved: string;
        try {
            resolved = require.resolve(path.resolve(root, file));
        } catch {
            continue;
        }
        if (!require.cache[resolved]) deferModule(resolved, functions);
    }
}

/** The services `@pulumi/aws`'s index module imports as namespaces (`const s3 = __importStar(require("./s3"))`). */
function deferAwsServices(): void {
    const root = packageDir("@pulumi/aws");
    if (!root) return;
    let index: string;
    try {
        index = fs.readFileSync(path.join(root, "index.js"), "utf8");
    } catch {
        return;
    }
    for (const [, name] of index.matchAll(/^const (\w+) = __importStar\(require\("\.\/\1"\)\);$/gm)) {
        const file = path.join(root, name, "index.js");
        if (!fs.existsSync(file) || require.cache[file]) continue;
        deferredServices.set(name, deferModule(file, []));
    }
}

/**
 * Loads the AWS service modules of the resources `value` (resource properties in their serialized form) refers to,
 * so that the SDK can turn those references into resources as it would had every service loaded at start-up.
 */
export function loadModulesReferencedBy(value: unknown): void {
    if (deferredServices.size === 0 || typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
        for (const item of value) loadModulesReferencedBy(item);
        return;
    }
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === RESOURCE_SIG && typeof obj.urn === "string") {
        // `urn:pulumi:stack::project::parent$type::name`; the type `aws:s3/bucket:Bucket` names the service `s3`.
        const type = typeof obj.type === "string" ? obj.type : (obj.urn.split("::")[2]?.split("$").pop() ?? "");
        const [pkg, mod] = type.split(":");
        const load = pkg === "aws" && mod !== undefined ? deferredServices.get(mod.split("/")[0]) : undefined;
        if (load) {
            deferredServices.delete(mod.split("/")[0]);
            load();
        }
        return;
    }
    for (const key in obj) loadModulesReferencedBy(obj[key]);
}

if (process.env.CDP_PLAN_EAGER_SDK !== "1") {
    deferSdkModules();
    deferAwsServices();
}
