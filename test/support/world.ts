import type { SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { ConfluenceOptions } from "../../src/simulators/confluence/twin.ts";
import { World, type WorldOptions } from "../../src/simulators/world.ts";

/** Where every test world's SimClock starts. */
export const TEST_START = "2026-03-01T00:00:00Z";

/** A site with no users and no spaces, for tests about the Graph and directory twins. */
const EMPTY_SITE: SiteSpec = { site: { name: "acme" } };

export interface TestWorldOptions extends Omit<WorldOptions, "site"> {
  /** The Confluence site; an empty one when the test is about Graph or the directory. */
  site?: SiteSpec;
  confluence?: ConfluenceOptions;
}

/**
 * The one way tests build twins: the same World `cgsim serve` and every scenario run (all three
 * twins with their admin API on one host, the direct fetch), started at TEST_START. Area helpers
 * (test/graph/world.ts, test/confluence/v1/site.ts, …) add their fixtures and request helpers.
 */
export function testWorld(options: TestWorldOptions = {}): World {
  const { site = EMPTY_SITE, confluence = {}, ...rest } = options;
  return new World({ start: TEST_START, ...rest, site: { spec: site, options: confluence } });
}
