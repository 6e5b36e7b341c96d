import type { JournalEntry } from "../simulators/host/journal.ts";
import type { World } from "../simulators/world.ts";
import type { CrawlOutcome, FaultFigures } from "./results.ts";

export function faultFiguresOf(entries: JournalEntry[]): FaultFigures {
  const byKind: Record<string, number> = {};
  let faulted = 0;
  let retried = 0;
  const retryAfter = { announced: 0, honoured: 0 };
  const failedLast = new Map<string, JournalEntry>();
  for (const e of entries) {
    if (e.fault) {
      faulted++;
      const kind = faultKind(e.fault);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    const key = `${e.method} ${e.url}`;
    const before = failedLast.get(key);
    if (before) {
      retried++;
      failedLast.delete(key);
      // POSTs to one URL are usually different requests (one per batch or token): judged like
      // the `retries` expectation, Retry-After only between repeats of the same GET/PUT/PATCH/DELETE.
      if (before.retryAfter !== undefined && e.method !== "POST") {
        retryAfter.announced++;
        if (Date.parse(e.at) - Date.parse(before.at) >= before.retryAfter * 1000) retryAfter.honoured++;
      }
    }
    if (e.fault || e.status === 429 || e.status >= 500 || e.status === 0) failedLast.set(key, e);
  }
  return { requests: entries.length, faulted, byKind, retried, retryAfter };
}

/** The crawl summary's tail when faults were injected: rate, kinds and retry discipline. */
export function faultFigures(world: World, outcome: CrawlOutcome): string {
  const f = faultFiguresOf(world.host.journal.entries({ sinceSeq: outcome.sinceSeq }));
  if (f.faulted === 0) return "";
  const waited = outcome.report ? `, waited ${(outcome.report.waitedMs / 1000).toFixed(1)} s` : "";
  return ` — ${describeFaults(f)}${waited}`;
}

/** `faults: 178 of 851 requests (20.9%: 429×46, …); retried 178, Retry-After honoured 41/41`. */
export function describeFaults(f: FaultFigures): string {
  const kinds = Object.entries(f.byKind)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}×${n}`)
    .join(", ");
  return `faults: ${f.faulted} of ${f.requests} requests (${percent(f.faulted, f.requests)}: ${kinds}); retried ${f.retried}, Retry-After honoured ${f.retryAfter.honoured}/${f.retryAfter.announced}`;
}

function faultKind(description: string): string {
  if (description.includes("drop")) return "reset";
  if (description.includes("truncate")) return "truncated";
  const status = /status (\d+)/.exec(description)?.[1];
  return status ?? "latency";
}

export function percent(part: number, whole: number): string {
  return `${whole === 0 ? "0.0" : ((100 * part) / whole).toFixed(1)}%`;
}
