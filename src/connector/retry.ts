/**
 * Retry policy shared by the Confluence and Graph clients: honour Retry-After on 429/503,
 * exponential backoff with jitter otherwise, bounded attempts. Sleep, clock and randomness are
 * injected so simulated crawls wait in simulated time.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** Transient statuses worth another attempt (500 included: Atlassian's edge answers it under load). */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status);
}

/** Retry-After as seconds or an HTTP date → milliseconds to wait, or undefined when absent/invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * What the server asked for: `Retry-After` (both services), else on a 429 Atlassian's
 * `X-RateLimit-Reset` (ISO time or epoch seconds) or the preview `Beta-Retry-After`.
 */
export function serverDelay(response: Response, nowMs: number): number | undefined {
  const h = response.headers;
  const direct = parseRetryAfter(h.get("retry-after"), nowMs);
  if (direct !== undefined || response.status !== 429) return direct;
  const beta = parseRetryAfter(h.get("beta-retry-after"), nowMs);
  if (beta !== undefined) return beta;
  const reset = h.get("x-ratelimit-reset");
  if (!reset) return undefined;
  const v = reset.trim();
  const at = /^\d{9,}$/.test(v)
    ? Number(v) * 1000
    : /^\d{4}-\d{2}-\d{2}T/.test(v)
      ? Date.parse(v)
      : Number.NaN;
  // A reset already past says nothing useful: fall back to backoff rather than retry at once.
  return Number.isNaN(at) || at <= nowMs ? undefined : at - nowMs;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures. A server's Retry-After wins
 * (never shortened); otherwise full-jitter exponential backoff
 * in [base·2^(n-1)/2, base·2^(n-1)].
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.max(retryAfterMs, 0);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/**
 * Shared by every request to one service: after a Retry-After, nobody sends until it has passed
 * (Graph throttles per connection; a request racing past the pause would be throttled again).
 */
export class ThrottleGate {
  until = 0;

  async pass(deps: RetryDeps): Promise<number> {
    const wait = this.until - deps.now();
    if (wait <= 0) return 0;
    await deps.sleep(wait);
    return wait;
  }
}

export type Attempt = { kind: "response"; response: Response } | { kind: "network"; error: unknown };

/**
 * Runs `send` until it yields a non-retryable answer or attempts run out. Returns the last
 * response (the caller maps failures) or rethrows the last network error.
 */
export async function withRetry(
  send: () => Promise<Response>,
  policy: RetryPolicy,
  deps: RetryDeps,
  onRetry?: (info: { attempt: number; status: number | "network"; delayMs: number }) => void,
  gate?: ThrottleGate,
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    await gate?.pass(deps);
    let outcome: Attempt;
    try {
      outcome = { kind: "response", response: await send() };
    } catch (error) {
      outcome = { kind: "network", error };
    }
    const retryable = outcome.kind === "network" || isRetryableStatus(outcome.response.status);
    if (!retryable || attempt >= policy.maxAttempts) {
      if (outcome.kind === "network") throw outcome.error;
      return outcome.response;
    }
    const retryAfter = outcome.kind === "response" ? serverDelay(outcome.response, deps.now()) : undefined;
    const delayMs = retryDelay(policy, attempt, retryAfter, deps.random);
    if (gate && retryAfter !== undefined) gate.until = Math.max(gate.until, deps.now() + retryAfter);
    if (outcome.kind === "response") await outcome.response.body?.cancel().catch(() => {});
    onRetry?.({
      attempt,
      status: outcome.kind === "response" ? outcome.response.status : "network",
      delayMs,
    });
    await deps.sleep(delayMs);
  }
}

/** At most `n` tasks at a time, started in the order they were asked for. */
export function createLimiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  // A queue read from a moving head: Array.shift copies a long queue on every call (a crawl can
  // queue a hundred thousand deletions at once), which would make draining it quadratic.
  // Started tasks are dropped from it at once: a task's closure holds its answer until released.
  let queue: Array<(() => void) | undefined> = [];
  let head = 0;
  const next = () => {
    if (active >= n || head >= queue.length) return;
    const run = queue[head] as () => void;
    queue[head++] = undefined;
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    active++;
    run();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/**
 * Runs `task` for every item, at most `n` at a time, in order. Unlike a `Promise.all` over the
 * items, nothing is started (no item built, no promise made) before a slot is free, so a large
 * list does not hold every item's request at once. Rejects with the first failure, after the
 * tasks already running have settled.
 */
export async function forEachLimited<T>(
  items: Iterable<T>,
  n: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let step = iterator.next(); !step.done && !failure; step = iterator.next()) {
      try {
        await task(step.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, worker));
  if (failure) throw failure.error;
}
