/** The governance program's lineage section of the stack configuration: `cdp:lineage` (Neptune lineage graph). */
import { configKey, type Json, type Reader, stringList } from "../config-reader";

/** What `cdp:lineage` holds (the config reference in the README). */
export const LINEAGE_CONFIG_KEY =
    "{enabled?, engine?: serverless|provisioned, minCapacity?, maxCapacity?, instanceClass?, instances?, network?: {vpcId, privateSubnetIds} | {cidr}} Neptune lineage graph (default: serverless 1-8 NCU, 1 instance, a new VPC 10.64.0.0/16)";

export const LINEAGE_ENGINES = ["serverless", "provisioned"] as const;
export type LineageEngine = (typeof LINEAGE_ENGINES)[number];

/** The lineage graph's network: an existing VPC's private subnets, or a new VPC (awsx) of this CIDR. */
export type LineageNetwork =
    | { readonly kind: "existing"; readonly vpcId: string; readonly privateSubnetIds: readonly string[] }
    | { readonly kind: "new"; readonly cidr: string };

export interface LineageConfig {
    readonly enabled: boolean;
    readonly engine: LineageEngine;
    /** Neptune capacity units (serverless), 1-128 in steps of 0.5. */
    readonly minCapacity: number;
    readonly maxCapacity: number;
    /** Instance class of provisioned instances (serverless instances are `db.serverless`). */
    readonly instanceClass: string;
    /** Instances in the cluster: 1 writer plus readers (in other AZs: failover). */
    readonly instances: number;
    readonly network: LineageNetwork;
}

export const DEFAULT_LINEAGE: LineageConfig = {
    enabled: true,
    engine: "serverless",
    minCapacity: 1,
    maxCapacity: 8,
    instanceClass: "db.r6g.large",
    instances: 1,
    network: { kind: "new", cidr: "10.64.0.0/16" },
};

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Neptune serverless capacity: 1-128 NCUs in steps of 0.5 (https://docs.aws.amazon.com/neptune/latest/userguide/neptune-serverless-capacity-scaling.html). */
function capacity(r: Reader, key: string, value: Json, fallback: number): number | undefined {
    if (value === undefined) return fallback;
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 1 || n > 128 || !Number.isInteger(n * 2)) {
        r.issues.add(key, value, "Neptune capacity units: 1 to 128 in steps of 0.5");
        return undefined;
    }
    return n;
}

function parseNetwork(r: Reader, key: string, value: Json): LineageNetwork | undefined {
    if (value === undefined) return DEFAULT_LINEAGE.network;
    const net = r.record(key, value, "{vpcId, privateSubnetIds: [at least 2, in different AZs]} or {cidr}");
    if (!net) return undefined;
    if (net.cidr !== undefined) {
        r.unknownKeys(key, net, ["cidr"]);
        const m = typeof net.cidr === "string" ? CIDR.exec(net.cidr) : null;
        const ok = m?.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 24;
        if (!ok) {
            r.issues.add(`${key}.cidr`, net.cidr, "an IPv4 CIDR block of size /16 to /24, e.g. 10.64.0.0/16");
            return undefined;
        }
        return { kind: "new", cidr: net.cidr as string };
    }
    r.unknownKeys(key, net, ["vpcId", "privateSubnetIds"]);
    const vpcId = r.string(`${key}.vpcId`, net.vpcId, VPC_ID, "a VPC id (vpc-…), or give {cidr} for a new VPC");
    const subnets = stringList(r, `${key}.privateSubnetIds`, net.privateSubnetIds);
    const bad = subnets.filter((s) => !SUBNET_ID.test(s));
    if (bad.length > 0) r.issues.add(`${key}.privateSubnetIds`, bad, "subnet ids (subnet-…)");
    // A Neptune DB subnet group needs subnets in at least two Availability Zones
    // (https://docs.aws.amazon.com/neptune/latest/userguide/get-started-vpc.html).
    if (Array.isArray(net.privateSubnetIds) && subnets.length < 2) {
        r.issues.add(`${key}.privateSubnetIds`, net.privateSubnetIds, "at least 2 private subnets in different AZs");
    }
    return vpcId && bad.length === 0 && subnets.length >= 2
        ? { kind: "existing", vpcId, privateSubnetIds: subnets }
        : undefined;
}

export function parseLineage(r: Reader, raw: Json): LineageConfig {
    const key = configKey("lineage");
    if (raw === undefined) return DEFAULT_LINEAGE;
    const value = r.record(key, raw, LINEAGE_CONFIG_KEY) ?? {};
    r.unknownKeys(key, value, [
        "enabled",
        "engine",
        "minCapacity",
        "maxCapacity",
        "instanceClass",
        "instances",
        "network",
    ]);
    const enabled =
        value.enabled === undefined ? true : (r.boolean(`${key}.enabled`, value.enabled, "true or false") ?? true);
    const engine =
        value.engine === undefined
            ? DEFAULT_LINEAGE.engine
            : (r.string(
                  `${key}.engine`,
                  value.engine,
                  new RegExp(`^(${LINEAGE_ENGINES.join("|")})$`),
                  `one of ${LINEAGE_ENGINES.join(", ")}`,
              ) as LineageEngine | undefined);
    const minCapacity = capacity(r, `${key}.minCapacity`, value.minCapacity, DEFAULT_LINEAGE.minCapacity);
    const maxCapacity = capacity(r, `${key}.maxCapacity`, value.maxCapacity, DEFAULT_LINEAGE.maxCapacity);
    if (minCapacity !== undefined && maxCapacity !== undefined && maxCapacity < minCapacity) {
        r.issues.add(`${key}.maxCapacity`, value.maxCapacity, `at least minCapacity (${minCapacity})`);
    }
    if (engine === "provisioned" && (value.minCapacity !== undefined || value.maxCapacity !== undefined)) {
        r.issues.add(`${key}.engine`, engine, "serverless when minCapacity/maxCapacity are set (they size serverless)");
    }
    if (engine === "serverless" && value.instanceClass !== undefined) {
        r.issues.add(
            `${key}.instanceClass`,
            value.instanceClass,
            "unset with engine serverless (its instances are db.serverless); set engine: provisioned",
        );
    }
    const instanceClass =
        value.instanceClass === undefined
            ? DEFAULT_LINEAGE.instanceClass
            : r.string(
                  `${key}.instanceClass`,
                  value.instanceClass,
                  INSTANCE_CLASS,
                  "a Neptune instance class, e.g. db.r6g.large",
              );
    const instances =
        value.instances === undefined
            ? DEFAULT_LINEAGE.instances
            : r.integer(`${key}.instances`, value.instances, (n) => n >= 1 && n <= 16, "1 (writer) to 16 (15 readers)");
    const network = parseNetwork(r, `${key}.network`, value.network);
    return {
        enabled,
        engine: engine ?? DEFAULT_LINEAGE.engine,
        minCapacity: minCapacity ?? DEFAULT_LINEAGE.minCapacity,
        maxCapacity: maxCapacity ?? DEFAULT_LINEAGE.maxCapacity,
        instanceClass: instanceClass ?? DEFAULT_LINEAGE.instanceClass,
        instances: instances ?? DEFAULT_LINEAGE.instances,
        network: network ?? DEFAULT_LINEAGE.network,
    };
}
