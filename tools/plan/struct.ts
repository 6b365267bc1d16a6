/**
 * The values a `google.protobuf.Struct` carries, without building the message. The SDK's monitor and the policy
 * analyzer exchange resource properties as `Struct` messages: the sender converts the object to a message
 * (`Struct.fromJavaScript`, one message object per property, list item and nested object) and the receiver converts
 * it back (`toJavaScript`), the analyzer once for every policy that looks at a resource. In one process, the plan can
 * hand over what that round trip yields instead: the same data, with each object's keys in the order the message's map
 * lists them (sorted), and an error where the message would refuse a value. That saves most of the plan's and the
 * policy gate's time per resource and the garbage the messages leave.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
    Struct: { fromJavaScript(value: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } };
};

/** The exact round trip through a `Struct` message: for the values the fast path below leaves to it. */
function viaMessage(value: unknown): unknown {
    return Struct.fromJavaScript({ value } as Record<string, unknown>).toJavaScript().value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

/**
 * What `value` becomes after `Value.fromJavaScript(value).toJavaScript()`: strings, numbers, booleans and null as they
 * are; arrays and plain objects copied, each object's keys in sorted order (the message's map sorts them); anything
 * else (class instances, `undefined`, functions...) through a real message, so it converts, or fails, exactly as the
 * message would.
 */
export function structValue(value: unknown): unknown {
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        return value;
    }
    if (typeof value !== "object") return viaMessage(value);
    if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = structValue(value[i]);
        return out;
    }
    if (!isPlainObject(value)) return viaMessage(value);
    const keys = Object.keys(value);
    // The message stores its map in a plain object: that key would not survive it.
    if (keys.includes("__proto__")) return viaMessage(value);
    keys.sort();
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = structValue(value[key]);
    return out;
}

/** `structValue` of a property bag (a resource's inputs or outputs), as `Struct.fromJavaScript(o).toJavaScript()`. */
export function structObject(properties: Record<string, unknown>): Record<string, unknown> {
    return structValue(properties) as Record<string, unknown>;
}

/** A stand-in for a `Struct` message whose `toJavaScript()` is `value` (already in the form the round trip yields). */
export function structOf(value: Record<string, unknown>): { toJavaScript(): Record<string, unknown> } {
    return { toJavaScript: () => value };
}
