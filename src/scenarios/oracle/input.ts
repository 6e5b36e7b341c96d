import type { ConnectorConfig } from "../../connector/config.ts";
import type { World } from "../../simulators/world.ts";
import type { RunContext } from "../context.ts";
import { crawlStopText } from "../results.ts";
import type { ConfluenceSnapshot } from "./freshness-types.ts";

/** What the oracle knows about a run besides the live world: the connector's settings and its crawls. */
export interface OracleInput {
  world: World;
  connectionId: string;
  /** The built-in connector's settings (policy, identity, CQL filter); undefined for external connectors. */
  config?: Pick<ConnectorConfig, "permissions" | "identity"> & {
    confluence?: Pick<ConnectorConfig["confluence"], "cql">;
  };
  /** Simulated time the last crawl started; undefined before any crawl. */
  lastCrawlAt?: number;
  lastCrawlMode?: "full" | "incremental";
  /** The last crawl stopped with this fatal error; the index keeps what earlier crawls wrote. */
  lastCrawlFailure?: {
    code: number;
    message: string /** crawlStopText: where, and the code once. */;
    stopped: string;
  };
  /**
   * Each item's ACL (JSON) when the last completed crawl ended. After a failed crawl, a difference
   * is documented only where the index still holds exactly that (kept state); an item the failed
   * crawl deleted, or changed into a wrong ACL, is a finding.
   */
  indexAtLastCompletedCrawl?: ReadonlyMap<string, string>;
  /** Item-level errors the last crawl reported (built-in connector). */
  lastCrawlItemErrors?: { itemId: string; code: number; message: string }[];
  /** Accounts the last crawl reported unmapped (2006, built-in connector): its actual identity mapping. */
  lastCrawlUnmapped?: { accountId: string; reason: string }[];
  /** Permission changes made after the last full crawl (incremental crawls miss them, by design). */
  permissionChangesSinceFullCrawl: string[];
  /** accountId the connector crawls as: it can only index what this account can view. */
  crawlAccount?: string;
  /** Permission changes made after the last crawl of any kind (not crawled yet). */
  permissionChangesSinceLastCrawl: string[];
  /** Confluence's pages and blog posts when the last crawl started (the freshness oracle). */
  confluenceAtLastCrawl?: ConfluenceSnapshot;
  /** … and when the last full crawl that completed started. */
  confluenceAtLastFullCrawl?: ConfluenceSnapshot;
  /**
   * Given only while the world stands still (a matrix snapshot, matrix.ts): answers asked again —
   * each cell's explain repeats its classification and its item's freshness — are kept here.
   */
  memo?: Map<string, unknown>;
}

/** `compute()`, or its answer kept under `key` in the input's memo when it has one. */
export function remembered<T>(input: OracleInput, key: string, compute: () => T): T {
  if (!input.memo) return compute();
  if (input.memo.has(key)) return input.memo.get(key) as T;
  const answer = compute();
  input.memo.set(key, answer);
  return answer;
}

/** The oracle's input for the run as it stands now. */
export function oracleInput(ctx: RunContext): OracleInput {
  const last = ctx.crawls.at(-1);
  const fullIndex = ctx.lastFullCrawlStep ?? -1;
  const lastIndex = last?.step ?? -1;
  const auth = ctx.connector?.config.confluence.auth;
  const crawler =
    auth?.type === "basic"
      ? ctx.world.confluence.store.userByEmail(auth.email)
      : [...ctx.world.confluence.store.users.values()].find((u) => u.admin && u.active);
  return {
    world: ctx.world,
    connectionId: ctx.connectionId,
    crawlAccount: crawler?.accountId,
    config: ctx.connector?.config,
    lastCrawlAt: last?.startedAt,
    lastCrawlMode: last?.mode,
    lastCrawlFailure: last?.fatal && { ...last.fatal, stopped: crawlStopText(last) },
    indexAtLastCompletedCrawl: ctx.indexAtLastCompletedCrawl,
    lastCrawlItemErrors: last?.report?.errors,
    lastCrawlUnmapped: last?.report?.unmappedIdentities,
    permissionChangesSinceFullCrawl: ctx.permissionChanges
      .filter((c) => c.step > fullIndex)
      .map((c) => c.description),
    confluenceAtLastCrawl: ctx.confluenceAtLastCrawl,
    confluenceAtLastFullCrawl: ctx.confluenceAtLastFullCrawl,
    // A change made while the last crawl ran may or may not have been seen by it.
    permissionChangesSinceLastCrawl: ctx.permissionChanges
      .filter((c) => c.step > lastIndex || (c.step === lastIndex && c.duringCrawl))
      .map((c) => c.description),
  };
}
