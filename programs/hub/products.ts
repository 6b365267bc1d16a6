/**
 * The hub's own record types as data products of the planned catalog (model/hub-products.ts): their shapes are the
 * preprocessing Lambda's schemas (functions/preprocess/schemas.ts, the single source), passed into the model here.
 */
import { SCHEMAS } from "../../functions/preprocess/schemas";
import type { CatalogDomain } from "../../model/catalog";
import { HUB_DATASETS, HUB_DOMAIN, hubEntity } from "../../model/hub-products";

/** The hub's data product domain: one entity per hub record type that is a data product. */
export function hubCatalogDomain(): CatalogDomain {
    return { name: HUB_DOMAIN, entities: HUB_DATASETS.map((d) => hubEntity(d, SCHEMAS[d])) };
}

/**
 * The domains of a stack's planned catalog: its business domains (`cdp:domains`) and the hub's data product domain
 * (every stack has the hub). A business domain named like the hub's is rejected by the config parser.
 */
export function catalogDomains(domains: readonly CatalogDomain[]): CatalogDomain[] {
    if (domains.some((d) => d.name === HUB_DOMAIN))
        throw new Error(`catalogDomains: domain name "${HUB_DOMAIN}" is reserved for the hub's data products`);
    return [...domains.map((d) => ({ name: d.name, entities: d.entities })), hubCatalogDomain()];
}
