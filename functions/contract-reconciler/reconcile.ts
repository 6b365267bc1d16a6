/**
 * Reconciling one contract: re-read its item with a consistent read (never the stream image, so a replayed or
 * out-of-order record converges on the latest version), validate it, compute the grants it approves
 * (`desiredGrants`, the function the registry declares for the access proof) and converge Lake Formation on them for
 * every consumer principal the reconciler manages. Revokes come before grants: a narrowed contract never leaves a
 * consumer with more than either version approved.
 */
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { LakeFormationApproval } from "../../model/access";
import { tableName } from "../../model/catalog";
import {
    CONTRACTS_TABLE_KEY,
    type ContractIssue,
    dataCellsFilterName,
    desiredGrants,
    formatContractIssue,
    validateContract,
} from "../../model/contracts";
import type { ReconcilerConfig } from "../../model/env/contract-reconciler";
import {
    type CurrentGrant,
    columnsResource,
    currentGrants,
    deleteFilter,
    ensureFilter,
    filterResource,
    grantSelect,
    type LakeFormationApi,
    revokeSelect,
    type TableRef,
} from "./lakeformation";

export type ChangeAction = "granted" | "revoked" | "filter-created" | "filter-updated" | "filter-deleted";

/** One change the reconciler made in Lake Formation (each becomes an audit event). */
export interface Change {
    readonly action: ChangeAction;
    readonly consumer: string;
    readonly principal: string;
    readonly database: string;
    readonly table: string;
    readonly columns?: string[];
    readonly filter?: string;
    readonly rowFilter?: string;
}

export interface Outcome {
    readonly contractId: string;
    /** applied: a valid active or withdrawn contract; removed: no item; rejected: invalid (nothing granted). */
    readonly status: "applied" | "removed" | "rejected";
    readonly version?: string;
    readonly reasons: string[];
    /** Approved consumers this deployment does not configure (granted in other stacks only). */
    readonly skipped: string[];
    readonly changes: Change[];
    /** Item reads it took for the item to stay the same across a pass. */
    readonly passes: number;
}

export interface ReconcileDependencies {
    readonly config: ReconcilerConfig;
    readonly dynamodb: Pick<DynamoDBClient, "send">;
    /** Lake Formation: permissions. */
    readonly lakeFormation: LakeFormationApi;
    /** Lake Formation: data cells filter definitions (the same client in production). */
    readonly filters: LakeFormationApi;
}

/** A record whose contract id cannot be reconciled (not `<domain>.<dataset>` of a known domain). */
export class UnknownContractError extends Error {}

interface ItemRead {
    readonly fingerprint: string;
    readonly skipped: string[];
    readonly desired: LakeFormationApproval[];
    readonly status: Outcome["status"];
    readonly version?: string;
    readonly reasons: string[];
}

async function readItem(deps: ReconcileDependencies, id: string, domain: string, dataset: string): Promise<ItemRead> {
    const { Item } = await deps.dynamodb.send(
        new GetItemCommand({
            TableName: deps.config.table,
            Key: { [CONTRACTS_TABLE_KEY]: { S: id } },
            ConsistentRead: true,
        }),
    );
    if (!Item) return { fingerprint: "", desired: [], status: "removed", reasons: [], skipped: [] };
    const text = Item.document?.S;
    const file = Item.file?.S ?? `${domain}/${dataset}.yaml`;
    let doc: unknown;
    const reasons: ContractIssue[] = [];
    try {
        doc = JSON.parse(text ?? "");
    } catch {
        reasons.push({ file, path: "$", value: text, expected: "the contract document as JSON (attribute document)" });
    }
    const result = reasons.length > 0 ? { issues: reasons } : validateContract(file, doc);
    const issues = [...result.issues];
    const c = "contract" in result ? result.contract : undefined;
    if (c && (c.domain !== domain || c.dataset !== dataset))
        issues.push({ file, path: "$.dataset", value: `${c.domain}.${c.dataset}`, expected: `the item's key ${id}` });
    if (!c || issues.length > 0)
        return {
            fingerprint: text ?? "",
            skipped: [],
            desired: [],
            status: "rejected",
            reasons: issues.map(formatContractIssue),
            version: Item.version?.S,
        };
    return {
        fingerprint: text ?? "",
        desired: desiredGrants(c, deps.config),
        skipped: c.consumers.map((x) => x.name).filter((n) => !(n in deps.config.consumers)),
        status: "applied",
        version: c.version,
        reasons: [],
    };
}

/** Converges Lake Formation on contract `id`; repeats while the item changes under it (at most 3 passes). */
export async function reconcileContract(deps: ReconcileDependencies, id: string): Promise<Outcome> {
    const dot = id.indexOf(".");
    const domain = id.slice(0, dot);
    const dataset = id.slice(dot + 1);
    const database = deps.config.databases[domain];
    if (dot <= 0 || database === undefined)
        throw new UnknownContractError(
            `contract ${JSON.stringify(id)}: not <domain>.<dataset> of a configured domain (${Object.keys(deps.config.databases).join(", ")})`,
        );
    const ref: TableRef = { catalogId: deps.config.catalogId, database, table: tableName(dataset) };
    const changes: Change[] = [];
    let read = await readItem(deps, id, domain, dataset);
    for (let pass = 1; ; pass++) {
        changes.push(...(await converge(deps, ref, read.desired)));
        const again = await readItem(deps, id, domain, dataset);
        if (again.fingerprint === read.fingerprint || pass >= 3) {
            return {
                contractId: id,
                status: again.status,
                version: again.version,
                reasons: again.reasons,
                skipped: again.skipped,
                changes,
                passes: pass,
            };
        }
        read = again;
    }
}

const sameColumns = (a: readonly string[] | undefined, b: readonly string[]) =>
    a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

async function converge(
    deps: ReconcileDependencies,
    ref: TableRef,
    desired: readonly LakeFormationApproval[],
): Promise<Change[]> {
    const consumers = Object.entries(deps.config.consumers);
    const principals = new Set(consumers.map(([, arn]) => arn));
    const current = await currentGrants(deps.lakeFormation, ref, principals);
    const changes: Change[] = [];
    for (const [consumer, principal] of consumers) {
        const want = desired.find((d) => d.principal === principal);
        const have = current.filter((g) => g.principal === principal);
        const filterName = dataCellsFilterName(consumer);
        const base = { consumer, principal, database: ref.database, table: ref.table };
        const keep = (g: CurrentGrant): boolean =>
            want !== undefined &&
            (want.rowFilter === undefined ? sameColumns(g.columns, want.columns) : g.filter === filterName);
        // Revoke first: never more than either version approves.
        for (const g of have.filter((x) => !keep(x))) {
            await revokeSelect(deps.lakeFormation, ref, g);
            changes.push({
                ...base,
                action: "revoked",
                ...(g.columns ? { columns: g.columns } : { filter: g.filter }),
            });
        }
        if (want?.rowFilter !== undefined) {
            const done = await ensureFilter(deps.filters, ref, {
                name: filterName,
                columns: want.columns,
                rowFilter: want.rowFilter,
            });
            if (done !== "unchanged")
                changes.push({
                    ...base,
                    action: `filter-${done}`,
                    filter: filterName,
                    columns: want.columns,
                    rowFilter: want.rowFilter,
                });
        } else {
            // No row filter approved: the consumer's filter (if an earlier version had one) goes, after its grant.
            if (await deleteFilter(deps.filters, ref, filterName))
                changes.push({ ...base, action: "filter-deleted", filter: filterName });
        }
        if (want && !have.some(keep)) {
            const resource =
                want.rowFilter === undefined ? columnsResource(ref, want.columns) : filterResource(ref, filterName);
            await grantSelect(deps.lakeFormation, ref, principal, resource);
            changes.push({
                ...base,
                action: "granted",
                columns: want.columns,
                ...(want.rowFilter === undefined ? {} : { filter: filterName, rowFilter: want.rowFilter }),
            });
        }
    }
    return changes;
}
