/**
 * A cache of JSON values on disk (in the OS temp directory), for work the plan would otherwise repeat on every run
 * with the same input: transpiling a TypeScript module, parsing a YAML file. An entry is keyed by a hash of a salt
 * (what else the result depends on: the tool's version, its options) and the input; a cache that cannot be read or
 * written only costs the next run the work.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The version of an installed package (`undefined` when it cannot be read). */
export function packageVersion(name: string): string | undefined {
    try {
        const file = require.resolve(`${name}/package.json`);
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

export class DiskCache<T> {
    private readonly dir: string;

    /** `salt` undefined: a cache that never hits nor stores. */
    constructor(
        name: string,
        private readonly salt: string | undefined,
    ) {
        this.dir = path.join(os.tmpdir(), name);
    }

    private fileOf(parts: readonly string[]): string | undefined {
        if (this.salt === undefined) return undefined;
        const hash = createHash("sha256").update(this.salt);
        for (const part of parts) hash.update("\0").update(part);
        return path.join(this.dir, `${hash.digest("hex")}.json`);
    }

    get(...parts: string[]): T | undefined {
        const file = this.fileOf(parts);
        if (!file) return undefined;
        try {
            return JSON.parse(fs.readFileSync(file, "utf8")) as T;
        } catch {
            return undefined;
        }
    }

    set(value: T, ...parts: string[]): void {
        const file = this.fileOf(parts);
        if (!file) return;
        try {
            fs.mkdirSync(this.dir, { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify(value));
            fs.renameSync(tmp, file);
        } catch {
            // A cache that cannot be written only costs the next run the work.
        }
    }
}
