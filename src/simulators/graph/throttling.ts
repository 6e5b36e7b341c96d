import type { GraphStore } from "./store.ts";

export interface RetryDisciplineRecord {
  connectionId: string;
  /** The request that was throttled and came back: `METHOD url`. */
  request: string;
  throttledAt: string;
  retryAfterSeconds: number;
  /** When the client came back (SimClock). */
  retriedAt: string;
  waitedSeconds: number;
  honoured: boolean;
}

/** Who a write is, for retry discipline: method + URL + body digest, and the client-request-id. */
export interface IngestionRequest {
  /** `METHOD url` (what the record shows). */
  request: string;
  /** `METHOD url` plus a digest of the body: the same request sent again. */
  identity: string;
  clientRequestId?: string;
}

interface ThrottledRequest {
  request: IngestionRequest;
  at: number;
  retryAfter: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** Requests answered 429 and not seen again yet. */
  throttled: ThrottledRequest[];
}

/**
 * Ingestion throttling (a token bucket per connection, at `store.ingestionItemsPerSecond`) and the
 * retry-discipline records: whether a client that got a 429 waited its Retry-After before it
 * sent the same request again.
 */
export class IngestionThrottle {
  readonly records: RetryDisciplineRecord[] = [];
  #buckets = new Map<string, Bucket>();

  constructor(readonly store: GraphStore) {}

  reset(): void {
    this.records.length = 0;
    this.#buckets.clear();
  }

  /** A deleted connection's bucket goes with it. */
  forget(connectionId: string): void {
    this.#buckets.delete(connectionId);
  }

  /**
   * Takes a token for one ingestion write (capacity = rate, refilled on the SimClock). Returns
   * Retry-After seconds when throttled. Also keeps the retry-discipline record, judged per
   * request: when a request that got a 429 comes back (same method + URL + body, or the same
   * client-request-id), was its Retry-After over? Other requests — ones already in flight when
   * the 429 went out, or the next items of a crawl — are not retries and are not judged.
   */
  take(connectionId: string, request?: IngestionRequest, note?: (text: string) => void): number | undefined {
    const rate = this.store.ingestionItemsPerSecond;
    if (!rate) return undefined;
    const now = this.store.clock.now();
    let b = this.#buckets.get(connectionId);
    if (!b) {
      b = { tokens: rate, at: now, throttled: [] };
      this.#buckets.set(connectionId, b);
    }
    const i = request
      ? b.throttled.findIndex(
          (t) =>
            t.request.identity === request.identity ||
            (request.clientRequestId !== undefined && t.request.clientRequestId === request.clientRequestId),
        )
      : -1;
    if (i >= 0) {
      const [t] = b.throttled.splice(i, 1);
      const waited = (now - t.at) / 1000;
      const record: RetryDisciplineRecord = {
        connectionId,
        request: t.request.request,
        throttledAt: new Date(t.at).toISOString(),
        retryAfterSeconds: t.retryAfter,
        retriedAt: new Date(now).toISOString(),
        waitedSeconds: waited,
        honoured: waited >= t.retryAfter,
      };
      this.records.push(record);
      note?.(
        `retry discipline: ${t.request.request} came back ${waited}s after Retry-After ${t.retryAfter}s → ${record.honoured ? "honoured" : "VIOLATED"}`,
      );
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
    if (request) b.throttled.push({ request, at: now, retryAfter });
    note?.(`ingestion throttled for connection ${connectionId}: ${rate} items/s, Retry-After ${retryAfter}s`);
    return retryAfter;
  }
}
