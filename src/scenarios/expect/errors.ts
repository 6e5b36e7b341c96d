import { z } from "zod";
import type { CrawlOutcome } from "../results.ts";
import { defineExpectation, indent, show } from "./expectation.ts";

const codeList = z.array(z.number().int());

/** `errors`: the Microsoft error codes the last crawl reported. */
export const errors = defineExpectation({
  schema: z
    .object({
      codes: codeList.optional().describe("These codes were reported"),
      only: z.boolean().optional().describe("and no others"),
      notReported: codeList.optional().describe("None of these codes was reported (others may be)"),
      none: z.boolean().optional().describe("No code was reported"),
    })
    .strict()
    .describe("Connector errors reported by the last crawl"),
  check(ctx, want) {
    const last = ctx.crawls.at(-1);
    if (!last) return ["errors: no crawl has run"];
    const failures: string[] = [];
    const reported = reportedCodes(last);
    const codes = new Set(reported.keys());
    if (want.none && codes.size)
      failures.push(`errors: expected none, reported ${show([...codes].map(String))}`);
    const missing = (want.codes ?? []).filter((c) => !codes.has(c));
    if (missing.length)
      failures.push(
        `errors: ${show(missing.map(String))} not reported (reported ${show([...codes].map(String))})`,
      );
    const unwanted = (want.notReported ?? []).filter((c) => codes.has(c));
    if (unwanted.length)
      failures.push(
        `errors: ${show(unwanted.map(String))} reported, expected not\n${indent(unwanted.flatMap((c) => reported.get(c) ?? []))}`,
      );
    if (want.only) {
      const extra = [...codes].filter((c) => !(want.codes ?? []).includes(c));
      if (extra.length) failures.push(`errors: also reported ${show(extra.map(String))}`);
    }
    return failures;
  },
});

/** Most lines shown per unwanted code (one per item or identity). */
const SHOWN = 5;

/**
 * Each reported code with what reported it, in a line each: a fatal error, per-item errors, 2006
 * per unmapped identity, 2007 when principals were dropped.
 */
function reportedCodes(crawl: CrawlOutcome): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const add = (code: number, line: string) => {
    const lines = found.get(code) ?? [];
    if (lines.length === SHOWN) lines.push("…");
    else if (lines.length < SHOWN) lines.push(`[${code}] ${line}`);
    found.set(code, lines);
  };
  const report = crawl.report;
  if (crawl.fatal)
    add(crawl.fatal.code, `the crawl stopped: ${crawl.fatal.message.replace(/^\[\d+\] /, "")}`);
  for (const err of report?.errors ?? [])
    add(err.code, `item ${err.itemId}: ${err.message.replace(/^\[\d+\] /, "")}`);
  for (const u of report?.unmappedIdentities ?? [])
    add(u.code, `identity ${u.displayName} (${u.accountId}): ${u.reason}`);
  for (const item of report?.partialAcl ?? []) add(2007, `item ${item}: indexed with principals dropped`);
  return found;
}
