import { httpFailure } from "../errors.ts";
import {
  isRetryableStatus,
  parseRetryAfter,
  type RetryDeps,
  type RetryPolicy,
  retryDelay,
} from "../retry.ts";

/** One request inside a JSON batch: relative URL without the version (`/external/connections/…`). */
export interface SubRequest {
  method: "PUT" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  /** Statuses that count as success for this request (404 on delete, 409 on create). */
  allow?: number[];
}

export interface SubResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Pending {
  request: SubRequest;
  resolve: (status: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects writes into Graph JSON batches (`POST /$batch`, ≤ 20 requests). Sub-requests answered
 * 429/503/504 are sent again after their Retry-After (or backoff), the others settle one by one,
 * so callers keep per-item outcomes and error codes.
 */
export class Batcher {
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(
    private readonly post: (requests: Array<SubRequest & { id: string }>) => Promise<SubResponse[]>,
    private readonly size: number,
    private readonly policy: RetryPolicy,
    private readonly deps: RetryDeps,
    private readonly baseUrl: string,
    private readonly onRetry?: (status: number, delayMs: number) => void,
  ) {}

  submit(request: SubRequest): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      if (this.#queue.length >= this.size) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        // Whatever else is submitted in the same turn joins this batch.
        setImmediate(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.size);
      void this.#send(batch);
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let responses: SubResponse[];
      try {
        responses = await this.post(pending.map((p, i) => ({ ...p.request, id: String(i + 1) })));
      } catch (error) {
        for (const p of pending) p.reject(error);
        return;
      }
      const retry: Pending[] = [];
      let wait = 0;
      pending.forEach((p, i) => {
        const r = responses.find((x) => x.id === String(i + 1));
        const status = r?.status ?? 500;
        if (isRetryableStatus(status) && attempt < this.policy.maxAttempts) {
          retry.push(p);
          const after = parseRetryAfter(header(r?.headers, "retry-after"), this.deps.now());
          const delay = retryDelay(this.policy, attempt, after, this.deps.random);
          this.onRetry?.(status, delay);
          wait = Math.max(wait, delay);
        } else if ((status >= 200 && status < 300) || p.request.allow?.includes(status)) p.resolve(status);
        else
          p.reject(
            httpFailure("graph", status, JSON.stringify(r?.body ?? ""), `${this.baseUrl}${p.request.url}`),
          );
      });
      pending = retry;
      if (pending.length > 0) await this.deps.sleep(wait);
    }
  }
}

function header(headers: Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : headers[key];
}
