import { z } from "zod";
import { whereStopped } from "../../connector/report.ts";
import type { RunContext } from "../context.ts";
import type { CrawlOutcome } from "../results.ts";
import { builtInCrawl, connectorFor } from "./built-in-connector.ts";
import { crawlExternally } from "./external-connector.ts";
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
          /** The crawl is expected to stop with a fatal error (the step passes when it does). */
          fails: z.boolean().optional(),
        })
        .strict(),
    ])
    .describe("Run the connector: full | incremental"),
  async run(ctx, spec, index) {
    const { world } = ctx;
    const mode = typeof spec === "string" ? spec : spec.mode;
    const expectFailure = typeof spec === "object" && spec.fails === true;
    const outcome: CrawlOutcome = {
      mode,
      step: index,
      startedAt: world.clock.now(),
      sinceSeq: world.host.journal.entries().at(-1)?.seq ?? 0,
    };
    let summary: string;
    if (ctx.settings.command) {
      const run = await crawlExternally(ctx, mode);
      outcome.exitCode = run.exitCode;
      outcome.output = run.output;
      if (run.exitCode !== 0) outcome.fatal = { code: 5000, message: `exit code ${run.exitCode}` };
      summary = `crawl ${mode} (external, exit ${run.exitCode})`;
    } else {
      ctx.connector ??= connectorFor(ctx);
      const run = await builtInCrawl(ctx.connector, mode);
      outcome.mode = run.report.mode;
      outcome.report = run.report;
      outcome.fatal = run.report.fatal;
      summary = run.summary;
    }
    ctx.crawls.push(outcome);
    if (outcome.mode === "full" && !outcome.fatal) ctx.lastFullCrawlStep = index;
    if (!outcome.fatal) ctx.indexAtLastCompletedCrawl = indexSnapshot(ctx);
    const failures: string[] = [];
    if (outcome.fatal && !expectFailure) failures.push(crawlFailureText(outcome));
    if (!outcome.fatal && expectFailure) failures.push(`crawl ${mode} was expected to fail but completed`);
    return { summary, failures };
  },
});

/** Each indexed item's ACL as JSON, so the parity oracle can tell kept state from changed state. */
export function indexSnapshot({ world, connectionId }: RunContext): Map<string, string> {
  const items = world.graph.connection(connectionId)?.items ?? new Map();
  return new Map([...items].map(([id, item]) => [id, JSON.stringify(item.acl)]));
}

/** Why a crawl that was not expected to fail fails its step: the error, where it stopped, an external connector's output. */
function crawlFailureText(outcome: CrawlOutcome): string {
  const fatal = outcome.report?.fatal;
  // The built-in connector's messages start with their code already ("[1002] Cannot authenticate…").
  const head = fatal
    ? `crawl ${outcome.mode} stopped ${whereStopped(fatal)}: ${fatal.message}`
    : `crawl ${outcome.mode} stopped: [${outcome.fatal?.code}] ${outcome.fatal?.message}`;
  return `${head}${outcome.output ? `\n${outcome.output.trim()}` : ""}`;
}
