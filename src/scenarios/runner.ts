import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedIndex } from "../capture/seed-index.ts";
import type { IndexSnapshot } from "../capture/snapshot.ts";
import type { Connector } from "../connector/connector.ts";
import { MemoryStateStore } from "../connector/state.ts";
import { type TransportName, World } from "../simulators/world.ts";
import { DEFAULT_CONNECTION_ID } from "./connector-settings.ts";
import type { RunContext } from "./context.ts";
import { faultFiguresOf } from "./fault-figures.ts";
import { faultFreeComparisons, faultFreeScenario } from "./fault-free.ts";
import { type IndexDigest, indexDigest } from "./index-digest.ts";
import { type LoadedScenario, loadScenarioFile } from "./loader.ts";
import { finalFreshness } from "./oracle/freshness.ts";
import { oracleInput } from "./oracle/input.ts";
import { recordMatrix } from "./oracle/matrix.ts";
import type { MatrixOptions } from "./oracle/matrix-types.ts";
import type { ScenarioResult, StepResult } from "./results.ts";
import { connectorFor } from "./steps/built-in-connector.ts";
import { SiteNames } from "./steps/confluence/site-names.ts";
import { indexSnapshot } from "./steps/crawl.ts";
import { faultPlanOf } from "./steps/faults.ts";
import { runStep, stepKind } from "./steps/registry.ts";
import { transportFetch } from "./transport.ts";

export interface RunOptions {
  /** Overrides the scenario seed. */
  seed?: number;
  /** Overrides the scenario transport. */
  transport?: TransportName;
  /** false: every request runs its route (no replay of repeated GETs; see docs/architecture.md). */
  responseCache?: boolean;
  /** Called after each step (progress output). */
  onStep?: (result: StepResult) => void;
  /** Keep running after a failed step (explain does, to reach the state it was asked about). */
  continueOnFailure?: boolean;
  /** Runs against the live world after step `afterStep` (1-based; default: the last step). */
  inspect?: { afterStep?: number; fn: (ctx: RunContext) => void | Promise<void> };
  /** Capture users × items matrix snapshots (after each crawl step and at the end) for the HTML report. */
  matrix?: boolean | MatrixOptions;
  /**
   * Test seam: gets the built-in connector as configured for the scenario (before its first crawl)
   * and returns the one to use — the same one with wrapped clients, or a new `Connector` built from
   * its `config`, `runtime`, `store`, `checkpointEvery`, `maxGroupMembers`, `audience` and `planner`
   * with other options. The mutation suite injects broken
   * strategies this way (test/mutation); `cgsim run` never sets it.
   */
  connector?: (builtIn: Connector) => Connector;
}

/** Runs one scenario (a file path or an already loaded scenario) and reports every step. */
export async function runScenario(
  input: string | LoadedScenario,
  options: RunOptions = {},
): Promise<ScenarioResult> {
  const started = performance.now();
  const loaded = typeof input === "string" ? loadScenarioFile(input, { seed: options.seed }) : input;
  const { scenario, seed } = loaded;
  const transport = options.transport ?? scenario.transport ?? "direct";
  const world = new World({
    site: loaded.site,
    directory: loaded.directory,
    start: scenario.start ?? captureTime(loaded),
    faults: scenario.faults ? faultPlanOf(scenario.faults, seed) : { seed, rules: [] },
    graph: scenario.graph,
    responseCache: options.responseCache,
  });
  const simStart = world.clock.now();
  let workDir: string | undefined;
  /** Fault-free runs started ahead of the step that compares with them: awaited before the end. */
  const early: Promise<unknown>[] = [];
  const result: ScenarioResult = {
    name: scenario.name,
    file: loaded.file,
    seed,
    transport,
    tags: scenario.tags ?? [],
    ok: true,
    steps: [],
    skipped: 0,
    wallMs: 0,
    simulatedMs: 0,
    requests: 0,
  };
  try {
    const ctx: RunContext = {
      world,
      file: loaded.file,
      seed,
      names: new SiteNames(world.confluence.store, loaded.site.spec),
      connectionId:
        scenario.connector?.connectionId ?? loaded.capture?.index?.connection.id ?? DEFAULT_CONNECTION_ID,
      fetch: await transportFetch(world, transport),
      crawls: [],
      permissionChanges: [],
      settings: scenario.connector ?? {},
      connectorState: new MemoryStateStore(),
      wrapConnector: options.connector,
      step: 0,
      faultFreeIndex: memoized((step) => faultFreeIndex(loaded, step, { ...options, transport })),
      workDir: () => {
        workDir ??= mkdtempSync(join(tmpdir(), "cgsim-run-"));
        return workDir;
      },
    };
    // An external connector mostly waits on its process: its fault-free reference runs meanwhile
    // (its own world and process) instead of after it. Built-in runs stay one at a time.
    if (scenario.connector?.command && !options.inspect)
      for (const step of faultFreeComparisons(loaded))
        early.push(ctx.faultFreeIndex(step).catch(() => undefined));
    if (loaded.capture?.index) await replayCapturedIndex(ctx, loaded.capture.index);
    for (const [index, step] of scenario.steps.entries()) {
      const kind = stepKind(step);
      ctx.step = index;
      const line = loaded.source.locate(["steps", index]).line;
      let stepResult: StepResult;
      try {
        const { summary, failures, external } = await runStep(ctx, step, index);
        stepResult = { index, kind, line, summary, ok: failures.length === 0, failures, external };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        stepResult = { index, kind, line, summary: kind, ok: false, failures: [`step threw: ${message}`] };
      }
      result.steps.push(stepResult);
      if (options.matrix) recordMatrix(ctx, result, "step", matrixOptions(options.matrix));
      options.onStep?.(stepResult);
      if (options.inspect && index + 1 === (options.inspect.afterStep ?? scenario.steps.length)) {
        await options.inspect.fn(ctx);
      }
      if (!stepResult.ok) {
        result.ok = false;
        if (options.continueOnFailure) continue;
        result.skipped = scenario.steps.length - index - 1;
        break;
      }
      if (options.inspect && index + 1 === options.inspect.afterStep) {
        result.skipped = scenario.steps.length - index - 1;
        break;
      }
    }
    if (options.matrix) recordMatrix(ctx, result, "end", matrixOptions(options.matrix));
    result.freshness = finalFreshness(oracleInput(ctx));
  } catch (error) {
    result.ok = false;
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await Promise.all(early);
    result.requests = world.host.journal.count();
    const faults = faultFiguresOf(world.host.journal.entries());
    if (faults.faulted > 0) result.faults = faults;
    result.simulatedMs = world.clock.now() - simStart;
    await world.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    result.wallMs = Math.round(performance.now() - started);
  }
  return result;
}

/**
 * The index the scenario's first `step` steps leave when nothing fails (fault-free.ts): the same
 * scenario on a world of its own, with the run's transport and connector seam.
 */
async function faultFreeIndex(
  loaded: LoadedScenario,
  step: number,
  options: RunOptions,
): Promise<IndexDigest> {
  let digest: IndexDigest | undefined;
  const result = await runScenario(faultFreeScenario(loaded, step), {
    transport: options.transport,
    responseCache: options.responseCache,
    connector: options.connector,
    inspect: {
      fn: (ctx) => {
        digest = indexDigest(ctx.world, ctx.connectionId);
      },
    },
  });
  if (!result.ok || !digest) {
    const failure = result.error ?? result.steps.find((s) => !s.ok)?.failures.join("; ") ?? "no index";
    throw new Error(`the fault-free run of the first ${step} steps failed: ${failure}`);
  }
  return digest;
}

/** One call per argument: later calls share the first call's promise. */
function memoized<T>(compute: (n: number) => Promise<T>): (n: number) => Promise<T> {
  const seen = new Map<number, Promise<T>>();
  return (n) => {
    if (!seen.has(n)) seen.set(n, compute(n));
    return seen.get(n)!;
  };
}

/** A capture's site starts at the capture's instant (its timestamps are all in the past then). */
function captureTime(loaded: LoadedScenario): string | undefined {
  const m = loaded.capture?.manifest;
  return m?.graph?.capturedAt ?? m?.confluence?.capturedAt;
}

/**
 * A scenario on a capture starts with the captured index in the Graph twin, as if a full crawl had
 * completed at the capture's instant: the oracle judges that index, later crawls replace it.
 */
async function replayCapturedIndex(ctx: RunContext, index: IndexSnapshot): Promise<void> {
  await seedIndex(ctx.world, index);
  // The connector crawls into the captured connection (unless the scenario names another).
  if (!ctx.settings.command) ctx.settings = { connectionId: index.connection.id, ...ctx.settings };
  ctx.crawls.push({
    mode: "full",
    step: -1,
    startedAt: ctx.world.clock.now(),
    sinceSeq: ctx.world.host.journal.entries().at(-1)?.seq ?? 0,
  });
  ctx.lastFullCrawlStep = -1;
  ctx.indexAtLastCompletedCrawl = indexSnapshot(ctx);
  if (!ctx.settings.command) ctx.connector = connectorFor(ctx);
}

function matrixOptions(option: true | MatrixOptions): MatrixOptions {
  return option === true ? {} : option;
}
