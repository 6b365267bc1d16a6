/**
 * The component library of customer-data-platform-as-code, for the platform's own programs and for business
 * domains' Pulumi projects.
 */
export * from "./shared/errors";
export * from "../model/entities";
export {
    ContractError,
    describeValue,
    formatIssue,
    isValidationError,
    type ValidationIssue,
} from "../model/issues";
export * from "../model/lifecycle";
export * from "../model/names";
export * from "../model/openapi";
export * from "./shared/naming";
export * from "./shared/tags";
export * from "./shared/iam";
export * from "./shared/kms";
export * from "./shared/context";
export * from "./shared/protection";
export * from "./baseline/account-baseline";
export * from "./baseline/catalog-encryption";
export * from "./governance/lake-formation";
export * from "./governance/governed-catalog";
export * from "./governance/lake-grants";
export * from "./governance/lake-locations";
export * from "./governance/schema-crawlers";
export * from "./baseline/security-services";
export * from "./governance/audit-trail";
export * from "./governance/query-workgroup";
export * from "./governance/governance-network";
export * from "./governance/lineage-graph";
export * from "./governance/lineage";
export * from "../model/lineage";
export * from "./storage/secure-bucket";
export * from "./storage/access-log-bucket";
export * from "./storage/data-lake-zone";
export * from "./storage/data-lake";
export * from "./shared/lambda";
export * from "./shared/logs";
export * from "./shared/roles";
export * from "./shared/queues";
export * from "./shared/alarms";
export * from "./shared/dashboards";
export * from "./ingest/zone-target";
export * from "./ingest/stream-ingest";
export * from "./ingest/sftp-ingest";
export * from "./ingest/event-ingest";
export * from "./ingest/third-party-feed";
export * from "./domain/operational-store";
export * from "./domain/publishing-api";
export * from "./domain/change-publisher";
export * from "./domain/producer-domain";
export * from "./processing/etl-pipeline";
