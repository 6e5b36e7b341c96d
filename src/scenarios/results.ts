import type { CrawlReport } from "../connector/report.ts";
import type { TransportName } from "../simulators/world.ts";
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
  /** External connector: exit code and captured output. */
  exitCode?: number | null;
  output?: string;
  /** Fatal error, when the crawl stopped early (the built-in connector's report says where). */
  fatal?: { code: number; message: string };
  /** Journal sequence number before the crawl's first request. */
  sinceSeq: number;
}

/** A change that may alter who can view what (what incremental crawls are documented to miss). */
export interface PermissionChange {
  step: number;
  description: string;
}

export interface StepResult {
  index: number;
  kind: string;
  /** Line of the step in the scenario file. */
  line: number;
  summary: string;
  ok: boolean;
  failures: string[];
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
  /** Permission matrix snapshots, when asked for (`RunOptions.matrix`); the last is the final state. */
  matrix?: MatrixSnapshot[];
}
