import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import type * as YAML from "yaml";
import { DiskCache, packageVersion } from "./disk-cache";

/** Configuration as the Pulumi engine hands it to a program. */
export interface EngineConfig {
    /** Project name from Pulumi.yaml. */
    project: string;
    /** `namespace:key` → value; scalars as text, structured values as JSON text (what `pulumi.Config` parses). */
    config: Record<string, string>;
    /** Keys whose values are secrets (`secure:` in the stack file or `--secret`). */
    secretKeys: string[];
    /** Packages whose default provider the stack disables (`pulumi:disable-default-providers`). */
    disableDefaultProviders: string[];
}

/** A user-facing problem with the project or stack files; the plan reports it and exits 2. */
export class PlanInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanInputError";
    }
}

/** The value the plan uses for a `secure:` value it cannot decrypt (no passphrase or cloud KMS offline). */
export const UNDECRYPTED_SECRET = "[secret]";

interface Converted {
    text: string;
    secret: boolean;
}

function isSecure(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        "secure" in value
    );
}

/** Replaces `secure:` leaves with the placeholder and reports whether any was found. */
function stripSecure(value: unknown): { value: unknown; secret: boolean } {
    if (isSecure(value)) {
        return { value: UNDECRYPTED_SECRET, secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map(stripSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const item = stripSecure(v);
            out[k] = item.value;
            secret = secret || item.secret;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/** Converts a YAML config value the way the engine does: strings as-is, other scalars as text, objects as JSON. */
function convert(value: unknown): Converted {
    const { value: plain, secret } = stripSecure(value);
    if (typeof plain === "string") {
        return { text: plain, secret };
    }
    if (typeof plain === "number" || typeof plain === "boolean") {
        return { text: String(plain), secret };
    }
    if (plain === null || plain === undefined) {
        return { text: "", secret };
    }
    return { text: JSON.stringify(plain), secret };
}

/** `key` with the project namespace added when it has none, as the engine does. */
export function qualifyKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

let yamlCache: DiskCache<{ value: unknown }> | undefined;

/**
 * `YAML.parse(text)`, from the parsed files kept on disk (./disk-cache) when this text was parsed before by this
 * version of the parser: a plan then starts without loading the parser (some 70 modules). Only texts the parser
 * reads without a warning or an error are kept (it prints warnings), and only values that JSON keeps exactly (a
 * `.inf`, say, is not).
 */
function parseYaml(text: string): unknown {
    yamlCache ??= new DiskCache("cdp-plan-yaml-cache", packageVersion("yaml"));
    const hit = yamlCache.get(text);
    if (hit) return hit.value;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const parser = require("yaml") as typeof YAML;
    const value = parser.parse(text) as unknown;
    const document = parser.parseDocument(text);
    const entry = { value };
    if (
        document.errors.length === 0 &&
        document.warnings.length === 0 &&
        isDeepStrictEqual(JSON.parse(JSON.stringify(entry)), entry)
    ) {
        yamlCache.set(entry, text);
    }
    return value;
}

function readYaml(file: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = parseYaml(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (parsed === null || parsed === undefined) {
        return {};
    }
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new PlanInputError(`${file}: expected a YAML mapping at the top level`);
    }
    return parsed as Record<string, unknown>;
}

/** Reads the project name and project-level config defaults from Pulumi.yaml, if the directory has one. */
export function readProject(dir: string): { name?: string; defaults: Record<string, unknown>; main?: string } {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) {
        return { defaults: {} };
    }
    const project = readYaml(file);
    const defaults: Record<string, unknown> = {};
    const config = (project.config ?? {}) as Record<string, unknown>;
    for (const [key, spec] of Object.entries(config)) {
        // Project config is either `key: value` or `key: {type, default | value, description}`.
        if (
            typeof spec === "object" &&
            spec !== null &&
            !Array.isArray(spec) &&
            ("default" in spec || "value" in spec || "type" in spec)
        ) {
            const s = spec as { default?: unknown; value?: unknown };
            const v = s.value ?? s.default;
            if (v !== undefined) defaults[key] = v;
        } else {
            defaults[key] = spec;
        }
    }
    return {
        name: typeof project.name === "string" ? project.name : undefined,
        defaults,
        main: typeof project.main === "string" ? project.main : undefined,
    };
}

/** The stack files (`Pulumi.<stack>.yaml`) of a project directory, sorted. */
export function stackFiles(dir: string): string[] {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f))
        .sort();
}

/**
 * The stack to plan when none is named: the project's only stack file's, or none when it has no stack file (the plan
 * then runs with the project defaults only). Several stack files and no `--stack` is an error naming them.
 */
export function defaultStack(dir: string): string | undefined {
    const files = stackFiles(dir);
    if (files.length > 1) {
        throw new PlanInputError(
            `${path.relative(process.cwd(), dir) || "."} has several stack files (${files.join(", ")}): choose one with --stack ${files.map((f) => f.split(".")[1]).join("|")}`,
        );
    }
    return files.length === 1 ? files[0].split(".")[1] : undefined;
}

/**
 * Reads `Pulumi.<stack>.yaml` (plus Pulumi.yaml defaults) exactly as the engine presents it to a program, then
 * applies `overrides` (`--config KEY=VALUE`, values taken literally as strings, like `pulumi config set`).
 */
export function loadEngineConfig(
    dir: string,
    stack: string | undefined,
    overrides: Record<string, string> = {},
    fallbackProject?: string,
): EngineConfig {
    const project = readProject(dir);
    const projectName = project.name ?? fallbackProject ?? path.basename(path.resolve(dir));
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(project.defaults)) values[qualifyKey(projectName, k)] = v;
    if (stack !== undefined) {
        const file =
            [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]
                .map((f) => path.join(dir, f))
                .find((f) => fs.existsSync(f)) ?? path.join(dir, `Pulumi.${stack}.yaml`);
        if (!fs.existsSync(file)) {
            const known = stackFiles(dir).map((f) => f.split(".")[1]);
            throw new PlanInputError(
                `no stack file ${file} for stack "${stack}"${known.length ? `; stacks here: ${known.join(", ")}` : ""}`,
            );
        }
        const stackFile = readYaml(file);
        const config = stackFile.config ?? {};
        if (typeof config !== "object" || Array.isArray(config)) {
            throw new PlanInputError(`${file}: "config" must be a mapping of key → value`);
        }
        for (const [k, v] of Object.entries(config as Record<string, unknown>)) values[qualifyKey(projectName, k)] = v;
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(values)) {
        const c = convert(v);
        config[k] = c.text;
        if (c.secret) secretKeys.push(k);
    }
    for (const [k, v] of Object.entries(overrides)) config[qualifyKey(projectName, k)] = v;
    const disable = config["pulumi:disable-default-providers"];
    let disableDefaultProviders: string[] = [];
    if (disable !== undefined) {
        try {
            const parsed = JSON.parse(disable);
            disableDefaultProviders = Array.isArray(parsed) ? parsed.map(String) : [String(parsed)];
        } catch {
            disableDefaultProviders = [disable];
        }
    }
    return { project: projectName, config, secretKeys, disableDefaultProviders };
}
