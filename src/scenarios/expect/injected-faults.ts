import { z } from "zod";
import { faultFiguresOf, percent } from "../fault-figures.ts";
import { defineExpectation } from "./expectation.ts";

/** `injectedFaults`: the share of requests the fault plan hit, so a chaos scenario knows it was chaotic. */
export const injectedFaults = defineExpectation({
  schema: z
    .object({
      min: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe("At least this share of requests faulted (0.15 = 15 %)"),
      max: z.number().min(0).max(1).optional().describe("At most this share"),
      since: z.enum(["start", "lastCrawl"]).default("start"),
    })
    .strict()
    .describe("Share of requests the fault plan hit (429, 5xx, reset, truncated, latency)"),
  check(ctx, want) {
    const since = want.since === "start" ? 0 : (ctx.crawls.at(-1)?.sinceSeq ?? 0);
    const f = faultFiguresOf(ctx.world.host.journal.entries({ sinceSeq: since }));
    const rate = f.requests === 0 ? 0 : f.faulted / f.requests;
    const seen = `${f.faulted} of ${f.requests} requests (${percent(f.faulted, f.requests)})`;
    const failures: string[] = [];
    if (want.min !== undefined && rate < want.min)
      failures.push(`injectedFaults: ${seen} faulted, expected at least ${percent(want.min, 1)}`);
    if (want.max !== undefined && rate > want.max)
      failures.push(`injectedFaults: ${seen} faulted, expected at most ${percent(want.max, 1)}`);
    return failures;
  },
});
