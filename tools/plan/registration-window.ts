/**
 * Resource registrations serialized a few at a time, for the offline plan.
 *
 * A Pulumi program usually constructs its resources in one synchronous run (a loop over domains or lakes, say): each
 * constructor starts a registration and returns, and no registration can go on until the program's code returns.
 * Then every registration serializes its inputs, is answered by the plan's monitor and resolves its outputs, all of
 * them a step at a time, each step queued behind the same step of every other registration. So every registration's
 * working state (its inputs' values being serialized, the request, the response, the chains that resolve its outputs)
 * stayed alive until nearly all registrations were done: at 10,000 resources that was most of the plan's heap after
 * the program had run, and the garbage collector copied it again at each young-generation collection (V8's
 * `--trace-gc-nvp`: nearly every byte allocated then survived its first collection).
 *
 * Here a registration reaching the step that serializes its inputs (`serializeResourceProperties`, once per
 * registration, after its dependencies are known) goes on at once while fewer than `size` are between that step and
 * the monitor's answer (`answered`); later ones wait in order of arrival, and each answer lets the next one go on.
 * A registration can wait on one that is itself waiting (an input from a resource constructed later): when the event
 * loop goes idle with registrations waiting, nothing in flight can move, and the next `size` go on whatever is in
 * flight; so the window never blocks a plan. At each idle turn `idle` runs too (the lean outputs make the `apply`
 * results nobody has read: `lean-output.ts`). The plan records the same resources with the same inputs; only the
 * order in which registrations complete changes, and the plan lists them by URN (`harness.ts`, `inPlanOrder`).
 *
 * A program that yields between units of work (see the README) already lets each unit's registrations complete
 * before it constructs the next; the window does not slow it down, as it never waits for an idle turn while
 * registrations are being answered.
 */

type SerializeResourceProperties = (...args: unknown[]) => Promise<unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as { serializeResourceProperties: SerializeResourceProperties };

/**
 * Registrations between serializing and their answer at a time. Measured with the lake program at 10,000 cloud
 * resources (`npm run bench:plan`, per-resource time at 10,000 over that at 500, with the deferred `apply` results):
 * 1.03 and 1.08 with 16, against 1.6 without a window. An earlier form of the window (a fixed number admitted per
 * event-loop turn) measured alike from 8 to 64, and kept about half the gain with 1,024.
 */
export const REGISTRATION_WINDOW = 16;

/** Idle work done per turn (`idle`'s limit): `apply` results made. */
export const IDLE_BATCH = 256;

export interface RegistrationWindow {
    /** Asks for an idle turn (when `idle` has work). */
    wake(): void;
    /** The monitor answered a registration: the next waiting one goes on. */
    answered(): void;
    /** Restores the SDK's function; registrations still waiting go on at once. */
    restore(): void;
}

/**
 * Installs the window on the SDK's `serializeResourceProperties` (which `runtime/resource.js` looks up on each call).
 * `idle(limit)` does up to `limit` units of other deferred work at each idle turn and returns how many it did.
 */
export function withRegistrationWindow(
    size: number = REGISTRATION_WINDOW,
    idle: (limit: number) => number = () => 0,
): RegistrationWindow {
    if (!Number.isInteger(size) || size < 1) throw new Error(`registration window: ${size} is not a positive integer`);
    const original = sdkRpc.serializeResourceProperties;
    const waiting: Array<() => void> = [];
    let inFlight = 0;
    let scheduled: NodeJS.Immediate | undefined;

    // `setImmediate` runs once the microtasks are done: nothing admitted can move until something else goes on.
    const schedule = (): void => {
        if (scheduled === undefined) scheduled = setImmediate(turn);
    };
    const turn = (): void => {
        scheduled = undefined;
        const stalled = waiting.splice(0, size);
        inFlight = stalled.length;
        for (const go of stalled) go();
        if (idle(IDLE_BATCH) > 0 || waiting.length > 0) schedule();
    };

    sdkRpc.serializeResourceProperties = function windowed(this: unknown, ...args: unknown[]): Promise<unknown> {
        if (inFlight < size && waiting.length === 0) {
            inFlight++;
            return original.apply(this, args);
        }
        schedule();
        return new Promise<void>((resolve) => waiting.push(resolve)).then(() => original.apply(this, args));
    };
    return {
        wake: schedule,
        answered() {
            const next = waiting.shift();
            if (next === undefined) inFlight = Math.max(0, inFlight - 1);
            else next();
        },
        restore() {
            sdkRpc.serializeResourceProperties = original;
            if (scheduled !== undefined) clearImmediate(scheduled);
            scheduled = undefined;
            for (const go of waiting.splice(0)) go();
        },
    };
}
