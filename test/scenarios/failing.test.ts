import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LoadError } from "../../src/fixture-formats/errors.ts";
import { assertScenario, ScenarioFailure } from "../../src/scenarios/index.ts";
import { runCli } from "../cli/spawn.ts";

// The smoke folder grows with the library; these tests count on it, not on a fixed number.
const SMOKE = readdirSync("scenarios/smoke").filter((f) => f.endsWith(".yaml")).length;

const DIR = "test/scenarios/failing";
// Each example fails (at run or at load time); the CLI test counts them all.
const FAILING = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).length;

async function failure(file: string): Promise<string> {
  const error = await assertScenario(join(DIR, file)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ScenarioFailure);
  return (error as ScenarioFailure).message;
}

async function loadFailure(file: string): Promise<string> {
  const error = await assertScenario(join(DIR, file)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LoadError);
  return (error as LoadError).message;
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

  it("a changed email: the explain chain finds the account by its new email and names the change", async () => {
    const message = await failure("email-changed-before-full-crawl.yaml");
    expect(message).toContain('search as dsmith@contoso.com for "design": does not find 1009');
    expect(message).toContain("account Dave S. <dsmith@contoso.com>");
    expect(message).toContain("Verdict: UNDER-EXPOSED (Confluence allows, the index does not)");
    expect(message).toContain(
      'documented limitation: incremental crawls skip permission changes (documented): dave: email "dsmith@contoso.com", displayName "Dave S."',
    );
  });

  it("a renamed group: the explain chain grants via the new name and names the rename", async () => {
    const message = await failure("renamed-group-before-full-crawl.yaml");
    expect(message).toContain('search as frank@contoso.com for "roadmap": does not find 1002');
    expect(message).toContain("✓ space: View on space ENG via group engineering");
    expect(message).toContain("ACL written: xg:engineering{alice@contoso.com, bob@contoso.com}");
    expect(message).toMatch(
      /documented limitation: incremental crawls skip permission changes \(documented\): group eng renamed to engineering \(id [0-9a-f-]+\); group engineering: \+1 −0/,
    );
  });

  it("a during point the crawl never reaches fails the crawl step and says why", async () => {
    const message = await failure("during-point-never-reached.yaml");
    expect(message).toContain(`${DIR}/during-point-never-reached.yaml:6: step 1 (crawl) failed:`);
    expect(message).toContain(
      "during[0] (before deletions): never reached — the crawl deleted no item; its changes were not applied",
    );
  });

  it("a raw Graph answer names the first field that differs, with its path", async () => {
    const message = await failure("graph-response-body.yaml");
    expect(message).toContain(
      'graph GET /v1.0/external/connections/confluencecloud1/items/1001 → 200: acl[0].type is "externalGroup", expected "everyone"',
    );
  });

  it("errors.notReported lists what reported each unwanted code, and only those codes", async () => {
    const message = await failure("errors-not-reported.yaml");
    expect(message).toContain("errors: [2006] reported, expected not");
    expect(message).toContain("no Entra user with UPN dave.smith@fabrikam.com");
    expect(message).toMatch(/\[2006\] identity Carol \(557058:[0-9a-f-]+\): hidden-email/);
    expect(message).toContain("no Entra user with UPN gina@partner.io");
    expect(message).not.toContain("[1001]");
  });

  it("a list of request budgets: one message per broken budget", async () => {
    const message = await failure("request-budgets.yaml");
    expect(message).toContain("requests: 10 graph POST /v1.0/external/connections/*/groups calls, budget 2");
    expect(message).toContain("requests: 0 graph DELETE calls, expected at least 1");
    expect(message).not.toContain("perItem");
  });

  it("people that do not exist fail at load time, each with where and who was near", async () => {
    const message = await loadFailure("unknown-person.yaml");
    expect(message).toContain(
      `${DIR}/unknown-person.yaml:9:45: steps[0].confluence.group.add[0]: unknown Confluence user "alise"`,
    );
    expect(message).toContain('hint: did you mean "alice" (site user)?');
    expect(message).toContain(
      `${DIR}/unknown-person.yaml:11:21: steps[1].expect.access.as: unknown Confluence user "zoe@contoso.com"`,
    );
    expect(message).toContain(
      "hint: directory user zoe@contoso.com has no Confluence account with that email",
    );
  });

  it("a generated site without pinned keys: a named space fails at load time with the drawn keys", async () => {
    const message = await loadFailure("generator-unpinned-space.yaml");
    expect(message).toContain(
      `${DIR}/generator-unpinned-space.yaml:8:45: steps[0].confluence.spacePermission.space: unknown space "WIKI"`,
    );
    expect(message).toMatch(/hint: allowed here: [A-Z]+, [A-Z]+$/m);
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
    expect(result.stdout).toContain(`${SMOKE} passed, ${FAILING} failed`);
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain(`<testsuites name="cgsim" tests="${SMOKE + FAILING}" failures="${FAILING}"`);
    expect(junit).toContain('<failure message="test/scenarios/failing/documented-policy-parity.yaml:');
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(json).toMatchObject({ passed: SMOKE, failed: FAILING });
    const search = json.scenarios.find((r: { name: string }) => r.name.includes("bob expects"));
    expect(search.steps.map((s: { kind: string; ok: boolean }) => [s.kind, s.ok])).toEqual([
      ["crawl", true],
      ["expect", false],
    ]);
  });

  it("cgsim run --bail stops after the first failing scenario", async () => {
    // Two examples that fail while running (load errors are reported before anything runs).
    const result = await runCli([
      "run",
      "scenarios/smoke",
      `${DIR}/search-expects-restricted-page.yaml`,
      `${DIR}/documented-policy-parity.yaml`,
      "--bail",
      "--workers",
      "1",
    ]);
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
