/**
 * Firehose's S3 prefix template language, as far as the local path supports
 * it: `!{partitionKeyFromLambda:key}`, `!{timestamp:fmt}` (UTC, Java
 * DateTimeFormatter letters), `!{firehose:random-string}` and, in the error
 * output prefix only, `!{firehose:error-output-type}`.
 */
import { randomUUID } from "node:crypto";

/** Error output types (`!{firehose:error-output-type}`). */
export type ErrorOutputType = "processing-failed" | "partitioning-failed";

/** One piece of a parsed template. */
export type TemplatePart =
    | { readonly kind: "text"; readonly text: string }
    | { readonly kind: "partitionKey"; readonly key: string }
    | { readonly kind: "timestamp"; readonly format: string }
    | { readonly kind: "errorOutputType" }
    | { readonly kind: "randomString" };

const EXPRESSION = /!\{([^}]*)\}/g;

/** Parses a Firehose prefix template; unsupported namespaces are an error. */
export function parseTemplate(template: string, isErrorPrefix: boolean): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let last = 0;
    for (const match of template.matchAll(EXPRESSION)) {
        if (match.index > last) parts.push({ kind: "text", text: template.slice(last, match.index) });
        last = match.index + match[0].length;
        const body = match[1];
        const colon = body.indexOf(":");
        const namespace = colon < 0 ? body : body.slice(0, colon);
        const argument = colon < 0 ? "" : body.slice(colon + 1);
        if (namespace === "partitionKeyFromLambda" && !isErrorPrefix && /^[A-Za-z0-9_-]+$/.test(argument)) {
            parts.push({ kind: "partitionKey", key: argument });
        } else if (namespace === "timestamp" && argument !== "") {
            parts.push({ kind: "timestamp", format: argument });
        } else if (body === "firehose:error-output-type" && isErrorPrefix) {
            parts.push({ kind: "errorOutputType" });
        } else if (body === "firehose:random-string") {
            parts.push({ kind: "randomString" });
        } else {
            throw new Error(
                `unsupported expression "${match[0]}" in ${isErrorPrefix ? "error output " : ""}prefix "${template}"`,
            );
        }
    }
    if (last < template.length) parts.push({ kind: "text", text: template.slice(last) });
    return parts;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Formats epoch milliseconds (UTC) with the Java DateTimeFormatter letters yyyy MM dd HH mm ss SSS. */
export function formatUtc(format: string, epochMs: number): string {
    const d = new Date(epochMs);
    const values: Record<string, string> = {
        yyyy: String(d.getUTCFullYear()),
        MM: pad(d.getUTCMonth() + 1),
        dd: pad(d.getUTCDate()),
        HH: pad(d.getUTCHours()),
        mm: pad(d.getUTCMinutes()),
        ss: pad(d.getUTCSeconds()),
        SSS: pad(d.getUTCMilliseconds(), 3),
    };
    return format.replace(/yyyy|MM|dd|HH|mm|ss|SSS/g, (token) => values[token]);
}

/** A partition value must be a usable key segment. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: a key segment must not contain control characters, so they are matched on purpose.
const SAFE_PARTITION_VALUE = /^(?!\.{1,2}$)[^/\\\x00-\x1f\x7f]{1,512}$/;

/** The values a template is evaluated with. */
export interface PrefixContext {
    readonly partitionKeys?: Readonly<Record<string, string>>;
    /** Epoch milliseconds, for `!{timestamp:…}`. */
    readonly oldestArrival: number;
    readonly errorOutputType?: ErrorOutputType;
}

/** Evaluates a parsed template; returns an error text for a missing/unsafe partition key. */
export function evaluateTemplate(
    parts: readonly TemplatePart[],
    ctx: PrefixContext,
): { prefix: string } | { error: string } {
    let prefix = "";
    for (const part of parts) {
        switch (part.kind) {
            case "text":
                prefix += part.text;
                break;
            case "partitionKey": {
                const value = ctx.partitionKeys?.[part.key];
                if (value === undefined)
                    return { error: `partition key "${part.key}" missing from the Lambda metadata` };
                if (!SAFE_PARTITION_VALUE.test(value))
                    return { error: `partition key "${part.key}" has an unusable value` };
                prefix += value;
                break;
            }
            case "timestamp":
                prefix += formatUtc(part.format, ctx.oldestArrival);
                break;
            case "errorOutputType":
                prefix += ctx.errorOutputType ?? "";
                break;
            case "randomString":
                prefix += randomUUID().replace(/-/g, "").slice(0, 11);
                break;
        }
    }
    return { prefix };
}
