import { z } from "zod";
import type { JournalEntry } from "../../simulators/host/journal.ts";
import { retryFindings } from "../../simulators/host/retry-findings.ts";
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

/** The journal's retry-discipline findings (src/simulators/host/retry-findings.ts), as expectation failures. */
export function retryViolations(entries: JournalEntry[]): string[] {
  return retryFindings(entries).map((f) => f.message);
}
