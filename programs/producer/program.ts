import type * as pulumi from "@pulumi/pulumi";
import type { HubTargets } from "../../components/domain/change-publisher";
import { ProducerDomain } from "../../components/domain/producer-domain";
import type { AccountBaseline } from "../../components/baseline/account-baseline";
import type { Naming } from "../../components/shared/naming";
import { type AccountTarget, nativeProvider } from "../accounts";
import type { PlatformConfig } from "../config";
import type { DomainConfig } from "./config";
import { AccountProgram, type ZoneRef } from "../program";

export interface ProducerProgramArgs {
    readonly config: PlatformConfig;
    readonly domain: DomainConfig;
    readonly target: AccountTarget;
    /** Naming scoped to the domain. */
    readonly naming: Naming;
    /** The hub's stream, bus and key the domain publishes to. */
    readonly hub: HubTargets;
    /** The domain account's baseline (API Gateway logging role, Lake Formation), shared by the domains in it. */
    readonly baseline: AccountBaseline;
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
}

/** One business domain's account: the `ProducerDomain` blueprint configured from `cdp:domains`. */
export function producerProgram(args: ProducerProgramArgs): ProducerOutputs {
    const { config, domain } = args;
    const program = new AccountProgram("Producer", `domain-${domain.name}`, args.target);
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
            baseline: args.baseline,
            dataProtection: config.dataProtection,
            dataProducts: { governanceAccountId: args.governanceAccountId },
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
    });
}
