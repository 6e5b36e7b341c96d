import { streamText } from "../util/stream-text.ts";
import { ConnectorError, httpFailure, type Service } from "./errors.ts";
import { createLimiter, type RetryPolicy, ThrottleGate, withRetry } from "./retry.ts";

/** Everything the connector takes from its surroundings; tests and the simulator inject these. */
export interface Runtime {
  fetch: typeof fetch;
  /** Milliseconds since the epoch (simulated in tests). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** [0, 1) — backoff jitter. */
  random: () => number;
}

export function defaultRuntime(): Runtime {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  };
}

const perService = (): Record<Service, number> => ({
  confluence: 0,
  graph: 0,
  login: 0,
  "atlassian-auth": 0,
});

/** Counters of one stretch of work: calls, retries and 429s per service, time waited. */
export interface CallCounts {
  calls: Record<Service, number>;
  retries: Record<Service, number>;
  throttled: Record<Service, number>;
  waitedMs: number;
}

/** API calls per service, retries and throttling answers seen, for the connector's lifetime. */
export class CallStats implements CallCounts {
  readonly calls = perService();
  readonly retries = perService();
  readonly throttled = perService();
  waitedMs = 0;

  snapshot(): CallCounts {
    return {
      calls: { ...this.calls },
      retries: { ...this.retries },
      throttled: { ...this.throttled },
      waitedMs: this.waitedMs,
    };
  }

  /** What was counted after `earlier`: one connector may run many crawls, each report counts its own. */
  since(earlier: CallCounts): CallCounts {
    const minus = (now: Record<Service, number>, then: Record<Service, number>) => {
      const out = perService();
      for (const k of Object.keys(out) as Service[]) out[k] = now[k] - then[k];
      return out;
    };
    return {
      calls: minus(this.calls, earlier.calls),
      retries: minus(this.retries, earlier.retries),
      throttled: minus(this.throttled, earlier.throttled),
      waitedMs: this.waitedMs - earlier.waitedMs,
    };
  }

  /** withRetry's onRetry for one service: counts the retry, a 429, and the time waited. */
  retryCounter(service: Service): (retry: { status: number | "network"; delayMs: number }) => void {
    return ({ status, delayMs }) => {
      this.retries[service]++;
      if (status === 429) this.throttled[service]++;
      this.waitedMs += delayMs;
    };
  }
}

export interface SendOptions {
  /** Statuses handed back to the caller instead of becoming a ConnectorError. */
  allow?: number[];
}

export interface HttpClient {
  /** Sends with retries and the concurrency bound; non-2xx (unless allowed) → ConnectorError. */
  send(url: string, init?: RequestInit, options?: SendOptions): Promise<Response>;
  /** Like send, then parses JSON; a body cut short is retried inside the same budget. */
  json<T>(url: string, init?: RequestInit, options?: SendOptions): Promise<T>;
}

/** One service's HTTP: counted, retried, bounded, failures mapped to connector error codes. */
export function createHttpClient(
  service: Service,
  runtime: Runtime,
  policy: RetryPolicy,
  stats: CallStats,
  concurrency: number,
): HttpClient {
  const limit = createLimiter(concurrency);
  const gate = new ThrottleGate();
  const send = (url: string, init: RequestInit = {}, options: SendOptions = {}) =>
    limit(async () => {
      let response: Response;
      try {
        response = await withRetry(
          () => {
            stats.calls[service]++;
            return runtime.fetch(url, init);
          },
          policy,
          runtime,
          stats.retryCounter(service),
          gate,
        );
      } catch (error) {
        const cause =
          error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
        throw new ConnectorError(1000, `${service} unreachable at ${new URL(url).host}: ${cause}`, {
          service,
          url,
        });
      }
      if (response.ok || options.allow?.includes(response.status)) return response;
      const body = await bodyText(response).catch(() => "");
      throw httpFailure(service, response.status, body, url);
    });
  return {
    send,
    async json<T>(url: string, init?: RequestInit, options?: SendOptions): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const response = await send(url, init, options);
        try {
          const text = await bodyText(response);
          return (text ? JSON.parse(text) : undefined) as T;
        } catch (error) {
          if (attempt >= policy.maxAttempts)
            throw new ConnectorError(
              1000,
              `${service} sent an unreadable body for ${url}: ${String(error)}`,
              {
                service,
                url,
              },
            );
          stats.retries[service]++;
          await runtime.sleep(policy.baseDelayMs);
        }
      }
    },
  };
}

/** `response.text()` read with one stream reader (same result, half the cost; see streamText). */
export function bodyText(response: Response): Promise<string> {
  return streamText(response.body);
}
