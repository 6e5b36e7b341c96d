/** Public surface of the connector (for the CLI, the scenario runner and external callers). */
export { type CrawlCommandOptions, runCrawlCommand, summary } from "./cli.ts";
export {
  ConfigError,
  type ConnectorConfig,
  type ConnectorConfigInput,
  connectorConfigSchema,
  loadConfigFile,
  normalizeSiteUrl,
  parseConfig,
} from "./config.ts";
export { Connector, type ConnectorOptions } from "./connector.ts";
export { ConnectorError, ERROR_CODES, type ErrorCode } from "./errors.ts";
export { Ledger, type LedgerEntry } from "./ledger.ts";
export type { CrawlReport, ProgressEvent, ProgressKind, UnmappedIdentity } from "./report.ts";
export { resolveItemId, urlToItemResolvers } from "./resolvers.ts";
export type { Runtime } from "./runtime.ts";
export { buildSchema, PROPERTY_NAMES } from "./schema.ts";
export { type ConnectorState, FileStateStore, MemoryStateStore, type StateStore } from "./state.ts";
