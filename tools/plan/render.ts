import type { PlanDocument } from "./document";

type Doc = PlanDocument;
type Res = Doc["resources"][number];

/** The physical name or id worth showing for a resource. */
function physical(r: Res): string {
    const o = r.outputs;
    // Only resources with an identity of their own (an ARN); configuration sub-resources repeat their parent's.
    if (typeof o.arn !== "string") return "";
    const value = o.bucket ?? o.name ?? o.arn;
    return typeof value === "string" ? value : "";
}

function flags(r: Res): string {
    const f: string[] = [];
    if (r.protect) f.push("protected");
    if (r.retainOnDelete) f.push("retain");
    return f.length ? `  [${f.join(", ")}]` : "";
}

/** The human-readable plan: accounts → components → resources, counts by type, outputs, warnings, summary. */
export function renderPlan(doc: Doc, options: { color?: boolean; quiet?: boolean } = {}): string {
    const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[0m` : s);
    const dim = (s: string) => (options.color ? `\x1b[2m${s}\x1b[0m` : s);
    const lines: string[] = [];
    lines.push(
        bold(`Offline plan of ${doc.project}/${doc.stack}`) + dim("  (Pulumi runtime mocks: nothing was sent to AWS)"),
    );
    lines.push("");
    const children = new Map<string, Res[]>();
    for (const r of doc.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const stack = doc.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const topLevel = stack ? (children.get(stack.urn) ?? []) : doc.resources.filter((r) => !r.parent);
    const printTree = (r: Res, depth: number) => {
        const name = physical(r);
        lines.push(
            `${"  ".repeat(depth)}${r.custom ? "" : "▸ "}${r.type}  ${bold(r.name)}${name && name !== r.name ? dim(`  → ${name}`) : ""}${flags(r)}`,
        );
        for (const c of children.get(r.urn) ?? []) printTree(c, depth + 1);
    };
    const byAccount = new Map<string, Res[]>();
    if (options.quiet) topLevel.length = 0;
    for (const r of topLevel) {
        const list = byAccount.get(r.account) ?? [];
        list.push(r);
        byAccount.set(r.account, list);
    }
    for (const [account, roots] of byAccount) {
        const info = doc.accounts.find((a) => a.accountId === account);
        const how = info?.roleArn ? `assume ${info.roleArn}` : "ambient credentials";
        lines.push(
            bold(account ? `Account ${account}` : "Not tied to one account") +
                (info ? dim(`  ${info.region}, ${how}`) : ""),
        );
        for (const r of roots) printTree(r, 1);
        lines.push("");
    }
    if (!options.quiet) {
        lines.push(bold(`Resources by type (${doc.summary.resources})`));
        for (const [type, count] of Object.entries(doc.summary.byType)) {
            lines.push(`  ${String(count).padStart(4)}  ${type}`);
        }
        lines.push("");
        lines.push(bold("Stack outputs"));
        const outputs = Object.entries(doc.outputs);
        if (outputs.length === 0) lines.push("  (none)");
        for (const [k, v] of outputs) {
            lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
        }
        lines.push("");
    }
    if (doc.policy) {
        const p = doc.policy;
        const packs = p.packs.map((x) => `${x.name}@${x.version}`).join(", ");
        lines.push(bold(`Policy violations: ${p.mandatory} mandatory, ${p.advisory} advisory`) + dim(`  (${packs})`));
        if (p.violations.length === 0) lines.push("  (none)");
        const order = (v: { enforcement: string }) => (v.enforcement === "mandatory" ? 0 : 1);
        for (const v of [...p.violations].sort((a, b) => order(a) - order(b) || a.policy.localeCompare(b.policy))) {
            // The analyzer prefixes the policy description; the table shows it once, via the policy name.
            const detail = v.message.includes("\n") ? v.message.slice(v.message.indexOf("\n") + 1) : v.message;
            lines.push(`  ${v.enforcement.toUpperCase().padEnd(9)}  ${v.severity.padEnd(8)}  ${bold(v.policy)}`);
            lines.push(`    resource: ${v.urn || "(stack)"}`);
            lines.push(`    problem:  ${detail}`);
            if (v.remediation) lines.push(`    fix:      ${v.remediation}`);
        }
        lines.push("");
    }
    if (doc.warnings.length) {
        lines.push(bold(`Warnings (${doc.warnings.length})`));
        for (const w of doc.warnings) lines.push(`  - ${w}`);
        lines.push("");
    }
    if (doc.errors.length) {
        lines.push(bold(`Errors (${doc.errors.length})`));
        for (const e of doc.errors) lines.push(`  - ${e}`);
        lines.push("");
    }
    const s = doc.summary;
    lines.push(
        bold("Summary: ") +
            `${s.resources} resources (${s.custom} cloud resources, ${s.components} components, ${s.providers} providers), ${s.protected} protected, ` +
            `${doc.accounts.length} account(s); ${s.invokes} invokes; ${(s.durationMs / 1000).toFixed(2)} s`,
    );
    return lines.join("\n");
}
