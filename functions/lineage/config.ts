/**
 * Cold-start configuration: the environment contract `lineageEnv` (model/env/lineage.ts), which the `LineageWriter`
 * component sets from. A misconfigured writer fails loudly, every error naming its variable.
 */
import { type LineageConfig, lineageEnv } from "../../model/env/lineage";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LineageConfig {
    return lineageEnv.load(env);
}
