/**
 * Cold-start configuration: the environment contract `changePublisherEnv` (model/env/change-publisher.ts), which the
 * `ChangePublisher` component sets from. A misconfigured publisher fails loudly, every error naming its variable.
 */
import { changePublisherEnv, type PublisherConfig } from "../../model/env/change-publisher";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PublisherConfig {
    return changePublisherEnv.load(env);
}
