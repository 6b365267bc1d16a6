/**
 * The Lake Formation side of the reconciler: what a table's contract grants are now (ListPermissions), granting and
 * revoking SELECT on column lists and data cells filters, and the filters themselves. Revokes name the resource
 * exactly as ListPermissions returned it; a revoke or create that loses a race with another invocation is checked
 * against a fresh listing instead of trusting an error message.
 */
import {
    CreateDataCellsFilterCommand,
    type DataCellsFilter,
    DeleteDataCellsFilterCommand,
    GetDataCellsFilterCommand,
    GrantPermissionsCommand,
    type LakeFormationClient,
    ListPermissionsCommand,
    type PrincipalResourcePermissions,
    type Resource,
    RevokePermissionsCommand,
    UpdateDataCellsFilterCommand,
} from "@aws-sdk/client-lakeformation";
import { DATA_CELLS_FILTER_PREFIX } from "../../model/contracts";

export type LakeFormationApi = Pick<LakeFormationClient, "send">;

/** One SELECT a managed principal holds on the table: on a column list, or through a data cells filter. */
export interface CurrentGrant {
    readonly principal: string;
    /** The resource as ListPermissions returned it (what a revoke must name). */
    readonly resource: Resource;
    /** Sorted column names of a column grant. */
    readonly columns?: string[];
    /** Name of the data cells filter of a filter grant. */
    readonly filter?: string;
}

export interface TableRef {
    readonly catalogId: string;
    readonly database: string;
    readonly table: string;
}

/**
 * The SELECT grants `principals` hold on the table's columns or on the reconciler's data cells filters of the table.
 * ListPermissions is called without a resource and filtered here: with a table resource the API (and moto) leave out
 * column and filter grants, and a caller that is not a data lake administrator sees only the permissions it can grant
 * ("ListPermissions", Lake Formation API Reference:
 * https://docs.aws.amazon.com/lake-formation/latest/APIReference/API_ListPermissions.html).
 */
export async function currentGrants(
    lf: LakeFormationApi,
    ref: TableRef,
    principals: ReadonlySet<string>,
): Promise<CurrentGrant[]> {
    const out: CurrentGrant[] = [];
    let token: string | undefined;
    do {
        const page = await lf.send(
            new ListPermissionsCommand({ CatalogId: ref.catalogId, NextToken: token, MaxResults: 100 }),
        );
        for (const p of page.PrincipalResourcePermissions ?? []) {
            const grant = toGrant(p, ref, principals);
            if (grant) out.push(grant);
        }
        token = page.NextToken;
    } while (token);
    return out;
}

function toGrant(
    p: PrincipalResourcePermissions,
    ref: TableRef,
    principals: ReadonlySet<string>,
): CurrentGrant | undefined {
    const principal = p.Principal?.DataLakePrincipalIdentifier;
    if (!principal || !principals.has(principal) || !(p.Permissions ?? []).includes("SELECT") || !p.Resource)
        return undefined;
    const cols = p.Resource.TableWithColumns;
    if (
        cols &&
        cols.DatabaseName === ref.database &&
        cols.Name === ref.table &&
        (cols.CatalogId ?? ref.catalogId) === ref.catalogId
    ) {
        return {
            principal,
            resource: p.Resource,
            columns: cols.ColumnNames ? [...cols.ColumnNames].sort() : undefined,
        };
    }
    const f = p.Resource.DataCellsFilter;
    if (
        f?.Name?.startsWith(DATA_CELLS_FILTER_PREFIX) &&
        f.DatabaseName === ref.database &&
        f.TableName === ref.table &&
        (f.TableCatalogId ?? ref.catalogId) === ref.catalogId
    ) {
        return { principal, resource: p.Resource, filter: f.Name };
    }
    return undefined;
}

export function columnsResource(ref: TableRef, columns: readonly string[]): Resource {
    return {
        TableWithColumns: {
            CatalogId: ref.catalogId,
            DatabaseName: ref.database,
            Name: ref.table,
            ColumnNames: [...columns],
        },
    };
}

export function filterResource(ref: TableRef, name: string): Resource {
    return {
        DataCellsFilter: {
            TableCatalogId: ref.catalogId,
            DatabaseName: ref.database,
            TableName: ref.table,
            Name: name,
        },
    };
}

export async function grantSelect(
    lf: LakeFormationApi,
    ref: TableRef,
    principal: string,
    resource: Resource,
): Promise<void> {
    await lf.send(
        new GrantPermissionsCommand({
            CatalogId: ref.catalogId,
            Principal: { DataLakePrincipalIdentifier: principal },
            Resource: resource,
            Permissions: ["SELECT"],
        }),
    );
}

/** Revokes SELECT; an error is ignored when a fresh listing shows the grant gone (another invocation revoked it). */
export async function revokeSelect(lf: LakeFormationApi, ref: TableRef, grant: CurrentGrant): Promise<void> {
    try {
        await lf.send(
            new RevokePermissionsCommand({
                CatalogId: ref.catalogId,
                Principal: { DataLakePrincipalIdentifier: grant.principal },
                Resource: grant.resource,
                Permissions: ["SELECT"],
            }),
        );
    } catch (error) {
        const still = await currentGrants(lf, ref, new Set([grant.principal]));
        if (still.some((g) => JSON.stringify(g.resource) === JSON.stringify(grant.resource))) throw error;
    }
}

export interface FilterSpec {
    readonly name: string;
    readonly columns: readonly string[];
    readonly rowFilter: string;
}

const sameFilter = (f: DataCellsFilter | undefined, spec: FilterSpec): boolean =>
    f !== undefined &&
    f.RowFilter?.FilterExpression === spec.rowFilter &&
    JSON.stringify([...(f.ColumnNames ?? [])].sort()) === JSON.stringify([...spec.columns].sort());

async function getFilter(lf: LakeFormationApi, ref: TableRef, name: string): Promise<DataCellsFilter | undefined> {
    try {
        const out = await lf.send(
            new GetDataCellsFilterCommand({
                TableCatalogId: ref.catalogId,
                DatabaseName: ref.database,
                TableName: ref.table,
                Name: name,
            }),
        );
        return out.DataCellsFilter;
    } catch (error) {
        if ((error as Error).name === "EntityNotFoundException") return undefined;
        throw error;
    }
}

/**
 * Makes the data cells filter `spec.name` of the table exist with exactly the columns and row filter ("Data filtering
 * and cell-level security", Lake Formation Developer Guide:
 * https://docs.aws.amazon.com/lake-formation/latest/dg/data-filtering.html). Returns what it did.
 */
export async function ensureFilter(
    lf: LakeFormationApi,
    ref: TableRef,
    spec: FilterSpec,
): Promise<"created" | "updated" | "unchanged"> {
    const tableData = (): DataCellsFilter => ({
        TableCatalogId: ref.catalogId,
        DatabaseName: ref.database,
        TableName: ref.table,
        Name: spec.name,
        ColumnNames: [...spec.columns],
        RowFilter: { FilterExpression: spec.rowFilter },
    });
    const existing = await getFilter(lf, ref, spec.name);
    if (sameFilter(existing, spec)) return "unchanged";
    if (existing === undefined) {
        try {
            await lf.send(new CreateDataCellsFilterCommand({ TableData: tableData() }));
            return "created";
        } catch (error) {
            if ((error as Error).name !== "AlreadyExistsException") throw error;
            // Another invocation created it: fall through to the update (the definition converges).
        }
    }
    const now = await getFilter(lf, ref, spec.name);
    if (sameFilter(now, spec)) return "unchanged";
    await lf.send(new UpdateDataCellsFilterCommand({ TableData: { ...tableData(), VersionId: now?.VersionId } }));
    return "updated";
}

/** Deletes the filter if it exists; returns whether it did. */
export async function deleteFilter(lf: LakeFormationApi, ref: TableRef, name: string): Promise<boolean> {
    try {
        await lf.send(
            new DeleteDataCellsFilterCommand({
                TableCatalogId: ref.catalogId,
                DatabaseName: ref.database,
                TableName: ref.table,
                Name: name,
            }),
        );
        return true;
    } catch (error) {
        if ((error as Error).name === "EntityNotFoundException") return false;
        throw error;
    }
}
