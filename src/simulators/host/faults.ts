import { z } from "zod";
import { globToRegExp } from "./glob.ts";
import { createRandom } from "./random.ts";
import { json } from "./types.ts";

/** The statuses a fault rule may inject: throttling and the transient server errors clients retry. */
export const FAULT_STATUSES = [429, 500, 502, 503, 504] as const;

/**
 * A fault rule: which requests it matches and what it does to them. Applied by the host before
 * the route runs, so domain code never knows about faults.
 */
export const faultRuleSchema = z
  .object({
    /** Service name (`confluence`, `graph`, `login`, …). */
    service: z.string().optional(),
    /** Host glob matched against the request host or the service's real hosts: `*.atlassian.net`. */
    host: z.string().optional(),
    method: z.string().optional(),
    /** Path glob: `/wiki/api/v2/pages/*`, `/v1.0/external/**`. */
    path: z.string().optional(),
    /** Answer with this status instead of running the route. */
    status: z.literal(FAULT_STATUSES).optional(),
    /** Retry-After seconds for 429/503; omit to send none (a 429 always sends X-RateLimit-* headers). */
    retryAfter: z.number().int().min(0).optional(),
    /** Added real latency in milliseconds (the route still runs unless another effect is set). */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    /** Close the connection without an answer (a fetch error in-process). */
    drop: z.boolean().optional(),
    /** Run the route, then cut the body after this many bytes (true = half). */
    truncate: z.union([z.boolean(), z.number().int().min(0)]).optional(),
    /** Chance that a matching request is hit, from the plan's seed. */
    probability: z.number().min(0).max(1).optional(),
    /** 1-based ordinals among the requests this rule matches: [3, 4] fails the 3rd and 4th. */
    requests: z.array(z.number().int().min(1)).optional(),
    /** Stop after firing this many times. */
    times: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((r) => r.status !== undefined || r.latencyMs !== undefined || r.drop || r.truncate, {
    message: "a fault rule needs an effect: status, latencyMs, drop or truncate",
  });

export const faultPlanSchema = z
  .object({
    seed: z.number().int().optional(),
    rules: z.array(faultRuleSchema),
  })
  .strict();

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultPlanSpec = z.infer<typeof faultPlanSchema>;

export interface FaultTarget {
  method: string;
  host: string;
  path: string;
  service: string | null;
  serviceHosts: string[];
}

export interface FaultDecision {
  rule: number;
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  drop?: boolean;
  truncate?: boolean | number;
}

interface CompiledRule {
  spec: FaultRule;
  host?: RegExp;
  path?: RegExp;
  seen: number;
  fired: number;
}

/** A seeded, deterministic fault plan: the same requests in the same order get the same faults. */
export class FaultPlan {
  #rules: CompiledRule[] = [];
  #random: () => number = createRandom(0);
  #spec: FaultPlanSpec = { rules: [] };

  constructor(spec?: FaultPlanSpec) {
    if (spec) this.set(spec);
  }

  set(spec: FaultPlanSpec): void {
    const parsed = faultPlanSchema.parse(spec);
    this.#spec = parsed;
    this.#random = createRandom(parsed.seed ?? 0);
    this.#rules = parsed.rules.map((r) => ({
      spec: r,
      host: r.host ? globToRegExp(r.host, ".") : undefined,
      path: r.path ? globToRegExp(r.path) : undefined,
      seen: 0,
      fired: 0,
    }));
  }

  clear(): void {
    this.set({ rules: [] });
  }

  get spec(): FaultPlanSpec {
    return this.#spec;
  }

  /**
   * The first rule that fires for this request, if any. Every matching rule counts the request
   * (so `requests: [3]` means the 3rd request that rule matches, whatever earlier rules did);
   * random draws happen only for the rules consulted before one fires.
   */
  decide(target: FaultTarget): FaultDecision | undefined {
    let decision: FaultDecision | undefined;
    for (const [index, rule] of this.#rules.entries()) {
      if (!matches(rule, target)) continue;
      rule.seen += 1;
      if (decision) continue;
      const { spec } = rule;
      if (spec.times !== undefined && rule.fired >= spec.times) continue;
      if (spec.requests && !spec.requests.includes(rule.seen)) continue;
      // Draw only for probabilistic rules so adding an ordinal rule does not shift other draws.
      if (spec.probability !== undefined && this.#random() >= spec.probability) continue;
      rule.fired += 1;
      decision = {
        rule: index,
        status: spec.status,
        retryAfter: spec.retryAfter,
        latencyMs: spec.latencyMs,
        drop: spec.drop,
        truncate: spec.truncate,
      };
    }
    return decision;
  }
}

function matches(rule: CompiledRule, t: FaultTarget): boolean {
  const { spec } = rule;
  if (spec.service !== undefined && spec.service !== t.service) return false;
  if (spec.method !== undefined && spec.method !== "*" && spec.method.toUpperCase() !== t.method)
    return false;
  if (
    rule.host &&
    !rule.host.test(t.host) &&
    !t.serviceHosts.some((h) => h.toLowerCase() === spec.host?.toLowerCase())
  )
    return false;
  if (rule.path && !rule.path.test(t.path)) return false;
  return true;
}

/** The journal's note for a fault decision. */
export function describeFault(f: FaultDecision): string {
  const parts = [`rule ${f.rule}`];
  if (f.status) parts.push(`status ${f.status}`);
  if (f.retryAfter !== undefined) parts.push(`retryAfter ${f.retryAfter}s`);
  if (f.latencyMs) parts.push(`latency ${f.latencyMs}ms`);
  if (f.drop) parts.push("drop");
  if (f.truncate) parts.push("truncate");
  return parts.join(", ");
}

/** An injected fault's answer for a service without its own `faultResponse`. */
export function defaultFaultResponse(status: number, retryAfter: number | undefined): Response {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  return json({ error: { status, message: "Injected fault" } }, status, headers);
}
