import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_YAML_ALIAS_COUNT } from "../../src/fixture-formats/yaml.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { runCli } from "../cli/spawn.ts";
import { scenarioIssues } from "../support/load-issues.ts";

/** Broken scenario files fail alone, each with a file, a line and a message that says what is wrong. */

/** Ten anchors, each a list of ten aliases of the previous one: 10^10 nodes once expanded. */
const ALIAS_BOMB = [
  "name: bomb",
  "a0: &a0 [x, x, x, x, x, x, x, x, x, x]",
  ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`),
  "steps: [{ clock: { advance: 1h } }]",
  "",
].join("\n");

describe("YAML aliases", () => {
  it(`expanding past ${MAX_YAML_ALIAS_COUNT} is a located load error, not a crash`, () => {
    const [issue] = scenarioIssues(ALIAS_BOMB);
    expect(issue).toMatchObject({ file: "s.yaml", line: 3, column: 10 });
    expect(issue.message).toContain("YAML aliases expand too far");
  });

  it("a few aliases still load", () => {
    const loaded = loadScenarioText(
      "name: x\nsteps: [&step { clock: { advance: 1h } }, *step, *step]\n",
      "s.yaml",
    );
    expect(loaded.scenario.steps).toHaveLength(3);
  });

  const dir = mkdtempSync(join(tmpdir(), "cgsim-bomb-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("cgsim run: the bomb fails with its file and line, the good scenario beside it runs", async () => {
    writeFileSync(join(dir, "bomb.yaml"), ALIAS_BOMB);
    writeFileSync(join(dir, "good.yaml"), "name: good one\nsteps:\n  - clock: { advance: 1h }\n");
    const result = await runCli(["run", dir, "--reporter", "console"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/bomb\.yaml:3:10: YAML aliases expand too far/);
    expect(result.stdout).toMatch(/✓ good one/);
    expect(result.stdout).toMatch(/1 passed, 1 failed/);
  });
});

describe("fault rules", () => {
  it("a bad status in the plan form names the status, not the rules key", () => {
    const [issue] = scenarioIssues("name: x\nfaults: {rules: [{status: 418}]}\nsteps: [{crawl: full}]\n");
    expect(issue).toMatchObject({
      field: "faults.rules[0].status",
      message: "418 is not an allowed value",
      hint: "allowed: 429, 500, 502, 503, 504",
    });
  });

  it("a bad status in the per-service step form lists every allowed status", () => {
    const [issue] = scenarioIssues("name: x\nsteps:\n  - faults: {confluence: [{status: 418}]}\n");
    expect(issue).toMatchObject({
      field: "steps[0].faults.confluence[0].status",
      hint: "allowed: 429, 500, 502, 503, 504",
    });
  });

  it("mixing the plan form and the per-service form says so instead of suggesting the same key", () => {
    const [issue] = scenarioIssues(
      "name: x\nfaults: {rules: [], confluence: [{status: 500}]}\nsteps: [{crawl: full}]\n",
    );
    expect(issue.message).not.toContain("did you mean");
    expect(issue.hint).toContain("cannot be combined");
  });
});
