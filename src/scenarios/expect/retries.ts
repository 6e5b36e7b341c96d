import { z } from "zod";
import type { JournalEntry } from "../../simulators/host/journal.ts";
import { defineExpectation } from "./expectation.ts";

/** `retries`: nothing came back to a throttled service before its Retry-After elapsed. */
export const retries = defineExpectation({
  schema: z
    .object({ honourRetryAfter: z.boolean().default(true) })
    .strict()
    .describe("No request to a throttled service before its Retry-After elapsed"),
  check({ world }, want) {
    if (!want.honourRetryAfter) return [];
    const failures = retryViolations(world.host.journal.entries());
    // The Graph twin's own ingestion throttling keeps its own record per connection.
    for (const r of world.graph.retryDiscipline.filter((x) => !x.honoured))
      failures.push(
        `retries: connection ${r.connectionId} came back ${r.waitedSeconds}s after a ${r.retryAfterSeconds}s Retry-After (throttled at ${r.throttledAt})`,
      );
    return failures;
  },
});

/** A request answered with Retry-After N must not be retried before N seconds (simulated time); POSTs are skipped. */
export function retryViolations(entries: JournalEntry[]): string[] {
  const out: string[] = [];
  const blockedUntil = new Map<string, { until: number; seq: number }>();
  for (const e of entries) {
    // The same request (method + URL) may not come back before the announced time. POSTs to one
    // URL are usually different requests (one per group or batch), so they are not compared.
    if (e.method === "POST") continue;
    const key = `${e.method} ${e.url}`;
    const at = Date.parse(e.at);
    const block = blockedUntil.get(key);
    if (block && at < block.until) {
      out.push(
        `retries: ${e.method} ${e.path} retried at ${e.at}, ${((block.until - at) / 1000).toFixed(1)}s before the Retry-After of request #${block.seq} elapsed`,
      );
    }
    if (e.retryAfter !== undefined && (e.status === 429 || e.status === 503))
      blockedUntil.set(key, { until: at + e.retryAfter * 1000, seq: e.seq });
  }
  return out;
}
