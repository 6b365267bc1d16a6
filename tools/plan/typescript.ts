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

/** Source maps of the modules transpiled here, by file name; parsed on first use. */
const sourceMaps = new Map<string, string | SourceMap>();
let registered = false;

/** The program's compiler options: its nearest tsconfig.json (else the one above the working directory). */
function compilerOptions(ts: typeof TS, programDir: string): TS.CompilerOptions {
    const file =
        ts.findConfigFile(programDir, ts.sys.fileExists) ?? ts.findConfigFile(process.cwd(), ts.sys.fileExists);
    let options: TS.CompilerOptions = { target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    if (file) {
        const { config } = ts.readConfigFile(file, ts.sys.readFile);
        options = ts.parseJsonConfigFileContent(config ?? {}, ts.sys, path.dirname(file), undefined, file).options;
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

/**
 * Lets `require` load `.ts` modules of the program in `programDir` (and the TypeScript sources it imports). Idempotent;
 * the hook stays for the life of the process, as modules may be required lazily while the program runs.
 */
export function registerTypeScript(programDir: string): void {
    if (registered) return;
    registered = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof TS;
    const options = compilerOptions(ts, programDir);
    const extensions = (Module as unknown as { _extensions: Record<string, (m: Module, file: string) => void> })
        ._extensions;
    extensions[".ts"] = (module: Module, filename: string) => {
        const source = fs.readFileSync(filename, "utf8");
        const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
        if (out.sourceMapText) sourceMaps.set(filename, out.sourceMapText);
        const code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
        (module as unknown as { _compile(code: string, file: string): void })._compile(code, filename);
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
