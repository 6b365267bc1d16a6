/**
 * The component library of customer-data-platform-as-code, for the platform's own programs and for business
 * domains' Pulumi projects.
 */
export * from "./shared/errors";
export * from "./shared/naming";
export * from "./shared/tags";
export * from "./shared/iam";
export * from "./shared/kms";
export * from "./shared/context";
export * from "./shared/protection";
export * from "./governance/lake-formation";
export * from "./storage/lifecycle";
export * from "./storage/secure-bucket";
export * from "./storage/access-log-bucket";
export * from "./storage/data-lake-zone";
export * from "./storage/data-lake";
