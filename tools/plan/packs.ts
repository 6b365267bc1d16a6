import * as fs from "node:fs";
import * as path from "node:path";
import { ALL_POLICIES, PACK_NAME } from "../../policies/cdp-guardrails/policies";
import type { OfflinePack } from "./policy";

/** The platform's policy packs as the offline plan evaluates them (same definitions as the CrossGuard pack). */
export function platformPacks(): OfflinePack[] {
    const dir = path.resolve(__dirname, "..", "..", "policies", "cdp-guardrails");
    const source = fs.existsSync(path.join(dir, "package.json"))
        ? dir
        : path.resolve(__dirname, "..", "..", "..", "policies", "cdp-guardrails");
    const version = (JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8")) as { version: string })
        .version;
    return [{ name: PACK_NAME, version, enforcementLevel: "mandatory", policies: [...ALL_POLICIES] }];
}
