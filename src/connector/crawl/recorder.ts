import type { ConnectorError } from "../errors.ts";
import { CODE } from "../errors.ts";
import type { ConfluenceUser } from "../model.ts";
import type {
  CrawlFailure,
  CrawlMode,
  CrawlPhase,
  CrawlReport,
  ItemError,
  ProgressEvent,
  ProgressKind,
  UnmappedIdentity,
} from "../report.ts";
import type { CallCounts, CallStats } from "../runtime.ts";

export interface RecorderDeps {
  /** The connector's clock (simulated in tests): the report's start, end and duration. */
  now: () => number;
  /** The connector's call counters: the report's calls, retries and waits. */
  stats: CallStats;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * What one crawl did, recorded as it happens: counts (each change also a progress event), real
 * time per phase, where the crawl is (so a failure says where it stopped), item errors, unmapped
 * users and items with dropped principals. Builds the CrawlReport.
 */
export class CrawlRecorder {
  readonly startedAt: number;
  readonly #wallStart = performance.now();
  /** The connector's counters when this crawl started (it may have run crawls before). */
  readonly #statsAtStart: CallCounts;
  readonly #counts: CrawlReport["counts"] = {
    discovered: 0,
    indexed: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    groupsWritten: 0,
    groupsDeleted: 0,
  };
  readonly #phasesMs: Record<CrawlPhase, number> = {
    setup: 0,
    listing: 0,
    permissions: 0,
    groups: 0,
    items: 0,
    deletions: 0,
  };
  readonly #errors: ItemError[] = [];
  readonly #unmapped = new Map<string, UnmappedIdentity>();
  readonly #partialAcl = new Set<string>();
  #phase: CrawlPhase = "setup";
  #space: string | undefined;

  constructor(
    readonly mode: CrawlMode,
    private readonly deps: RecorderDeps,
  ) {
    this.startedAt = deps.now();
    this.#statsAtStart = deps.stats.snapshot();
  }

  /**
   * Runs one step of the crawl as `phase`: a failure in it is reported as having stopped there,
   * and its real time is added to the phase (phases overlap when concurrent).
   */
  async during<T>(phase: CrawlPhase, work: () => Promise<T>): Promise<T> {
    this.#phase = phase;
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.#phasesMs[phase] += performance.now() - started;
    }
  }

  /** Runs the steps for one space; a failure in them is reported with the space's key. */
  async inSpace<T>(spaceKey: string, work: () => Promise<T>): Promise<T> {
    this.#space = spaceKey;
    const result = await work();
    // Only on success: a failure leaves the key in place for the report.
    this.#space = undefined;
    return result;
  }

  count(kind: ProgressKind, n: number, extra: { itemId?: string; space?: string } = {}): void {
    this.#counts[kind] += n;
    const c = this.#counts;
    this.deps.onProgress?.({
      kind,
      count: n,
      discovered: c.discovered,
      done: c.indexed + c.unchanged + c.skipped + c.failed,
      ...extra,
    });
  }

  groupWritten(): void {
    this.#counts.groupsWritten++;
  }

  groupDeleted(): void {
    this.#counts.groupsDeleted++;
  }

  /** A failure that concerns one item or group only; the crawl goes on. */
  error(error: ItemError): void {
    this.#errors.push(error);
  }

  unmapped(user: ConfluenceUser, reason: string): void {
    this.#unmapped.set(user.accountId, {
      accountId: user.accountId,
      displayName: user.displayName,
      reason,
      code: CODE.unmappedUser,
    });
  }

  partialAcl(itemId: string): void {
    this.#partialAcl.add(itemId);
  }

  /** Why and where the crawl stopped. */
  failure(error: ConnectorError): CrawlFailure {
    return {
      code: error.code,
      message: error.message,
      phase: this.#phase,
      ...(this.#space === undefined ? {} : { space: this.#space }),
    };
  }

  report(outcome: { complete: boolean; resumed: boolean; fatal?: CrawlFailure }): CrawlReport {
    const s = this.deps.stats.since(this.#statsAtStart);
    const items = Math.max(1, this.#counts.discovered);
    const now = this.deps.now();
    return {
      mode: this.mode,
      complete: outcome.complete,
      resumed: outcome.resumed,
      startedAt: new Date(this.startedAt).toISOString(),
      finishedAt: new Date(now).toISOString(),
      durationMs: now - this.startedAt,
      wallMs: Math.round(performance.now() - this.#wallStart),
      counts: { ...this.#counts },
      calls: s.calls,
      retries: s.retries,
      throttled: s.throttled,
      callsPerItem: { confluence: s.calls.confluence / items, graph: s.calls.graph / items },
      waitedMs: s.waitedMs,
      phasesMs: Object.fromEntries(
        Object.entries(this.#phasesMs).map(([k, v]) => [k, Math.round(v)]),
      ) as Record<CrawlPhase, number>,
      unmappedIdentities: [...this.#unmapped.values()],
      partialAcl: [...this.#partialAcl],
      errors: this.#errors,
      fatal: outcome.fatal,
    };
  }
}
