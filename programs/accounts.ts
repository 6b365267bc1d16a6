import * as aws from "@pulumi/aws";
import type * as awsnative from "@pulumi/aws-native";
import { awsNative } from "../components/shared/native";
import type * as pulumi from "@pulumi/pulumi";
import { type BaseTagValues, defaultTags } from "../components/shared/tags";
import type { AccountConfig, PlatformConfig } from "./config";

/** The AWS partition of a region. */
export function partitionOf(region: string): "aws" | "aws-cn" | "aws-us-gov" {
    return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/** An account as the programs see it: where it is and the provider that reaches it. */
export interface AccountTarget {
    readonly account: AccountConfig;
    readonly provider: aws.Provider;
    readonly partition: string;
    /** The provider's default tags. */
    readonly tags: Record<string, string>;
}

/**
 * The explicit AWS provider of one program in one account. It pins the account (`allowedAccountIds`, so ambient
 * credentials for another account fail instead of deploying there), assumes the account's deployment role when one is
 * configured, and sets the platform's default tags. The stack disables the default provider, so every resource must
 * come through one of these.
 */
export function accountTarget(
    config: PlatformConfig,
    program: string,
    accountAlias: string,
    tags: Omit<BaseTagValues, "project" | "environment" | "program"> & { program?: string },
): AccountTarget {
    const account = config.accounts[accountAlias];
    const providerTags = defaultTags({
        project: config.project,
        environment: config.environment,
        program: tags.program ?? program,
        owner: tags.owner,
        costCenter: tags.costCenter,
        dataDomain: tags.dataDomain,
        extra: tags.extra,
    });
    const provider = new aws.Provider(`aws-${program}`, {
        region: config.region as aws.Region,
        allowedAccountIds: [account.id],
        assumeRoles: account.roleArn
            ? [
                  {
                      roleArn: account.roleArn,
                      sessionName: `${config.namePrefix}-${config.stack}-${program}`.slice(0, 64),
                      ...(account.externalId ? { externalId: account.externalId } : {}),
                  },
              ]
            : undefined,
        defaultTags: { tags: providerTags },
    });
    return { account, provider, partition: partitionOf(config.region), tags: providerTags };
}

/**
 * An explicit `@pulumi/aws-native` provider for the same account, region, role and default tags, for the few services
 * pulumi-aws lacks (Entity Resolution). Created only where such resources are used.
 */
export function nativeProvider(config: PlatformConfig, program: string, target: AccountTarget): awsnative.Provider {
    const account = target.account;
    return new (awsNative().Provider)(`aws-native-${program}`, {
        region: config.region as awsnative.Region,
        allowedAccountIds: [account.id],
        assumeRole: account.roleArn
            ? {
                  roleArn: account.roleArn,
                  sessionName: `${config.namePrefix}-${config.stack}-${program}`.slice(0, 64),
                  ...(account.externalId ? { externalId: account.externalId } : {}),
              }
            : undefined,
        defaultTags: { tags: target.tags },
    });
}

/** Options that place a program's component (and, through it, every child) on its account's provider. */
export function programOptions(target: AccountTarget): pulumi.ComponentResourceOptions {
    return { providers: { aws: target.provider } };
}
