import { z } from "zod";
import { itemPuts } from "../steps/crawl-kill.ts";
import { defineExpectation, show } from "./expectation.ts";

/**
 * `resume`: after every killed crawl, the crawls that resumed it wrote again only what the killed
 * one wrote after its last saved checkpoint (the checkpoint window: items written but not yet in
 * the saved ledger), and one of them completed. What must be indexed at all is
 * `sameIndexAsFaultFree`'s job.
 */
export const resume = defineExpectation({
  schema: z
    .object({
      beyondWindow: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe("Duplicate item PUTs allowed beyond the checkpoint window (default 0)"),
    })
    .strict()
    .describe("Killed crawls resumed: no duplicate item PUT beyond the last checkpoint window"),
  check(ctx, want) {
    const failures: string[] = [];
    const { crawls, world } = ctx;
    for (const [i, killed] of crawls.entries()) {
      if (!killed.killed) continue;
      const next = crawls[i + 1];
      const label = `the crawl of step ${killed.step + 1}, killed after ${killed.killed.afterRequests} requests`;
      if (!next) {
        failures.push(`resume: ${label} was never resumed`);
        continue;
      }
      if (!killed.killed.ledger) {
        failures.push(`resume: ${label}: its saved state cannot be read (set connector.stateFile)`);
        continue;
      }
      const written = new Set(itemPuts(world, killed.sinceSeq, next.sinceSeq));
      const saved = new Set(killed.killed.ledger);
      const window = [...written].filter((id) => !saved.has(id));
      const after = crawls.slice(i + 1);
      const resumedAt = after.findIndex((c) => !c.fatal);
      const until =
        resumedAt < 0 || resumedAt + 1 >= after.length ? undefined : after[resumedAt + 1].sinceSeq;
      const again = new Set(itemPuts(world, next.sinceSeq, until).filter((id) => written.has(id)));
      const beyond = [...again].filter((id) => saved.has(id));
      if (resumedAt < 0) failures.push(`resume: ${label}: no later crawl completed`);
      if (beyond.length > want.beyondWindow) {
        failures.push(
          `resume: ${label}: ${beyond.length} item(s) written again although the saved checkpoint had them ${show(beyond.slice(0, 10))} (window: ${window.length} items written after the last save, ${again.size} written again)`,
        );
      }
    }
    if (!crawls.some((c) => c.killed)) failures.push("resume: no crawl was killed (crawl: { kill: … })");
    return failures;
  },
});
