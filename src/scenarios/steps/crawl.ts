import { z } from "zod";
import type { RunContext } from "../context.ts";
import { confluenceSnapshot } from "../oracle/freshness.ts";
import { type CrawlOutcome, crawlStopText } from "../results.ts";
import { builtInCrawl, connectorFor } from "./built-in-connector.ts";
import { armDuring, type DuringOutcome, duringReferences, duringSchema } from "./crawl-during.ts";
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
    const outcome: CrawlOutcome = {
      mode,
      step: index,
      startedAt: world.clock.now(),
      sinceSeq: world.host.journal.entries().at(-1)?.seq ?? 0,
    };
    const confluence = confluenceSnapshot(world);
    let summary: string;
    let hook: DuringOutcome | undefined;
    try {
      if (ctx.settings.command) {
        const run = await crawlExternally(ctx, mode);
        outcome.external = run;
        outcome.fatal = externalFailure(run);
        summary = `crawl ${mode} (external via ${run.via}, ${run.timedOut ? "timed out" : `exit ${run.exitCode ?? run.signal}`})`;
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
    ctx.crawls.push(outcome);
    ctx.confluenceAtLastCrawl = confluence;
    if (outcome.mode === "full" && !outcome.fatal) {
      ctx.lastFullCrawlStep = index;
      ctx.confluenceAtLastFullCrawl = confluence;
    }
    if (!outcome.fatal) ctx.indexAtLastCompletedCrawl = indexSnapshot(ctx);
    const failures: string[] = [...(hook?.failures ?? [])];
    if (outcome.fatal && !expectFailure) failures.push(crawlFailureText(outcome));
    if (!outcome.fatal && expectFailure) failures.push(`crawl ${mode} was expected to fail but completed`);
    return { summary, failures, external: outcome.external };
  },
});

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
