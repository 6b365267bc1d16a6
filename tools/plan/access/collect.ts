/**
 * Collects, from the planned resources, what the access proof evaluates: principals with their identity policies,
 * resources with their resource policies, S3 Block Public Access, the stack's accounts and roles (hub, governance,
 * domains), and the components' required-access declarations. Everything comes from resource inputs and mocked
 * outputs; what the plan cannot know is listed in `unknowns`, what the proof does not model in `notModelled`.
 */
import {
    ACCESS_BOUNDARIES_OUTPUT,
    type AccessBoundary,
    REQUIRED_ACCESS_OUTPUT,
    type RequiredAccess,
} from "../../../model/access";
import { resolveAccounts } from "../document";
import type { PlannedResource, PlanResult } from "../harness";
import { type LoadedPolicy, loadPolicyText } from "./engine";
import { collectLakeFormation, type LakeFormationModel } from "./lake-formation";
import { AWS_MANAGED_POLICIES } from "./managed-policies";

export interface PrincipalInfo {
    arn: string;
    account: string;
    urn: string;
    /** Logical name (for the matrix). */
    name: string;
    identity: LoadedPolicy[];
    /** Trust policy (evaluated as the role's resource policy for `sts:AssumeRole`). */
    trust?: LoadedPolicy;
    /** The `DataDomain` tag: the business domain the role works for. */
    domain?: string;
}

export interface TransferUserInfo {
    arn: string;
    roleArn: string;
    session?: LoadedPolicy;
    urn: string;
}

export type ResourceKind =
    | "bucket"
    | "key"
    | "stream"
    | "bus"
    | "queue"
    | "topic"
    | "function"
    | "api"
    | "secret"
    | "table"
    | "log-group"
    | "role"
    /** Any other planned resource with an ARN (Firehose streams, Glue tables...): no resource policy. */
    | "other";

export interface ResourceInfo {
    arn: string;
    kind: ResourceKind;
    account: string;
    urn: string;
    name: string;
    policy?: LoadedPolicy;
    /** Buckets: `RestrictPublicBuckets` of the bucket or its account. */
    restrictPublicBuckets?: boolean;
    /** Buckets: the `DataZone` tag (raw, processed, curated...) and the default-encryption key. */
    zone?: string;
    keyArn?: string;
    /** Tables: the stream ARN. */
    streamArn?: string;
    /** The `DataDomain` tag (domain-owned resources). */
    domain?: string;
}

export interface AccessModel {
    accounts: string[];
    region: string;
    partition: string;
    /** Account → role: `hub`, `governance`, `domain:<name>`, `analytics`... (from the components placed there). */
    accountRoles: Map<string, Set<string>>;
    principals: Map<string, PrincipalInfo>;
    transferUsers: Map<string, TransferUserInfo>;
    resources: ResourceInfo[];
    declarations: Array<RequiredAccess & { component: string }>;
    /** What components state their principals must not do (`accessBoundaries` outputs). */
    boundaries: Array<AccessBoundary & { component: string }>;
    /** The planned Lake Formation catalog, tags, grants and the governance plane's declarations. */
    lakeFormation: LakeFormationModel;
    /** Problems: invalid policies, declarations naming unknown things. */
    issues: string[];
    notModelled: string[];
    unknowns: string[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const out = (r: PlannedResource, key: string): string | undefined => str(r.outputs[key]) ?? str(r.inputs[key]);
const tag = (r: PlannedResource, key: string): string | undefined => {
    const all = (r.outputs.tagsAll ?? r.inputs.tags) as Record<string, unknown> | undefined;
    return str(all?.[key]);
};

/** The account in an ARN (field 5), if any. */
export function arnAccount(arn: string): string | undefined {
    const a = arn.split(":")[4];
    return a && /^\d{12}$/.test(a) ? a : undefined;
}

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Builds the access model of a plan. */
export function collectAccessModel(result: PlanResult): AccessModel {
    const { byUrn, accounts } = resolveAccounts(result);
    const model: AccessModel = {
        accounts: [...new Set(accounts.map((a) => a.accountId))].sort(),
        region: accounts[0]?.region ?? "us-east-1",
        partition: "aws",
        accountRoles: new Map(),
        principals: new Map(),
        transferUsers: new Map(),
        resources: [],
        declarations: [],
        boundaries: [],
        lakeFormation: undefined as unknown as LakeFormationModel,
        issues: [],
        notModelled: [],
        unknowns: [],
    };
    const accountOf = (r: PlannedResource): string => byUrn.get(r.urn) ?? "";
    const addRole = (account: string, role: string) => {
        if (!account) return;
        const set = model.accountRoles.get(account) ?? new Set<string>();
        set.add(role);
        model.accountRoles.set(account, set);
    };
    const policyOf = (kind: "identity" | "resource" | "session", name: string, text: unknown, urn: string) => {
        if (typeof text !== "string" || text === "") return undefined;
        if (text.includes(UNKNOWN)) {
            model.unknowns.push(`${name}: policy not known offline (${urn})`);
            return undefined;
        }
        const p = loadPolicyText(kind, name, text);
        if (p.errors.length > 0) model.issues.push(`${name}: invalid ${kind} policy: ${p.errors.join("; ")}`);
        return p;
    };
    const byType = new Map<string, PlannedResource[]>();
    const resourceByUrn = new Map<string, PlannedResource>();
    for (const r of result.resources) {
        resourceByUrn.set(r.urn, r);
        const list = byType.get(r.type) ?? [];
        list.push(r);
        byType.set(r.type, list);
    }
    const of = (...types: string[]) => types.flatMap((t) => byType.get(t) ?? []);

    // Accounts' roles in the platform, from the components placed in them.
    for (const r of result.resources) {
        if (r.custom) {
            const domain = tag(r, "DataDomain");
            if (domain) addRole(accountOf(r), `domain:${domain}`);
            continue;
        }
        const program = /^cdp:programs:(\w+)$/.exec(r.type)?.[1];
        if (program && program !== "Producer") addRole(accountOf(r), program.toLowerCase());
        const boundaries = r.outputs[ACCESS_BOUNDARIES_OUTPUT];
        if (boundaries !== undefined) {
            if (!Array.isArray(boundaries))
                model.unknowns.push(`${r.urn}: ${ACCESS_BOUNDARIES_OUTPUT} not known offline`);
            else for (const b of boundaries as AccessBoundary[]) model.boundaries.push({ ...b, component: r.urn });
        }
        if (r.outputs[REQUIRED_ACCESS_OUTPUT] !== undefined) {
            const declared = r.outputs[REQUIRED_ACCESS_OUTPUT];
            if (!Array.isArray(declared)) {
                model.unknowns.push(`${r.urn}: requiredAccess not known offline`);
                continue;
            }
            for (const d of declared as RequiredAccess[]) model.declarations.push({ ...d, component: r.urn });
        }
    }
    if (accounts[0]) model.partition = accounts[0].region.startsWith("cn-") ? "aws-cn" : "aws";

    // Roles and their identity policies.
    const roleByName = new Map<string, PrincipalInfo>();
    const roleByUrn = new Map<string, PrincipalInfo>();
    for (const r of of("aws:iam/role:Role")) {
        const arn = out(r, "arn");
        if (!arn) continue;
        const p: PrincipalInfo = {
            arn,
            account: arnAccount(arn) ?? accountOf(r),
            urn: r.urn,
            name: r.name,
            identity: [],
            trust: policyOf("resource", `${r.name} trust`, r.inputs.assumeRolePolicy, r.urn),
            domain: tag(r, "DataDomain"),
        };
        for (const [i, inline] of (
            (r.inputs.inlinePolicies as Array<{ name?: string; policy?: string }>) ?? []
        ).entries()) {
            const pol = policyOf("identity", `${r.name}/${inline.name ?? i}`, inline.policy, r.urn);
            if (pol) p.identity.push(pol);
        }
        for (const managed of (r.inputs.managedPolicyArns as string[]) ?? []) attach(p, managed, r.urn);
        model.principals.set(arn, p);
        roleByUrn.set(r.urn, p);
        roleByName.set(`${p.account}/${out(r, "name") ?? r.name}`, p);
        model.resources.push({ arn, kind: "role", account: p.account, urn: r.urn, name: r.name, policy: p.trust });
    }
    const findRole = (r: PlannedResource, key: string): PrincipalInfo | undefined => {
        const dep = r.propertyDependencies[key]?.map((u) => roleByUrn.get(u)).find((x) => x);
        if (dep) return dep;
        const ref = str(r.inputs[key]);
        if (!ref) return undefined;
        return model.principals.get(ref) ?? roleByName.get(`${accountOf(r)}/${ref.split("/").pop()}`);
    };
    const customerPolicies = new Map<string, { text: unknown; name: string; urn: string }>();
    for (const r of of("aws:iam/policy:Policy")) {
        const arn = out(r, "arn");
        if (arn) customerPolicies.set(arn, { text: r.inputs.policy, name: r.name, urn: r.urn });
    }
    function attach(p: PrincipalInfo, policyArn: string, urn: string) {
        const customer = customerPolicies.get(policyArn);
        const managed = AWS_MANAGED_POLICIES[policyArn.replace(/^arn:[^:]+:/, "arn:aws:")];
        if (customer) {
            const pol = policyOf("identity", customer.name, customer.text, customer.urn);
            if (pol) p.identity.push(pol);
        } else if (managed) {
            const pol = policyOf("identity", policyArn.split("/").pop() ?? policyArn, JSON.stringify(managed), urn);
            if (pol) p.identity.push(pol);
        } else {
            model.notModelled.push(
                `${p.name}: AWS managed policy ${policyArn} is not embedded; its grants are not modelled`,
            );
        }
    }
    for (const r of of("aws:iam/rolePolicy:RolePolicy")) {
        const role = findRole(r, "role");
        if (!role) {
            model.issues.push(`${r.urn}: role ${String(r.inputs.role)} not found in the plan`);
            continue;
        }
        const pol = policyOf("identity", r.name, r.inputs.policy, r.urn);
        if (pol) role.identity.push(pol);
    }
    for (const r of of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        const role = findRole(r, "role");
        const arn = str(r.inputs.policyArn);
        if (role && arn) attach(role, arn, r.urn);
    }
    for (const r of of("aws:transfer/user:User")) {
        const arn = out(r, "arn");
        const roleArn = str(r.inputs.role);
        if (!arn || !roleArn) continue;
        model.transferUsers.set(arn, {
            arn,
            roleArn,
            urn: r.urn,
            session: policyOf("session", `${r.name} session policy`, r.inputs.policy, r.urn),
        });
    }

    // Resources and their resource policies.
    const add = (
        r: PlannedResource,
        kind: ResourceKind,
        arn: string | undefined,
        extra: Partial<ResourceInfo> = {},
    ) => {
        if (!arn) return undefined;
        const info: ResourceInfo = {
            arn,
            kind,
            account: arnAccount(arn) ?? accountOf(r),
            urn: r.urn,
            name: r.name,
            domain: tag(r, "DataDomain"),
            ...extra,
        };
        model.resources.push(info);
        return info;
    };
    const bucketByName = new Map<string, ResourceInfo>();
    for (const r of of("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")) {
        const name = out(r, "bucket") ?? r.id;
        const info = add(r, "bucket", out(r, "arn") ?? `arn:${model.partition}:s3:::${name}`, {
            zone: tag(r, "DataZone"),
            policy: policyOf("resource", `${r.name} bucket policy`, r.inputs.policy, r.urn),
        });
        if (info) bucketByName.set(name, info);
    }
    const bucketFor = (r: PlannedResource) => bucketByName.get(str(r.inputs.bucket) ?? "");
    for (const r of of("aws:s3/bucketPolicy:BucketPolicy")) {
        const b = bucketFor(r);
        if (b) b.policy = policyOf("resource", `${b.name} bucket policy`, r.inputs.policy, r.urn);
    }
    const accountBpa = new Map<string, boolean>();
    for (const r of of("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")) {
        accountBpa.set(str(r.inputs.accountId) ?? accountOf(r), r.inputs.restrictPublicBuckets === true);
    }
    for (const r of of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
        const b = bucketFor(r);
        if (b) b.restrictPublicBuckets = r.inputs.restrictPublicBuckets === true;
    }
    for (const r of of(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    )) {
        const b = bucketFor(r);
        const rules = (r.inputs.rules ?? r.inputs.rule) as Array<{
            applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string };
        }>;
        const key = (rules ?? []).map((x) => x.applyServerSideEncryptionByDefault?.kmsMasterKeyId).find((k) => k);
        if (b && key) b.keyArn = key;
    }
    for (const b of bucketByName.values()) if (accountBpa.get(b.account)) b.restrictPublicBuckets = true;

    const keyById = new Map<string, ResourceInfo>();
    for (const r of of("aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey")) {
        const info = add(r, "key", out(r, "arn"), {
            policy: policyOf("resource", `${r.name} key policy`, r.inputs.policy, r.urn),
        });
        if (info) {
            keyById.set(info.arn, info);
            keyById.set(info.arn.split("/").pop() ?? "", info);
        }
    }
    for (const r of of("aws:kms/keyPolicy:KeyPolicy")) {
        const k = keyById.get(str(r.inputs.keyId) ?? "");
        if (k) k.policy = policyOf("resource", `${k.name} key policy`, r.inputs.policy, r.urn);
    }
    const byArn = new Map<string, ResourceInfo>();
    for (const r of of("aws:kinesis/stream:Stream")) add(r, "stream", out(r, "arn"));
    for (const r of of("aws:cloudwatch/eventBus:EventBus")) add(r, "bus", out(r, "arn"));
    for (const r of of("aws:sqs/queue:Queue"))
        add(r, "queue", out(r, "arn"), {
            policy: policyOf("resource", `${r.name} queue policy`, r.inputs.policy, r.urn),
        });
    for (const r of of("aws:sns/topic:Topic"))
        add(r, "topic", out(r, "arn"), {
            policy: policyOf("resource", `${r.name} topic policy`, r.inputs.policy, r.urn),
        });
    for (const r of of("aws:lambda/function:Function")) add(r, "function", out(r, "arn"));
    for (const r of of("aws:secretsmanager/secret:Secret"))
        add(r, "secret", out(r, "arn"), {
            policy: policyOf("resource", `${r.name} secret policy`, r.inputs.policy, r.urn),
        });
    for (const r of of("aws:dynamodb/table:Table")) add(r, "table", out(r, "arn"), { streamArn: out(r, "streamArn") });
    for (const r of of("aws:cloudwatch/logGroup:LogGroup")) add(r, "log-group", out(r, "arn"));
    for (const r of of("aws:apigateway/restApi:RestApi")) {
        const exec = out(r, "executionArn");
        add(r, "api", exec ? `${exec}/*` : undefined, {
            policy: policyOf("resource", `${r.name} API policy`, r.inputs.policy, r.urn),
        });
        const body = str(r.inputs.body);
        if (body?.includes("x-amazon-apigateway-policy"))
            model.notModelled.push(`${r.name}: a resource policy inside the OpenAPI body is not read`);
    }
    // Neptune data access (IAM database authentication) names the cluster resource id, not the cluster's ARN, and
    // Neptune has no resource policy (https://docs.aws.amazon.com/neptune/latest/userguide/iam-data-resources.html).
    for (const r of of("aws:neptune/cluster:Cluster")) {
        const [, partition, , region, account] = (out(r, "arn") ?? "").split(":");
        const id = out(r, "clusterResourceId");
        if (region && account && id) add(r, "other", `arn:${partition}:neptune-db:${region}:${account}:${id}/database`);
    }
    for (const info of model.resources) byArn.set(info.arn, info);
    for (const r of result.resources) {
        const arn = r.custom ? str(r.outputs.arn) : undefined;
        if (arn?.startsWith("arn:") && !byArn.has(arn) && !r.type.startsWith("aws:iam/")) {
            const info = add(r, "other", arn);
            if (info) byArn.set(arn, info);
        }
    }
    const setPolicy = (arn: string | undefined, r: PlannedResource, label: string) => {
        const target = arn ? byArn.get(arn) : undefined;
        if (!target) {
            model.issues.push(`${r.urn}: ${label} names ${arn ?? "nothing"}, which is not in the plan`);
            return;
        }
        target.policy = policyOf("resource", `${target.name} ${label}`, r.inputs.policy, r.urn);
    };
    for (const r of of("aws:kinesis/resourcePolicy:ResourcePolicy", "aws:dynamodb/resourcePolicy:ResourcePolicy"))
        setPolicy(str(r.inputs.resourceArn), r, "resource policy");
    for (const r of of("aws:cloudwatch/eventBusPolicy:EventBusPolicy")) {
        const name = str(r.inputs.eventBusName) ?? "default";
        const bus = model.resources.find(
            (x) => x.kind === "bus" && x.account === accountOf(r) && (x.arn === name || x.arn.endsWith(`/${name}`)),
        );
        setPolicy(bus?.arn ?? name, r, "bus policy");
    }
    for (const r of of("aws:sqs/queuePolicy:QueuePolicy")) {
        const url = str(r.inputs.queueUrl) ?? "";
        const m = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/(.+)$/.exec(url);
        setPolicy(m ? `arn:${model.partition}:sqs:${m[1]}:${m[2]}:${m[3]}` : url, r, "queue policy");
    }
    for (const r of of("aws:sns/topicPolicy:TopicPolicy")) setPolicy(str(r.inputs.arn), r, "topic policy");
    for (const r of of("aws:secretsmanager/secretPolicy:SecretPolicy"))
        setPolicy(str(r.inputs.secretArn), r, "secret policy");
    for (const r of of("aws:apigateway/restApiPolicy:RestApiPolicy")) {
        const api = model.resources.find((x) => x.kind === "api" && x.arn.includes(`:${str(r.inputs.restApiId)}/`));
        setPolicy(api?.arn, r, "API policy");
    }
    // Lambda permissions: the function's resource policy, one statement per permission.
    const statements = new Map<string, unknown[]>();
    for (const r of of("aws:lambda/permission:Permission")) {
        const fn = str(r.inputs.function) ?? "";
        const target = model.resources.find(
            (x) =>
                x.kind === "function" &&
                x.account === accountOf(r) &&
                (x.arn === fn || x.arn.endsWith(`:function:${fn}`)),
        );
        if (!target) {
            model.issues.push(`${r.urn}: Lambda permission for ${fn}, which is not in the plan`);
            continue;
        }
        const principal = str(r.inputs.principal) ?? "";
        const condition: Record<string, Record<string, string>> = {};
        if (str(r.inputs.sourceArn)) condition.ArnLike = { "aws:SourceArn": str(r.inputs.sourceArn) as string };
        if (str(r.inputs.sourceAccount))
            condition.StringEquals = { "aws:SourceAccount": str(r.inputs.sourceAccount) as string };
        if (str(r.inputs.principalOrgId))
            condition.StringEquals = {
                ...condition.StringEquals,
                "aws:PrincipalOrgID": str(r.inputs.principalOrgId) as string,
            };
        const list = statements.get(target.arn) ?? [];
        list.push({
            Sid: r.name,
            Effect: "Allow",
            Principal: principal.endsWith(".amazonaws.com")
                ? { Service: principal }
                : principal === "*"
                  ? "*"
                  : { AWS: principal },
            Action: str(r.inputs.action) ?? "lambda:InvokeFunction",
            Resource: [target.arn, `${target.arn}:*`],
            ...(Object.keys(condition).length ? { Condition: condition } : {}),
        });
        statements.set(target.arn, list);
    }
    for (const [arn, list] of statements) {
        const target = byArn.get(arn);
        if (target)
            target.policy = policyOf(
                "resource",
                `${target.name} function policy`,
                JSON.stringify({ Version: "2012-10-17", Statement: list }),
                target.urn,
            );
    }
    model.lakeFormation = collectLakeFormation(result, accountOf);
    model.issues.push(...model.lakeFormation.issues);
    model.unknowns.push(...model.lakeFormation.unknowns);
    model.notModelled.push(
        "SCPs, RCPs and permission boundaries: none are planned by this stack; the proof assumes none apply",
        "VPC endpoint policies: requests are evaluated as if made outside a VPC endpoint",
    );
    return model;
}

/** The resource an ARN names (S3 objects → their bucket, Lambda qualifiers and log streams → the base). */
export function resourceFor(
    model: AccessModel,
    index: Map<string, ResourceInfo>,
    arn: string,
): ResourceInfo | undefined {
    const exact = index.get(arn);
    if (exact) return exact;
    if (arn.startsWith("arn:aws:s3:::") || /^arn:[^:]+:s3:::/.test(arn)) {
        const bucket = arn.replace(/^arn:[^:]+:s3:::/, "").split("/")[0];
        return index.get(`arn:${model.partition}:s3:::${bucket}`);
    }
    const fn = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)/.exec(arn)?.[1];
    if (fn) return index.get(fn);
    const lg = /^(arn:[^:]+:logs:[^:]+:\d{12}:log-group:[^:]+)/.exec(arn)?.[1];
    if (lg) return index.get(lg);
    const table = /^(arn:[^:]+:dynamodb:[^:]+:\d{12}:table\/[^/]+)/.exec(arn)?.[1];
    if (table) return index.get(table);
    return undefined;
}
