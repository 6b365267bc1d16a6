/**
 * Typed environment contracts of the Lambda functions, used on both sides of the deployment:
 *
 * - the component sets the variables with `envVariables(contract, values)`: TypeScript rejects a name the contract
 *   does not declare (or one the Lambda runtime sets, such as `AWS_REGION`), a missing required variable, and a
 *   structured value (JSON, boolean, number) not written by the variable's own `format`;
 * - the handler reads them with `contract.load(process.env)`: every variable is parsed by the same contract, every
 *   problem names its variable, and all problems are reported at once.
 *
 * `parse(format(value))` gives `value` back (tests/env-contracts.test.ts). Pulumi-free: the value type of
 * `envVariables` is generic, so a component passes `pulumi.Input<string>` values
 * (`pulumi.output(x).apply(contract.variables.X.format)` for structured ones) and runtime code never loads Pulumi.
 */

import { DOMAIN_NAME, DOMAIN_NAME_RULE } from "../names";

/** Where variables are read from: `process.env` or a plain record. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

declare const formatted: unique symbol;
/** Text written by a variable's `format` (a JSON document, a boolean, a number): no component writes it by hand. */
export type EnvText = string & { readonly [formatted]: true };

/** How one variable's text becomes a value and back. */
export interface Codec<T, Out extends string = string> {
    /** Parse the text with surrounding whitespace removed (default). A secret (an HMAC key) is taken as is. */
    readonly trim: boolean;
    /** The value of a set (non-blank) variable; throws `fail(name, …)` when the text is invalid. */
    parse(text: string, name: string): T;
    /** The text of `value`; `parse(format(value))` equals `value`. */
    format(value: T): Out;
}

export interface EnvVariable<T = unknown, Read = T, Out extends string = string> {
    readonly description: string;
    /** Who sets it: the deploying component, or the Lambda runtime (then a component may not). */
    readonly setBy: "component" | "lambda";
    /** The component must set it. */
    readonly required: boolean;
    /** The value of the raw text: unset or blank gives the default (or undefined), or fails when required. */
    read(raw: string | undefined, name: string): Read;
    format(value: T): Out;
}

export interface RequiredVariable<T, Out extends string> extends EnvVariable<T, T, Out> {
    readonly setBy: "component";
    readonly required: true;
}

export interface OptionalVariable<T, Read, Out extends string> extends EnvVariable<T, Read, Out> {
    readonly setBy: "component";
    readonly required: false;
}

export interface LambdaVariable extends EnvVariable<string, string | undefined, string> {
    readonly setBy: "lambda";
    readonly required: false;
}

// biome-ignore lint/suspicious/noExplicitAny: any variable, whatever its value types
export type AnyEnvVariable = EnvVariable<any, any, string>;
export type EnvVariables = Readonly<Record<string, AnyEnvVariable>>;

/** The parsed value of every variable of `V`. */
export type EnvValuesOf<V extends EnvVariables> = {
    readonly [K in keyof V]: ReturnType<V[K]["read"]>;
};

export interface EnvContract<V extends EnvVariables, Config> {
    /** The function (`functions/<name>`, bundle `dist/lambda/<name>`). */
    readonly function: string;
    readonly variables: V;
    /** Reads every variable and builds the typed configuration; throws an `EnvError` listing every problem. */
    load(env: EnvSource): Config;
}

/** One invalid variable, with a message naming it. */
export interface EnvProblem {
    readonly variable: string;
    readonly message: string;
}

/** An invalid environment: one problem's message as is, several under a heading. */
export class EnvError extends Error {
    constructor(public readonly problems: readonly EnvProblem[]) {
        super(
            problems.length === 1
                ? problems[0].message
                : `${problems.length} environment variables are invalid:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`,
        );
        this.name = "EnvError";
    }
}

/** Throws the problem of `variable` (from a codec's `parse` or a contract's cross-variable rules). */
export function fail(variable: string, message: string): never {
    throw new EnvError([{ variable, message }]);
}

/** A string variable, optionally checked or normalised by `parse`; written as is. */
export function text(
    parse: (text: string, name: string) => string = (value) => value,
    options: { trim?: boolean } = {},
): Codec<string, string> {
    return { trim: options.trim ?? true, parse, format: (value) => value };
}

/** A variable of any other type: the component writes it with `format` (typed `EnvText`). */
export function codec<T>(
    parse: (text: string, name: string) => T,
    format: (value: T) => string,
    options: { trim?: boolean } = {},
): Codec<T, EnvText> {
    return { trim: options.trim ?? true, parse, format: (value) => format(value) as EnvText };
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`, any case); written `true`/`false`. */
export const boolean: Codec<boolean, EnvText> = codec(
    (value, name) => {
        const lower = value.toLowerCase();
        if (lower === "false" || lower === "0" || lower === "no") return false;
        if (lower === "true" || lower === "1" || lower === "yes") return true;
        return fail(name, `${name} must be true or false, got "${value}"`);
    },
    (value) => (value ? "true" : "false"),
);

/** A whole number ≥ `min`, written in decimal; `unit` words the message ("seconds"). */
export function integer(options: { min: number; unit?: string }): Codec<number, EnvText> {
    const what = options.unit ? `an integer number of ${options.unit} ≥ ${options.min}` : `an integer ≥ ${options.min}`;
    return codec(
        (value, name) => {
            const n = Number(value);
            if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < options.min) {
                return fail(name, `${name} must be ${what}, got "${value}"`);
            }
            return n;
        },
        (value) => String(value),
    );
}

/** A JSON document: `check` turns the parsed JSON into the value, `toJson` the value back; `notJson` words the error. */
export function json<T>(
    check: (value: unknown, name: string) => T,
    toJson: (value: T) => unknown,
    notJson: (name: string, error: Error) => string,
): Codec<T, EnvText> {
    return codec(
        (value, name) => {
            let parsed: unknown;
            try {
                parsed = JSON.parse(value);
            } catch (error) {
                return fail(name, notJson(name, error as Error));
            }
            return check(parsed, name);
        },
        (value) => JSON.stringify(toJson(value)),
    );
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function present(raw: string | undefined, trim: boolean): string | undefined {
    if (raw === undefined || raw.trim() === "") return undefined;
    return trim ? raw.trim() : raw;
}

/** A variable the component must set. */
export function required<T, Out extends string>(codec: Codec<T, Out>, description: string): RequiredVariable<T, Out> {
    return {
        description,
        setBy: "component",
        required: true,
        read(raw, name) {
            const value = present(raw, codec.trim);
            if (value === undefined) return fail(name, `${name} is required but not set`);
            return codec.parse(value, name);
        },
        format: codec.format,
    };
}

/** A variable the component may leave unset: then `fallback`, or undefined without one. */
export function optional<T, Out extends string>(
    codec: Codec<T, Out>,
    description: string,
): OptionalVariable<T, T | undefined, Out>;
export function optional<T, Out extends string>(
    codec: Codec<T, Out>,
    description: string,
    fallback: T,
): OptionalVariable<T, T, Out>;
export function optional<T, Out extends string>(
    codec: Codec<T, Out>,
    description: string,
    fallback?: T,
): OptionalVariable<T, T | undefined, Out> {
    return {
        description,
        setBy: "component",
        required: false,
        read(raw, name) {
            const value = present(raw, codec.trim);
            return value === undefined ? fallback : codec.parse(value, name);
        },
        format: codec.format,
    };
}

/** A variable the Lambda runtime sets (`AWS_REGION`…): read by the function, never set by a component. */
export function fromLambda(description: string): LambdaVariable {
    return {
        description,
        setBy: "lambda",
        required: false,
        read: (raw) => present(raw, true),
        format: (value) => value,
    };
}

/**
 * A function's contract: its variables (keyed by name) and how their values make its configuration. `build` may
 * check rules across variables with `fail(name, …)`; it runs only when every variable was read.
 */
export function defineEnv<V extends EnvVariables, Config>(
    fn: string,
    variables: V,
    build: (values: EnvValuesOf<V>) => Config,
): EnvContract<V, Config> {
    return {
        function: fn,
        variables,
        load(env) {
            const problems: EnvProblem[] = [];
            const values: Record<string, unknown> = {};
            for (const [name, variable] of Object.entries(variables)) {
                try {
                    values[name] = variable.read(env[name], name);
                } catch (error) {
                    if (!(error instanceof EnvError)) throw error;
                    problems.push(...error.problems);
                }
            }
            if (problems.length > 0) throw new EnvError(problems);
            return build(values as EnvValuesOf<V>);
        },
    };
}

// ---- The component side ------------------------------------------------------------------------------------------

type ComponentNames<V> = {
    [K in keyof V]: V[K] extends { readonly setBy: "component" } ? K : never;
}[keyof V];
type RequiredNames<V> = {
    [K in keyof V]: V[K] extends { readonly setBy: "component"; readonly required: true } ? K : never;
}[keyof V];

/** The required variables missing from `A`. */
type MissingSettings<V extends EnvVariables, A> = {
    readonly [K in Exclude<RequiredNames<V>, keyof A>]: NonNullable<unknown>;
};

/** The value inside a wrapper: a promise, or anything with `apply` (a Pulumi Output), or the value itself. */
type Unwrapped<X> =
    X extends PromiseLike<infer U> ? U : X extends { apply(f: (value: infer U) => never): unknown } ? U : X;

/**
 * `A` with every value checked: a name the contract does not let a component set becomes `never`, a required variable
 * may not be undefined, a structured value must come from the variable's `format` (`EnvText`).
 */
export type CheckedSettings<V extends EnvVariables, A> = {
    readonly [K in keyof A]: K extends ComponentNames<V>
        ? K extends RequiredNames<V>
            ? undefined extends A[K]
                ? `${K & string} is required`
                : Formatted<V, K, A[K]>
            : Formatted<V, K, A[K]>
        : never;
};

type Formatted<V extends EnvVariables, K extends keyof V, X> =
    Unwrapped<X> extends ReturnType<V[K]["format"]> | undefined
        ? X
        : `${K & string}: write the value with its contract's format()`;

/**
 * The environment a component sets for a function of `contract`: exactly the contract's names (TypeScript-checked),
 * unset optional variables (`undefined`) left out.
 */
export function envVariables<V extends EnvVariables, A extends object>(
    contract: EnvContract<V, unknown>,
    // `A` is inferred from the literal through the mapped type (no constraint to fall back to), then checked.
    values: CheckedSettings<NoInfer<V>, A> & MissingSettings<NoInfer<V>, A>,
): Record<string, Exclude<A[keyof A], undefined>> {
    const out: Record<string, Exclude<A[keyof A], undefined>> = {};
    for (const [name, value] of Object.entries(values) as [string, A[keyof A]][]) {
        const variable = contract.variables[name];
        // Also at run time, for callers outside TypeScript's reach.
        if (variable === undefined || variable.setBy !== "component") {
            throw new Error(`${contract.function}: ${name} is not a variable its component sets`);
        }
        if (value !== undefined) out[name] = value as Exclude<A[keyof A], undefined>;
    }
    for (const [name, variable] of Object.entries(contract.variables)) {
        if (variable.required && out[name] === undefined) {
            throw new Error(`${contract.function}: the required variable ${name} is not set`);
        }
    }
    return out;
}

/** The names a component sets (required and optional), for tests and documentation. */
export function componentVariableNames(contract: EnvContract<EnvVariables, unknown>): string[] {
    return Object.entries(contract.variables)
        .filter(([, variable]) => variable.setBy === "component")
        .map(([name]) => name);
}

/** A business domain's name, by the platform's one rule (`model/names.ts`). */
export const domainName: Codec<string> = text((value, name) =>
    DOMAIN_NAME.test(value) ? value : fail(name, `${name} must be ${DOMAIN_NAME_RULE}, got "${value}"`),
);
