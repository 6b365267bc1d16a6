/**
 * Lake Formation in the access proof: the planned catalog (Glue databases and tables with their columns), LF-tags on
 * databases, tables and columns, data lake settings, grants (`aws.lakeformation.Permissions`: named resources, column
 * lists, LF-tag expressions, data cells filters, data locations), and what the governance plane declares (who each
 * principal is: `lakeFormationPrincipals`; what the data contracts will grant: `lakeFormationApprovals`). Lake
 * Formation permissions are not IAM policies, so they are evaluated here, by Lake Formation's documented rules, not by
 * the IAM simulator:
 *
 * - A catalog resource belongs to the catalog of its `catalogId`, by default the account of its provider.
 * - LF-tags inherit: a table has its database's tags unless it has its own value for the key, a column its table's
 *   ("Assigning LF-Tags to Data Catalog resources": https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-assigning-tags.html).
 * - A resource matches an LF-tag expression when, for every key of the expression, its value for that key is one of
 *   the listed values; keys and values are stored in lower case ("Lake Formation tag-based access control notes and
 *   restrictions": https://docs.aws.amazon.com/lake-formation/latest/dg/TBAC-notes.html). A TABLE grant by expression
 *   reaches the columns whose tags match; when only some do, ALTER, DROP, INSERT and DELETE become DESCRIBE and ALL
 *   becomes SELECT and DESCRIBE (same page).
 * - Data lake administrators can grant themselves anything in their catalog; read-only administrators describe
 *   everything ("Implicit Lake Formation permissions": https://docs.aws.amazon.com/lake-formation/latest/dg/implicit-permissions.html).
 * - A grant to an account reaches every principal of that account, through its own data lake administrators
 *   ("Granting permissions on Data Catalog resources across accounts":
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-permissions.html).
 * - `IAMAllowedPrincipals` hands the decision back to IAM: the account defaults grant it ALL on new databases and
 *   tables unless the data lake settings say otherwise, and apply only to databases and tables created after the
 *   settings ("Changing the default settings for your data lake":
 *   https://docs.aws.amazon.com/lake-formation/latest/dg/change-settings.html).
 */
import {
    LF_APPROVALS_OUTPUT,
    LF_PRINCIPALS_OUTPUT,
    type LakeFormationApproval,
    type LakeFormationPrincipal,
} from "../../../model/access";
import type { PlannedResource, PlanResult } from "../harness";

export const IAM_ALLOWED_PRINCIPALS = "IAM_ALLOWED_PRINCIPALS";

export type TagMap = Map<string, string>;

export interface LfDatabase {
    catalogId: string;
    name: string;
    urn: string;
    tags: TagMap;
    /** `createTableDefaultPermissions` principals with their permissions. */
    tableDefaults: Array<{ principal: string; permissions: string[] }>;
}

export interface LfTable {
    catalogId: string;
    database: string;
    name: string;
    urn: string;
    /** Columns then partition keys (lower case); empty when the plan does not know them. */
    columns: string[];
    /** Columns the Glue schema marks as personal data (comment or parameter `pii`). */
    glueSensitive: Set<string>;
    tags: TagMap;
    columnTags: Map<string, TagMap>;
}

export interface LfSettings {
    catalogId: string;
    urn: string;
    name: string;
    admins: string[];
    readOnlyAdmins: string[];
    databaseDefaults: Array<{ principal: string; permissions: string[] }>;
    tableDefaults: Array<{ principal: string; permissions: string[] }>;
}

export interface LfCellsFilter {
    catalogId: string;
    database: string;
    table: string;
    name: string;
    include?: string[];
    exclude?: string[];
    /** PartiQL row filter; undefined: all rows. */
    rowFilter?: string;
}

export type LfTarget =
    | { kind: "catalog" }
    | { kind: "database"; database: string }
    | { kind: "table"; database: string; table?: string; wildcard: boolean }
    | { kind: "columns"; database: string; table: string; include?: string[]; exclude?: string[] }
    | { kind: "tag-policy"; resourceType: "DATABASE" | "TABLE"; expression: Array<{ key: string; values: string[] }> }
    | { kind: "cells"; database: string; table: string; filter: string }
    | { kind: "location"; arn: string }
    | { kind: "lf-tag"; key: string; values: string[] };

export interface LfGrant {
    /** Logical name of the Permissions resource, or `contract <id>` for an approval. */
    id: string;
    urn: string;
    principal: string;
    catalogId: string;
    permissions: Set<string>;
    grantable: Set<string>;
    target: LfTarget;
    /** Contract approvals with a row filter (the reconciler grants a data cells filter). */
    rowFilter?: string;
    fromContract?: boolean;
}

export interface LakeFormationModel {
    settings: Map<string, LfSettings>;
    databases: Map<string, LfDatabase>;
    tables: Map<string, LfTable>;
    filters: Map<string, LfCellsFilter>;
    grants: LfGrant[];
    /** Declared principals (by principal string). */
    declared: Map<string, LakeFormationPrincipal>;
    approvals: LakeFormationApproval[];
    /** Registered data locations. */
    locations: Array<{ arn: string; catalogId: string; urn: string; name: string; hybrid: boolean }>;
    /** Catalog databases and tables created in an account whose settings they do not wait for. */
    beforeSettings: string[];
    /** Accounts that plan catalog databases or tables. */
    catalogAccounts: Set<string>;
    issues: string[];
    notes: string[];
    unknowns: string[];
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const lc = (s: string) => s.toLowerCase();
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
const obj = (v: unknown): Record<string, unknown> | undefined => {
    const x = Array.isArray(v) ? v[0] : v;
    return x && typeof x === "object" ? (x as Record<string, unknown>) : undefined;
};
export const dbKey = (catalogId: string, database: string) => `${catalogId}/${lc(database)}`;
export const tableKey = (catalogId: string, database: string, table: string) =>
    `${catalogId}/${lc(database)}/${lc(table)}`;

/** Collects the Lake Formation model of a plan. `accountOf` gives each resource's account. */
export function collectLakeFormation(
    result: PlanResult,
    accountOf: (r: PlannedResource) => string,
): LakeFormationModel {
    const m: LakeFormationModel = {
        settings: new Map(),
        databases: new Map(),
        tables: new Map(),
        filters: new Map(),
        grants: [],
        declared: new Map(),
        approvals: [],
        locations: [],
        beforeSettings: [],
        catalogAccounts: new Set(),
        issues: [],
        notes: [],
        unknowns: [],
    };
    const byType = new Map<string, PlannedResource[]>();
    for (const r of result.resources) {
        if (!r.custom) {
            collectDeclarations(r, m);
            continue;
        }
        if (!r.type.startsWith("aws:lakeformation/") && !r.type.startsWith("aws:glue/catalog")) continue;
        if (JSON.stringify(r.inputs).includes(UNKNOWN)) {
            m.unknowns.push(`${r.type.split(":").pop()} ${r.name}: inputs not known offline (${r.urn})`);
            continue;
        }
        const list = byType.get(r.type) ?? [];
        list.push(r);
        byType.set(r.type, list);
    }
    const of = (t: string) => byType.get(t) ?? [];
    /** The catalog of a block (its own catalogId, the resource's, else the provider's account). */
    const catalog = (r: PlannedResource, block?: Record<string, unknown>) =>
        str(block?.catalogId) ?? str(block?.tableCatalogId) ?? str(r.inputs.catalogId) ?? accountOf(r);
    const defaults = (v: unknown) =>
        (Array.isArray(v) ? v : []).map((e: Record<string, unknown>) => ({
            principal: str(e.principal) ?? str(obj(e.principal)?.dataLakePrincipalIdentifier) ?? "(no principal)",
            permissions: strings(e.permissions),
        }));

    for (const r of of("aws:lakeformation/dataLakeSettings:DataLakeSettings")) {
        const catalogId = catalog(r);
        const twice = m.settings.get(catalogId);
        if (twice)
            m.issues.push(
                `DataLakeSettings ${r.name} and ${twice.name} both set catalog ${catalogId}'s settings: the last applied wins`,
            );
        m.settings.set(catalogId, {
            catalogId,
            urn: r.urn,
            name: r.name,
            admins: strings(r.inputs.admins),
            readOnlyAdmins: strings(r.inputs.readOnlyAdmins),
            databaseDefaults: defaults(r.inputs.createDatabaseDefaultPermissions),
            tableDefaults: defaults(r.inputs.createTableDefaultPermissions),
        });
    }
    const catalogResources: PlannedResource[] = [];
    for (const r of of("aws:glue/catalogDatabase:CatalogDatabase")) {
        const name = str(r.inputs.name) ?? str(r.outputs.name);
        if (!name) continue;
        const catalogId = catalog(r);
        m.databases.set(dbKey(catalogId, name), {
            catalogId,
            name: lc(name),
            urn: r.urn,
            tags: new Map(),
            tableDefaults: defaults(r.inputs.createTableDefaultPermissions),
        });
        catalogResources.push(r);
    }
    for (const r of of("aws:glue/catalogTable:CatalogTable")) {
        const name = str(r.inputs.name) ?? str(r.outputs.name);
        const database = str(r.inputs.databaseName);
        if (!name || !database) continue;
        const catalogId = catalog(r);
        const sd = obj(r.inputs.storageDescriptor);
        const cols = [
            ...((sd?.columns as Array<Record<string, unknown>>) ?? []),
            ...((r.inputs.partitionKeys as Array<Record<string, unknown>>) ?? []),
        ];
        const glueSensitive = new Set<string>();
        for (const c of cols) {
            const params = (c.parameters ?? {}) as Record<string, unknown>;
            const marks = [str(c.comment), ...Object.values(params).map(str)].map((x) => lc(x ?? ""));
            if (marks.some((x) => /\bpii\b/.test(x))) glueSensitive.add(lc(String(c.name)));
        }
        m.tables.set(tableKey(catalogId, database, name), {
            catalogId,
            database: lc(database),
            name: lc(name),
            urn: r.urn,
            columns: cols.map((c) => lc(String(c.name))),
            glueSensitive,
            tags: new Map(),
            columnTags: new Map(),
        });
        catalogResources.push(r);
    }
    for (const r of catalogResources) m.catalogAccounts.add(accountOf(r));

    // A database or table created before its account's settings gets the IAMAllowedPrincipals defaults.
    const byUrn = new Map(result.resources.map((r) => [r.urn, r]));
    const reach = new Map<string, Set<string>>();
    const closure = (urn: string): Set<string> => {
        let hit = reach.get(urn);
        if (hit) return hit;
        hit = new Set();
        reach.set(urn, hit);
        for (const d of byUrn.get(urn)?.dependencies ?? []) {
            hit.add(d);
            for (const x of closure(d)) hit.add(x);
        }
        return hit;
    };
    for (const r of catalogResources) {
        const settings = m.settings.get(accountOf(r));
        if (settings && !closure(r.urn).has(settings.urn))
            m.beforeSettings.push(
                `${r.type.split(":").pop()} ${r.name} does not depend on ${settings.name} (the data lake settings of ${settings.catalogId}): if created first, it gets the IAMAllowedPrincipals default`,
            );
    }

    // LF-tags on databases, tables (or every table of a database) and columns.
    const tableTargets = (catalogId: string, block: Record<string, unknown>): LfTable[] => {
        const database = str(block.databaseName) ?? "";
        if (block.wildcard === true)
            return [...m.tables.values()].filter((t) => t.catalogId === catalogId && t.database === lc(database));
        const t = m.tables.get(tableKey(catalogId, database, str(block.name) ?? ""));
        return t ? [t] : [];
    };
    const assign = (r: PlannedResource, pairs: Array<{ key: string; value: string }>) => {
        const db = obj(r.inputs.database);
        const table = obj(r.inputs.table);
        const withColumns = obj(r.inputs.tableWithColumns);
        const set = (map: TagMap) => {
            for (const p of pairs) map.set(lc(p.key), lc(p.value));
        };
        if (db) {
            const target = m.databases.get(dbKey(catalog(r, db), str(db.name) ?? ""));
            if (target) set(target.tags);
            else m.notes.push(`LF-tags ${r.name}: database ${String(db.name)} is not in the plan`);
        } else if (table) {
            const targets = tableTargets(catalog(r, table), table);
            for (const t of targets) set(t.tags);
            if (targets.length === 0) m.notes.push(`LF-tags ${r.name}: table ${String(table.name)} is not in the plan`);
        } else if (withColumns) {
            const t = tableTargets(catalog(r, withColumns), { ...withColumns, wildcard: false })[0];
            if (!t) {
                m.notes.push(`LF-tags ${r.name}: table ${String(withColumns.name)} is not in the plan`);
                return;
            }
            const exclude = strings(obj(withColumns.columnWildcard)?.excludedColumnNames).map(lc);
            const columns = withColumns.columnWildcard
                ? t.columns.filter((c) => !exclude.includes(c))
                : strings(withColumns.columnNames).map(lc);
            for (const c of columns) {
                if (!t.columns.includes(c))
                    m.issues.push(`LF-tags ${r.name}: column ${c} is not a column of ${t.database}.${t.name}`);
                const map = t.columnTags.get(c) ?? new Map();
                set(map);
                t.columnTags.set(c, map);
            }
        }
    };
    for (const r of of("aws:lakeformation/resourceLfTags:ResourceLfTags"))
        assign(
            r,
            ((r.inputs.lfTags as Array<Record<string, unknown>>) ?? []).map((t) => ({
                key: String(t.key),
                value: String(t.value),
            })),
        );
    for (const r of of("aws:lakeformation/resourceLfTag:ResourceLfTag")) {
        const t = obj(r.inputs.lfTag);
        if (t) assign(r, [{ key: String(t.key), value: String(t.value) }]);
    }

    for (const r of of("aws:lakeformation/dataCellsFilter:DataCellsFilter")) {
        const d = obj(r.inputs.tableData);
        if (!d) continue;
        const catalogId = str(d.tableCatalogId) ?? accountOf(r);
        const row = obj(d.rowFilter);
        const wildcard = obj(d.columnWildcard);
        const f: LfCellsFilter = {
            catalogId,
            database: lc(String(d.databaseName)),
            table: lc(String(d.tableName)),
            name: String(d.name),
            ...(d.columnWildcard !== undefined
                ? { exclude: strings(wildcard?.excludedColumnNames).map(lc) }
                : { include: strings(d.columnNames).map(lc) }),
            ...(row?.allRowsWildcard === undefined && str(row?.filterExpression)
                ? { rowFilter: str(row?.filterExpression) }
                : {}),
        };
        m.filters.set(`${tableKey(catalogId, f.database, f.table)}/${f.name}`, f);
    }

    for (const r of of("aws:lakeformation/resource:Resource")) {
        const arn = str(r.inputs.arn);
        if (arn)
            m.locations.push({
                arn,
                catalogId: accountOf(r),
                urn: r.urn,
                name: r.name,
                hybrid: r.inputs.hybridAccessEnabled === true,
            });
    }

    for (const r of of("aws:lakeformation/permissions:Permissions")) {
        const principal = str(r.inputs.principal) ?? "";
        const base = {
            id: r.name,
            urn: r.urn,
            principal,
            permissions: new Set(strings(r.inputs.permissions).map((p) => p.toUpperCase())),
            grantable: new Set(strings(r.inputs.permissionsWithGrantOptions).map((p) => p.toUpperCase())),
        };
        const i = r.inputs;
        const tagPolicy = obj(i.lfTagPolicy);
        const withColumns = obj(i.tableWithColumns);
        const table = obj(i.table);
        const database = obj(i.database);
        const cells = obj(i.dataCellsFilter);
        const location = obj(i.dataLocation);
        const lfTag = obj(i.lfTag);
        let grant: LfGrant | undefined;
        if (tagPolicy) {
            const type = String(tagPolicy.resourceType).toUpperCase() === "DATABASE" ? "DATABASE" : "TABLE";
            grant = {
                ...base,
                catalogId: catalog(r, tagPolicy),
                target: {
                    kind: "tag-policy",
                    resourceType: type,
                    expression: ((tagPolicy.expressions as Array<Record<string, unknown>>) ?? []).map((e) => ({
                        key: lc(String(e.key)),
                        values: strings(e.values).map(lc),
                    })),
                },
            };
        } else if (withColumns) {
            const exclude = strings(withColumns.excludedColumnNames).map(lc);
            const include = strings(withColumns.columnNames).map(lc);
            grant = {
                ...base,
                catalogId: catalog(r, withColumns),
                target: {
                    kind: "columns",
                    database: lc(String(withColumns.databaseName)),
                    table: lc(String(withColumns.name)),
                    ...(withColumns.wildcard === true || exclude.length > 0 || include.length === 0
                        ? { exclude }
                        : { include }),
                },
            };
        } else if (table)
            grant = {
                ...base,
                catalogId: catalog(r, table),
                target: {
                    kind: "table",
                    database: lc(String(table.databaseName)),
                    ...(str(table.name) ? { table: lc(String(table.name)) } : {}),
                    wildcard: table.wildcard === true,
                },
            };
        else if (database)
            grant = {
                ...base,
                catalogId: catalog(r, database),
                target: { kind: "database", database: lc(String(database.name)) },
            };
        else if (cells)
            grant = {
                ...base,
                catalogId: catalog(r, cells),
                target: {
                    kind: "cells",
                    database: lc(String(cells.databaseName)),
                    table: lc(String(cells.tableName)),
                    filter: String(cells.name),
                },
            };
        else if (location)
            grant = {
                ...base,
                catalogId: catalog(r, location),
                target: { kind: "location", arn: String(location.arn) },
            };
        else if (lfTag)
            grant = {
                ...base,
                catalogId: catalog(r, lfTag),
                target: { kind: "lf-tag", key: lc(String(lfTag.key)), values: strings(lfTag.values).map(lc) },
            };
        else if (i.catalogResource === true) grant = { ...base, catalogId: catalog(r), target: { kind: "catalog" } };
        if (grant) m.grants.push(grant);
        else m.issues.push(`Lake Formation permissions ${r.name}: no resource block the proof knows`);
    }

    // What the data contracts will grant: column-level SELECT (a data cells filter when row-filtered).
    for (const a of m.approvals)
        m.grants.push({
            id: `contract ${a.contract}`,
            urn: "",
            principal: a.principal,
            catalogId: a.catalogId,
            permissions: new Set(["SELECT"]),
            grantable: new Set(),
            target: { kind: "columns", database: lc(a.database), table: lc(a.table), include: a.columns.map(lc) },
            ...(a.rowFilter ? { rowFilter: a.rowFilter } : {}),
            fromContract: true,
        });
    for (const a of m.approvals) {
        const t = m.tables.get(tableKey(a.catalogId, a.database, a.table));
        if (!t) {
            m.issues.push(
                `contract ${a.contract}: approves ${a.database}.${a.table} in ${a.catalogId}, not in the plan`,
            );
            continue;
        }
        const missing = a.columns.map(lc).filter((c) => t.columns.length > 0 && !t.columns.includes(c));
        if (missing.length)
            m.issues.push(`contract ${a.contract}: ${t.database}.${t.name} has no column ${missing.join(", ")}`);
    }
    return m;
}

function collectDeclarations(r: PlannedResource, m: LakeFormationModel) {
    const principals = r.outputs[LF_PRINCIPALS_OUTPUT];
    if (principals !== undefined) {
        if (!Array.isArray(principals)) m.unknowns.push(`${r.urn}: ${LF_PRINCIPALS_OUTPUT} not known offline`);
        else
            for (const p of principals as LakeFormationPrincipal[])
                if (typeof p?.principal === "string") m.declared.set(p.principal, p);
    }
    const approvals = r.outputs[LF_APPROVALS_OUTPUT];
    if (approvals !== undefined) {
        if (!Array.isArray(approvals)) m.unknowns.push(`${r.urn}: ${LF_APPROVALS_OUTPUT} not known offline`);
        else
            m.approvals.push(...(approvals as LakeFormationApproval[]).filter((a) => typeof a?.principal === "string"));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** What a principal can do on one table: columns it selects (with the row filters that limit them). */
export interface TableAccess {
    table: LfTable;
    describe: boolean;
    write: boolean;
    alter: boolean;
    /** Column → the grants that give it, and its row filters (empty: all rows). */
    select: Map<string, { grants: Set<string>; allRows: boolean; filters: Set<string> }>;
    grants: Set<string>;
}

export interface PrincipalAccess {
    tables: Map<string, TableAccess>;
    databases: Map<string, { database: LfDatabase; letters: Set<string>; grants: Set<string> }>;
    locations: Map<string, Set<string>>;
    catalogs: Map<string, Set<string>>;
    tagGrants: string[];
}

const ALL_TABLE = ["SELECT", "DESCRIBE", "ALTER", "DROP", "INSERT", "DELETE"];
const expand = (perms: Set<string>): Set<string> =>
    perms.has("ALL") || perms.has("SUPER") ? new Set([...perms, ...ALL_TABLE, "CREATE_TABLE"]) : perms;

/** The tags of a table (its database's, overridden by its own) and of a column (the table's, overridden). */
export function tableTags(m: LakeFormationModel, t: LfTable): TagMap {
    const db = m.databases.get(dbKey(t.catalogId, t.database));
    return new Map([...(db?.tags ?? []), ...t.tags]);
}
export function columnTags(m: LakeFormationModel, t: LfTable, column: string, inherited = tableTags(m, t)): TagMap {
    return new Map([...inherited, ...(t.columnTags.get(column) ?? [])]);
}
export const matches = (tags: TagMap, expression: Array<{ key: string; values: string[] }>): boolean =>
    expression.length > 0 &&
    expression.every((e) => {
        const v = tags.get(e.key);
        return v !== undefined && (e.values.includes(v) || e.values.includes("*"));
    });

/** Columns a table has for the proof: its own, or `*` when the plan does not know them. */
const columnsOf = (t: LfTable) => (t.columns.length ? t.columns : ["*"]);

/** Evaluates every grant once, by grantee (the principal string as granted). */
export class LakeFormationEvaluator {
    private readonly byGrantee = new Map<string, PrincipalAccess>();
    private readonly tablesByCatalog = new Map<string, LfTable[]>();

    constructor(public readonly model: LakeFormationModel) {
        for (const t of model.tables.values()) {
            const list = this.tablesByCatalog.get(t.catalogId) ?? [];
            list.push(t);
            this.tablesByCatalog.set(t.catalogId, list);
        }
        for (const g of model.grants) this.apply(g);
    }

    grantees(): string[] {
        return [...this.byGrantee.keys()];
    }

    /** What grants to exactly `principal` give. */
    direct(principal: string): PrincipalAccess | undefined {
        return this.byGrantee.get(principal);
    }

    private access(principal: string): PrincipalAccess {
        let a = this.byGrantee.get(principal);
        if (!a) {
            a = { tables: new Map(), databases: new Map(), locations: new Map(), catalogs: new Map(), tagGrants: [] };
            this.byGrantee.set(principal, a);
        }
        return a;
    }

    private tableEntry(a: PrincipalAccess, t: LfTable): TableAccess {
        const key = tableKey(t.catalogId, t.database, t.name);
        let e = a.tables.get(key);
        if (!e) {
            e = { table: t, describe: false, write: false, alter: false, select: new Map(), grants: new Set() };
            a.tables.set(key, e);
        }
        return e;
    }

    private grantTable(
        a: PrincipalAccess,
        t: LfTable,
        perms: Set<string>,
        grant: string,
        columns: string[],
        rowFilter?: string,
    ) {
        // A grant that reaches only some columns gives no full-table permission: ALTER, DROP, INSERT and DELETE
        // become DESCRIBE (TBAC notes).
        const full = columns.length === columnsOf(t).length;
        const select = perms.has("SELECT") && columns.length > 0;
        const write = full && (perms.has("INSERT") || perms.has("DELETE"));
        const alter = full && (perms.has("ALTER") || perms.has("DROP"));
        const describe =
            perms.has("DESCRIBE") ||
            select ||
            (!full && ["ALTER", "DROP", "INSERT", "DELETE"].some((p) => perms.has(p)));
        if (!select && !describe && !write && !alter) return;
        const e = this.tableEntry(a, t);
        e.grants.add(grant);
        e.describe ||= describe;
        e.write ||= write;
        e.alter ||= alter;
        if (select)
            for (const c of columns) {
                const s = e.select.get(c) ?? { grants: new Set<string>(), allRows: false, filters: new Set<string>() };
                s.grants.add(grant);
                if (rowFilter === undefined) s.allRows = true;
                else s.filters.add(rowFilter);
                e.select.set(c, s);
            }
    }

    private apply(g: LfGrant) {
        const m = this.model;
        const a = this.access(g.principal);
        const perms = expand(g.permissions);
        const target = g.target;
        const table = (database: string, name: string) => m.tables.get(tableKey(g.catalogId, database, name));
        const missing = (what: string) =>
            m.notes.push(`${g.id}: grants on ${what} in ${g.catalogId}, not in this plan (not evaluated)`);
        switch (target.kind) {
            case "catalog": {
                const set = a.catalogs.get(g.catalogId) ?? new Set();
                set.add(g.id);
                a.catalogs.set(g.catalogId, set);
                return;
            }
            case "location": {
                const set = a.locations.get(target.arn) ?? new Set();
                set.add(g.id);
                a.locations.set(target.arn, set);
                return;
            }
            case "lf-tag":
                a.tagGrants.push(
                    `${g.id}: ${[...perms].join(", ")} on LF-tag ${target.key}=${target.values.join("|")}`,
                );
                return;
            case "database": {
                const db = m.databases.get(dbKey(g.catalogId, target.database));
                if (!db) return missing(`database ${target.database}`);
                this.grantDatabase(a, db, perms, g.id);
                return;
            }
            case "table": {
                const tables = target.wildcard
                    ? (this.tablesByCatalog.get(g.catalogId) ?? []).filter((t) => t.database === target.database)
                    : [table(target.database, target.table ?? "")].filter((t): t is LfTable => t !== undefined);
                if (tables.length === 0 && !target.wildcard)
                    return missing(`table ${target.database}.${target.table ?? ""}`);
                for (const t of tables) this.grantTable(a, t, perms, g.id, columnsOf(t), g.rowFilter);
                return;
            }
            case "columns": {
                const t = table(target.database, target.table);
                if (!t) return missing(`table ${target.database}.${target.table}`);
                const cols = target.include
                    ? target.include
                    : columnsOf(t).filter((c) => !(target.exclude ?? []).includes(c));
                for (const c of target.include ?? [])
                    if (t.columns.length && !t.columns.includes(c))
                        m.issues.push(`${g.id}: ${t.database}.${t.name} has no column ${c}`);
                // Column-level grants are SELECT only (DESCRIBE comes with them).
                const p = new Set([...perms].filter((x) => x === "SELECT" || x === "DESCRIBE"));
                this.grantTable(a, t, p, g.id, cols, g.rowFilter);
                return;
            }
            case "cells": {
                const t = table(target.database, target.table);
                if (!t) return missing(`table ${target.database}.${target.table}`);
                const f = m.filters.get(`${tableKey(g.catalogId, target.database, target.table)}/${target.filter}`);
                if (!f) {
                    // Not in the plan: assume every column, row-filtered by an unknown filter.
                    m.notes.push(
                        `${g.id}: data cells filter ${target.filter} is not in the plan: counted as every column of ${t.database}.${t.name}`,
                    );
                    this.grantTable(a, t, perms, g.id, columnsOf(t), `filter ${target.filter} (not in the plan)`);
                    return;
                }
                const cols = f.include ?? columnsOf(t).filter((c) => !(f.exclude ?? []).includes(c));
                this.grantTable(
                    a,
                    t,
                    new Set([...perms].filter((x) => x === "SELECT" || x === "DESCRIBE")),
                    g.id,
                    cols,
                    f.rowFilter,
                );
                return;
            }
            case "tag-policy": {
                if (target.resourceType === "DATABASE") {
                    for (const db of m.databases.values())
                        if (db.catalogId === g.catalogId && matches(db.tags, target.expression))
                            this.grantDatabase(a, db, perms, g.id);
                    return;
                }
                for (const t of this.tablesByCatalog.get(g.catalogId) ?? []) {
                    const inherited = tableTags(m, t);
                    const cols = t.columns.length
                        ? t.columns.filter((c) => matches(columnTags(m, t, c, inherited), target.expression))
                        : matches(inherited, target.expression)
                          ? ["*"]
                          : [];
                    if (cols.length === 0) continue;
                    this.grantTable(a, t, perms, g.id, cols, g.rowFilter);
                }
                return;
            }
        }
    }

    private grantDatabase(a: PrincipalAccess, db: LfDatabase, perms: Set<string>, grant: string) {
        const key = dbKey(db.catalogId, db.name);
        const e = a.databases.get(key) ?? { database: db, letters: new Set<string>(), grants: new Set<string>() };
        if (perms.has("DESCRIBE")) e.letters.add("d");
        if (perms.has("CREATE_TABLE")) e.letters.add("c");
        if (perms.has("ALTER") || perms.has("DROP")) e.letters.add("a");
        if (e.letters.size === 0) return;
        e.grants.add(grant);
        a.databases.set(key, e);
    }

    /**
     * What `principal` (a role ARN or an account id) can reach: its own grants, its account's (which the account's
     * data lake administrators may pass on), `IAMAllowedPrincipals` grants of its own account's catalog, and, as a
     * data lake administrator, everything of that catalog.
     */
    effective(principal: string): Array<{ via: string; access: PrincipalAccess }> {
        const out: Array<{ via: string; access: PrincipalAccess }> = [];
        const account = accountOfPrincipal(principal);
        const own = this.byGrantee.get(principal);
        if (own) out.push({ via: "", access: own });
        if (account && account !== principal) {
            for (const g of [account, `${account}:IAMPrincipals`]) {
                const acc = this.byGrantee.get(g);
                if (acc) out.push({ via: `the grant to account ${account}`, access: acc });
            }
        }
        const iam = this.byGrantee.get(IAM_ALLOWED_PRINCIPALS);
        if (iam && account) {
            const local: PrincipalAccess = { ...iam, tables: new Map() };
            for (const [k, v] of iam.tables) if (v.table.catalogId === account) local.tables.set(k, v);
            out.push({ via: "IAMAllowedPrincipals", access: local });
        }
        for (const s of this.model.settings.values()) {
            if (!s.admins.includes(principal)) continue;
            const admin: PrincipalAccess = {
                tables: new Map(),
                databases: new Map(),
                locations: new Map(),
                catalogs: new Map(),
                tagGrants: [],
            };
            const via = `data lake admin of ${s.catalogId}`;
            for (const t of this.tablesByCatalog.get(s.catalogId) ?? [])
                this.grantTable(admin, t, new Set(ALL_TABLE), via, columnsOf(t));
            out.push({ via, access: admin });
        }
        return out;
    }
}

/** The account of a principal string: a role/user ARN's, an account id, `<account>:IAMPrincipals`. */
export function accountOfPrincipal(principal: string): string | undefined {
    if (/^\d{12}$/.test(principal)) return principal;
    const m = /^(\d{12}):IAMPrincipals$/.exec(principal);
    if (m) return m[1];
    const a = principal.split(":")[4];
    return a && /^\d{12}$/.test(a) ? a : undefined;
}

/** Whether a column is personal data: its effective `classification` LF-tag is `pii`, or the Glue schema marks it. */
export function isPii(m: LakeFormationModel, t: LfTable, column: string, inherited?: TagMap): boolean {
    return columnTags(m, t, column, inherited).get("classification") === "pii" || t.glueSensitive.has(column);
}

// ---------------------------------------------------------------------------------------------------------------
// Matrix

export interface LfMatrixCell {
    catalogId: string;
    /** `database.table`, `database`, a location ARN, or `catalog`. */
    resource: string;
    kind: "table" | "database" | "location" | "catalog";
    /** s select, d describe, w insert/delete, a alter/drop, c create table (databases), l data location. */
    letters: string;
    /** Columns selected, when not all of the table's. */
    columns?: string[];
    /** The table's columns not selected (with `columns`). */
    hiddenColumns?: string[];
    /** Row filters of columns that are visible only row-filtered. */
    rowFilters?: string[];
    /** The grants (Permissions names, `contract <id>`) that give it. */
    grants: string[];
}

export interface LfMatrixRow {
    principal: string;
    /** Declared kind, or what the proof infers (`admin`, `read-only-admin`, `account`, `service`, `undeclared`). */
    kind: string;
    name: string;
    account: string;
    /** Catalogs it administers (everything there), or describes as a read-only administrator. */
    adminOf?: string[];
    readOnlyAdminOf?: string[];
    cells: LfMatrixCell[];
}

export function cellsOf(a: PrincipalAccess): LfMatrixCell[] {
    const cells: LfMatrixCell[] = [];
    for (const e of a.tables.values()) {
        const t = e.table;
        const letters = [
            e.select.size > 0 ? "s" : "",
            e.describe ? "d" : "",
            e.write ? "w" : "",
            e.alter ? "a" : "",
        ].join("");
        const all = columnsOf(t);
        const visible = all.filter((c) => e.select.has(c));
        const filtered = [...e.select.values()].filter((s) => !s.allRows).flatMap((s) => [...s.filters]);
        cells.push({
            catalogId: t.catalogId,
            resource: `${t.database}.${t.name}`,
            kind: "table",
            letters,
            ...(e.select.size > 0 && visible.length < all.length
                ? { columns: visible, hiddenColumns: all.filter((c) => !e.select.has(c)) }
                : {}),
            ...(filtered.length ? { rowFilters: [...new Set(filtered)] } : {}),
            grants: [...e.grants].sort(),
        });
    }
    for (const e of a.databases.values())
        cells.push({
            catalogId: e.database.catalogId,
            resource: e.database.name,
            kind: "database",
            letters: ["d", "c", "a"].filter((l) => e.letters.has(l)).join(""),
            grants: [...e.grants].sort(),
        });
    for (const [arn, grants] of a.locations)
        cells.push({ catalogId: "", resource: arn, kind: "location", letters: "l", grants: [...grants].sort() });
    for (const [catalogId, grants] of a.catalogs)
        cells.push({ catalogId, resource: "catalog", kind: "catalog", letters: "c", grants: [...grants].sort() });
    return cells.sort((x, y) => `${x.catalogId}/${x.resource}`.localeCompare(`${y.catalogId}/${y.resource}`));
}

// ---------------------------------------------------------------------------------------------------------------
// The proof: invariants and the matrix

/** What the Lake Formation part of the proof needs from the access model. */
export interface LakeFormationContext {
    lakeFormation: LakeFormationModel;
    /** Account → its roles in the platform (`governance`, `analytics`, `ml`, `hub`, `domain:<name>`). */
    accountRoles: Map<string, Set<string>>;
    /** Role ARN → logical name and account, for the roles the plan creates. */
    roles: Map<string, { name: string; account: string }>;
}

export interface LakeFormationVerdict {
    id: string;
    title: string;
    verdict: "holds" | "broken";
    checked: number;
    violations: string[];
    notes: string[];
}

export interface LakeFormationProof {
    invariants: LakeFormationVerdict[];
    matrix: LfMatrixRow[];
    notModelled: string[];
}

const READERS = new Set<string>(["consumer", "ml"]);
const verdict = (
    id: string,
    title: string,
    checked: number,
    violations: string[],
    notes: string[] = [],
): LakeFormationVerdict => ({
    id,
    title,
    verdict: violations.length ? "broken" : "holds",
    checked,
    violations: [...new Set(violations)],
    notes: [...new Set(notes)],
});

/** Who a principal is: declared, or inferred from the settings, the plan's accounts and roles. */
function classify(
    ctx: LakeFormationContext,
    principal: string,
    catalogs: Set<string>,
): { kind: string; name: string; declared: boolean } {
    const lf = ctx.lakeFormation;
    const d = lf.declared.get(principal);
    if (d) return { kind: d.kind, name: d.name, declared: true };
    for (const s of lf.settings.values()) {
        if (s.admins.includes(principal)) return { kind: "admin", name: roleName(ctx, principal), declared: false };
        if (s.readOnlyAdmins.includes(principal))
            return { kind: "read-only-admin", name: roleName(ctx, principal), declared: false };
    }
    if (principal.toUpperCase() === IAM_ALLOWED_PRINCIPALS)
        return { kind: "iam-allowed-principals", name: principal, declared: false };
    if (/^\d{12}$/.test(principal)) {
        const roles = ctx.accountRoles.get(principal);
        const name = `account ${principal}${roles?.size ? ` (${[...roles].sort().join(", ")})` : ""}`;
        // An account of the stack that serves analytics or ML is a reader (its administrators pass grants on to
        // its consumer roles); the platform's other accounts (governance, hub, domains) receive producers' shares.
        if (roles?.has("analytics")) return { kind: "consumer", name, declared: false };
        if (roles?.has("ml")) return { kind: "ml", name, declared: false };
        if (roles?.size) return { kind: "account", name, declared: false };
        return { kind: "undeclared", name, declared: false };
    }
    const role = ctx.roles.get(principal);
    // A role the plan creates in a producer's account, granted only in that account's catalog: the domain's own
    // service roles (Entity Resolution). Roles of reader accounts (governance, analytics, ML) must be declared.
    const readerAccount = ["governance", "analytics", "ml"].some((r) =>
        ctx.accountRoles.get(role?.account ?? "")?.has(r),
    );
    if (role && !readerAccount && [...catalogs].every((c) => c === role.account))
        return { kind: "service", name: role.name, declared: false };
    return { kind: "undeclared", name: roleName(ctx, principal), declared: false };
}

function roleName(ctx: LakeFormationContext, principal: string): string {
    return ctx.roles.get(principal)?.name ?? principal.split("/").pop() ?? principal;
}

/** The Lake Formation invariants and matrix of a plan. */
export function proveLakeFormation(ctx: LakeFormationContext): LakeFormationProof {
    const lf = ctx.lakeFormation;
    const ev = new LakeFormationEvaluator(lf);
    const catalogsOf = new Map<string, Set<string>>();
    for (const g of lf.grants) {
        const set = catalogsOf.get(g.principal) ?? new Set<string>();
        set.add(g.catalogId);
        catalogsOf.set(g.principal, set);
    }
    const subjects = new Set<string>([
        ...ev.grantees(),
        ...lf.declared.keys(),
        ...[...lf.settings.values()].flatMap((s) => [...s.admins, ...s.readOnlyAdmins]),
    ]);
    const kinds = new Map<string, { kind: string; name: string; declared: boolean }>();
    for (const p of subjects) kinds.set(p, classify(ctx, p, catalogsOf.get(p) ?? new Set()));
    const label = (p: string) => {
        const k = kinds.get(p);
        return `${k?.name ?? p} (${k?.kind ?? "undeclared"}${k?.declared === false && k.kind !== "undeclared" ? ", inferred" : ""})`;
    };
    const invariants: LakeFormationVerdict[] = [];

    // (a) No consumer or ML principal sees a pii column unless a contract approval for it lists the column.
    {
        const violations: string[] = [];
        const notes: string[] = [];
        let checked = 0;
        const approved = new Set(
            lf.approvals.flatMap((a) =>
                a.columns.map((c) => `${a.principal}|${tableKey(a.catalogId, a.database, a.table)}|${lc(c)}`),
            ),
        );
        const piiCount = [...lf.tables.values()].reduce(
            (n, t) => n + t.columns.filter((c) => isPii(lf, t, c)).length,
            0,
        );
        for (const p of subjects) {
            if (!READERS.has(kinds.get(p)?.kind ?? "")) continue;
            checked += piiCount;
            for (const { via, access } of ev.effective(p)) {
                for (const [key, e] of access.tables) {
                    const t = e.table;
                    const inherited = tableTags(lf, t);
                    const seen = [...e.select.entries()].filter(
                        ([c]) => c !== "*" && isPii(lf, t, c, inherited) && !approved.has(`${p}|${key}|${c}`),
                    );
                    if (e.select.has("*"))
                        notes.push(
                            `${label(p)} selects ${t.database}.${t.name} in ${t.catalogId}, whose columns the plan does not know`,
                        );
                    if (seen.length === 0) continue;
                    const grants = [...new Set(seen.flatMap(([, s]) => [...s.grants]))].sort();
                    violations.push(
                        `${label(p)} selects pii ${t.database}.${t.name}.{${seen.map(([c]) => c).join(", ")}} in ${t.catalogId} through ${grants.join(", ")}${via ? ` (${via})` : ""}, no contract approval lists it`,
                    );
                }
                for (const g of access.tagGrants)
                    notes.push(`${label(p)} holds ${g}: it may re-tag the resources it can alter`);
            }
        }
        // Grant options: a holder may pass on what it holds (within its account, or beyond when it is in the
        // table's account); what it grants is judged when planned, so the pii it could pass on is noted.
        const passable = new LakeFormationEvaluator({
            ...lf,
            grants: lf.grants
                .filter((g) => g.grantable.size > 0)
                .map((g) => ({ ...g, permissions: g.grantable, grantable: new Set<string>() })),
        });
        for (const p of passable.grantees())
            for (const e of passable.direct(p)?.tables.values() ?? []) {
                const t = e.table;
                const pii = [...e.select.keys()].filter((c) => c !== "*" && isPii(lf, t, c));
                if (pii.length)
                    notes.push(
                        `${label(p)} holds SELECT with grant option on pii ${t.database}.${t.name}.{${pii.join(", ")}} in ${t.catalogId}: it may pass it on; its grants are judged when they are in the plan`,
                    );
            }
        const mismatched = [...lf.tables.values()].flatMap((t) =>
            [...t.glueSensitive]
                .filter((c) => columnTags(lf, t, c).get("classification") !== "pii")
                .map((c) => `${t.database}.${t.name}.${c}`),
        );
        if (mismatched.length)
            notes.push(
                `columns marked pii in the Glue schema without the classification=pii LF-tag (judged as pii here): ${mismatched.join(", ")}`,
            );
        invariants.push(
            verdict(
                "lf-pii-by-contract-only",
                "Lake Formation: no consumer or ML principal selects a pii column unless a data contract approves it",
                checked,
                violations,
                notes,
            ),
        );
    }

    // (b) Nothing is granted to IAMAllowedPrincipals.
    {
        const violations: string[] = [];
        let checked = 0;
        for (const g of lf.grants) {
            checked++;
            if (g.principal.toUpperCase() === IAM_ALLOWED_PRINCIPALS)
                violations.push(
                    `Permissions ${g.id} grants ${[...g.permissions].join(", ")} to IAM_ALLOWED_PRINCIPALS`,
                );
        }
        for (const s of lf.settings.values()) {
            checked++;
            for (const [what, list] of [
                ["createDatabaseDefaultPermissions", s.databaseDefaults],
                ["createTableDefaultPermissions", s.tableDefaults],
            ] as const)
                for (const d of list)
                    violations.push(
                        `DataLakeSettings ${s.name}: ${what} grants ${d.permissions.join(", ") || "(nothing)"} to ${d.principal} on every new ${what.includes("Database") ? "database" : "table"} (must be empty)`,
                    );
        }
        for (const db of lf.databases.values()) {
            checked++;
            for (const d of db.tableDefaults)
                if (d.principal.toUpperCase() === IAM_ALLOWED_PRINCIPALS)
                    violations.push(
                        `CatalogDatabase ${db.name}: createTableDefaultPermissions grants ${d.permissions.join(", ")} to IAM_ALLOWED_PRINCIPALS on its new tables`,
                    );
        }
        for (const account of [...lf.catalogAccounts].sort())
            if (!lf.settings.has(account))
                violations.push(
                    `account ${account} plans catalog databases or tables but no DataLakeSettings: Lake Formation's defaults grant IAMAllowedPrincipals ALL on new databases and tables`,
                );
        violations.push(...lf.beforeSettings);
        for (const l of lf.locations) {
            checked++;
            if (l.hybrid)
                violations.push(
                    `data location ${l.name} (${l.arn}) is in hybrid access mode: IAM permissions keep deciding for principals not opted in`,
                );
        }
        invariants.push(
            verdict(
                "lf-no-iam-allowed-principals",
                "Lake Formation: nothing is granted to IAMAllowedPrincipals (grants, account defaults, database defaults, creation order, hybrid access)",
                checked,
                violations,
            ),
        );
    }

    // (c) Every grantee is declared (or is the platform's own plumbing), and readers live in reader accounts.
    {
        const violations: string[] = [];
        const notes: string[] = [];
        const readerAccounts = new Set(
            [...ctx.accountRoles.entries()]
                .filter(([, r]) => r.has("analytics") || r.has("ml") || r.has("governance"))
                .map(([a]) => a),
        );
        let checked = 0;
        for (const p of [...subjects].sort()) {
            const k = kinds.get(p);
            if (!k) continue;
            checked++;
            const grants = lf.grants.filter((g) => g.principal === p && !g.fromContract);
            if (k.kind === "undeclared" && grants.length)
                violations.push(
                    `${p} is granted by ${grants.map((g) => g.id).join(", ")} but not declared in lakeFormationPrincipals: the proof cannot tell whether it may see pii`,
                );
            else if (!k.declared && grants.length && k.kind !== "iam-allowed-principals")
                notes.push(`${p}: ${k.kind} (inferred, not declared)`);
            if (k.declared && READERS.has(k.kind)) {
                const account = accountOfPrincipal(p);
                if (readerAccounts.size === 0)
                    notes.push(`${label(p)}: the stack has no analytics, ML or governance account to check it against`);
                else if (!account || !readerAccounts.has(account))
                    violations.push(
                        `${label(p)} is in account ${account ?? "(none)"}, not an analytics, ML or governance account of the stack (${[...readerAccounts].sort().join(", ")})`,
                    );
            }
        }
        // A platform service granted pii itself, without a data contract (its job needs the columns), says why.
        // (What reaches it through its account's grants is judged on the account.)
        for (const [p, d] of lf.declared) {
            if (d.kind !== "service") continue;
            checked++;
            const pii = [ev.direct(p)]
                .filter((a) => a !== undefined)
                .flatMap((access) =>
                    [...access.tables.values()].flatMap((e) =>
                        [...e.select.keys()]
                            .filter((c) => c !== "*" && isPii(lf, e.table, c))
                            .map((c) => `${e.table.database}.${e.table.name}.${c}`),
                    ),
                );
            if (pii.length === 0) continue;
            if (!d.reason?.trim())
                violations.push(
                    `${label(p)} selects pii (${[...new Set(pii)].slice(0, 5).join(", ")}${pii.length > 5 ? ", …" : ""}) as a service principal with no declared reason`,
                );
            else notes.push(`${label(p)} selects pii without a contract: ${d.reason}`);
        }
        for (const a of lf.approvals) {
            checked++;
            if (!READERS.has(lf.declared.get(a.principal)?.kind ?? ""))
                violations.push(
                    `contract ${a.contract} approves ${a.principal}, which is not a declared consumer or ML principal`,
                );
        }
        invariants.push(
            verdict(
                "lf-principals-declared",
                "Lake Formation: every grantee is declared (consumer, ML, producer, admin) or the platform's own; consumer and ML principals are in analytics, ML or governance accounts; a service principal reading pii says why",
                checked,
                violations,
                notes,
            ),
        );
    }

    // The matrix: what each principal is granted itself (grants to its account are on the account's row).
    const order = ["admin", "read-only-admin", "producer", "account", "service", "consumer", "ml", "undeclared"];
    const matrix: LfMatrixRow[] = [];
    for (const p of subjects) {
        const k = kinds.get(p) ?? { kind: "undeclared", name: p, declared: false };
        const adminOf = [...lf.settings.values()].filter((s) => s.admins.includes(p)).map((s) => s.catalogId);
        const readOnlyAdminOf = [...lf.settings.values()]
            .filter((s) => s.readOnlyAdmins.includes(p))
            .map((s) => s.catalogId);
        const direct = ev.direct(p);
        const cells = direct ? cellsOf(direct) : [];
        if (cells.length === 0 && adminOf.length === 0 && readOnlyAdminOf.length === 0) continue;
        matrix.push({
            principal: p,
            kind: k.kind,
            name: k.name,
            account: accountOfPrincipal(p) ?? "",
            ...(adminOf.length ? { adminOf } : {}),
            ...(readOnlyAdminOf.length ? { readOnlyAdminOf } : {}),
            cells,
        });
    }
    const rank = (k: string) => (order.indexOf(k) < 0 ? order.length : order.indexOf(k));
    matrix.sort((a, b) => rank(a.kind) - rank(b.kind) || a.name.localeCompare(b.name));

    const notModelled =
        lf.grants.length + lf.tables.size + lf.databases.size + lf.settings.size > 0
            ? [
                  "Lake Formation: resource links and grants on them, RAM share acceptance (cross-account grants are taken as accepted), what an account's own data lake administrators grant on shares they receive (a grant to an account counts for every principal of it), creators' implicit permissions on what they create, saved LF-Tag expressions, Glue catalog resource policies and hybrid access opt-ins (hybrid mode itself breaks lf-no-iam-allowed-principals)",
              ]
            : [];
    return { invariants, matrix, notModelled };
}
