import * as pulumi from "@pulumi/pulumi";

/**
 * A value holding `Output`s and promises (at any depth, in arrays and objects) resolved as one `Output`, then mapped:
 * what `pulumi.output(value).apply(map)` gives (the same value, known, secret and dependencies), with one `Output`
 * for all the inputs it holds (`pulumi.all`) where the SDK's `output` makes one for each object and array that holds
 * one, each with its chain of promises. Until the inputs resolve, those chains are held for every resource being
 * constructed: policy documents and access declarations, built for most resources, made a large program's plan
 * (and deployment) hold several times more. Arrays and other objects are copied (own enumerable keys, as
 * `pulumi.output` copies them); resources and primitives are kept.
 */
export function resolvedAs<T, U>(value: T, map: (resolved: pulumi.Unwrap<T>) => U): pulumi.Output<U> {
    const inputs: unknown[] = [];
    const template = withPlaceholders(value, inputs);
    if (inputs.length === 0)
        return pulumi.output(map(template as pulumi.Unwrap<T>) as pulumi.Input<U>) as pulumi.Output<U>;
    return pulumi
        .all(inputs)
        .apply((values) => map(filled(template, values) as pulumi.Unwrap<T>) as pulumi.Input<U>) as pulumi.Output<U>;
}

/** Stands for the input at `index` of the list `withPlaceholders` collects. */
class Placeholder {
    constructor(readonly index: number) {}
}

/** A copy of `value` with each `Output` and promise replaced by a placeholder, collected into `inputs`. */
function withPlaceholders(value: unknown, inputs: unknown[]): unknown {
    if (value === null || typeof value !== "object") return value;
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        inputs.push(value);
        return new Placeholder(inputs.length - 1);
    }
    if (pulumi.Resource.isInstance(value)) return value;
    if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, inputs));
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = withPlaceholders((value as Record<string, unknown>)[key], inputs);
    return copy;
}

/** `template` with each placeholder replaced by its input's value. */
function filled(template: unknown, values: readonly unknown[]): unknown {
    if (template instanceof Placeholder) return values[template.index];
    if (template === null || typeof template !== "object" || pulumi.Resource.isInstance(template)) return template;
    if (Array.isArray(template)) return template.map((v) => filled(v, values));
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(template)) copy[key] = filled((template as Record<string, unknown>)[key], values);
    return copy;
}
