import { Connector } from "../../src/connector/connector.ts";
import { audienceFor } from "../../src/connector/permissions.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import type { ScenarioResult } from "../../src/scenarios/results.ts";
import { runScenario } from "../../src/scenarios/runner.ts";

/**
 * Two small scenarios on the bundled contoso fixture: a passing one with documented
 * over-exposure (documented policy: erin finds child page 2001 whose parent 2000 is restricted),
 * and a failing one with a permission change after the crawl (two snapshots) and a failed search.
 */
export async function runReportScenarios(): Promise<ScenarioResult[]> {
  const documented = loadScenarioObject({
    name: "documented policy over-exposes child page 2001",
    tags: ["report"],
    connector: { permissions: { mode: "onlyPeopleWithAccess", policy: "documented" } },
    steps: [
      { crawl: "full" },
      { expect: { search: { as: "erin@contoso.com", query: "appendix", finds: [2001] } } },
      { expect: { parity: { overExposed: 0 } } },
    ],
  });
  const failing = loadScenarioObject({
    name: "bob expects a page restricted to alice",
    tags: ["report", "failing"],
    seed: 9,
    steps: [
      { crawl: "full" },
      { confluence: { restrict: { page: 1002, read: ["user:alice", "user:svc-crawler"] } } },
      { expect: { search: { as: "bob@contoso.com", query: "salary", finds: [1001] } } },
    ],
  });
  return [
    await runScenario(documented, { matrix: true }),
    await runScenario(failing, { matrix: { maxUsers: 20, maxItems: 40 } }),
  ];
}

/**
 * A real connector bug, injected through the runner's connector seam: parent restrictions are
 * ignored although the scenario configures the `confluence` policy, so the oracle reports
 * undocumented over-exposure (the report's red cells).
 */
export async function runInjectedBugScenario(): Promise<ScenarioResult> {
  const loaded = loadScenarioObject({
    name: "injected bug: parent restrictions ignored under the confluence policy",
    tags: ["report", "mutation"],
    connector: { permissions: { mode: "onlyPeopleWithAccess", policy: "confluence" } },
    steps: [{ crawl: "full" }, { expect: { parity: { overExposed: 0 } } }],
  });
  return runScenario(loaded, {
    matrix: true,
    connector: (builtIn) =>
      new Connector({
        config: builtIn.config,
        runtime: builtIn.runtime,
        state: builtIn.store,
        audience: (_policy, input, options) => audienceFor("documented", input, options),
      }),
  });
}
