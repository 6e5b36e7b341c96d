import { cloneSharingStrings } from "../../util/clone.ts";
import type { SimClock } from "../host/clock.ts";
import type { ScopedApiToken } from "./auth/basic.ts";
import { type OAuthOptions, OAuthRegistry } from "./auth/oauth.ts";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.ts";
import { buildSite, type SiteSpec } from "./seed.ts";
import type { ConfluenceStore } from "./store.ts";

export type V1RemovalMode = "removed" | "deprecated";

/** Removal state of deprecated v1 endpoints per auth mode (anonymous calls count as basic). */
export interface V1RemovalSwitch {
  basic?: V1RemovalMode;
  oauth?: V1RemovalMode;
}

export interface ConfluenceOptions {
  /**
   * Deprecated v1 endpoints (CHANGE-864) per auth mode: "removed" answers 410 GoneException,
   * "deprecated" serves them with Deprecation/Link headers. Measured default: removed for OAuth,
   * deprecated for Basic. `endpoints` overrides per operationId (getContent, getContentById, getSpace).
   */
  v1Removal?: V1RemovalSwitch & { endpoints?: Record<string, V1RemovalSwitch> };
  /** OAuth 2.0 (3LO) apps and token lifetimes. */
  oauth?: OAuthOptions;
  /** Burst rate limits (off by default). */
  rateLimit?: RateLimitOptions;
  /** Scoped API tokens (Basic credentials with scopes, gateway only). */
  scopedApiTokens?: ScopedApiToken[];
}

/** The Confluence Cloud twin: one site's state plus the switches that shape its API. */
export class ConfluenceTwin {
  #store: ConfluenceStore;
  #oauth: OAuthRegistry;
  #rateLimits: RateLimiter;
  readonly #scopedApiTokens: ScopedApiToken[];
  /** Bumped by every change of the twin's switches, tokens or site (reset). */
  #revision = 0;
  /** What `reset()` rebuilds: the site spec (when built from one) and the options as first given. */
  #initial: { spec?: SiteSpec; options: ConfluenceOptions };

  constructor(
    store: ConfluenceStore,
    readonly options: ConfluenceOptions = {},
  ) {
    this.#initial = { options: structuredClone(options) };
    this.#store = store;
    this.#oauth = new OAuthRegistry(store.clock, store.site.cloudId, options.oauth);
    this.#rateLimits = new RateLimiter(store.clock, options.rateLimit);
    this.#scopedApiTokens = [...(options.scopedApiTokens ?? [])];
  }

  static fromSpec(spec: SiteSpec, clock: SimClock, options?: ConfluenceOptions): ConfluenceTwin {
    const twin = new ConfluenceTwin(buildSite(spec, clock), options);
    // Kept for reset(), safe from later changes to the caller's objects; the bodies are shared.
    twin.#initial.spec = cloneSharingStrings(spec);
    return twin;
  }

  get store(): ConfluenceStore {
    return this.#store;
  }

  get oauth(): OAuthRegistry {
    return this.#oauth;
  }

  get rateLimits(): RateLimiter {
    return this.#rateLimits;
  }

  /**
   * Back to the state the twin was created with (`POST /_sim/reset`): the site rebuilt from its
   * spec, OAuth grants and tokens dropped, rate-limit buckets full, switches as first configured.
   */
  reset(): void {
    const { spec, options } = this.#initial;
    if (spec) this.#store = buildSite(spec, this.#store.clock);
    const fresh = structuredClone(options);
    for (const key of Object.keys(this.options) as (keyof ConfluenceOptions)[]) delete this.options[key];
    Object.assign(this.options, fresh);
    this.#oauth = new OAuthRegistry(this.#store.clock, this.#store.site.cloudId, fresh.oauth);
    this.#rateLimits = new RateLimiter(this.#store.clock, fresh.rateLimit);
    this.#scopedApiTokens.splice(0, this.#scopedApiTokens.length, ...(fresh.scopedApiTokens ?? []));
    this.#revision++;
  }

  /**
   * Names everything a Confluence answer depends on besides the request itself: the site's state,
   * the switches, OAuth tokens and simulated time. The host's response cache replays an answer only
   * while this is unchanged.
   */
  stateVersion(): string {
    return `${this.#revision}.${this.#store.revision}.${this.#oauth.revision}.${this.clock.now()}`;
  }

  /** What `GET /_sim/state` shows of the site. */
  snapshot() {
    const store = this.#store;
    return {
      site: store.site,
      users: store.users.size,
      groups: store.groups.size,
      spaces: store.spaces.size,
      content: store.content.size,
      revision: store.revision,
    };
  }

  /** Scoped API tokens (Basic credentials with scopes, gateway only). */
  get scopedApiTokens(): readonly ScopedApiToken[] {
    return this.#scopedApiTokens;
  }

  addScopedApiToken(token: ScopedApiToken): void {
    this.#scopedApiTokens.push(token);
    this.#revision++;
  }

  get clock(): SimClock {
    return this.store.clock;
  }

  /** Flips the CHANGE-864 switch at runtime (scenario step "Atlassian removes v1 content reads"). */
  setV1Removal(v1Removal: ConfluenceOptions["v1Removal"]): void {
    this.options.v1Removal = v1Removal;
    this.#revision++;
  }

  /** Whether a deprecated v1 operation is removed (410) for callers using this auth mode. */
  v1Removed(operationId: string, mode: "basic" | "oauth" | "anonymous"): boolean {
    const key = mode === "oauth" ? "oauth" : "basic";
    const sw = this.options.v1Removal;
    const chosen =
      sw?.endpoints?.[operationId]?.[key] ?? sw?.[key] ?? (key === "oauth" ? "removed" : "deprecated");
    return chosen === "removed";
  }
}
