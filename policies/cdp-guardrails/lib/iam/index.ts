/**
 * IAM statement semantics for the pack's statement-level rules: parsing (document.ts), wildcard matching (glob.ts),
 * condition evaluation (condition.ts) and the questions rules ask (questions.ts). Self-contained (Apache-2.0, no
 * dependency beyond the pack's own), so the pack ships to CrossGuard as is.
 */
export * from "./condition";
export * from "./document";
export * from "./glob";
export * from "./questions";
