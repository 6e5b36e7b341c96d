/**
 * The capture's own HTTP client (it shares nothing with the connector's): GETs only, JSON answers,
 * retries with Retry-After, bounded concurrency and a body size limit. The one non-GET a capture
 * sends — the OAuth token request — goes through `postForm`, which never retries.
 *
 * Retry rules (Atlassian's rate-limiting guide, https://developer.atlassian.com/cloud/confluence/rate-limiting/,
 * and Microsoft Graph's throttling guidance, https://learn.microsoft.com/en-us/graph/throttling):
 * 429 and 503 wait for `Retry-After` (seconds or an HTTP date) when given, else back off
 * exponentially with jitter; 500/502/504 and network errors back off too. Every wait is reported.
 */

export interface CaptureHttpOptions {
  fetch?: typeof fetch;
  /** Waits between attempts; tests pass a recorder so nothing sleeps for real. */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request (default 8). */
  maxAttempts?: number;
  /** Longest single wait the client accepts (default 10 min); a longer Retry-After fails the request. */
  maxWaitMs?: number;
  /** Parallel requests (default 8). */
  concurrency?: number;
  /** Largest body read (default 32 MiB). */
  maxBodyBytes?: number;
  /** Jitter source in [0, 1); default a fixed sequence so retries are reproducible. */
  random?: () => number;
  onWait?: (wait: { url: string; status: number | "network"; ms: number; attempt: number }) => void;
}

export interface HttpAnswer<T> {
  status: number;
  body: T | undefined;
  headers: Headers;
}

export class CaptureHttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | "network",
    message: string,
  ) {
    super(message);
    this.name = "CaptureHttpError";
  }
}

const RETRY_AFTER = new Set([429, 503]);
const BACK_OFF = new Set([500, 502, 504]);

export class CaptureHttp {
  readonly stats = { requests: 0, retries: 0, waitedMs: 0 };
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxAttempts: number;
  readonly #maxWaitMs: number;
  readonly #maxBody: number;
  readonly #random: () => number;
  readonly #onWait: CaptureHttpOptions["onWait"];
  #active = 0;
  #queue: Array<() => void> = [];
  readonly #concurrency: number;

  constructor(options: CaptureHttpOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#maxWaitMs = options.maxWaitMs ?? 600_000;
    this.#maxBody = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#onWait = options.onWait;
    let seed = 0x9e3779b9;
    this.#random =
      options.random ??
      (() => {
        seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
        return seed / 4294967296;
      });
  }

  /**
   * GET a JSON document. Statuses in `tolerate` (e.g. 403, 404) are answered, not thrown, so the
   * caller can record what it could not see; anything else outside 2xx throws CaptureHttpError.
   */
  async getJson<T>(
    url: string,
    headers: Record<string, string> = {},
    tolerate: number[] = [],
  ): Promise<HttpAnswer<T>> {
    return this.#limited(() => this.#get<T>(url, headers, tolerate));
  }

  /** The token request (`application/x-www-form-urlencoded` POST): one attempt, never retried. */
  async postForm<T>(url: string, form: Record<string, string>): Promise<HttpAnswer<T>> {
    this.stats.requests++;
    const response = await this.#fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
    }).catch((error: unknown) => {
      throw new CaptureHttpError(url, "network", `POST ${url}: ${describe(error)}`);
    });
    return { status: response.status, body: await this.#json<T>(url, response), headers: response.headers };
  }

  async #get<T>(url: string, headers: Record<string, string>, tolerate: number[]): Promise<HttpAnswer<T>> {
    for (let attempt = 1; ; attempt++) {
      this.stats.requests++;
      let response: Response;
      try {
        response = await this.#fetch(url, { headers: { accept: "application/json", ...headers } });
      } catch (error) {
        if (attempt >= this.#maxAttempts)
          throw new CaptureHttpError(
            url,
            "network",
            `GET ${url}: ${describe(error)} (after ${attempt} attempts)`,
          );
        await this.#wait(url, "network", this.#backoff(attempt), attempt);
        continue;
      }
      const { status } = response;
      if (status >= 200 && status < 300)
        return { status, body: await this.#json<T>(url, response), headers: response.headers };
      if (tolerate.includes(status)) {
        await response.body?.cancel().catch(() => undefined);
        return { status, body: undefined, headers: response.headers };
      }
      const retriable = RETRY_AFTER.has(status) || BACK_OFF.has(status);
      if (!retriable || attempt >= this.#maxAttempts) {
        const text = await this.#text(url, response).catch(() => "");
        throw new CaptureHttpError(
          url,
          status,
          `GET ${url}: HTTP ${status}${retriable ? ` (after ${attempt} attempts)` : ""}${text ? `: ${text.slice(0, 300)}` : ""}`,
        );
      }
      await response.body?.cancel().catch(() => undefined);
      const announced = RETRY_AFTER.has(status)
        ? retryAfterMs(response.headers.get("retry-after"))
        : undefined;
      const ms = announced ?? this.#backoff(attempt);
      if (ms > this.#maxWaitMs)
        throw new CaptureHttpError(
          url,
          status,
          `GET ${url}: HTTP ${status} asks to wait ${Math.round(ms / 1000)} s, more than the limit`,
        );
      await this.#wait(url, status, ms, attempt);
    }
  }

  async #wait(url: string, status: number | "network", ms: number, attempt: number): Promise<void> {
    this.stats.retries++;
    this.stats.waitedMs += ms;
    this.#onWait?.({ url, status, ms, attempt });
    await this.#sleep(ms);
  }

  /** 1 s, 2 s, 4 s … capped at 60 s, with up to 20 % jitter. */
  #backoff(attempt: number): number {
    const base = Math.min(60_000, 1000 * 2 ** (attempt - 1));
    return Math.round(base * (1 + 0.2 * this.#random()));
  }

  async #json<T>(url: string, response: Response): Promise<T | undefined> {
    const text = await this.#text(url, response);
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CaptureHttpError(
        url,
        response.status,
        `${url}: the answer is not JSON (${text.slice(0, 120)})`,
      );
    }
  }

  /** The body as text, refusing bodies above the limit. */
  async #text(url: string, response: Response): Promise<string> {
    if (!response.body) return "";
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.#maxBody) {
        await reader.cancel().catch(() => undefined);
        throw new CaptureHttpError(url, response.status, `${url}: answer larger than ${this.#maxBody} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async #limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#concurrency) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#active++;
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#queue.shift()?.();
    }
  }
}

/** `Retry-After`: delta seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Runs `fn` over items with the client's concurrency doing the limiting. */
export async function forEachConcurrent<T>(
  items: readonly T[],
  fn: (item: T) => Promise<void>,
  width = 16,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
