import * as pulumi from "@pulumi/pulumi";
import { HubTargets } from "../components/domain/change-publisher";
import { ProducerDomain } from "../components/domain/producer-domain";
import { Naming } from "../components/shared/naming";
import { AccountTarget } from "./accounts";
import { DomainConfig, PlatformConfig } from "./config";
import { AccountProgram } from "./program";

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
            authorization: domain.api.authorization === "COGNITO" ? { kind: "COGNITO", userPoolArn: domain.api.userPoolArn! } : { kind: "AWS_IAM" },
            throttle: { rateLimit: domain.api.rateLimit, burstLimit: domain.api.burstLimit },
            manageAccountLogging: args.manageAccountLogging,
            dataProtection: config.dataProtection,
        },
        { parent: program },
    );
    return program.finish({ program, domain: domain.name, domainKeyArn: blueprint.key.keyArn, apiUrl: blueprint.apiUrl });
}
