import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where a component's resources land: the account, region and partition of its AWS provider. */
export interface AwsContext {
    readonly accountId: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    /** `amazonaws.com` (or the partition's DNS suffix), for service endpoints in conditions. */
    readonly dnsSuffix: pulumi.Output<string>;
}

/**
 * Contexts by provider resource; for the default provider, by the deployment's resource monitor (one per `pulumi up`,
 * a new one per mocked run), so a later deployment in the same process never sees an earlier one's outputs.
 */
const cache = new WeakMap<object, AwsContext>();
const noMonitor = {};

/**
 * The account, region and partition of the AWS provider `resource` inherits, looked up once per provider
 * (`getCallerIdentity`, `getRegion`; the partition comes from the caller ARN) and shared by every component under it. Reading them from
 * the provider, not from config, guarantees ARNs and key policies match the account the resources really land in.
 */
export function awsContext(resource: pulumi.Resource): AwsContext {
    const provider = resource.getProvider("aws:index/getCallerIdentity:getCallerIdentity");
    const key: object = provider ?? pulumi.runtime.getMonitor() ?? noMonitor;
    const cached = cache.get(key);
    if (cached) {
        return cached;
    }
    const opts: pulumi.InvokeOutputOptions = provider ? { provider } : { parent: resource };
    const identity = aws.getCallerIdentityOutput({}, opts);
    // The caller's ARN carries the partition, which saves a getPartition call per provider.
    const partition = identity.arn.apply((arn) => arn.split(":")[1] ?? "aws");
    const context: AwsContext = {
        accountId: identity.accountId,
        region: aws.getRegionOutput({}, opts).region,
        partition,
        dnsSuffix: partition.apply((p) => (p === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com")),
    };
    cache.set(key, context);
    return context;
}
