import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** Account and region an AWS provider reaches, as far as the plan can tell from its inputs. */
export interface ProviderTarget {
    accountId: string;
    region: string;
    partition: string;
    roleArn?: string;
    defaultTags: Record<string, string>;
}

/** Account used when a provider does not pin one (no `allowedAccountIds`, no role): an obviously fake id. */
export const UNPINNED_ACCOUNT = "000000000000";
export const DEFAULT_REGION = "us-east-1";

export function partitionOfRegion(region: string): string {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

function dnsSuffix(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

function hex(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A deterministic UUID-shaped id (KMS key ids and the like). */
function uuidFor(text: string): string {
    const h = hex(text, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Provider config values arrive JSON-encoded when they are structured. */
function structured<T>(value: unknown): T | undefined {
    if (typeof value === "string") {
        try {
            return JSON.parse(value) as T;
        } catch {
            return undefined;
        }
    }
    return value as T | undefined;
}

/** Reads an AWS provider's target from its inputs: region, pinned account or assumed role, default tags. */
export function providerTarget(inputs: Record<string, unknown>, fallbackRegion: string): ProviderTarget {
    const region = typeof inputs.region === "string" && inputs.region ? inputs.region : fallbackRegion;
    const allowed = structured<string[]>(inputs.allowedAccountIds) ?? [];
    const single = structured<{ roleArn?: string }>(inputs.assumeRole);
    const roles = [...(structured<{ roleArn?: string }[]>(inputs.assumeRoles) ?? []), ...(single ? [single] : [])];
    const roleArn = roles.find((r) => r?.roleArn)?.roleArn;
    const roleAccount = roleArn ? /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
    const tags = structured<{ tags?: Record<string, string> }>(inputs.defaultTags)?.tags ?? {};
    return {
        accountId: allowed[0] ?? roleAccount ?? UNPINNED_ACCOUNT,
        region,
        partition: partitionOfRegion(region),
        roleArn,
        defaultTags: tags,
    };
}

/** The module part of a type token: `aws:s3/bucket:Bucket` → `s3`. */
function moduleOf(type: string): string {
    return type.split(":")[1]?.split("/")[0] ?? "";
}

/** Pulumi auto-naming: the logical name plus a suffix (deterministic here, so plans are stable). */
function autoName(name: string, type: string): string {
    return `${name}-${hex(`${type}::${name}`, 7)}`;
}

type State = Record<string, unknown>;

/** Multi-language components whose outputs the mocks compute (`computedOutputs`), as their providers would. */
const REMOTE_COMPONENTS = new Set(["awsx:ec2:Vpc"]);

interface OutputContext {
    type: string;
    name: string;
    inputs: State;
    target: ProviderTarget;
}

/** Per-type computed outputs: id, ARN and the attributes programs commonly read. */
function computedOutputs(c: OutputContext): { id: string; state: State } {
    const { type, name, inputs, target } = c;
    const { accountId: acct, region, partition: p } = target;
    const arnBase = (service: string, withRegion = true, withAccount = true) =>
        `arn:${p}:${service}:${withRegion ? region : ""}:${withAccount ? acct : ""}`;
    const named = (key = "name") =>
        typeof inputs[key] === "string" && inputs[key] ? (inputs[key] as string) : autoName(name, type);
    switch (type) {
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = named("bucket");
            const suffix = dnsSuffix(p);
            return {
                id: bucket,
                state: {
                    bucket,
                    arn: `arn:${p}:s3:::${bucket}`,
                    bucketDomainName: `${bucket}.s3.${suffix}`,
                    bucketRegionalDomainName: `${bucket}.s3.${region}.${suffix}`,
                    region,
                    hostedZoneId: "Z1BKCTXD74EZPE",
                },
            };
        }
        case "aws:kms/key:Key": {
            const keyId = uuidFor(`${acct}/${region}/${name}`);
            return { id: keyId, state: { keyId, arn: `${arnBase("kms")}:key/${keyId}` } };
        }
        case "aws:kms/alias:Alias": {
            const alias = named();
            return {
                id: alias,
                state: {
                    name: alias,
                    arn: `${arnBase("kms")}:${alias}`,
                    targetKeyArn: `${arnBase("kms")}:key/${inputs.targetKeyId}`,
                },
            };
        }
        case "aws:glue/catalogDatabase:CatalogDatabase": {
            const db = named();
            return {
                id: `${acct}:${db}`,
                state: { name: db, catalogId: inputs.catalogId ?? acct, arn: `${arnBase("glue")}:database/${db}` },
            };
        }
        case "aws:iam/role:Role": {
            const role = named();
            const pathPart = typeof inputs.path === "string" ? inputs.path : "/";
            return {
                id: role,
                state: {
                    name: role,
                    arn: `${arnBase("iam", false)}:role${pathPart}${role}`,
                    uniqueId: `AROA${hex(role, 17).toUpperCase()}`,
                },
            };
        }
        case "aws:iam/policy:Policy": {
            const policy = named();
            const arn = `${arnBase("iam", false)}:policy/${policy}`;
            return { id: arn, state: { name: policy, arn, policyId: `ANPA${hex(policy, 17).toUpperCase()}` } };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const group = named();
            return { id: group, state: { name: group, arn: `${arnBase("logs")}:log-group:${group}` } };
        }
        case "aws:lambda/function:Function": {
            const fn = named();
            const arn = `${arnBase("lambda")}:function:${fn}`;
            return {
                id: fn,
                state: {
                    name: fn,
                    arn,
                    qualifiedArn: `${arn}:$LATEST`,
                    version: "$LATEST",
                    invokeArn: `arn:${p}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                },
            };
        }
        case "aws:kinesis/stream:Stream": {
            const stream = named();
            const arn = `${arnBase("kinesis")}:stream/${stream}`;
            return { id: arn, state: { name: stream, arn } };
        }
        case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
            const stream = named();
            const arn = `${arnBase("firehose")}:deliverystream/${stream}`;
            return { id: arn, state: { name: stream, arn } };
        }
        case "aws:secretsmanager/secret:Secret": {
            // Secrets Manager appends a hyphen and six random characters to the name; the id is the ARN.
            const secret = named();
            const arn = `${arnBase("secretsmanager")}:secret:${secret}-${hex(secret, 6)}`;
            return { id: arn, state: { name: secret, arn } };
        }
        case "aws:sqs/queue:Queue": {
            const queue = named();
            const url = `https://sqs.${region}.${dnsSuffix(p)}/${acct}/${queue}`;
            return { id: url, state: { name: queue, url, arn: `${arnBase("sqs")}:${queue}` } };
        }
        case "aws:sns/topic:Topic": {
            const topic = named();
            const arn = `${arnBase("sns")}:${topic}`;
            return { id: arn, state: { name: topic, arn } };
        }
        case "aws:dynamodb/table:Table": {
            const table = named();
            const arn = `${arnBase("dynamodb")}:table/${table}`;
            return {
                id: table,
                state: {
                    name: table,
                    arn,
                    streamArn: inputs.streamEnabled ? `${arn}/stream/2026-01-01T00:00:00.000` : undefined,
                },
            };
        }
        case "aws:cloudwatch/eventBus:EventBus": {
            const bus = named();
            return { id: bus, state: { name: bus, arn: `${arnBase("events")}:event-bus/${bus}` } };
        }
        case "aws:glue/job:Job": {
            const job = named();
            return { id: job, state: { name: job, arn: `${arnBase("glue")}:job/${job}` } };
        }
        case "aws:sfn/stateMachine:StateMachine": {
            const machine = named();
            const arn = `${arnBase("states")}:stateMachine:${machine}`;
            return { id: arn, state: { name: machine, arn } };
        }
        case "aws:apigateway/restApi:RestApi": {
            const id = hex(`${acct}/${region}/${name}`, 10);
            return {
                id,
                state: {
                    name: named(),
                    arn: `arn:${p}:apigateway:${region}::/restapis/${id}`,
                    executionArn: `${arnBase("execute-api")}:${id}`,
                    rootResourceId: hex(`${id}/root`, 10),
                },
            };
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const rule = named();
            const bus =
                typeof inputs.eventBusName === "string" && inputs.eventBusName !== "default"
                    ? `${inputs.eventBusName}/`
                    : "";
            return {
                id: `${bus.replace("/", "|")}${rule}`,
                state: { name: rule, arn: `${arnBase("events")}:rule/${bus}${rule}` },
            };
        }
        case "aws:cloudwatch/eventArchive:EventArchive": {
            const archive = named();
            return { id: archive, state: { name: archive, arn: `${arnBase("events")}:archive/${archive}` } };
        }
        case "aws:scheduler/schedule:Schedule": {
            const schedule = named();
            const group = typeof inputs.groupName === "string" ? inputs.groupName : "default";
            return {
                id: `${group}/${schedule}`,
                state: { name: schedule, arn: `${arnBase("scheduler")}:schedule/${group}/${schedule}` },
            };
        }
        case "aws:scheduler/scheduleGroup:ScheduleGroup": {
            const group = named();
            return { id: group, state: { name: group, arn: `${arnBase("scheduler")}:schedule-group/${group}` } };
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            const alarm = named();
            return { id: alarm, state: { name: alarm, arn: `${arnBase("cloudwatch")}:alarm:${alarm}` } };
        }
        case "aws:transfer/server:Server": {
            const id = `s-${hex(`${acct}/${region}/${name}`, 17)}`;
            return {
                id,
                state: {
                    serverId: id,
                    arn: `${arnBase("transfer")}:server/${id}`,
                    endpoint: `${id}.server.transfer.${region}.${dnsSuffix(p)}`,
                },
            };
        }
        case "aws:transfer/user:User": {
            const user = String(inputs.userName ?? name);
            return {
                id: `${inputs.serverId}/${user}`,
                state: { arn: `${arnBase("transfer")}:user/${inputs.serverId}/${user}` },
            };
        }
        case "aws:dax/cluster:Cluster": {
            const cluster = String(inputs.clusterName ?? named());
            const address = `${cluster}.${hex(cluster, 6)}.dax-clusters.${region}.${dnsSuffix(p)}`;
            return {
                id: cluster,
                state: {
                    arn: `${arnBase("dax")}:cache/${cluster}`,
                    clusterAddress: address,
                    configurationEndpoint: `daxs://${address}`,
                    port: 9111,
                },
            };
        }
        case "aws:apigateway/stage:Stage": {
            const api = String(inputs.restApi ?? "");
            return {
                id: `ags-${api}-${inputs.stageName}`,
                state: {
                    arn: `arn:${p}:apigateway:${region}::/restapis/${api}/stages/${inputs.stageName}`,
                    invokeUrl: `https://${api}.execute-api.${region}.${dnsSuffix(p)}/${inputs.stageName}`,
                    executionArn: `${arnBase("execute-api")}:${api}/${inputs.stageName}`,
                },
            };
        }
        case "aws:glue/catalogTable:CatalogTable": {
            const table = named();
            return {
                id: `${acct}:${inputs.databaseName}:${table}`,
                state: { name: table, arn: `${arnBase("glue")}:table/${inputs.databaseName}/${table}` },
            };
        }
        case "aws-native:entityresolution:SchemaMapping": {
            const schema = String(inputs.schemaName ?? named());
            return { id: schema, state: { schemaArn: `${arnBase("entityresolution")}:schemamapping/${schema}` } };
        }
        case "aws-native:entityresolution:MatchingWorkflow": {
            const workflow = String(inputs.workflowName ?? named());
            return {
                id: workflow,
                state: { workflowArn: `${arnBase("entityresolution")}:matchingworkflow/${workflow}` },
            };
        }
        case "awsx:ec2:Vpc": {
            // A remote (multi-language) component: the mock stands in for the awsx provider and returns the outputs
            // the program reads (its children are not planned). One subnet per AZ and spec type, ids derived from
            // the name; `isolatedSubnetIds` for isolated specs, `privateSubnetIds` for private ones.
            const vpcId = `vpc-${hex(`${acct}/${region}/${name}`, 17)}`;
            const azs = Number(inputs.numberOfAvailabilityZones ?? 3);
            const specs = (inputs.subnetSpecs as Array<{ type?: string; name?: string }> | undefined) ?? [
                { type: "Private" },
                { type: "Public" },
            ];
            const ids = (type: string) =>
                specs
                    .filter((spec) => spec.type === type)
                    .flatMap((spec) =>
                        Array.from(
                            { length: azs },
                            (_, i) => `subnet-${hex(`${vpcId}/${spec.name ?? type}/${i}`, 17)}`,
                        ),
                    );
            return {
                id: vpcId,
                state: {
                    vpcId,
                    privateSubnetIds: ids("Private"),
                    publicSubnetIds: ids("Public"),
                    isolatedSubnetIds: ids("Isolated"),
                },
            };
        }
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(`${acct}/${region}/${name}`, 17)}`;
            return { id, state: { arn: `${arnBase("ec2")}:security-group/${id}`, name: named() } };
        }
        case "aws:neptune/cluster:Cluster": {
            const cluster = named("clusterIdentifier");
            const suffix = hex(`${acct}/${region}/${cluster}`, 12);
            return {
                id: cluster,
                state: {
                    clusterIdentifier: cluster,
                    arn: `${arnBase("rds")}:cluster:${cluster}`,
                    clusterResourceId: `cluster-${hex(`${acct}/${region}/${cluster}/id`, 26).toUpperCase()}`,
                    endpoint: `${cluster}.cluster-${suffix}.${region}.neptune.${dnsSuffix(p)}`,
                    readerEndpoint: `${cluster}.cluster-ro-${suffix}.${region}.neptune.${dnsSuffix(p)}`,
                    port: inputs.port ?? 8182,
                },
            };
        }
        case "aws:lakeformation/dataLakeSettings:DataLakeSettings":
            return { id: acct, state: { catalogId: inputs.catalogId ?? acct } };
        case "aws:lakeformation/lfTag:LfTag":
            return { id: `${acct}:${inputs.key}`, state: { catalogId: inputs.catalogId ?? acct } };
        default: {
            // Configuration sub-resources (bucket encryption, policies, ...) are identified by their parent's name;
            // anything else gets a name-shaped id. No ARN is invented for types the plan does not model.
            if (typeof inputs.bucket === "string" && moduleOf(type) === "s3") {
                return { id: inputs.bucket as string, state: {} };
            }
            // Most AWS resources auto-name a `name` property; the SDK ignores outputs a type does not declare.
            const id = named();
            return { id, state: { name: id } };
        }
    }
}

/** Renders the `aws.iam.getPolicyDocument` invoke like the provider does (statement blocks → IAM JSON). */
function renderPolicyDocument(inputs: State): string {
    const statements = ((inputs.statements as State[] | undefined) ?? []).map((s) => {
        const out: State = {};
        if (s.sid) out.Sid = s.sid;
        out.Effect = s.effect ?? "Allow";
        const principals = (key: string, value: unknown) => {
            const list = value as { type: string; identifiers: string[] }[] | undefined;
            if (list?.length) {
                out[key] = Object.fromEntries(
                    list.map((pr) => [pr.type, pr.identifiers.length === 1 ? pr.identifiers[0] : pr.identifiers]),
                );
                if (list.length === 1 && list[0].type === "*") out[key] = "*";
            }
        };
        principals("Principal", s.principals);
        principals("NotPrincipal", s.notPrincipals);
        const maybe = (key: string, value: unknown) => {
            const list = value as string[] | undefined;
            if (list?.length) out[key] = list.length === 1 ? list[0] : list;
        };
        maybe("Action", s.actions);
        maybe("NotAction", s.notActions);
        maybe("Resource", s.resources);
        maybe("NotResource", s.notResources);
        const conditions = s.conditions as { test: string; variable: string; values: string[] }[] | undefined;
        if (conditions?.length) {
            const cond: Record<string, Record<string, string | string[]>> = {};
            for (const c of conditions) {
                cond[c.test] = {
                    ...(cond[c.test] ?? {}),
                    [c.variable]: c.values.length === 1 ? c.values[0] : c.values,
                };
            }
            out.Condition = cond;
        }
        return out;
    });
    return JSON.stringify({ Version: inputs.version ?? "2012-10-17", Statement: statements });
}

/**
 * Mocks with realistic results: ARNs carry the account, region and partition of the resource's provider, ids and
 * names follow each service's shape, `tagsAll` merges the provider's default tags, and the invokes the programs use
 * answer per provider. Invokes the plan does not model return an empty result and are reported as warnings.
 */
export class PlanMocks implements pulumi.runtime.Mocks {
    private readonly providers = new Map<string, ProviderTarget>();
    public readonly unmodelledInvokes = new Set<string>();

    constructor(private readonly defaultRegion: string = DEFAULT_REGION) {}

    /** The target of a provider reference (`urn::id`), or the default provider's. */
    targetOf(providerRef: string | undefined): ProviderTarget {
        const id = providerRef ? providerRef.slice(providerRef.lastIndexOf("::") + 2) : "";
        return (
            this.providers.get(id) ?? {
                accountId: UNPINNED_ACCOUNT,
                region: this.defaultRegion,
                partition: partitionOfRegion(this.defaultRegion),
                defaultTags: {},
            }
        );
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const inputs = (args.inputs ?? {}) as State;
        if (args.type.startsWith("pulumi:providers:")) {
            const id = `${args.name}-provider-id`;
            if (args.type === "pulumi:providers:aws" || args.type === "pulumi:providers:aws-native") {
                this.providers.set(id, providerTarget(inputs, this.defaultRegion));
            }
            return { id, state: inputs };
        }
        if (REMOTE_COMPONENTS.has(args.type)) {
            // A remote component (implemented by its provider plugin): the mock returns the outputs it would.
            const computed = computedOutputs({
                type: args.type,
                name: args.name,
                inputs,
                target: this.targetOf(args.provider),
            });
            return { id: computed.id, state: { ...inputs, ...computed.state } };
        }
        if (!args.custom) {
            return { id: undefined, state: inputs };
        }
        const target = this.targetOf(args.provider);
        const computed = computedOutputs({ type: args.type, name: args.name, inputs, target });
        const state: State = { ...inputs, ...computed.state, id: computed.id };
        if (args.type.startsWith("aws:") && ("tags" in inputs || Object.keys(target.defaultTags).length > 0)) {
            state.tagsAll = { ...target.defaultTags, ...((inputs.tags as Record<string, string> | undefined) ?? {}) };
        }
        return { id: computed.id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const target = this.targetOf(args.provider);
        const inputs = (args.inputs ?? {}) as State;
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity": {
                const role = target.roleArn ? /:role\/(.+)$/.exec(target.roleArn)?.[1] : undefined;
                return {
                    id: target.accountId,
                    accountId: target.accountId,
                    arn: role
                        ? `arn:${target.partition}:sts::${target.accountId}:assumed-role/${role}/pulumi-plan`
                        : `arn:${target.partition}:iam::${target.accountId}:user/pulumi-plan`,
                    userId: `AIDA${hex(target.accountId, 17).toUpperCase()}`,
                };
            }
            case "aws:index/getRegion:getRegion":
                return {
                    id: target.region,
                    region: target.region,
                    name: target.region,
                    endpoint: `ec2.${target.region}.${dnsSuffix(target.partition)}`,
                    description: target.region,
                };
            case "aws:index/getPartition:getPartition":
                return {
                    id: target.partition,
                    partition: target.partition,
                    dnsSuffix: dnsSuffix(target.partition),
                    reverseDnsPrefix: target.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
                };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = ["a", "b", "c"].map((s) => `${target.region}${s}`);
                return {
                    id: target.region,
                    names,
                    zoneIds: names.map((_, i) => `${target.region.slice(0, 3)}-az${i + 1}`),
                };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument": {
                const json = renderPolicyDocument(inputs);
                return { id: hex(json, 10), json, minifiedJson: json };
            }
            default:
                this.unmodelledInvokes.add(args.token);
                return {};
        }
    }
}
