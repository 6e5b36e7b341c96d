import type { SimClock } from "../host/clock.ts";
import { buildSite, type SiteSpec } from "./seed.ts";
import type { ConfluenceStore } from "./store.ts";

export interface ConfluenceOptions {
  /**
   * Deprecated v1 endpoints (CHANGE-864) per auth mode: "removed" answers 410 GoneException,
   * "deprecated" serves them with Deprecation/Link headers. Measured default: removed for OAuth,
   * deprecated for Basic.
   */
  v1Removal?: { basic?: "removed" | "deprecated"; oauth?: "removed" | "deprecated" };
}

/** The Confluence Cloud twin: one site's state plus the switches that shape its API. */
export class ConfluenceTwin {
  constructor(
    readonly store: ConfluenceStore,
    readonly options: ConfluenceOptions = {},
  ) {}

  static fromSpec(spec: SiteSpec, clock: SimClock, options?: ConfluenceOptions): ConfluenceTwin {
    return new ConfluenceTwin(buildSite(spec, clock), options);
  }

  get clock(): SimClock {
    return this.store.clock;
  }
}
