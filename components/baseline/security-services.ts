import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/context";
import { IssueCollector } from "../shared/errors";
import type { Naming } from "../shared/naming";

export interface SecurityServicesArgs {
    /** Naming scope of the analyzers and the Macie job. */
    naming: Naming;
    /**
     * GuardDuty detector with the S3 data events and Lambda network activity protections.
     * @default true
     */
    guardDuty?: pulumi.Input<boolean>;
    /**
     * Security Hub with the AWS Foundational Security Best Practices (FSBP) standard.
     * @default true
     */
    securityHub?: pulumi.Input<boolean>;
    /**
     * Inspector v2 scanning of Lambda functions (packages and code).
     * @default true
     */
    inspector?: pulumi.Input<boolean>;
    /**
     * IAM Access Analyzer: an account analyzer of external access.
     * @default true
     */
    accessAnalyzer?: pulumi.Input<boolean>;
    /**
     * Days after which the unused-access analyzer reports a role, key or permission as unused; 0 for none (with
     * `accessAnalyzer`).
     * @default 90
     */
    unusedAccessAgeDays?: pulumi.Input<number>;
    /**
     * Macie (account level); classification jobs are added with `macieClassificationJob`.
     * @default true
     */
    macie?: pulumi.Input<boolean>;
}

/** What each switch resolves to (the args hold `pulumi.Input`s; the switches are plain at construction). */
function flag(value: pulumi.Input<boolean> | undefined, name: string, issues: IssueCollector, at: string): boolean {
    if (value === undefined) return true;
    if (typeof value !== "boolean") {
        issues.add(
            `${at}.${name}`,
            value,
            "a plain boolean known when the program runs (it decides which resources exist)",
        );
        return false;
    }
    return value;
}

/**
 * The account's security services, each behind a switch for organisations that manage it centrally (a delegated
 * administrator enables it in every member account; a second, account-level enablement would conflict):
 *
 * - GuardDuty detector, with S3 data event monitoring (`S3_DATA_EVENTS`) and Lambda network activity monitoring
 *   (`LAMBDA_NETWORK_LOGS`) as detector features ("Configuring protection plans", GuardDuty User Guide:
 *   https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-features-activation-model.html);
 * - Security Hub with control findings per control (`SECURITY_CONTROL`), the default standards off and the FSBP
 *   standard subscribed after the hub account exists ("Enabling a standard", Security Hub User Guide:
 *   https://docs.aws.amazon.com/securityhub/latest/userguide/enable-standards.html). Its controls read resources
 *   through AWS Config, which this component does not configure
 *   (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html);
 * - Inspector v2 for Lambda standard and code scanning (`LAMBDA`, `LAMBDA_CODE`: code scanning needs standard
 *   scanning on, https://docs.aws.amazon.com/inspector/latest/user/scanning-lambda.html);
 * - IAM Access Analyzer: an account analyzer (external access) and an unused-access analyzer
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-create-unused.html);
 * - Macie, whose service-linked role (`macieServiceRoleArn`) zone keys admit for `kms:Decrypt` so classification jobs
 *   can read SSE-KMS objects (https://docs.aws.amazon.com/macie/latest/user/discovery-supported-encryption-types.html).
 */
export class SecurityServices extends pulumi.ComponentResource {
    public readonly guardDuty?: aws.guardduty.Detector;
    public readonly securityHub?: aws.securityhub.Account;
    /** The FSBP standard subscription (after `securityHub`). */
    public readonly fsbp?: aws.securityhub.StandardsSubscription;
    public readonly inspector?: aws.inspector2.Enabler;
    public readonly accessAnalyzer?: aws.accessanalyzer.Analyzer;
    public readonly unusedAccessAnalyzer?: aws.accessanalyzer.Analyzer;
    public readonly macie?: aws.macie2.Account;
    /**
     * The ARN of Macie's service-linked role, as an output of the Macie account: a key policy naming it waits for
     * Macie to exist (KMS rejects a policy whose principal does not exist yet, and Macie creates the role when enabled).
     */
    public readonly macieServiceRoleArn?: pulumi.Output<string>;
    private readonly naming: Naming;

    constructor(name: string, args: SecurityServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:baseline:SecurityServices", name, {}, opts);
        const issues = new IssueCollector();
        const at = `SecurityServices(${name})`;
        const on = {
            guardDuty: flag(args.guardDuty, "guardDuty", issues, at),
            securityHub: flag(args.securityHub, "securityHub", issues, at),
            inspector: flag(args.inspector, "inspector", issues, at),
            accessAnalyzer: flag(args.accessAnalyzer, "accessAnalyzer", issues, at),
            macie: flag(args.macie, "macie", issues, at),
        };
        const unusedInput = args.unusedAccessAgeDays ?? 90;
        const unusedAge = typeof unusedInput === "number" ? unusedInput : -1;
        if (!Number.isInteger(unusedAge) || unusedAge < 0 || unusedAge > 365) {
            issues.add(
                `${at}.unusedAccessAgeDays`,
                unusedInput,
                "0 (none) or a whole number of days from 1 to 365, known when the program runs",
            );
        }
        issues.throwIfAny(`Invalid arguments for SecurityServices "${name}"`);
        this.naming = args.naming;
        const ctx = awsContext(this);
        const opts_ = { parent: this };

        if (on.guardDuty) {
            this.guardDuty = new aws.guardduty.Detector(
                `${name}-guardduty`,
                { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" },
                opts_,
            );
            for (const feature of ["S3_DATA_EVENTS", "LAMBDA_NETWORK_LOGS"]) {
                new aws.guardduty.DetectorFeature(
                    `${name}-guardduty-${feature.toLowerCase().replace(/_/g, "-")}`,
                    { detectorId: this.guardDuty.id, name: feature, status: "ENABLED" },
                    opts_,
                );
            }
        }
        if (on.securityHub) {
            this.securityHub = new aws.securityhub.Account(
                `${name}-securityhub`,
                {
                    // Only the standards chosen here (FSBP), each control's finding once across standards.
                    enableDefaultStandards: false,
                    autoEnableControls: true,
                    controlFindingGenerator: "SECURITY_CONTROL",
                },
                opts_,
            );
            this.fsbp = new aws.securityhub.StandardsSubscription(
                `${name}-securityhub-fsbp`,
                {
                    standardsArn: pulumi.interpolate`arn:${ctx.partition}:securityhub:${ctx.region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
                },
                { parent: this, dependsOn: [this.securityHub] },
            );
        }
        if (on.inspector) {
            this.inspector = new aws.inspector2.Enabler(
                `${name}-inspector`,
                { accountIds: [ctx.accountId], resourceTypes: ["LAMBDA", "LAMBDA_CODE"] },
                opts_,
            );
        }
        if (on.accessAnalyzer) {
            this.accessAnalyzer = new aws.accessanalyzer.Analyzer(
                `${name}-access-analyzer`,
                { analyzerName: args.naming.name("generic", "external-access"), type: "ACCOUNT" },
                opts_,
            );
            if (unusedAge > 0) {
                this.unusedAccessAnalyzer = new aws.accessanalyzer.Analyzer(
                    `${name}-unused-access-analyzer`,
                    {
                        analyzerName: args.naming.name("generic", "unused-access"),
                        type: "ACCOUNT_UNUSED_ACCESS",
                        configuration: { unusedAccess: { unusedAccessAge: unusedAge } },
                    },
                    opts_,
                );
            }
        }
        if (on.macie) {
            this.macie = new aws.macie2.Account(
                `${name}-macie`,
                { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" },
                opts_,
            );
            this.macieServiceRoleArn = pulumi
                .all([this.macie.id, ctx.partition, ctx.accountId])
                .apply(
                    ([, partition, account]) =>
                        `arn:${partition}:iam::${account}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`,
                );
        }
        this.registerOutputs({});
    }

    /**
     * A weekly Macie sensitive-data discovery job over `buckets` of this account (after the Macie account; the
     * buckets' keys must admit `macieServiceRoleArn`). Returns undefined when Macie is off here.
     */
    macieClassificationJob(
        name: string,
        spec: {
            description: string;
            bucketNames: pulumi.Input<string>[];
            /** What must exist first: the buckets' keys, whose policies admit Macie. */
            dependsOn?: pulumi.Resource[];
        },
    ): aws.macie2.ClassificationJob | undefined {
        if (!this.macie) return undefined;
        const ctx = awsContext(this);
        return new aws.macie2.ClassificationJob(
            name,
            {
                name: this.naming.name("generic", name),
                description: spec.description,
                jobType: "SCHEDULED",
                scheduleFrequency: { weeklySchedule: "SUNDAY" },
                initialRun: true,
                s3JobDefinition: { bucketDefinitions: [{ accountId: ctx.accountId, buckets: spec.bucketNames }] },
            },
            { parent: this, dependsOn: [this.macie, ...(spec.dependsOn ?? [])] },
        );
    }
}
