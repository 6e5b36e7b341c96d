export { installGraphAdmin } from "./admin.ts";
export { OPERATION_TABLE } from "./lifecycle.ts";
export type * from "./model.ts";
export { resolveUrl, validateResolvers } from "./resolvers.ts";
export { validateSchema } from "./schema-rules.ts";
export { parseKql } from "./search/kql.ts";
export { graphPlugin } from "./service.ts";
export {
  GraphTwin,
  type GraphTwinOptions,
  type RetryDisciplineRecord,
  type SearchRequestInput,
  type SearchResultItem,
} from "./twin.ts";
