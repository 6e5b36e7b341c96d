import { type CrawlReport, whereStopped } from "../connector/report.ts";
import type { TransportName } from "../simulators/world.ts";
import type { FreshnessReport } from "./oracle/freshness-types.ts";
import type { MatrixSnapshot } from "./oracle/matrix-types.ts";

/** What a run leaves behind: per crawl, per step and per scenario. */

/** What a crawl step leaves for later expectations. */
export interface CrawlOutcome {
  mode: "full" | "incremental";
  /** Index of the scenario step that ran it. */
  step: number;
  /** Simulated time the crawl started. */
  startedAt: number;
  /** The built-in connector's report, partial when it failed; undefined for external connectors. */
  report?: CrawlReport;
  /** External connector: how its process ran (exit, output, times). */
  external?: ExternalRun;
  /** Fatal error, when the crawl stopped early (the built-in connector's report says where). */
  fatal?: { code: number; message: string };
  /** Journal sequence number before the crawl's first request. */
  sinceSeq: number;
  /**
   * The crawl was killed (`kill:`) after this many requests; `ledger`: the item ids its saved state
   * held then (what a resumed crawl may skip), when the runner can read the state.
   */
  killed?: { afterRequests: number; ledger?: string[] };
}

/** One run of an external connector's process (a crawl step with `connector.command`). */
export interface ExternalRun {
  command: string;
  /** How it reached the twins: `http` (CGSIM_* URLs) or `proxy` (the real hosts through cgsim's proxy). */
  via: "http" | "proxy";
  exitCode: number | null;
  /** The signal that ended it, if one did. */
  signal: string | null;
  /** Still running at `timeout` (real time), so it was killed. */
  timedOut: boolean;
  /** SIGKILLed as the crawl's kill point was reached (`crawl.kill`). */
  killed: boolean;
  timeout: string;
  wallMs: number;
  /** Simulated time the crawl took: real time × clockRate, rounded up to a whole minute. */
  simulatedMs: number;
  /** Its output, each stream bounded (beginning and end kept). */
  stdout: string;
  stderr: string;
  /** Hosts cgsim's proxy refused during the crawl (no twin answers there). */
  refusedHosts?: string[];
}

/**
 * Where and why a crawl stopped, the error code once: "stopped while listing (space ENG): [1002]
 * Cannot …". The built-in connector's messages start with their code already; an external
 * connector's do not.
 */
export function crawlStopText(outcome: CrawlOutcome): string {
  const fatal = outcome.report?.fatal ?? outcome.fatal;
  if (!fatal) return "completed";
  const where = outcome.report?.fatal ? ` ${whereStopped(outcome.report.fatal)}` : "";
  const tag = `[${fatal.code}]`;
  return `stopped${where}: ${fatal.message.startsWith(tag) ? fatal.message : `${tag} ${fatal.message}`}`;
}

/** A change that may alter who can view what (what incremental crawls are documented to miss). */
export interface PermissionChange {
  step: number;
  description: string;
  /** Made while that step's crawl ran (`during:`): the crawl may or may not have seen it. */
  duringCrawl?: boolean;
}

export interface StepResult {
  index: number;
  kind: string;
  /** Line of the step in the scenario file. */
  line: number;
  summary: string;
  ok: boolean;
  failures: string[];
  /** A crawl step's external connector run: shown in every report, passed or failed. */
  external?: ExternalRun;
}

export interface ScenarioResult {
  name: string;
  file: string;
  seed: number;
  transport: TransportName;
  tags: string[];
  ok: boolean;
  steps: StepResult[];
  /** Steps not run because an earlier one failed. */
  skipped: number;
  /** Load or setup error (the scenario never ran). */
  error?: string;
  wallMs: number;
  simulatedMs: number;
  requests: number;
  /** What the fault plan did over the whole run and how the connector coped, when it hit any request. */
  faults?: FaultFigures;
  /** Permission matrix snapshots, when asked for (`RunOptions.matrix`); the last is the final state. */
  matrix?: MatrixSnapshot[];
  /**
   * The freshness oracle at the end of a run that crawled: stale indexed items (title, body, url,
   * labels behind Confluence), findings capped at FRESHNESS_FINDINGS_SHOWN.
   */
  freshness?: FreshnessReport;
}

/** What the fault plan did to a run's (or a crawl's) requests and how the connector answered, from the journal. */
export interface FaultFigures {
  requests: number;
  faulted: number;
  /** Faulted requests per kind: the status (429, 500, …), reset, truncated or latency. */
  byKind: Record<string, number>;
  /** Requests that repeat a failed one to the same method and URL. */
  retried: number;
  /** Repeats (not POSTs) of an answer with Retry-After, and how many waited it out (simulated time). */
  retryAfter: { announced: number; honoured: number };
}
