import type { Service } from "./errors.ts";

export type ProgressKind = "discovered" | "indexed" | "unchanged" | "skipped" | "failed" | "deleted";

export interface ProgressEvent {
  kind: ProgressKind;
  count: number;
  /** Items discovered so far (a moving total for progress bars). */
  discovered: number;
  done: number;
  itemId?: string;
  space?: string;
}

export interface UnmappedIdentity {
  accountId: string;
  displayName: string;
  reason: string;
  /** Microsoft's code: 2006 user mapping failed. */
  code: 2006;
}

export interface ItemError {
  itemId: string;
  code: number;
  message: string;
}

/** The crawl's phases: what `phasesMs` times and where a failed crawl says it stopped. */
export type CrawlPhase = "setup" | "listing" | "permissions" | "groups" | "items" | "deletions";

/** Why and where a crawl stopped early. The report's counts are what it did before stopping. */
export interface CrawlFailure {
  /** Microsoft's connector error code (errors.ts). */
  code: number;
  message: string;
  /** Setup (connection, schema, credentials) or the crawl phase that was running. */
  phase: CrawlPhase;
  /** Key of the space being crawled, when it stopped inside one. */
  space?: string;
}

export type CrawlMode = "full" | "incremental";

export interface CrawlReport {
  mode: CrawlMode;
  complete: boolean;
  resumed: boolean;
  startedAt: string;
  finishedAt: string;
  /** Simulated (injected clock) duration. */
  durationMs: number;
  /** Real elapsed time. */
  wallMs: number;
  counts: Record<ProgressKind, number> & { groupsWritten: number; groupsDeleted: number };
  calls: Record<Service, number>;
  retries: Record<Service, number>;
  throttled: Record<Service, number>;
  callsPerItem: { confluence: number; graph: number };
  waitedMs: number;
  /** Real time per phase: setup (connection, schema), listing, permissions, groups, items, deletions. */
  phasesMs: Record<CrawlPhase, number>;
  unmappedIdentities: UnmappedIdentity[];
  /** Items indexed with principals dropped because they could not be mapped (code 2007). */
  partialAcl: string[];
  errors: ItemError[];
  /** Why and where the crawl stopped early, when it did (then `complete` is false). */
  fatal?: CrawlFailure;
}

const PHASE_TEXT: Record<CrawlPhase, string> = {
  setup: "during setup",
  listing: "while listing",
  permissions: "while reading permissions",
  groups: "while syncing external groups",
  items: "while writing items",
  deletions: "while deleting what the listing no longer shows",
};

/** Where a failed crawl stopped: "while listing (space ENG)". */
export function whereStopped(failure: CrawlFailure): string {
  return `${PHASE_TEXT[failure.phase]}${failure.space ? ` (space ${failure.space})` : ""}`;
}

/** How far a failed crawl got: "stopped with 1001 while listing (space ENG); so far 17 discovered, …". */
export function stopSummary(failure: CrawlFailure, counts: CrawlReport["counts"]): string {
  const c = counts;
  return `stopped with ${failure.code} ${whereStopped(failure)}; so far ${c.discovered} discovered, ${c.indexed} indexed, ${c.unchanged} unchanged, ${c.failed} failed, ${c.deleted} deleted`;
}
