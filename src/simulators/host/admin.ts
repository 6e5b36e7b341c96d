import { z } from "zod";
import { readAdminJson } from "./admin-input.ts";
import { parseDuration } from "./clock.ts";
import { installEventStream } from "./events.ts";
import { faultPlanSchema } from "./faults.ts";
import type { SimHost } from "./host.ts";
import { nearMisses } from "./near-miss.ts";
import { retryFindings } from "./retry-findings.ts";
import { json } from "./types.ts";

const clockBody = z.union([
  z.object({ advance: z.union([z.string(), z.number()]) }).strict(),
  z.object({ set: z.string() }).strict(),
]);

/**
 * The admin API under `/_sim/`: state, reset, journal (with headers, bodies, near misses and retry
 * findings), faults, clock and the live event stream. Shared by every
 * transport because it is served by the host itself.
 */
export function installAdminApi(host: SimHost): void {
  installEventStream(host);
  host.admin("GET", "/_sim/state", () =>
    json({
      clock: host.clock.iso(),
      faults: host.faults.spec,
      services: host.snapshot(),
    }),
  );
  host.admin("POST", "/_sim/reset", () => {
    host.reset();
    return json({ reset: true, clock: host.clock.iso() });
  });
  host.admin("GET", "/_sim/requests", ({ query }) => {
    const num = (k: string) => (query.has(k) ? Number(query.get(k)) : undefined);
    const entries = host.journal.entries({
      service: query.get("service") ?? undefined,
      operationId: query.get("operationId") ?? undefined,
      status: num("status"),
      sinceSeq: num("sinceSeq"),
      limit: num("limit"),
    });
    return json({ count: entries.length, entries });
  });
  host.admin("GET", "/_sim/requests/detail", ({ query }) => {
    const seq = Number(query.get("seq"));
    if (!Number.isSafeInteger(seq) || seq < 1)
      return json({ error: "seq must be a journal seq (1, 2, …)" }, 400);
    const entry = host.journal.findLast((e) => e.seq === seq);
    if (!entry)
      return json({ error: `no journal entry ${seq} (reset, or older than the journal keeps)` }, 404);
    const exchange = host.exchanges?.get(seq) ?? null;
    return json({
      entry,
      exchange,
      ...(exchange
        ? {}
        : {
            exchangeMissing: host.exchanges
              ? `only the newest ${host.exchanges.limits.maxEntries} requests keep headers and bodies`
              : "this host keeps no headers or bodies (SimHostOptions.exchanges; cgsim serve keeps them)",
          }),
      nearMisses:
        entry.operationId === null && (entry.status === 404 || entry.status === 405)
          ? nearMisses(entry.method, entry.path, host.services)
          : [],
    });
  });
  host.admin("GET", "/_sim/requests/findings", () =>
    json({ findings: retryFindings(host.journal.entries()) }),
  );
  host.admin("GET", "/_sim/faults", () => json(host.faults.spec));
  host.admin("PUT", "/_sim/faults", async (ctx) => {
    const parsed = faultPlanSchema.safeParse(await readAdminJson(ctx));
    if (!parsed.success) return json({ error: "invalid fault plan", issues: parsed.error.issues }, 400);
    host.faults.set(parsed.data);
    return json(host.faults.spec);
  });
  host.admin("DELETE", "/_sim/faults", () => {
    host.faults.clear();
    return json(host.faults.spec);
  });
  host.admin("GET", "/_sim/clock", () => json({ now: host.clock.iso() }));
  host.admin("POST", "/_sim/clock", async (ctx) => {
    const parsed = clockBody.safeParse(await readAdminJson(ctx));
    if (!parsed.success) {
      return json({ error: 'body must be {"advance": "1h"} or {"set": "2026-01-01T00:00:00Z"}' }, 400);
    }
    try {
      if ("advance" in parsed.data) host.clock.advance(parseDuration(parsed.data.advance));
      else host.clock.set(parsed.data.set);
    } catch (error) {
      return json({ error: (error as Error).message }, 400);
    }
    return json({ now: host.clock.iso() });
  });
}
