import * as pulumi from "@pulumi/pulumi";
import { KmsKey } from "../components/shared/kms";
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
}

export interface ProducerOutputs {
    readonly program: AccountProgram;
    readonly domain: string;
    /** The domain's customer-managed key, which its operational store and events use. */
    readonly domainKeyArn: pulumi.Output<string>;
}

/**
 * One business domain's account (the `ProducerDomain` blueprint arrives with the producer issue). It already owns the
 * domain CMK every data store of the domain is encrypted with.
 */
export function producerProgram(args: ProducerProgramArgs): ProducerOutputs {
    const { config, domain, naming } = args;
    const program = new AccountProgram("Producer", `domain-${domain.name}`, args.target);
    const key = new KmsKey(
        `domain-${domain.name}-key`,
        { description: `Data of the ${domain.name} domain (${naming.prefix}-${naming.environment})`, alias: naming.name("kmsAlias", "data"), dataProtection: config.dataProtection },
        { parent: program },
    );
    return program.finish({ program, domain: domain.name, domainKeyArn: key.keyArn });
}
