import type { SimClock } from "../host/clock.ts";

/**
 * Confluence's burst limits: a token bucket per tenant × endpoint × method, refilled on the
 * SimClock ([A-RATE]). This is the service's own limiter, separate from the host's fault plan;
 * it is off until rules are configured.
 */
export interface RateLimitRule {
  /** HTTP method; any when omitted. */
  method?: string;
  /** The route's operationId (getPages, getRestrictions…); any when omitted. */
  operationId?: string;
  /** Bucket size: requests allowed in a burst. */
  capacity: number;
  /** Tokens added per simulated second. */
  refillPerSecond: number;
}

export interface RateLimitOptions {
  /** First matching rule wins; no rules = no limiting. */
  rules?: RateLimitRule[];
  /** `RateLimit-Reason` on 429s. */
  reason?: "confluence-quota-tenant-based" | "confluence-quota-global-based";
}

/** Atlassian's published burst defaults: GET/POST 100/s, PUT/DELETE 50/s. */
export const ATLASSIAN_BURST_RULES: RateLimitRule[] = [
  { method: "PUT", capacity: 50, refillPerSecond: 50 },
  { method: "DELETE", capacity: 50, refillPerSecond: 50 },
  { capacity: 100, refillPerSecond: 100 },
];

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the bucket is full again (ms, simulated). */
  resetAt: number;
  /** Whole seconds until the next request can pass (only when refused). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  #rules: RateLimitRule[] = [];
  #reason: NonNullable<RateLimitOptions["reason"]> = "confluence-quota-tenant-based";
  #buckets = new Map<string, Bucket>();

  constructor(
    readonly clock: SimClock,
    options: RateLimitOptions = {},
  ) {
    this.configure(options);
  }

  configure(options: RateLimitOptions): void {
    for (const r of options.rules ?? []) {
      if (!(r.capacity >= 1) || !(r.refillPerSecond > 0)) {
        throw new Error(`rate-limit rule needs capacity ≥ 1 and refillPerSecond > 0: ${JSON.stringify(r)}`);
      }
    }
    this.#rules = [...(options.rules ?? [])];
    this.#reason = options.reason ?? "confluence-quota-tenant-based";
    this.#buckets.clear();
  }

  get enabled(): boolean {
    return this.#rules.length > 0;
  }

  get reason(): string {
    return this.#reason;
  }

  /** Takes one token for this request, or says how long to wait. Undefined when no rule applies. */
  take(tenant: string, operationId: string, method: string): RateDecision | undefined {
    const rule = this.#rules.find(
      (r) =>
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (!r.operationId || r.operationId === operationId),
    );
    if (!rule) return undefined;
    const now = this.clock.now();
    const key = `${tenant}\u0000${operationId}\u0000${method.toUpperCase()}`;
    const bucket = this.#buckets.get(key) ?? { tokens: rule.capacity, at: now };
    bucket.tokens = Math.min(
      rule.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * rule.refillPerSecond,
    );
    bucket.at = now;
    this.#buckets.set(key, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const msToFull = ((rule.capacity - bucket.tokens) / rule.refillPerSecond) * 1000;
    return {
      allowed,
      limit: rule.capacity,
      remaining: Math.floor(bucket.tokens),
      resetAt: now + Math.ceil(msToFull),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / rule.refillPerSecond)),
    };
  }

  /** Headers for an answer: the counters always, `NearLimit` under 20 %, and on 429 the wait. */
  headers(d: RateDecision): Record<string, string> {
    const h: Record<string, string> = {
      "x-ratelimit-limit": String(d.limit),
      "x-ratelimit-remaining": String(d.remaining),
      "x-ratelimit-reset": new Date(d.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    if (d.remaining < d.limit * 0.2) h["x-ratelimit-nearlimit"] = "true";
    if (!d.allowed) {
      h["retry-after"] = String(d.retryAfterSeconds);
      h["ratelimit-reason"] = this.#reason;
    }
    return h;
  }
}
