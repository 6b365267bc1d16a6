/**
 * Outputs that build their promise chains on first use, for the offline plan.
 *
 * The SDK gives a resource one `Output` per property of its type (a bucket has about forty), before the resource is
 * registered. Each one, as the SDK's `Output` constructor builds it, chains seven promises on the four it is given
 * (two `Promise.all`s, with their element functions), holds five closures and a `Proxy` with a handler of its own:
 * some 4 KB of heap while the registration is pending, measured (`--expose-gc`, heap used after `gc()`, 20,000
 * outputs of `transferProperties`). A program that constructs its resources synchronously keeps every resource pending
 * until nearly all are constructed, so at 10,000 resources those chains were most of the plan's live heap, and the
 * garbage collector's growing share of its time. Most of those outputs are never read (a bucket's `hostedZoneId`,
 * `region`, ...): the plan only needs their values as the monitor resolves them.
 *
 * While a plan runs, the SDK modules that construct a resource's outputs (`new output_1.Output(...)`: its properties,
 * URN and id) get this stand-in. It keeps the constructor's arguments and builds the SDK's own `Output` from them the
 * first time anything reads one of the members the constructor would have set (`resources`, `allResources`,
 * `isKnown`, `isSecret`, `promise`, `toString`, `toJSON`), then answers from that one; `apply` and `get` are the
 * SDK's (same prototype), and a property the output does not have is lifted as the SDK's proxy lifts it. So an output
 * that is read behaves as the SDK's, with the same values; one that is never read costs its four given promises and
 * one small object. The chains are built later than the SDK would, so promises may settle in another order (the plan
 * does not depend on it: its resources are listed by URN). `Output.isInstance`, `instanceof Output` and the statics
 * are the SDK's. The original constructor is restored when the plan ends.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkOutput = require("@pulumi/pulumi/output") as {
    Output: OutputConstructor;
    isUnknown(value: unknown): boolean;
    unknown: unknown;
};

type OutputConstructor = new (
    resources: unknown,
    promise: Promise<unknown>,
    isKnown: Promise<boolean>,
    isSecret: Promise<boolean>,
    allResources?: Promise<unknown>,
) => object;

/** The members the SDK's constructor sets on each output (all read through the output built on first use). */
const MEMBERS = ["resources", "allResources", "isKnown", "isSecret", "promise", "toString", "toJSON"] as const;

const ARGS = Symbol("output constructor arguments");
const BUILT = Symbol("output built on first use");

interface LeanTarget {
    __pulumiOutput: true;
    [ARGS]: ConstructorParameters<OutputConstructor> | undefined;
    [BUILT]: Record<string, unknown> | undefined;
}

function built(target: LeanTarget, Real: OutputConstructor): Record<string, unknown> {
    let output = target[BUILT];
    if (output === undefined) {
        output = new Real(...target[ARGS]!) as Record<string, unknown>;
        target[BUILT] = output;
        target[ARGS] = undefined;
    }
    return output;
}

/** As the SDK's `Output` proxy: members first, then `then` and internal names are absent, anything else is lifted. */
const LIFTING: ProxyHandler<LeanTarget> = {
    get(target, prop) {
        if (prop in target) return (target as unknown as Record<PropertyKey, unknown>)[prop];
        if (prop === "then" || typeof prop === "symbol") return undefined;
        if (prop.startsWith("__") || prop === "doNotCapture" || prop === "deploymentOnlyModule") return undefined;
        const apply = (target as unknown as { apply(f: (v: unknown) => unknown, withUnknowns: boolean): unknown })
            .apply;
        return apply.call(
            target,
            (ob: unknown) => {
                if (ob === undefined || ob === null) return undefined;
                // The value of an unknown output's property is unknown too.
                if (sdkOutput.isUnknown(ob)) return sdkOutput.unknown;
                return (ob as Record<string, unknown>)[prop];
            },
            true,
        );
    },
};

/** The stand-in constructor for `Real` (see above). */
function leanOutputConstructor(Real: OutputConstructor): OutputConstructor {
    const prototype = Object.create(Real.prototype) as object;
    for (const member of MEMBERS) {
        Object.defineProperty(prototype, member, {
            get(this: LeanTarget) {
                return built(this, Real)[member];
            },
        });
    }
    function LeanOutput(this: unknown, ...args: ConstructorParameters<OutputConstructor>): object {
        // The SDK copies a list or set of resources when the output is constructed: so does this (a single resource
        // is copied when the output is built).
        const resources = args[0];
        if (Array.isArray(resources) || resources instanceof Set) args[0] = new Set(resources);
        const target = Object.create(prototype) as LeanTarget;
        target.__pulumiOutput = true;
        target[ARGS] = args;
        target[BUILT] = undefined;
        return new Proxy(target, LIFTING);
    }
    LeanOutput.prototype = Real.prototype;
    // Statics (`isInstance`, `create`) are the SDK's.
    Object.setPrototypeOf(LeanOutput, Real);
    return LeanOutput as unknown as OutputConstructor;
}

/** Installs the stand-in for the SDK's `Output` constructor; returns the function that restores the original. */
export function withLeanOutputs(): () => void {
    const original = sdkOutput.Output;
    sdkOutput.Output = leanOutputConstructor(original);
    return () => {
        sdkOutput.Output = original;
    };
}
