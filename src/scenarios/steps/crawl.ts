import { z } from "zod";
import type { RunContext } from "../context.ts";
import { faultFigures } from "../fault-figures.ts";
import { confluenceSnapshot } from "../oracle/freshness.ts";
import { type CrawlOutcome, crawlStopText } from "../results.ts";
import { builtInCrawl, connectorFor } from "./built-in-connector.ts";
import { armDuring, type DuringOutcome, duringReferences, duringSchema } from "./crawl-during.ts";
import { killableFetch, killFigures, killPoint, killSchema, savedLedger } from "./crawl-kill.ts";
import { crawlExternally, externalFailure } from "./external-connector.ts";
import { defineStep } from "./step-module.ts";

/**
 * The `crawl` step: runs the built-in connector (or the scenario's external command) once and
 * records the outcome for later expectations and the oracle.
 */
export const crawlStep = defineStep({
  schema: z
    .union([
      z.enum(["full", "incremental"]),
      z
        .object({
          mode: z.enum(["full", "incremental"]),
          fails: z
            .boolean()
            .optional()
            .describe("The crawl must stop with an error (the step passes when it does)"),
          during: duringSchema.optional(),
          kill: killSchema.optional(),
        })
        .strict(),
    ])
    .describe("Run the connector: full | incremental"),
  references(spec, scope, path) {
    if (typeof spec === "object" && spec.during)
      return { ...spec, during: duringReferences(spec.during, scope, [...path, "during"]) };
  },
  async run(ctx, spec, index) {
    const { world } = ctx;
    const mode = typeof spec === "string" ? spec : spec.mode;
    const expectFailure = typeof spec === "object" && spec.fails === true;
    const during = typeof spec === "object" && spec.during ? armDuring(ctx, spec.during, index) : undefined;
    const kill = typeof spec === "object" && spec.kill ? killPoint(spec.kill, ctx.seed, index) : undefined;
    const outcome: CrawlOutcome = {
      mode,
      step: index,
      startedAt: world.clock.now(),
      sinceSeq: world.host.journal.lastSeq,
    };
    const confluence = confluenceSnapshot(world);
    let summary: string;
    let hook: DuringOutcome | undefined;
    try {
      if (ctx.settings.command) {
        const run = await crawlExternally(ctx, mode, kill);
        outcome.external = run;
        if (run.killed) {
          outcome.killed = {
            afterRequests: world.host.journal.lastSeq - outcome.sinceSeq,
            ledger: savedLedger(ctx),
          };
          outcome.fatal = { code: 5000, message: "killed (SIGKILL)" };
        } else outcome.fatal = externalFailure(run);
        const end = run.killed
          ? "SIGKILL"
          : run.timedOut
            ? "timed out"
            : `exit ${run.exitCode ?? run.signal}`;
        summary = `crawl ${mode} (external via ${run.via}, ${end})`;
      } else if (kill !== undefined) {
        const run = await killedBuiltInCrawl(ctx, mode, kill);
        Object.assign(outcome, run.outcome);
        summary = run.summary;
      } else {
        ctx.connector ??= connectorFor(ctx);
        const run = await builtInCrawl(ctx.connector, mode);
        outcome.mode = run.report.mode;
        outcome.report = run.report;
        outcome.fatal = run.report.fatal;
        summary = run.summary;
      }
    } finally {
      hook = during?.();
    }
    if (hook?.applied.length) summary += `; ${hook.applied.join("; ")}`;
    if (outcome.killed) summary += killFigures(world, outcome);
    summary += faultFigures(world, outcome);
    ctx.crawls.push(outcome);
    ctx.confluenceAtLastCrawl = confluence;
    if (outcome.mode === "full" && !outcome.fatal) {
      ctx.lastFullCrawlStep = index;
      ctx.confluenceAtLastFullCrawl = confluence;
    }
    if (!outcome.fatal) ctx.indexAtLastCompletedCrawl = indexSnapshot(ctx);
    const failures: string[] = [...(hook?.failures ?? [])];
    if (kill !== undefined && !outcome.killed) {
      failures.push(`crawl ${mode} completed before its kill point (request ${kill}): kill it earlier`);
    } else if (outcome.fatal && !expectFailure && !outcome.killed) failures.push(crawlFailureText(outcome));
    if (!outcome.fatal && expectFailure) failures.push(`crawl ${mode} was expected to fail but completed`);
    return { summary, failures, external: outcome.external };
  },
});

/**
 * The built-in connector killed after `kill` requests: a connector of its own on the saved state
 * (a new process), abandoned at the kill; the next crawl builds a new one that loads what was saved.
 */
async function killedBuiltInCrawl(
  ctx: RunContext,
  mode: "full" | "incremental",
  kill: number,
): Promise<{ outcome: Partial<CrawlOutcome>; summary: string }> {
  const dying = killableFetch(ctx.fetch, kill);
  const connector = connectorFor({ ...ctx, fetch: dying.fetch });
  ctx.connector = undefined;
  const ended = await Promise.race([builtInCrawl(connector, mode), dying.killed.then(() => undefined)]);
  if (ended) return { outcome: { report: ended.report, fatal: ended.report.fatal }, summary: ended.summary };
  // A save already under way when the process died still lands (write + rename); nothing after it.
  await new Promise((resolve) => setImmediate(resolve));
  return {
    outcome: {
      killed: { afterRequests: kill, ledger: savedLedger(ctx) },
      fatal: { code: 5000, message: `killed after ${kill} requests` },
    },
    summary: `crawl ${mode}: killed after ${kill} requests`,
  };
}

/** Each indexed item's ACL as JSON, so the parity oracle can tell kept state from changed state. */
export function indexSnapshot({ world, connectionId }: RunContext): Map<string, string> {
  const items = world.graph.connection(connectionId)?.items ?? new Map();
  return new Map([...items].map(([id, item]) => [id, JSON.stringify(item.acl)]));
}

/** Lines of an external connector's output quoted in a failure (the reports show all of it). */
const QUOTED_LINES = 20;

/** Why a crawl that was not expected to fail fails its step: the error, where it stopped, an external connector's output. */
function crawlFailureText(outcome: CrawlOutcome): string {
  const head = `crawl ${outcome.mode} ${crawlStopText(outcome)}`;
  const run = outcome.external;
  if (!run) return head;
  const lines = [head];
  if (run.refusedHosts?.length)
    lines.push(`cgsim's proxy refused ${run.refusedHosts.join(", ")} (no twin answers there; 502)`);
  // stderr is where connectors explain themselves; stdout when stderr is empty.
  const quoted = (run.stderr.trim() ? run.stderr : run.stdout).trimEnd().split("\n");
  if (quoted.length > QUOTED_LINES) lines.push(`… (last ${QUOTED_LINES} lines; the report has the rest)`);
  if (quoted.join("").trim()) lines.push(...quoted.slice(-QUOTED_LINES));
  return lines.join("\n");
}
