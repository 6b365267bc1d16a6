/**
 * Cold-start configuration: the environment contract `domainApiEnv` (model/env/domain-api.ts), which the
 * `PublishingApi` component sets from. A misconfigured function fails loudly, naming the variable, instead of
 * answering requests against the wrong tables.
 */
import { type DomainApiConfig, domainApiEnv } from "../../model/env/domain-api";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DomainApiConfig {
    return domainApiEnv.load(env);
}
