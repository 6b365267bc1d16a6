/** The hub program's section of the stack configuration: `cdp:hub`. */
import type { EventRoute, SyncSchedule } from "../../components/ingest/event-ingest";
import type { SftpPartner } from "../../components/ingest/sftp-ingest";
import type { DataExchangeDataSet } from "../../components/ingest/third-party-feed";
import { configKey, type Json, listOf, type Reader, stringList } from "../config-reader";

/** What `cdp:hub` holds (the config reference in the README). */
export const HUB_CONFIG_KEY =
    "{streamRetentionHours?, streamShards?, hashIdentifiers?, hashSalt?, sftp?: {partners, vpc?}, events?: {archiveRetentionDays?, routes?, schedules?}, dataExchange?: {dataSets, reservedConcurrency?}}";

/** The ingestion hub (`cdp:hub`). */
export interface HubConfig {
    readonly streamRetentionHours: number;
    /** Provisioned shards; undefined = on-demand. */
    readonly streamShards?: number;
    readonly hashIdentifiers: boolean;
    readonly hashSalt?: string;
    readonly sftp: {
        readonly partners: SftpPartner[];
        readonly vpc?: { vpcId: string; subnetIds: string[]; allowedCidrs: string[] };
    };
    readonly events: {
        readonly archiveRetentionDays: number;
        readonly routes?: EventRoute[];
        readonly schedules: SyncSchedule[];
    };
    /** `reservedConcurrency` undefined = the exporter draws on the account's unreserved pool. */
    readonly dataExchange: { readonly dataSets: DataExchangeDataSet[]; readonly reservedConcurrency?: number };
}

/**
 * Reads `cdp:hub`. Shapes are checked here; the ingestion components check values (names, keys, CIDRs, schedule
 * expressions) with the same key paths when the program runs.
 */
export function parseHub(r: Reader, raw: Json): HubConfig {
    const key = configKey("hub");
    const v = raw === undefined ? {} : (r.record(key, raw, HUB_CONFIG_KEY) ?? {});
    r.unknownKeys(key, v, [
        "streamRetentionHours",
        "streamShards",
        "hashIdentifiers",
        "hashSalt",
        "sftp",
        "events",
        "dataExchange",
    ]);
    const streamRetentionHours =
        v.streamRetentionHours === undefined
            ? 168
            : (r.integer(
                  `${key}.streamRetentionHours`,
                  v.streamRetentionHours,
                  (n) => n >= 24 && n <= 8760,
                  "hours from 24 to 8760",
              ) ?? 168);
    const streamShards =
        v.streamShards === undefined
            ? undefined
            : r.integer(
                  `${key}.streamShards`,
                  v.streamShards,
                  (n) => n >= 1,
                  "a whole number of shards ≥ 1 (omit for on-demand)",
              );
    const hashIdentifiers =
        v.hashIdentifiers === undefined
            ? false
            : (r.boolean(`${key}.hashIdentifiers`, v.hashIdentifiers, "true or false") ?? false);
    const hashSalt = typeof v.hashSalt === "string" ? v.hashSalt : undefined;
    if (hashIdentifiers && (hashSalt === undefined || hashSalt.length < 16)) {
        r.issues.add(
            `${key}.hashSalt`,
            hashSalt === undefined ? undefined : "(secret)",
            "a secret of at least 16 characters (pulumi config set --secret) when hashIdentifiers is true",
        );
    }
    const sftp =
        v.sftp === undefined
            ? {}
            : (r.record(`${key}.sftp`, v.sftp, "{partners: [{name, sshPublicKeys}], vpc?}") ?? {});
    r.unknownKeys(`${key}.sftp`, sftp, ["partners", "vpc"]);
    const partners = listOf(r, `${key}.sftp.partners`, sftp.partners, "{name, sshPublicKeys: [...]}", (at, p) => {
        r.unknownKeys(at, p, ["name", "sshPublicKeys"]);
        return { name: String(p.name ?? ""), sshPublicKeys: stringList(r, `${at}.sshPublicKeys`, p.sshPublicKeys) };
    });
    let vpc: HubConfig["sftp"]["vpc"];
    if (sftp.vpc !== undefined) {
        const at = `${key}.sftp.vpc`;
        const rec = r.record(at, sftp.vpc, "{vpcId, subnetIds, allowedCidrs}");
        if (rec) {
            r.unknownKeys(at, rec, ["vpcId", "subnetIds", "allowedCidrs"]);
            const vpcId = r.string(`${at}.vpcId`, rec.vpcId, /^vpc-[0-9a-f]{8,17}$/, "a VPC id, vpc-…");
            vpc = vpcId
                ? {
                      vpcId,
                      subnetIds: stringList(r, `${at}.subnetIds`, rec.subnetIds),
                      allowedCidrs: stringList(r, `${at}.allowedCidrs`, rec.allowedCidrs),
                  }
                : undefined;
        }
    }
    const events =
        v.events === undefined
            ? {}
            : (r.record(`${key}.events`, v.events, "{archiveRetentionDays?, routes?, schedules?}") ?? {});
    r.unknownKeys(`${key}.events`, events, ["archiveRetentionDays", "routes", "schedules"]);
    const archiveRetentionDays =
        events.archiveRetentionDays === undefined
            ? 30
            : (r.integer(
                  `${key}.events.archiveRetentionDays`,
                  events.archiveRetentionDays,
                  (n) => n >= 1,
                  "a whole number of days ≥ 1",
              ) ?? 30);
    const routes =
        events.routes === undefined
            ? undefined
            : listOf(r, `${key}.events.routes`, events.routes, "{name, sources: [...]}", (at, rt) => {
                  r.unknownKeys(at, rt, ["name", "sources"]);
                  return { name: String(rt.name ?? ""), sources: stringList(r, `${at}.sources`, rt.sources) };
              });
    const schedules = listOf(
        r,
        `${key}.events.schedules`,
        events.schedules,
        "{name, expression, detailType, detail?, timezone?}",
        (at, sc) => {
            r.unknownKeys(at, sc, ["name", "expression", "detailType", "detail", "timezone"]);
            const detailType = r.string(
                `${at}.detailType`,
                sc.detailType,
                /^.{1,128}$/,
                "the detail-type of the sync event",
            );
            return detailType === undefined
                ? undefined
                : {
                      name: String(sc.name ?? ""),
                      expression: String(sc.expression ?? ""),
                      detailType,
                      detail: (sc.detail as Record<string, unknown> | undefined) ?? {},
                      timezone: typeof sc.timezone === "string" ? sc.timezone : undefined,
                  };
        },
    );
    const dx =
        v.dataExchange === undefined
            ? {}
            : (r.record(`${key}.dataExchange`, v.dataExchange, "{dataSets: [{id, name}], reservedConcurrency?}") ?? {});
    r.unknownKeys(`${key}.dataExchange`, dx, ["dataSets", "reservedConcurrency"]);
    const reservedConcurrency =
        dx.reservedConcurrency === undefined
            ? undefined
            : r.integer(
                  `${key}.dataExchange.reservedConcurrency`,
                  dx.reservedConcurrency,
                  (n) => n >= 1,
                  "a whole number of executions, at least 1 (omit it to use the unreserved pool)",
              );
    const dataSets = listOf(r, `${key}.dataExchange.dataSets`, dx.dataSets, "{id, name}", (at, d) => {
        r.unknownKeys(at, d, ["id", "name"]);
        return { id: String(d.id ?? ""), name: String(d.name ?? "") };
    });
    return {
        streamRetentionHours,
        streamShards,
        hashIdentifiers,
        hashSalt,
        sftp: { partners, vpc },
        events: { archiveRetentionDays, routes, schedules },
        dataExchange: { dataSets, reservedConcurrency },
    };
}
