import { z } from "zod";
import type { CrawlOutcome } from "../results.ts";
import { defineExpectation, show } from "./expectation.ts";

/** `errors`: the Microsoft error codes the last crawl reported. */
export const errors = defineExpectation({
  schema: z
    .object({
      codes: z.array(z.number().int()).optional().describe("These codes were reported"),
      only: z.boolean().optional().describe("and no others"),
      none: z.boolean().optional(),
    })
    .strict()
    .describe("Connector errors reported by the last crawl"),
  check(ctx, want) {
    const last = ctx.crawls.at(-1);
    if (!last) return ["errors: no crawl has run"];
    const failures: string[] = [];
    const codes = reportedCodes(last);
    if (want.none && codes.size)
      failures.push(`errors: expected none, reported ${show([...codes].map(String))}`);
    const missing = (want.codes ?? []).filter((c) => !codes.has(c));
    if (missing.length)
      failures.push(
        `errors: ${show(missing.map(String))} not reported (reported ${show([...codes].map(String))})`,
      );
    if (want.only) {
      const extra = [...codes].filter((c) => !(want.codes ?? []).includes(c));
      if (extra.length) failures.push(`errors: also reported ${show(extra.map(String))}`);
    }
    return failures;
  },
});

/** A fatal error, per-item errors, 2006 per unmapped identity, 2007 when principals were dropped. */
function reportedCodes(crawl: CrawlOutcome): Set<number> {
  const codes = new Set<number>();
  if (crawl.fatal) codes.add(crawl.fatal.code);
  for (const err of crawl.report?.errors ?? []) codes.add(err.code);
  for (const u of crawl.report?.unmappedIdentities ?? []) codes.add(u.code);
  if (crawl.report?.partialAcl.length) codes.add(2007);
  return codes;
}
