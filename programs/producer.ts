import type * as pulumi from "@pulumi/pulumi";
import type { HubTargets } from "../components/domain/change-publisher";
import { ProducerDomain } from "../components/domain/producer-domain";
import { LakeFormation } from "../components/governance/lake-formation";
import type { Naming } from "../components/shared/naming";
import { type AccountTarget, nativeProvider } from "./accounts";
import type { DomainConfig, PlatformConfig } from "./config";
import { AccountProgram, type ZoneRef } from "./program";

export interface ProducerProgramArgs {
    readonly config: PlatformConfig;
    readonly domain: DomainConfig;
    readonly target: AccountTarget;
    /** Naming scoped to the domain. */
    readonly naming: Naming;
    /** The hub's stream, bus and key the domain publishes to. */
    readonly hub: HubTargets;
    /** This domain sets its account's API Gateway logging role (the first domain of each account does). */
    readonly manageAccountLogging: boolean;
    /** The account's Lake Formation when another program already set it up (governance's, or an earlier domain's). */
    readonly lakeFormation?: LakeFormation;
    /** Domains sharing this account (the `domain` LF-tag values when this program sets Lake Formation up). */
    readonly accountDomains: string[];
    /** Central governance's account, when it is not this one. */
    readonly governanceAccountId?: string;
    /** The processed zone Entity Resolution writes matches to. */
    readonly processedZone: ZoneRef;
}

export interface ProducerOutputs {
    readonly program: AccountProgram;
    readonly domain: string;
    /** The domain's customer-managed key. */
    readonly domainKeyArn: pulumi.Output<string>;
    readonly apiUrl: pulumi.Output<string>;
    /** The account's Lake Formation (created here when none was given). */
    readonly lakeFormation: LakeFormation;
}

/** One business domain's account: the `ProducerDomain` blueprint configured from `cdp:domains`. */
export function producerProgram(args: ProducerProgramArgs): ProducerOutputs {
    const { config, domain } = args;
    const program = new AccountProgram("Producer", `domain-${domain.name}`, args.target);
    const roleArn = args.target.account.roleArn;
    const lakeFormation =
        args.lakeFormation ??
        new LakeFormation(
            `domain-${domain.name}-lake-formation`,
            { adminRoleArns: roleArn ? [roleArn] : [...config.lake.adminRoleArns], domains: args.accountDomains },
            { parent: program },
        );
    const blueprint = new ProducerDomain(
        domain.name,
        {
            domain: domain.name,
            naming: args.naming,
            entities: domain.entities,
            hub: args.hub,
            logRetentionDays: config.logRetentionDays,
            dax: domain.dax,
            authorization:
                domain.api.authorization === "COGNITO"
                    ? { kind: "COGNITO", userPoolArn: domain.api.userPoolArn! }
                    : { kind: "AWS_IAM" },
            throttle: { rateLimit: domain.api.rateLimit, burstLimit: domain.api.burstLimit },
            manageAccountLogging: args.manageAccountLogging,
            dataProtection: config.dataProtection,
            dataProducts: { lakeFormation, governanceAccountId: args.governanceAccountId },
            entityResolution: domain.entityResolution
                ? {
                      ...domain.entityResolution,
                      output: { ...args.processedZone, prefix: `entity-resolution/${domain.name}` },
                      provider: nativeProvider(config, `domain-${domain.name}`, args.target),
                  }
                : undefined,
        },
        { parent: program },
    );
    return program.finish({
        program,
        domain: domain.name,
        domainKeyArn: blueprint.key.keyArn,
        apiUrl: blueprint.apiUrl,
        lakeFormation,
    });
}
