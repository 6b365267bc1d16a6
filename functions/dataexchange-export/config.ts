/**
 * Cold-start configuration: the environment contract `dataExchangeExportEnv` (model/env/dataexchange-export.ts), which
 * the `ThirdPartyFeed` component sets from. A misconfigured exporter fails loudly, every error naming its variable,
 * instead of writing third-party data to the wrong place or with the wrong key.
 */
import { dataExchangeExportEnv, type ExportConfig } from "../../model/env/dataexchange-export";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExportConfig {
    return dataExchangeExportEnv.load(env);
}

/**
 * The S3 key pattern of a dataset's exports. `${...}` are Data Exchange
 * dynamic references resolved per asset at export time (documented set:
 * Asset.Id, Asset.Name, DataSet.Id, DataSet.Name, Revision.CreatedAt[.Year|.Month|.Day],
 * Revision.Id). `${Revision.Id}` keeps every revision in its own folder, so
 * assets with the same name in different revisions never overwrite each other.
 */
export function keyPatternFor(prefix: string, dataset: string): string {
    return (
        `${prefix}/${dataset}/` +
        "year=${Revision.CreatedAt.Year}/month=${Revision.CreatedAt.Month}/day=${Revision.CreatedAt.Day}/" +
        "revision=${Revision.Id}/${Asset.Name}"
    );
}
