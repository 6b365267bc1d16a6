/**
 * The governance program's data contracts: the contract files of the repo's `contracts/` directory (the source of
 * truth, reviewed in pull requests; no config key points elsewhere, so what CI checks is what deploys), validated
 * against this stack's planned catalog, loaded into the contract registry. Contracts of domains the stack does not
 * have are left out (another stack deploys them); a stack without contracts gets no registry.
 */
import { catalogDomains } from "../hub/products";
import * as path from "node:path";
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ContractRegistry, type RegisteredContract } from "../../components/governance/contract-registry";
import { ValidationError } from "../../components/shared/errors";
import type { KmsKey } from "../../components/shared/kms";
import type { Naming } from "../../components/shared/naming";
import { catalogDomainNames, plannedCatalog } from "../../model/catalog";
import { readContractFiles } from "../../model/contract-files";
import { validateContract } from "../../model/contracts";
import { packageRoot } from "../../model/package-root";
import type { PlatformConfig } from "../config";

/** The repo's contracts directory. */
export const CONTRACTS_DIR = path.join(packageRoot(__dirname), "contracts");

export interface ContractsArgs {
    readonly config: PlatformConfig;
    readonly naming: Naming;
    /** The governance account id (the catalog of the governed tables). */
    readonly catalogId: string;
    readonly key: KmsKey;
    readonly alarmTopic: aws.sns.Topic;
    /** Lake Formation settings, LF-tags and governed tables the grants and rulesets follow. */
    readonly catalogDependencies: pulumi.Resource[];
    /** @default the repo's contracts directory */
    readonly dir?: string;
}

/** The stack's contracts, validated; a ValidationError listing every issue (file, path, expectation) otherwise. */
export function stackContracts(config: PlatformConfig, dir: string = CONTRACTS_DIR): RegisteredContract[] {
    const catalog = plannedCatalog(catalogDomains(config.domains));
    const { files, issues } = readContractFiles(dir);
    const out: RegisteredContract[] = [];
    for (const { file, doc } of files) {
        const domain = (doc as { domain?: unknown } | null)?.domain;
        if (!catalogDomainNames(config.domains).includes(domain as string)) continue;
        const result = validateContract(file, doc, { catalog });
        issues.push(...result.issues);
        if (result.contract) out.push({ file, doc, contract: result.contract });
    }
    if (issues.length > 0) {
        throw new ValidationError(
            "Invalid data contracts (npm run contracts:check)",
            issues.map((i) => ({ key: `contracts/${i.file}: ${i.path}`, value: i.value, expected: i.expected })),
        );
    }
    return out;
}

/** The contract registry of the governance program, or none when the stack has no contracts. */
export function contractRegistry(parent: pulumi.Resource, args: ContractsArgs): ContractRegistry | undefined {
    const contracts = stackContracts(args.config, args.dir);
    if (contracts.length === 0) return undefined;
    return new ContractRegistry(
        "contracts",
        {
            naming: args.naming,
            contracts,
            catalogId: args.catalogId,
            databases: Object.fromEntries(
                catalogDomainNames(args.config.domains).map((d) => [d, args.naming.name("glueDatabase", d)]),
            ),
            consumers: Object.fromEntries(args.config.governance.consumers.map((c) => [c.name, c.roleArn])),
            kmsKeyArn: args.key.keyArn,
            alarmTopicArn: args.alarmTopic.arn,
            logRetentionDays: args.config.logRetentionDays,
            dataProtection: args.config.dataProtection,
            catalogDependencies: args.catalogDependencies,
        },
        { parent },
    );
}
