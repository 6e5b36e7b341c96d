import { describe, expect, it } from "vitest";
import { assertScenario, loadScenarioObject, scenarioFiles } from "../../src/scenarios/index.ts";

// The whole bundled library: scenarios/<concern>/*.yaml, customer-bug catalog included; the chaos
// scenarios run in chaos-library.test.ts, side by side (they wait on connector processes).
const files = scenarioFiles("scenarios").filter((f) => !f.startsWith("scenarios/chaos/"));
const isExternal = (file: string) => file.startsWith("scenarios/external/");

describe("the scenario library", () => {
  it("has the smoke examples and at least ten customer-bug scenarios", () => {
    expect(files.filter((f) => f.startsWith("scenarios/smoke/")).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.startsWith("scenarios/customer-bugs/")).length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.filter((f) => !isExternal(f)))("%s passes", async (file) => {
    await assertScenario(file);
  });

  // Each crawl of these starts a connector process (Node, the Graph SDK, @azure/identity) that
  // waits in real time: seconds per crawl, more on a loaded machine, so a longer hang guard.
  it.each(files.filter(isExternal))("%s passes", { timeout: 180_000 }, async (file) => {
    await assertScenario(file);
  });
});

describe("a scenario on a generator with pinned space keys", () => {
  it.each([1, 7, 2024])("passes under --seed %i too", async (seed) => {
    await assertScenario("scenarios/scale/space-opened-to-anonymous.yaml", { seed });
  });
});

describe("a scenario written inline in TypeScript", () => {
  it("runs through the same validation and runner", async () => {
    const result = await assertScenario(
      loadScenarioObject({
        name: "inline",
        steps: [
          { confluence: { restrict: { page: 1002, read: ["user:alice"] } } },
          { expect: { access: { as: "bob", cannotView: [1002] } } },
        ],
      }),
    );
    expect(result.steps.map((s) => s.ok)).toEqual([true, true]);
    expect(() => loadScenarioObject({ name: "bad", steps: [{ crawl: "sideways" }] })).toThrow(
      /inline-scenario\.yaml:\d+:\d+: steps\[0\]\.crawl/,
    );
  });
});
