import { dirname } from "node:path";
import { seedIndex } from "../capture/seed-index.ts";
import type { IndexSnapshot } from "../capture/snapshot.ts";
import type { Connector } from "../connector/connector.ts";
import { MemoryStateStore } from "../connector/state.ts";
import { type TransportName, World } from "../simulators/world.ts";
import type { RunContext } from "./context.ts";
import { describeEndpoints } from "./endpoints.ts";
import { checkExpectation } from "./expect/check.ts";
import { type LoadedScenario, loadScenarioFile } from "./loader.ts";
import { recordMatrix } from "./oracle/matrix.ts";
import type { MatrixOptions } from "./oracle/matrix-types.ts";
import type { CrawlOutcome, ScenarioResult, StepResult } from "./results.ts";
import type { Step } from "./schema.ts";
import { applyConfluenceChange, SiteNames } from "./steps/confluence.ts";
import {
  builtInConnector,
  builtInCrawl,
  crawlFailureText,
  DEFAULT_CONNECTION_ID,
  runExternalCrawl,
} from "./steps/crawl.ts";
import { sendGraphRequest } from "./steps/graph-request.ts";
import { applyClock, applyDirectoryChange, applyGraphChange, faultPlanOf } from "./steps/other.ts";

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

const PERMISSION_CHANGES = new Set([
  "restrict",
  "unrestrict",
  "group",
  "spacePermission",
  "anonymous",
  "hideEmail",
  "user",
  "move",
]);

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
      loaded,
      names: new SiteNames(world.confluence.store, loaded.site.spec),
      connectionId:
        scenario.connector?.connectionId ?? loaded.capture?.index?.connection.id ?? DEFAULT_CONNECTION_ID,
      fetch: await transportFetch(world, transport),
      crawls: [],
      permissionChanges: [],
      settings: scenario.connector ?? {},
      connectorState: new MemoryStateStore(),
    };
    if (loaded.capture?.index) await replayCapturedIndex(ctx, loaded.capture.index, options);
    for (const [index, step] of scenario.steps.entries()) {
      const kind = Object.keys(step)[0];
      const line = loaded.source.locate(["steps", index]).line;
      let stepResult: StepResult;
      try {
        const { summary, failures } = await runStep(ctx, step, index, options);
        stepResult = { index, kind, line, summary, ok: failures.length === 0, failures };
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
  } catch (error) {
    result.ok = false;
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    result.requests = world.host.journal.count();
    result.simulatedMs = world.clock.now() - simStart;
    await world.close();
    result.wallMs = Math.round(performance.now() - started);
  }
  return result;
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
async function replayCapturedIndex(
  ctx: RunContext,
  index: IndexSnapshot,
  options: RunOptions,
): Promise<void> {
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
  ctx.indexAtLastCompletedCrawl = indexSnapshot(ctx.world, ctx.connectionId);
  if (!ctx.settings.command) ctx.connector = connectorFor(ctx, options);
}

/** Each indexed item's ACL as JSON, so the parity oracle can tell kept state from changed state. */
function indexSnapshot(world: World, connectionId: string): Map<string, string> {
  const items = world.graph.connection(connectionId)?.items ?? new Map();
  return new Map([...items].map(([id, item]) => [id, JSON.stringify(item.acl)]));
}

/** The built-in connector for the current settings, on the run's kept state (and test wrapper). */
function connectorFor(ctx: RunContext, options: RunOptions): Connector {
  const builtIn = builtInConnector(ctx.world, ctx.settings, ctx.loaded.seed, ctx.fetch, ctx.connectorState);
  return options.connector ? options.connector(builtIn) : builtIn;
}

function matrixOptions(option: true | MatrixOptions): MatrixOptions {
  return option === true ? {} : option;
}

async function runStep(
  ctx: RunContext,
  step: Step,
  index: number,
  options: RunOptions,
): Promise<{ summary: string; failures: string[] }> {
  const { world, loaded } = ctx;
  if (step.crawl !== undefined) return crawl(ctx, step.crawl, index, options);
  if (step.confluence !== undefined) {
    const changes = Array.isArray(step.confluence) ? step.confluence : [step.confluence];
    const done = changes.map((c) => {
      const text = applyConfluenceChange(ctx.names, c, world.confluence.oauth);
      if (PERMISSION_CHANGES.has(Object.keys(c)[0]))
        ctx.permissionChanges.push({ step: index, description: text });
      return text;
    });
    return { summary: `confluence: ${done.join("; ")}`, failures: [] };
  }
  if (step.directory !== undefined) {
    const changes = Array.isArray(step.directory) ? step.directory : [step.directory];
    const done = changes.map((c) => applyDirectoryChange(world.directory, c));
    for (const text of done) ctx.permissionChanges.push({ step: index, description: `directory: ${text}` });
    return { summary: `directory: ${done.join("; ")}`, failures: [] };
  }
  if (step.graph !== undefined) {
    const changes = Array.isArray(step.graph) ? step.graph : [step.graph];
    const done: string[] = [];
    const failures: string[] = [];
    for (const c of changes) {
      if (!c.request) {
        done.push(applyGraphChange(world.graph, ctx.connectionId, c));
        continue;
      }
      const sent = await sendGraphRequest(world, ctx.fetch, ctx.connectionId, c.request);
      done.push(sent.summary);
      failures.push(...sent.failures);
    }
    return { summary: `graph: ${done.join("; ")}`, failures };
  }
  if (step.clock !== undefined) return { summary: applyClock(world.clock, step.clock), failures: [] };
  if (step.faults !== undefined) {
    const plan = faultPlanOf(step.faults, loaded.seed);
    world.host.faults.set(plan);
    return { summary: `faults: ${plan.rules.length} rule(s)`, failures: [] };
  }
  if (step.connector !== undefined) {
    if (ctx.settings.command)
      throw new Error(
        "a connector step changes the built-in connector; this scenario runs an external command",
      );
    ctx.settings = { ...ctx.settings, ...step.connector };
    ctx.connector = connectorFor(ctx, options);
    return { summary: `connector settings: ${Object.keys(step.connector).join(", ")} changed`, failures: [] };
  }
  if (step.expect !== undefined) {
    const failures = await checkExpectation(ctx, step.expect);
    return { summary: `expect ${Object.keys(step.expect).join(", ")}`, failures };
  }
  throw new Error(`unknown step ${JSON.stringify(step)}`);
}

async function crawl(
  ctx: RunContext,
  spec: NonNullable<Step["crawl"]>,
  index: number,
  options: RunOptions,
): Promise<{ summary: string; failures: string[] }> {
  const { world, loaded } = ctx;
  const mode = typeof spec === "string" ? spec : spec.mode;
  const expectFailure = typeof spec === "object" && spec.fails === true;
  const outcome: CrawlOutcome = {
    mode,
    step: index,
    startedAt: world.clock.now(),
    sinceSeq: world.host.journal.entries().at(-1)?.seq ?? 0,
  };
  const { settings } = ctx;
  let summary: string;
  if (settings.command) {
    const server = await world.listen();
    const endpoints = describeEndpoints(world, server.url, server.caFile);
    // An external connector sleeps in real time: simulated time follows real time while it runs.
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      world.clock.advance(Math.round(now - last));
      last = now;
    }, 10);
    const run = await runExternalCrawl(endpoints, settings, mode, dirname(loaded.file)).finally(() =>
      clearInterval(ticker),
    );
    outcome.exitCode = run.exitCode;
    outcome.output = run.output;
    if (run.exitCode !== 0) outcome.fatal = { code: 5000, message: `exit code ${run.exitCode}` };
    summary = `crawl ${mode} (external, exit ${run.exitCode})`;
  } else {
    ctx.connector ??= connectorFor(ctx, options);
    const run = await builtInCrawl(ctx.connector, mode);
    outcome.mode = run.report.mode;
    outcome.report = run.report;
    outcome.fatal = run.report.fatal;
    summary = run.summary;
  }
  ctx.crawls.push(outcome);
  if (outcome.mode === "full" && !outcome.fatal) ctx.lastFullCrawlStep = index;
  if (!outcome.fatal) ctx.indexAtLastCompletedCrawl = indexSnapshot(world, ctx.connectionId);
  const failures: string[] = [];
  if (outcome.fatal && !expectFailure) failures.push(crawlFailureText(outcome));
  if (!outcome.fatal && expectFailure) failures.push(`crawl ${mode} was expected to fail but completed`);
  return { summary, failures };
}

/** The fetch the connector uses for a transport. */
async function transportFetch(world: World, transport: TransportName): Promise<typeof fetch> {
  if (transport === "direct") return world.fetch;
  if (transport === "msw") {
    world.intercept();
    return globalThis.fetch.bind(globalThis);
  }
  const server = await world.listen();
  return viaServer(server.url);
}

/**
 * Sends requests for the real hosts (`https://contoso.atlassian.net/wiki/…`,
 * `https://graph.microsoft.com/v1.0/…`) to the local http server: every service answers on one
 * origin, by path, so only the origin changes and the real socket path is exercised.
 */
export function viaServer(base: string): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const url = new URL(request.url);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return fetch(`${base}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
      signal: request.signal,
    });
  };
}
