import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { runScenario, type ScenarioResult } from "../../src/scenarios/runner.ts";

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
