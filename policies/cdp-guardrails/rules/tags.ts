import { type CdpPolicy, definePolicy, forTypes } from "../lib/policy";
import { effectiveTags } from "../lib/tags";
import { TYPES } from "../lib/types";
import { probe } from "../lib/unknown";

/** Required cost-allocation and ownership tags, across every taggable type the platform deploys. */

// Required cost-allocation / ownership tags.

const DEFAULT_REQUIRED_TAGS = ["Project", "Environment", "Owner", "CostCenter"];

/**
 * Resource types the policy checks. An explicit list, because v7 inputs carry `tags` only when the program sets
 * them (default tags live on the provider), so a type's taggability cannot be read from its inputs. These are the
 * taggable types the platform deploys, with the deprecated twin where v7 has one (S3 BucketV2). Extend it when the
 * platform adopts a new taggable service.
 */
const TAGGABLE_TYPES: readonly string[] = [
    ...TYPES.bucket,
    ...TYPES.kmsKey,
    ...TYPES.dynamodbTable,
    ...TYPES.kinesisStream,
    ...TYPES.firehoseDeliveryStream,
    ...TYPES.sqsQueue,
    ...TYPES.snsTopic,
    ...TYPES.logGroup,
    ...TYPES.lambdaFunction,
    ...TYPES.iamRole,
    ...TYPES.secretsmanagerSecret,
    ...TYPES.glueCatalogDatabase,
    ...TYPES.glueJob,
    ...TYPES.glueCrawler,
    ...TYPES.sfnStateMachine,
    ...TYPES.redshiftCluster,
    ...TYPES.redshiftServerlessNamespace,
    ...TYPES.redshiftServerlessWorkgroup,
    ...TYPES.neptuneCluster,
    ...TYPES.sagemakerNotebookInstance,
    ...TYPES.sagemakerDomain,
    ...TYPES.athenaWorkgroup,
    ...TYPES.eventBus,
    ...TYPES.transferServer,
    ...TYPES.daxCluster,
    ...TYPES.apigatewayRestApi,
    ...TYPES.apigatewayStage,
    ...TYPES.cloudtrailTrail,
];

const requiredTags = definePolicy({
    name: "required-tags",
    description:
        "Taggable AWS resources carry the required tag keys (default Project, Environment, Owner, CostCenter) with non-empty values, counting their own tags merged over their provider's defaultTags (platform rule; cost allocation and ownership). The taggable types are an explicit list (TAGGABLE_TYPES) of the types the platform deploys.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the resource with the platform's aws.Provider, whose defaultTags.tags set Project, Environment, Owner and CostCenter, or set the missing keys in the resource's tags; do not override a required key with an empty value.",
    configSchema: {
        properties: { requiredKeys: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS } },
    },
    cdp: { concern: "governance", controls: ["platform rule"], inspects: [...TAGGABLE_TYPES] },
    validateResource: forTypes(TAGGABLE_TYPES, (args, reportViolation) => {
        const required = args.getConfig<{ requiredKeys?: string[] }>().requiredKeys ?? DEFAULT_REQUIRED_TAGS;
        const merged = probe(() => effectiveTags(args.props, args.provider));
        if (!merged.known) return; // a tag value computed at preview: checked on update
        const tags = merged.value;
        const missing = required.filter((k) => !(k in tags));
        const empty = required.filter((k) => k in tags && String(tags[k] ?? "").trim() === "");
        const problems = [
            ...(missing.length ? [`missing ${missing.join(", ")}`] : []),
            ...(empty.length ? [`empty ${empty.join(", ")}`] : []),
        ];
        if (problems.length) {
            const hasDefaults = args.provider !== undefined && Object.keys(effectiveTags({}, args.provider)).length > 0;
            const source = args.provider
                ? `provider ${args.provider.name} defaultTags${hasDefaults ? "" : " (none set)"}`
                : "the default provider (no defaultTags seen)";
            reportViolation(`${args.name}: required tags ${problems.join("; ")} (own tags merged over ${source})`);
        }
    }),
});

/** Policies of this service (see policies/README.md for the coverage table). */
export const tagsPolicies: CdpPolicy[] = [requiredTags];
