import * as pulumi from "@pulumi/pulumi";
import type { EngineConfig } from "./stack-config";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { performance } from "node:perf_hooks";
import { loadModulesReferencedBy } from "./lazy-sdk";
import { buildDeferredApplies, deferredApplyCount, withLeanOutputs } from "./lean-output";
import { IDLE_BATCH, type RegistrationWindow, withRegistrationWindow } from "./registration-window";
import { PlanMocks } from "./mocks";
import { structObject, structOf } from "./struct";
import { sourceMappedStack } from "./typescript";

// Internal SDK modules the harness drives, as the Pulumi language host does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkState = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { settings: { monitor: unknown }; leakCandidates: Set<Promise<unknown>> };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkSettings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkDebuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debugPromiseLeaks: boolean;
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkResourceProto = require("@pulumi/pulumi/proto/resource_pb") as {
    RegisterResourceResponse: new () => RegisterResponseMessage;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as {
    deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }): Record<string, unknown>;
    serializeProperties(label: string, props: Record<string, unknown>): Promise<Record<string, unknown>>;
    specialSigKey: string;
    specialSecretSig: string;
    specialResourceSig: string;
    specialAssetSig: string;
    specialArchiveSig: string;
};

/** One resource the program registered, as the engine would see it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent (the stack for top-level resources). */
    parent: string;
    /** URN of the provider resource for custom resources (empty for components and the default provider). */
    provider: string;
    custom: boolean;
    id: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    /** Package → provider URN for components created with `providers`. */
    providers: Record<string, string>;
    /** The resource's `aliases` option, as sent to the engine: full URNs or specs (absent when none). */
    aliases?: PlannedAlias[];
}

/** One alias: a full URN, or a spec the engine completes from the resource's own name, type and parent. */
export type PlannedAlias =
    | { urn: string }
    | { name?: string; type?: string; stack?: string; project?: string; parentUrn?: string; noParent?: boolean };

export interface PlanResult {
    project: string;
    stack: string;
    resources: PlannedResource[];
    /** Stack outputs (secret values still wrapped; see `maskSecrets`). */
    outputs: Record<string, unknown>;
    warnings: string[];
    /** Problems that make the plan fail (default provider used where disabled, program exceptions...). */
    errors: string[];
    invokeCount: number;
    /** Wall time of the program run, in milliseconds. */
    durationMs: number;
}

export interface PlanOptions {
    project: string;
    stack: string;
    /** Engine config (`namespace:key` → text). */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Packages whose default provider is disabled: registering a resource of one without a provider is an error. */
    disableDefaultProviders?: string[];
    /** Region for resources on the default provider (from `aws:region`, else us-east-1). */
    defaultRegion?: string;
    /** The program: a function (run inside the stack) or an absolute path to a module to `require`. */
    program: (() => unknown) | string;
}

type Callback = (err: unknown, response: unknown) => void;

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    hasProtect(): boolean;
    getProtect(): boolean | undefined;
    hasRetainondelete(): boolean;
    getRetainondelete(): boolean | undefined;
    getProvidersMap(): { forEach(cb: (value: string, key: string) => void): void };
    getAliasesList(): AliasMessage[];
    getTransformsList(): Array<{ getToken(): string }>;
    getImportid(): string;
}

/** `pulumirpc.Alias`: a URN or a spec. */
interface AliasMessage {
    hasSpec(): boolean;
    getUrn(): string;
    getSpec():
        | {
              getName(): string;
              getType(): string;
              getStack(): string;
              getProject(): string;
              getParenturn(): string;
              getNoparent(): boolean;
          }
        | undefined;
}

/** The SDK monitor's members the recording monitor uses (private in its typings). */
interface MockMonitorInternals {
    transformCallbacks: Map<string, pulumi.ResourceTransform>;
    newUrn(parent: string, type: string, name: string): string;
}

/** `pulumirpc.RegisterResourceResponse`, as far as the plan fills it in. */
interface RegisterResponseMessage {
    setUrn(urn: string): void;
    setId(id: string): void;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

function packageOf(type: string): string {
    return type.split(":")[0];
}

/** The mock monitor plus a record of every registration, with the metadata the engine would see. */
class RecordingMonitor extends MockMonitor {
    public readonly records: PlannedResource[] = [];
    public readonly errors: string[] = [];
    public invokeCount = 0;
    public stackOutputs: Record<string, unknown> = {};
    private stackUrn = "";
    /** Records by URN, and outputs of components registered before their record (not expected, but harmless). */
    private readonly byUrn = new Map<string, PlannedResource>();
    private readonly earlyOutputs = new Map<string, Record<string, unknown>>();

    constructor(
        mocks: PlanMocks,
        private readonly disabledDefaults: Set<string>,
    ) {
        super(mocks);
    }

    /** Called after each registration is answered (the registration window admits the next). */
    public onAnswered: () => void = () => {};

    override async registerResource(req: RegisterRequest, callback: Callback): Promise<void> {
        try {
            await this.answer(req, callback);
        } finally {
            this.onAnswered();
        }
    }

    private async answer(req: RegisterRequest, callback: Callback): Promise<void> {
        const type = req.getType();
        const custom = req.getCustom();
        const providerRef = req.getProvider();
        if (custom && !providerRef && !type.startsWith("pulumi:providers:")) {
            const pkg = packageOf(type);
            if (this.disabledDefaults.has(pkg) || this.disabledDefaults.has("*")) {
                const message = `Default provider for '${pkg}' disabled. '${type}' ("${req.getName()}") must use an explicit provider (pulumi:disable-default-providers)`;
                this.errors.push(message);
                callback(new Error(message), undefined);
                return;
            }
        }
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        const providers: Record<string, string> = {};
        req.getProvidersMap().forEach((ref, pkg) => {
            providers[pkg] = ref.slice(0, ref.lastIndexOf("::"));
        });
        // The request's properties are read once, and the response hands over its outputs without a message: see
        // ./struct. Otherwise as the SDK's MockMonitor.registerResource (the same steps and awaits, so registrations
        // complete in the same order).
        const inputs = req.getObject()?.toJavaScript() ?? {};
        // The outputs echo the inputs: their resource references need their types' modules (./lazy-sdk).
        loadModulesReferencedBy(inputs);
        const record: PlannedResource = {
            urn: "",
            type,
            name: req.getName(),
            parent: req.getParent(),
            provider: providerRef ? providerRef.slice(0, providerRef.lastIndexOf("::")) : "",
            custom,
            id: "",
            inputs,
            outputs: {},
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: req.hasProtect() ? req.getProtect() === true : false,
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() === true : false,
            providers,
        };
        const aliases = req.getAliasesList().map((alias): PlannedAlias => {
            if (!alias.hasSpec()) return { urn: alias.getUrn() };
            const spec = alias.getSpec()!;
            const out: PlannedAlias = {};
            if (spec.getName()) out.name = spec.getName();
            if (spec.getType()) out.type = spec.getType();
            if (spec.getStack()) out.stack = spec.getStack();
            if (spec.getProject()) out.project = spec.getProject();
            if (spec.getParenturn()) out.parentUrn = spec.getParenturn();
            if (spec.getNoparent()) out.noParent = true;
            return out;
        });
        if (aliases.length > 0) record.aliases = aliases;
        try {
            const base = this as unknown as MockMonitorInternals;
            const transforms = req
                .getTransformsList()
                .map((cb) => base.transformCallbacks.get(cb.getToken()))
                .filter((transform): transform is pulumi.ResourceTransform => transform !== undefined);
            const result = await this.mocks.newResource({
                type,
                name: record.name,
                inputs: sdkRpc.deserializeProperties(structOf(inputs)),
                provider: providerRef,
                custom,
                id: req.getImportid(),
                transforms,
            });
            const urn = base.newUrn(record.parent, type, record.name);
            const outputs = structObject(await sdkRpc.serializeProperties("", result.state));
            // The SDK's monitor keeps the serialized state for `getResource` invokes: the same data as `outputs`.
            this.resources.set(urn, { urn, id: result.id ?? null, state: outputs });
            const message = new sdkResourceProto.RegisterResourceResponse();
            message.setUrn(urn);
            message.setId(result.id || "");
            message.getObject = () => structOf(outputs);
            record.urn = urn;
            record.id = message.getId();
            record.outputs = outputs;
            const early = this.earlyOutputs.get(urn);
            if (early) Object.assign(record.outputs, early);
            this.byUrn.set(urn, record);
            if (type === STACK_TYPE) {
                this.stackUrn = urn;
            }
            this.records.push(record);
            callback(null, message);
        } catch (err) {
            callback(err, undefined);
        }
    }

    override registerResourceOutputs(
        req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined },
        callback: Callback,
    ): void {
        if (req.getUrn() === this.stackUrn) {
            this.stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
        } else {
            // A component's registered outputs (`registerOutputs`), as the engine keeps them: the access proof reads
            // the components' `requiredAccess` declarations from here.
            const outputs = req.getOutputs()?.toJavaScript() ?? {};
            const record = this.byUrn.get(req.getUrn());
            if (record) Object.assign(record.outputs, outputs);
            else this.earlyOutputs.set(req.getUrn(), outputs);
        }
        super.registerResourceOutputs(req, callback);
    }

    override async readResource(
        req: { getProperties(): { toJavaScript(): Record<string, unknown> } | undefined },
        callback: Callback,
    ): Promise<void> {
        // As for registrations: the state read echoes the inputs.
        loadModulesReferencedBy(req.getProperties()?.toJavaScript());
        return super.readResource(req, callback);
    }

    override async invoke(req: unknown, callback: Callback): Promise<void> {
        this.invokeCount++;
        return super.invoke(req, callback);
    }
}

/** Runs `program` the way the Pulumi language host does: inside the root stack resource, exports as outputs. */
async function runProgram(program: PlanOptions["program"]): Promise<unknown> {
    if (typeof program === "function") {
        return program();
    }
    // A fresh evaluation per plan, as each `pulumi up` is a fresh process.
    delete require.cache[require.resolve(program)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(program);
    const main =
        loaded && typeof loaded.default === "function"
            ? loaded.default
            : typeof loaded === "function"
              ? loaded
              : undefined;
    return main ? main() : loaded;
}

/** The lean `debuggablePromise`: the promise itself (see withLeanPromiseTracking). */
const untracked = <T>(p: Promise<T>): Promise<T> => p;

/**
 * Swaps the SDK's `debuggablePromise` for the identity while a plan runs. The original captures and formats a stack
 * trace (`new Error().stack`, rewritten by source-map-support where installed), defines three properties on every
 * promise the SDK creates (some 70 per cloud resource), tracks each in a set, and chains two more promises (`then`
 * to untrack it, `catch` to label its rejection), all for the exit-time leak report; the stack traces and labels are
 * printed only with `PULUMI_DEBUG_PROMISE_LEAKS` (then the original stays). Those costs made the plan's time and
 * memory per resource grow with the program's size: while a program constructs its resources synchronously, every
 * one of them is pending with its promises.
 *
 * The promise handed back settles with the same value or reason, a few microtask turns earlier than the original's
 * chain would, so registrations may complete in another order: the plan does not depend on it (its resources are
 * listed by URN). Instead of every pending promise, the leak report's set holds one marker for the whole run,
 * removed when the run completes: a program that never completes still gets the SDK's report at exit (which names
 * the resource registrations left waiting). Returns the function that ends the run's tracking and restores the
 * original.
 */
function withLeanPromiseTracking(): () => void {
    const original = sdkDebuggable.debuggablePromise;
    if (sdkDebuggable.debugPromiseLeaks) return () => {};
    // The original installs the SDK's exit-time leak report on first use: let it do that once.
    void original(Promise.resolve(), "offline plan");
    const pending = sdkState.getStore().leakCandidates;
    const marker = Promise.resolve();
    pending.add(marker);
    sdkDebuggable.debuggablePromise = untracked;
    return () => {
        sdkDebuggable.debuggablePromise = original;
        pending.delete(marker);
    };
}

/**
 * Swaps the SDK's per-resource source position capture for none while a plan runs. For every resource the SDK formats
 * a full stack trace (`new Error().stack` with no frame limit), parses it and turns each frame into a file URL, for
 * the `sourcePosition` of the registration, which the engine keeps for its diagnostics; the plan records no source
 * positions. Returns the function that restores the original.
 */
function withoutSourcePositions(): () => void {
    const resource = pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] };
    const original = resource.stackTrace;
    resource.stackTrace = () => [];
    return () => {
        resource.stackTrace = original;
    };
}

const RUNTIME_PREFIX = /^(warning|error|info): \[runtime\] /;

/**
 * Runs a Pulumi program under the SDK's runtime mocks and records what it would register. The SDK's global state is
 * reset first, so several plans can run one after another in one process (not concurrently).
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
    const mocks = new PlanMocks(options.defaultRegion ?? options.config["aws:region"] ?? "us-east-1");
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, true);
    const monitor = new RecordingMonitor(mocks, new Set(options.disableDefaultProviders ?? []));
    sdkState.getStore().settings.monitor = monitor;
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);

    const warnings: string[] = [];
    const errors: string[] = [];
    const original = { warn: console.warn, error: console.error, log: console.log };
    const capture =
        (fallback: (...a: unknown[]) => void) =>
        (...args: unknown[]) => {
            const text = args.map(String).join(" ");
            const match = RUNTIME_PREFIX.exec(text);
            if (!match) return fallback(...args);
            const message = text.slice(match[0].length);
            if (match[1] === "warning") warnings.push(message);
            else if (match[1] === "error") errors.push(message);
            return undefined;
        };
    console.warn = capture(original.warn);
    console.error = capture(original.error);
    console.log = capture(original.log);
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const restorePromiseTracking = withLeanPromiseTracking();
    const restoreSourcePositions = withoutSourcePositions();
    let window: RegistrationWindow | undefined;
    const restoreOutputs = withLeanOutputs(() => window?.wake());
    window = withRegistrationWindow(undefined, buildDeferredApplies);
    monitor.onAnswered = window.answered;
    const started = performance.now();
    try {
        try {
            await pulumi.runtime.runInPulumiStack(() => Promise.resolve(runProgram(options.program)));
        } catch (err) {
            failures.push(err);
        }
        await sdkSettings.waitForRPCs().catch((err: unknown) => failures.push(err));
        // `apply` results nobody read are made at idle turns (./lean-output); any left now are made here (their
        // functions may register more resources, and make more `apply` results).
        while (deferredApplyCount() > 0) {
            buildDeferredApplies(IDLE_BATCH);
            await new Promise((resolve) => setImmediate(resolve));
            await sdkSettings.waitForRPCs().catch((err: unknown) => failures.push(err));
        }
        // Let any rejection raised by the last RPCs surface before the run is judged.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        restorePromiseTracking();
        restoreSourcePositions();
        restoreOutputs();
        window.restore();
        process.off("unhandledRejection", onRejection);
        Object.assign(console, original);
    }
    const durationMs = performance.now() - started;
    for (const failure of failures) {
        // A RunError (config and input validation) is a user mistake: its message says it all. Anything else is a
        // bug in the program, and the stack trace helps its author.
        const message = pulumi.RunError.isInstance(failure as Error)
            ? (failure as Error).message
            : failure instanceof Error
              ? sourceMappedStack(failure.stack ?? failure.message)
              : String(failure);
        if (!monitor.errors.some((e) => message.includes(e)) && !errors.includes(message)) {
            errors.push(message);
        }
    }
    for (const token of mocks.unmodelledInvokes) {
        warnings.push(`invoke ${token} is not modelled offline; the program received an empty result`);
    }
    return {
        project: options.project,
        stack: options.stack,
        resources: inPlanOrder(monitor.records),
        outputs: monitor.stackOutputs,
        warnings,
        errors: [...monitor.errors, ...errors],
        invokeCount: monitor.invokeCount,
        durationMs,
    };
}

/**
 * The plan's listing order: the stack, then every resource by URN. Registrations complete in an order that depends on
 * when the program constructs what (a program that yields between units of work lets the first ones complete before
 * the next are constructed); the plan, its JSON and the policy gate's report must not. Sorts in place.
 */
function inPlanOrder(records: PlannedResource[]): PlannedResource[] {
    return records.sort((a, b) =>
        a.type === STACK_TYPE ? -1 : b.type === STACK_TYPE ? 1 : a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0,
    );
}

/** Plans `program` with a stack's engine settings (project, config, secret keys, disabled default providers). */
export function runStackPlan(
    engine: EngineConfig,
    stack: string,
    program: PlanOptions["program"],
    config: Record<string, string> = engine.config,
): Promise<PlanResult> {
    return runPlan({
        project: engine.project,
        stack,
        config,
        secretKeys: engine.secretKeys,
        disableDefaultProviders: engine.disableDefaultProviders,
        program,
    });
}

/** Replaces secret values (and their contents) with `"[secret]"`, resource references with their URN. */
export function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(maskSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        const sig = obj[sdkRpc.specialSigKey];
        if (sig === sdkRpc.specialSecretSig) return "[secret]";
        if (sig === sdkRpc.specialResourceSig) return obj.urn;
        if (sig === sdkRpc.specialAssetSig || sig === sdkRpc.specialArchiveSig) {
            return { asset: obj.path ?? obj.uri ?? (obj.text !== undefined ? "(text)" : "(archive)") };
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = maskSecrets(v);
        return out;
    }
    return value;
}
