/**
 * Imported first by the plan's entry points: lets Node keep the compiled code of the modules it loads (the Pulumi
 * SDK and providers are several hundred modules) in its on-disk compile cache, so a plan starts faster from the
 * second run on. Where the cache cannot be used, nothing changes. `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 */
import * as nodeModule from "node:module";

nodeModule.enableCompileCache?.();
