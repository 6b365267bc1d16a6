import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LakeFormation, type LakeFormationArgs } from "../governance/lake-formation";
import { CatalogEncryption, type CatalogEncryptionArgs } from "./catalog-encryption";
import { awsContext } from "../shared/context";
import { apiAccessLogGroupName, apiExecutionLogGroupName } from "../shared/naming";
import { serviceRole } from "../shared/roles";
import { SecurityServices, type SecurityServicesArgs } from "./security-services";

export interface AccountBaselineArgs {
    /**
     * Lake Formation settings and LF-tags of this account, for accounts whose catalog the platform governs (the
     * governance account, domain accounts with data products).
     * @default none: the account's Lake Formation is not managed here
     */
    lakeFormation?: LakeFormationArgs;
    /**
     * Glue Data Catalog encryption of this account and region (a CMK for metadata and connection passwords), for
     * accounts whose catalog the platform governs.
     * @default none: the catalog's encryption is not managed here
     */
    catalogEncryption?: CatalogEncryptionArgs;
    /**
     * Set the account's API Gateway CloudWatch Logs role (`aws.apigateway.Account`), needed by every REST API stage
     * that writes execution or access logs in this account and region (access-log groups named by
     * `apiAccessLogGroupName`).
     * @default false
     */
    apiGatewayLogging?: boolean;
    /**
     * The account's security services (GuardDuty, Security Hub with FSBP, Inspector, IAM Access Analyzer, Macie), each
     * with its own switch (see `SecurityServices`).
     * @default none: the account's security services are not managed here
     */
    security?: SecurityServicesArgs;
    /**
     * Where these resources were in a stack deployed before they moved into the baseline. They are given as aliases,
     * so `pulumi up` updates them in place: replacing the Lake Formation settings or the API Gateway account setting
     * would reset them for the whole account in between.
     * @default none (a new stack)
     */
    moved?: {
        /**
         * The Lake Formation component's previous name (its children keep their names) and parent URN.
         * @default none: the component is named `<name>-lake-formation`, without an alias
         */
        lakeFormation?: { name: string; parentUrn: pulumi.Input<string> };
        /**
         * The full previous URN of the `aws.apigateway.Account` resource.
         * @default none: no alias
         */
        apiGatewayAccountUrn?: pulumi.Input<string>;
    };
}

/**
 * What exists once per AWS account (and region), whatever programs and domains share it: Lake Formation settings and
 * LF-tags, the API Gateway account logging role, and the security services (`SecurityServices`).
 * The platform composition creates one per distinct account; everything that needs it depends on it explicitly.
 */
export class AccountBaseline extends pulumi.ComponentResource {
    /** The account's Lake Formation settings and LF-tags, when managed here. */
    public readonly lakeFormation?: LakeFormation;
    /**
     * The account's API Gateway settings (CloudWatch role). API stages depend on it: a stage with execution logging
     * created before the account has a CloudWatch role fails.
     */
    public readonly apiGatewayAccount?: aws.apigateway.Account;
    /** The account's Glue Data Catalog encryption settings and key, when managed here. */
    public readonly catalogEncryption?: CatalogEncryption;
    /** The account's security services, when managed here. */
    public readonly security?: SecurityServices;

    constructor(name: string, args: AccountBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdp:baseline:AccountBaseline", name, {}, opts);
        const moved = args.moved ?? {};
        if (args.lakeFormation) {
            this.lakeFormation = new LakeFormation(
                moved.lakeFormation?.name ?? `${name}-lake-formation`,
                args.lakeFormation,
                { parent: this, aliases: moved.lakeFormation ? [{ parent: moved.lakeFormation.parentUrn }] : [] },
            );
        }
        if (args.catalogEncryption) {
            this.catalogEncryption = new CatalogEncryption(`${name}-catalog-encryption`, args.catalogEncryption, {
                parent: this,
            });
        }
        if (args.apiGatewayLogging) {
            this.apiGatewayAccount = apiGatewayAccountLogging(name, this, moved.apiGatewayAccountUrn);
        }
        if (args.security) {
            this.security = new SecurityServices(`${name}-security`, args.security, { parent: this });
        }
        this.registerOutputs({});
    }

    /**
     * Resources a Glue database or table must be created after: Lake Formation settings first (see LakeFormation),
     * and the catalog encryption settings, which apply only to metadata written after them.
     */
    get catalogDependencies(): pulumi.Resource[] {
        return [
            ...(this.lakeFormation ? this.lakeFormation.catalogDependencies : []),
            ...(this.catalogEncryption ? [this.catalogEncryption.settings] : []),
        ];
    }
}

/**
 * The account-wide API Gateway CloudWatch Logs role. API Gateway writes both the execution logs and the access logs of
 * every REST API stage of the account and region with the role set in the account settings, so the role must reach
 * the execution-log groups API Gateway creates (`API-Gateway-Execution-Logs_<api id>/<stage>`) and the access-log
 * groups of the platform's APIs (`apiAccessLogGroupName`, created by `PublishingApi`). The actions are those the
 * "Permissions for CloudWatch logging" section lists ("Set up CloudWatch logging for REST APIs in API Gateway", API
 * Gateway Developer Guide: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). The
 * setting is one per account and region: `retainOnDelete`, because deleting `aws.apigateway.Account` would reset it
 * for every API of the account.
 */
function apiGatewayAccountLogging(
    name: string,
    parent: pulumi.Resource,
    previousUrn: pulumi.Input<string> | undefined,
): aws.apigateway.Account {
    const ctx = awsContext(parent);
    const logGroupArn = (logGroupName: string) =>
        pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
    const groups = [apiExecutionLogGroupName("*", "*"), apiAccessLogGroupName("*")];
    const logsRole = serviceRole(`${name}-apigateway-cloudwatch`, parent, {
        service: "apigateway.amazonaws.com",
        accountId: ctx.accountId,
        description: "API Gateway execution and access logging to CloudWatch Logs (account setting)",
        statements: [
            {
                Sid: "ExecutionAndAccessLogs",
                Effect: "Allow",
                Action: [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                ],
                // The group itself and its streams (`log-group:<name>:log-stream:<stream>`).
                Resource: groups.flatMap((g) => [logGroupArn(g), logGroupArn(`${g}:*`)]),
            },
            {
                // DescribeLogGroups lists the account's groups: it is authorised on the account's log-group ARN space,
                // not on one group ("CloudWatch Logs permissions reference", CloudWatch Logs User Guide:
                // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html).
                Sid: "FindLogGroups",
                Effect: "Allow",
                Action: "logs:DescribeLogGroups",
                Resource: logGroupArn("*"),
            },
        ],
    });
    return new aws.apigateway.Account(
        `${name}-apigateway`,
        { cloudwatchRoleArn: logsRole.role.arn },
        {
            parent,
            dependsOn: [logsRole.policy],
            retainOnDelete: true,
            aliases: previousUrn ? [previousUrn] : [],
        },
    );
}
