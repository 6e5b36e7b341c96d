import { z } from "zod";
import { globToRegExp } from "../../simulators/host/glob.ts";
import type { RunContext } from "../context.ts";
import { list, many } from "../schema-parts.ts";
import { defineExpectation } from "./expectation.ts";

const budget = z
  .object({
    service: z.string().default("confluence"),
    method: z.string().optional().describe("Only requests with this HTTP method (GET, PUT, DELETE…)"),
    operationId: z.string().optional().describe("Only requests to this operation (e.g. getPages)"),
    status: z.number().int().optional().describe("Only requests answered with this status"),
    path: z.string().optional().describe("Only requests whose path matches this glob"),
    host: z
      .string()
      .optional()
      .describe(
        "Only requests to this host (glob): the real host names under the proxy or msw, 127.0.0.1 over http",
      ),
    min: z.number().int().min(0).optional().describe("At least this many matching calls"),
    max: z.number().int().min(0).optional().describe("At most this many matching calls"),
    perItem: z.number().min(0).optional().describe("At most this many calls per indexed item"),
    since: z
      .enum(["start", "lastCrawl"])
      .default("lastCrawl")
      .describe("lastCrawl: from the start of the last crawl step on (later steps' requests count too)"),
  })
  .strict();

/** `requests`: request budgets (one or a list), counted in the host's request journal. */
export const requests = defineExpectation({
  schema: many(budget, "RequestsExpectation").describe("Request budget, from the host's request journal"),
  check: (ctx, value) => list(value).flatMap((r) => checkBudget(ctx, r)),
});

function checkBudget(ctx: RunContext, r: z.output<typeof budget>): string[] {
  const failures: string[] = [];
  const { world } = ctx;
  const since = r.since === "start" ? 0 : (ctx.crawls.at(-1)?.sinceSeq ?? 0);
  const pathRe = r.path === undefined ? undefined : globToRegExp(r.path, "/");
  const hostRe = r.host === undefined ? undefined : globToRegExp(r.host.toLowerCase(), ".");
  const entries = world.host.journal
    .entries({ service: r.service, sinceSeq: since, operationId: r.operationId, status: r.status })
    .filter(
      (x) =>
        (r.method === undefined || x.method === r.method.toUpperCase()) &&
        (pathRe === undefined || pathRe.test(x.path)) &&
        (hostRe === undefined || hostRe.test(x.host.toLowerCase())),
    );
  const what = [r.service, r.method?.toUpperCase(), r.operationId, r.host, r.path, r.status]
    .filter((x) => x !== undefined)
    .join(" ");
  if (r.max !== undefined && entries.length > r.max)
    failures.push(`requests: ${entries.length} ${what} calls, budget ${r.max}`);
  if (r.min !== undefined && entries.length < r.min)
    failures.push(`requests: ${entries.length} ${what} calls, expected at least ${r.min}`);
  if (r.perItem !== undefined) {
    const items = world.graph.connection(ctx.connectionId)?.items.size ?? 0;
    const per = items === 0 ? entries.length : entries.length / items;
    if (per > r.perItem)
      failures.push(
        `requests: ${per.toFixed(2)} ${what} calls per item (${entries.length} for ${items} items), budget ${r.perItem}`,
      );
  }
  return failures;
}
