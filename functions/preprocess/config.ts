/**
 * Cold-start configuration: the environment contract `preprocessEnv` (model/env/preprocess.ts), which the
 * `StreamIngest` component sets from. A misconfigured function fails loudly instead of writing data with the wrong
 * privacy treatment.
 */
import { type PreprocessConfig, preprocessEnv } from "../../model/env/preprocess";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PreprocessConfig {
    return preprocessEnv.load(env);
}
