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
 * `isKnown`, `isSecret`, `promise`, `toString`, `toJSON`), then answers from that one; `get` is the SDK's and
 * `apply` the stand-in below (same prototype), and a property the output does not have is lifted as the SDK's proxy
 * lifts it. So an output that is read behaves as the SDK's, with the same values; one that is never read costs its
 * four given promises and one small object. The chains are built later than the SDK would, so promises may settle in another order (the plan
 * does not depend on it: its resources are listed by URN). `Output.isInstance`, `instanceof Output` and the statics
 * are the SDK's.
 *
 * A resource's properties go further (`transferProperties`, which makes them): the SDK gives each four promises and
 * keeps their eight resolving functions until the registration completes. Here a property's output keeps only what
 * the registration settles it with (value, known, secret, dependencies, or the error); it gets its four promises when
 * it is built (already settled, or settled when the registration completes), with the same values and the same
 * rejections.
 *
 * `apply` goes further still: the SDK's builds, at the call, a chain of a dozen promises that waits for the source and
 * runs the function, and a new `Output` on it (what `pulumi.all`, `interpolate` and `output` build on too). Here
 * `apply` returns a stand-in at once and makes the SDK's own result the first time a member is read (a resource's
 * registration reading its inputs, another `apply`, `all`...) or, for a result nobody reads, when the plan's event loop
 * is next idle (`buildDeferredApplies`, called by `registration-window.ts` between windows): every function still
 * runs, once, with the same value, and its result is the SDK's. A program that turns an output into a promise
 * (`new Promise((resolve) => o.apply(resolve))`) and awaits it goes on at the next idle turn. Measured with the lake
 * program at 10,000 resources (with the registration window): peak resident memory 69 KB instead of 89 KB per cloud
 * resource. The originals are restored when the plan ends.
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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as { transferProperties: TransferProperties };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkErrors = require("@pulumi/pulumi/errors") as { isGrpcError(err: unknown): boolean };

/** A property's resolver, as `transferProperties` returns them. */
type PropertyResolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], err?: Error) => void;
type TransferProperties = (
    onto: Record<string, unknown>,
    label: string,
    props: Record<string, unknown>,
) => Record<string, PropertyResolver>;

const ARGS = Symbol("output constructor arguments");
const BUILT = Symbol("output built on first use");
const SETTLED = Symbol("property settled before its output was built");
const PENDING = Symbol("property output built before it was settled");
const DEFERRED = Symbol("apply result, made on first use");

/** How a resource property was settled: its value, known, secret and dependencies, or the registration's error. */
type Settlement = { values: [unknown, boolean, boolean, unknown[]] } | { error: Error };

interface LeanTarget {
    __pulumiOutput: true;
    /** The constructor's arguments, or the resource whose property this is (the first argument). */
    [ARGS]: ConstructorParameters<OutputConstructor> | [resource: unknown] | undefined;
    [BUILT]: Record<string, unknown> | undefined;
    /** Properties only: the settlement when it came before the output was built. */
    [SETTLED]?: Settlement;
    /** Properties only: the four promises' resolving functions when the output was built first. */
    [PENDING]?: Array<PromiseWithResolvers<unknown>>;
    /** `apply` results only: makes the SDK's result (the SDK's `apply` on the source). */
    [DEFERRED]?: () => Record<string, unknown>;
}

/** `apply` results not yet made, oldest first. */
const deferredApplies = new Set<LeanTarget>();
/** Called when an `apply` result is deferred (the registration window schedules an idle turn). */
let onDeferred: () => void = () => {};

/** Makes up to `limit` of the oldest `apply` results nobody has read yet; returns how many it made. */
export function buildDeferredApplies(limit: number): number {
    let made = 0;
    for (const target of deferredApplies) {
        if (made >= limit) break;
        made++;
        try {
            madeApply(target);
        } catch (err) {
            // Reported as the plan reports a rejection nobody handled (an idle turn has no caller to throw to).
            void Promise.reject(err);
        }
    }
    return made;
}

/** The SDK's result of a deferred `apply`, made now. */
function madeApply(target: LeanTarget): Record<string, unknown> {
    const make = target[DEFERRED]!;
    target[DEFERRED] = undefined;
    deferredApplies.delete(target);
    try {
        const output = make();
        target[BUILT] = output;
        return output;
    } catch (err) {
        // The SDK's `apply` threw at the call (it does not, today): every later read throws the same.
        target[DEFERRED] = () => {
            throw err;
        };
        throw err;
    }
}

/** How many `apply` results are not made yet. */
export function deferredApplyCount(): number {
    return deferredApplies.size;
}

function built(target: LeanTarget, Real: OutputConstructor): Record<string, unknown> {
    let output = target[BUILT];
    if (output === undefined) {
        if (target[DEFERRED] !== undefined) return madeApply(target);
        const args = target[ARGS]!;
        if (args.length === 1) {
            // A resource property: its four promises, settled or to be settled.
            const settled = target[SETTLED];
            let promises: Array<Promise<unknown>>;
            if (settled === undefined) {
                const pending = [0, 1, 2, 3].map(() => Promise.withResolvers<unknown>());
                target[PENDING] = pending;
                promises = pending.map((d) => d.promise);
            } else if ("error" in settled) {
                promises = [0, 1, 2, 3].map(() => Promise.reject(settled.error));
            } else {
                promises = settled.values.map((v) => Promise.resolve(v));
            }
            target[SETTLED] = undefined;
            output = new Real(
                args[0],
                promises[0],
                promises[1] as Promise<boolean>,
                promises[2] as Promise<boolean>,
                promises[3],
            ) as Record<string, unknown>;
        } else {
            output = new Real(...args) as Record<string, unknown>;
        }
        target[BUILT] = output;
        target[ARGS] = undefined;
    }
    return output;
}

/** Settles a resource property's output, as the SDK's resolver does (a gRPC error leaves it pending). */
function settle(target: LeanTarget, settlement: Settlement): void {
    if ("error" in settlement && sdkErrors.isGrpcError(settlement.error)) return;
    const pending = target[PENDING];
    if (pending === undefined) {
        if (target[BUILT] === undefined && target[SETTLED] === undefined) target[SETTLED] = settlement;
        return;
    }
    target[PENDING] = undefined;
    if ("error" in settlement) {
        for (const d of pending) d.reject(settlement.error);
    } else {
        for (let i = 0; i < pending.length; i++) pending[i].resolve(settlement.values[i]);
    }
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

/** The prototype of the stand-ins for `Real`'s outputs: the members it sets, read from the output built on first use. */
function leanPrototype(Real: OutputConstructor): object {
    const prototype = Object.create(Real.prototype) as object;
    for (const member of MEMBERS) {
        Object.defineProperty(prototype, member, {
            get(this: LeanTarget) {
                return built(this, Real)[member];
            },
        });
    }
    return prototype;
}

function leanTarget(prototype: object, args: LeanTarget[typeof ARGS]): LeanTarget {
    const target = Object.create(prototype) as LeanTarget;
    target.__pulumiOutput = true;
    target[ARGS] = args;
    target[BUILT] = undefined;
    return target;
}

/** The stand-in constructor for `Real` (see above). */
function leanOutputConstructor(Real: OutputConstructor, prototype: object): OutputConstructor {
    function LeanOutput(this: unknown, ...args: ConstructorParameters<OutputConstructor>): object {
        // The SDK copies a list or set of resources when the output is constructed: so does this (a single resource
        // is copied when the output is built).
        const resources = args[0];
        if (Array.isArray(resources) || resources instanceof Set) args[0] = new Set(resources);
        return new Proxy(leanTarget(prototype, args), LIFTING);
    }
    LeanOutput.prototype = Real.prototype;
    // Statics (`isInstance`, `create`) are the SDK's.
    Object.setPrototypeOf(LeanOutput, Real);
    return LeanOutput as unknown as OutputConstructor;
}

/** The stand-in for the SDK's `transferProperties` (see above): the same outputs and resolvers, lean until read. */
function leanTransferProperties(prototype: object): TransferProperties {
    return (onto, label, props) => {
        const resolvers: Record<string, PropertyResolver> = {};
        for (const k of Object.keys(props)) {
            // "id" and "urn" are the registration's own.
            if (k === "id" || k === "urn") continue;
            if (Object.hasOwn(onto, k)) throw new Error(`Property '${k}' is already initialized on target '${label}`);
            const target = leanTarget(prototype, [onto]);
            resolvers[k] = (value, isKnown, isSecret, deps = [], err) =>
                settle(target, err ? { error: err } : { values: [value, isKnown, isSecret, deps] });
            onto[k] = new Proxy(target, LIFTING);
        }
        return resolvers;
    };
}

/**
 * Installs the stand-ins for the SDK's `Output` constructor and `transferProperties`; returns the function that
 * restores the originals.
 */
export function withLeanOutputs(deferred: () => void = () => {}): () => void {
    const methods = outputMethods(sdkOutput.Output);
    const original = { Output: sdkOutput.Output, transferProperties: sdkRpc.transferProperties, apply: methods.apply };
    const prototype = leanPrototype(original.Output);
    sdkOutput.Output = leanOutputConstructor(original.Output, prototype);
    sdkRpc.transferProperties = leanTransferProperties(prototype);
    methods.apply = leanApply(original.apply, prototype);
    onDeferred = deferred;
    return () => {
        sdkOutput.Output = original.Output;
        sdkRpc.transferProperties = original.transferProperties;
        methods.apply = original.apply;
        onDeferred = () => {};
    };
}

type Apply = (this: object, func: (value: unknown) => unknown, runWithUnknowns?: boolean) => object;

function outputMethods(Real: OutputConstructor): { apply: Apply } {
    return Real.prototype as { apply: Apply };
}

/** The stand-in for the SDK's `Output.apply` (see above): its result, made on first use or at the next idle turn. */
function leanApply(sdkApply: Apply, prototype: object): Apply {
    return function apply(this: object, func, runWithUnknowns) {
        const target = leanTarget(prototype, undefined);
        target[DEFERRED] = () => sdkApply.call(this, func, runWithUnknowns) as Record<string, unknown>;
        deferredApplies.add(target);
        onDeferred();
        return new Proxy(target, LIFTING);
    };
}
