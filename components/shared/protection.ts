import type * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for a data store (bucket, key, catalog database, table...). With data protection on, Pulumi
 * refuses to delete it (`protect`) and, should it be removed from the program after unprotecting, leaves the
 * cloud resource in place (`retainOnDelete`).
 */
export function dataStoreOptions(
    dataProtection: boolean,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
    return dataProtection ? { ...opts, protect: true, retainOnDelete: true } : opts;
}
