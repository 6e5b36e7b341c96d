import type { Connector } from "../connector/connector.ts";
import type { StateStore } from "../connector/state.ts";
import type { World } from "../simulators/world.ts";
import type { ConnectorSettings } from "./connector-settings.ts";
import type { IndexDigest } from "./index-digest.ts";
import type { ConfluenceSnapshot } from "./oracle/freshness-types.ts";
import type { CrawlOutcome, PermissionChange } from "./results.ts";
import type { SiteNames } from "./steps/confluence/site-names.ts";

/** State a scenario run carries from step to step. */
export interface RunContext {
  world: World;
  /** The scenario file (an external connector runs in its folder). */
  file: string;
  /** The run's seed (fault plans, the connector's jitter). */
  seed: number;
  names: SiteNames;
  connectionId: string;
  /** The fetch the connector uses (per transport). */
  fetch: typeof fetch;
  connector?: Connector;
  /** Test seam (`RunOptions.connector`): replaces each built-in connector the run builds. */
  wrapConnector?: (builtIn: Connector) => Connector;
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
  /** Confluence's pages and blog posts when the last crawl started (the freshness oracle's schedule). */
  confluenceAtLastCrawl?: ConfluenceSnapshot;
  /** … and when the last full crawl that completed started. */
  confluenceAtLastFullCrawl?: ConfluenceSnapshot;
  /** Index of the step running now. */
  step: number;
  /**
   * The index the same scenario leaves after its first `step` steps when nothing fails: no fault
   * plan, no kills, no expectations (run once per step asked, on a world of its own).
   */
  faultFreeIndex(step: number): Promise<IndexDigest>;
  /** A scratch directory for this run (`CGSIM_WORK_DIR` of external connectors), made on first use. */
  workDir(): string;
}
