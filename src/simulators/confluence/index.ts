export type { ScopedApiToken } from "./auth/basic.ts";
export type { OAuthApp, OAuthOptions } from "./auth/oauth.ts";
export type { Caller, ConfluenceContext, ConfluenceRoute } from "./context.ts";
export * from "./model.ts";
export { AccessEvaluator, canEdit, type Decision, type Reason, type Subject } from "./permissions.ts";
export { accountIdFor, buildSite, type SiteSpec, stableUuid } from "./seed.ts";
export { confluenceServices, createConfluenceService, installConfluenceAdmin } from "./service.ts";
export { ConfluenceDomainError, ConfluenceStore } from "./store.ts";
export { type ConfluenceOptions, ConfluenceTwin } from "./twin.ts";
