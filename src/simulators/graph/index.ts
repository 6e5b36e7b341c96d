export {
  type AccessDecision,
  decide,
  describeMatch,
  externalGroupsOf,
  type Principal,
  principalFor,
} from "./acl.ts";
export { installGraphAdmin } from "./admin.ts";
export { GRAPH_JSON, GraphError } from "./errors.ts";
export { DEFAULT_ITEM_RULES, type ItemRules } from "./items.ts";
export { assertAllowed, type ConnectionOperationName, isAllowed, OPERATION_TABLE } from "./lifecycle.ts";
export type * from "./model.ts";
export { ITEM_ID_RESOLVER_TYPE, type ResolveResult, resolveUrl, validateResolvers } from "./resolvers.ts";
export {
  EXTERNAL_ITEM_BASE_TYPE,
  LABEL_TYPES,
  LABELS,
  validateSchema,
  validateSchemaUpdate,
} from "./schema-rules.ts";
export { parseKql } from "./search/kql.ts";
export { createGraphService, createGraphServices } from "./service.ts";
export {
  GraphTwin,
  type GraphTwinOptions,
  type RetryDisciplineRecord,
  type SearchRequestInput,
  type SearchResultItem,
} from "./store.ts";
