import type { Connector } from "../connector/connector.ts";
import type { StateStore } from "../connector/state.ts";
import type { World } from "../simulators/world.ts";
import type { LoadedScenario } from "./loader.ts";
import type { CrawlOutcome, PermissionChange } from "./results.ts";
import type { ConnectorSettings } from "./schema.ts";
import type { SiteNames } from "./steps/confluence.ts";

/** State a scenario run carries from step to step. */
export interface RunContext {
  world: World;
  loaded: LoadedScenario;
  names: SiteNames;
  connectionId: string;
  /** The fetch the connector uses (per transport). */
  fetch: typeof fetch;
  connector?: Connector;
  /** The built-in connector's settings now (the scenario's, changed by `connector` steps). */
  settings: ConnectorSettings;
  /** The built-in connector's state, kept when a `connector` step rebuilds it. */
  connectorState: StateStore;
  crawls: CrawlOutcome[];
  /** Permission-relevant changes, with the step that made them. */
  permissionChanges: PermissionChange[];
  /** Each indexed item's ACL (JSON) when the last crawl that completed ended: what a failed crawl must keep. */
  indexAtLastCompletedCrawl?: ReadonlyMap<string, string>;
  /** Step index of the last full crawl that completed. */
  lastFullCrawlStep?: number;
}
