import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertScenario, ScenarioFailure } from "../../src/scenarios/index.ts";
import { runCli } from "../cli/spawn.ts";

// The smoke folder grows with the library; these tests count on it, not on a fixed number.
const SMOKE = readdirSync("scenarios/smoke").filter((f) => f.endsWith(".yaml")).length;

const DIR = "test/scenarios/failing";

async function failure(file: string): Promise<string> {
  const error = await assertScenario(join(DIR, file)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ScenarioFailure);
  return (error as ScenarioFailure).message;
}

describe("deliberately failing examples", () => {
  it("a search expectation fails with the explain chain", async () => {
    const message = await failure("search-expects-restricted-page.yaml");
    expect(message).toContain('scenario "failing example — bob expects a page restricted to alice" failed');
    expect(message).toContain(`${DIR}/search-expects-restricted-page.yaml:7: step 2 (expect) failed:`);
    expect(message).toContain('search as bob@contoso.com for "salary": does not find 1001');
    for (const line of [
      'explain bob@contoso.com × 1001 "Salary bands"',
      "✓ space: View on space ENG via group eng",
      '✗ restriction: view restriction on "Salary bands" (1001) does not list user Bob or any of its groups (allows Alice, Crawler Service)',
      "identity: maps to bob@contoso.com",
      "✗ no ACL entry matches this user",
      "Verdict: agree (both deny)",
    ])
      expect(message).toContain(line);
    expect(message).toContain(
      `replay: cgsim run ${DIR}/search-expects-restricted-page.yaml --seed 1 --transport direct`,
    );
  });

  it("a parity expectation lists each documented over-exposure with its reason", async () => {
    const message = await failure("documented-policy-parity.yaml");
    expect(message).toMatch(/parity: \d+ documented overExposed \(expected 0\) over 8 users × 19 items/);
    expect(message).toContain(
      'overExposed erin@contoso.com × 2001 "Compensation appendix": (documented) parent restrictions ignored (documented policy): view restriction on ancestor "Leadership compensation" (2000)',
    );
    expect(message).toContain(
      'overExposed frank@contoso.com × 1004 "Investigation file": (documented) page restrictions take precedence over space permissions (documented policy)',
    );
    expect(message).toContain('explain erin@contoso.com × 2001 "Compensation appendix"');
    expect(message).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
  });

  it("cgsim run exits 1 and writes JUnit and JSON reports", async () => {
    const out = mkdtempSync(join(tmpdir(), "cgsim-run-"));
    const result = await runCli([
      "run",
      DIR,
      "scenarios/smoke",
      "--reporter",
      "console,junit,json",
      "--out",
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ failing example — bob expects a page restricted to alice");
    expect(result.stdout).toContain("✓ shared fixture truth");
    expect(result.stdout).toContain(`${SMOKE} passed, 2 failed`);
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain(`<testsuites name="cgsim" tests="${SMOKE + 2}" failures="2"`);
    expect(junit).toContain('<failure message="test/scenarios/failing/documented-policy-parity.yaml:');
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(json).toMatchObject({ passed: SMOKE, failed: 2 });
    const search = json.scenarios.find((r: { name: string }) => r.name.includes("bob expects"));
    expect(search.steps.map((s: { kind: string; ok: boolean }) => [s.kind, s.ok])).toEqual([
      ["crawl", true],
      ["expect", false],
    ]);
  });

  it("cgsim run --bail stops after the first failing scenario", async () => {
    const result = await runCli(["run", "scenarios/smoke", DIR, "--bail", "--concurrency", "1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${SMOKE} passed, 1 failed`);
  });

  // One CLI process per test: each loads the whole library, and three in one test outran the
  // default timeout on a loaded 2-core machine.
  it("cgsim run filters by tag", async () => {
    const tagged = await runCli(["run", "scenarios", "--tag", "fixture"]);
    expect(tagged.code).toBe(0);
    expect(tagged.stdout).toMatch(/1 passed, 0 failed/);
  });

  it("cgsim run filters by grep", async () => {
    const grep = await runCli(["run", "scenarios", "--grep", "smoke/crawl-and-search"]);
    expect(grep.stdout).toMatch(/1 passed, 0 failed/);
  });

  it("cgsim run reports load errors with their location", async () => {
    const broken = await runCli(["run", "test/fixture-formats/data/bad-scenario.yaml"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      "test/fixture-formats/data/bad-scenario.yaml:3:5: steps[0].crawll: unknown field",
    );
  });

  it("cgsim explain prints the chain after a given step", async () => {
    const result = await runCli([
      "explain",
      "scenarios/customer-bugs/s10-group-removal-incremental.yaml",
      "--user",
      "bob@contoso.com",
      "--item",
      "1002",
      "--after-step",
      "5",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("after step 5 of 9 (seed 1)");
    expect(result.stdout).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
    expect(result.stdout).toContain(
      "documented limitation: incremental crawls skip permission changes (documented)",
    );
  });
});
