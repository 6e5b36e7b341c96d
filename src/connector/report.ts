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

export interface CrawlReport {
  mode: "full" | "incremental";
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
  phasesMs: {
    setup: number;
    listing: number;
    permissions: number;
    groups: number;
    items: number;
    deletions: number;
  };
  unmappedIdentities: UnmappedIdentity[];
  /** Items indexed with principals dropped because they could not be mapped (code 2007). */
  partialAcl: string[];
  errors: ItemError[];
  /** Why the crawl stopped early, when it did. */
  fatal?: { code: number; message: string };
}
