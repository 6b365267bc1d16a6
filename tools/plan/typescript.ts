/**
 * Loads TypeScript programs for the offline plan: each `.ts` module is transpiled on `require` with the TypeScript
 * compiler's `transpileModule` (no type check, as `pulumi up` with ts-node in transpile-only mode), without
 * installing `source-map-support`.
 *
 * Why not ts-node: ts-node installs `source-map-support`, which rewrites every stack trace the process formats. The
 * Pulumi SDK formats one for each resource it registers (its source position), so a plan of thousands of resources
 * spent most of its time mapping stack frames. Here the source maps are kept aside and applied only where a person
 * reads a stack trace: the errors the plan reports (`sourceMappedStack`).
 */
import * as fs from "node:fs";
import Module, { SourceMap } from "node:module";
import * as path from "node:path";
import type * as TS from "typescript";
import { DiskCache, packageVersion } from "./disk-cache";

/** Source maps of the modules transpiled here, by file name; parsed on first use. */
const sourceMaps = new Map<string, string | SourceMap>();
let registered = false;

/** The nearest tsconfig.json at or above `dir`. */
function findConfig(dir: string): string | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        const file = path.join(d, "tsconfig.json");
        if (fs.existsSync(file)) return file;
        if (path.dirname(d) === d) return undefined;
    }
}

/** The program's compiler options from its tsconfig.json (or none), for what Node loads. */
function compilerOptions(ts: typeof TS, configFile: string | undefined): TS.CompilerOptions {
    let options: TS.CompilerOptions = { target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    if (configFile) {
        const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
        // Options only: no need to list the project's files.
        const host = { ...ts.sys, readDirectory: () => [] };
        options = ts.parseJsonConfigFileContent(
            config ?? {},
            host,
            path.dirname(configFile),
            undefined,
            configFile,
        ).options;
    }
    return {
        ...options,
        // What Node loads: CommonJS with a separate source map (kept here, not referenced from the output).
        module: ts.ModuleKind.CommonJS,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: false,
        declaration: false,
        declarationMap: false,
        noEmit: false,
        incremental: false,
        composite: false,
    };
}

interface Transpiled {
    code: string;
    map?: string;
}

/**
 * Transpiled modules kept on disk (./disk-cache), keyed by the TypeScript version, the tsconfig.json text, the file
 * name and its source: an unchanged program loads without loading the TypeScript compiler. Projects whose
 * tsconfig.json `extends` another file are not cached (the key would not see a change there).
 */
function transpileCache(configFile: string | undefined): DiskCache<Transpiled> {
    const configText = configFile ? fs.readFileSync(configFile, "utf8") : "";
    const version = packageVersion("typescript");
    // `v1`: the options compilerOptions() adds; change it when they change.
    const salt = version && !/"extends"/.test(configText) ? `v1\0${version}\0${configFile}\0${configText}` : undefined;
    return new DiskCache<Transpiled>("cdp-plan-ts-cache", salt);
}

/**
 * Lets `require` load `.ts` modules of the program in `programDir` (and the TypeScript sources it imports), with the
 * program's nearest tsconfig.json (else the one above the working directory). Idempotent; the hook stays for the life
 * of the process, as modules may be required lazily while the program runs.
 */
export function registerTypeScript(programDir: string): void {
    if (registered) return;
    registered = true;
    const configFile = findConfig(programDir) ?? findConfig(process.cwd());
    const cache = transpileCache(configFile);
    let compiler: { ts: typeof TS; options: TS.CompilerOptions } | undefined;
    const transpile = (filename: string, source: string): Transpiled => {
        if (!compiler) {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const ts = require("typescript") as typeof TS;
            compiler = { ts, options: compilerOptions(ts, configFile) };
        }
        const out = compiler.ts.transpileModule(source, { compilerOptions: compiler.options, fileName: filename });
        return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n"), map: out.sourceMapText };
    };
    const extensions = (Module as unknown as { _extensions: Record<string, (m: Module, file: string) => void> })
        ._extensions;
    extensions[".ts"] = (module: Module, filename: string) => {
        const source = fs.readFileSync(filename, "utf8");
        let out = cache.get(filename, source);
        if (!out) {
            out = transpile(filename, source);
            cache.set(out, filename, source);
        }
        if (out.map) sourceMaps.set(filename, out.map);
        (module as unknown as { _compile(code: string, file: string): void })._compile(out.code, filename);
    };
}

function mapOf(file: string): SourceMap | undefined {
    const entry = sourceMaps.get(file);
    if (entry === undefined || entry instanceof SourceMap) return entry;
    const map = new SourceMap(JSON.parse(entry));
    sourceMaps.set(file, map);
    return map;
}

/** A stack trace with the positions in transpiled modules mapped back to their TypeScript source. */
export function sourceMappedStack(stack: string): string {
    if (sourceMaps.size === 0) return stack;
    return stack.replace(/^(\s+at (?:.*\()?)(.+\.ts):(\d+):(\d+)(\)?)$/gm, (line, head, file, row, col, tail) => {
        const map = mapOf(file);
        if (!map) return line;
        const entry = map.findEntry(Number(row) - 1, Number(col) - 1) as {
            originalLine?: number;
            originalColumn?: number;
        };
        if (entry.originalLine === undefined || entry.originalColumn === undefined) return line;
        return `${head}${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}${tail}`;
    });
}
