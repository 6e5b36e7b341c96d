import type { JournalEntry } from "./journal.ts";

/** A request that came back before the Retry-After its earlier answer announced had elapsed. */
export interface RetryFinding {
  /** The early request. */
  seq: number;
  /** The throttled answer whose Retry-After it ignored. */
  throttledSeq: number;
  /** Seconds still to wait when it came back. */
  earlySeconds: number;
  message: string;
}

/**
 * Retry discipline over the journal: a request answered 429 or 503 with Retry-After N must not
 * come back (same method and URL) before N seconds of simulated time. POSTs to one URL are
 * usually different requests (one per group or batch), so they are not compared.
 */
export function retryFindings(entries: readonly JournalEntry[]): RetryFinding[] {
  const out: RetryFinding[] = [];
  const blockedUntil = new Map<string, { until: number; seq: number }>();
  for (const e of entries) {
    if (e.method === "POST") continue;
    const key = `${e.method} ${e.url}`;
    const at = Date.parse(e.at);
    const block = blockedUntil.get(key);
    if (block && at < block.until) {
      const early = (block.until - at) / 1000;
      out.push({
        seq: e.seq,
        throttledSeq: block.seq,
        earlySeconds: early,
        message: `retries: ${e.method} ${e.path} retried at ${e.at}, ${early.toFixed(1)}s before the Retry-After of request #${block.seq} elapsed`,
      });
    }
    if (e.retryAfter !== undefined && (e.status === 429 || e.status === 503))
      blockedUntil.set(key, { until: at + e.retryAfter * 1000, seq: e.seq });
  }
  return out;
}
