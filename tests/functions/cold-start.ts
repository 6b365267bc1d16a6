/**
 * Helpers for tests of a Lambda's module entry point: run code with some environment variables set (restoring them
 * afterwards), and load a module afresh as a cold start would.
 */
export function withEnv<T>(names: readonly string[], env: Partial<Record<string, string>>, fn: () => T): T {
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    for (const name of names) {
        if (env[name] === undefined) delete process.env[name];
        else process.env[name] = env[name];
    }
    try {
        return fn();
    } finally {
        for (const name of names) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
        }
    }
}

/** Loads `modulePath` afresh with `env` applied (Powertools logging silenced unless set). */
export function coldStart<T>(modulePath: string, names: readonly string[], env: Partial<Record<string, string>>): T {
    const resolved = require.resolve(modulePath);
    delete require.cache[resolved];
    return withEnv(
        [...names, "POWERTOOLS_LOG_LEVEL"],
        { POWERTOOLS_LOG_LEVEL: "SILENT", ...env },
        () => require(resolved) as T,
    );
}
