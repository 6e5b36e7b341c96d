import { describe, expect, it } from "vitest";
import { assertScenario, scenarioFiles } from "../../src/scenarios/index.ts";

const files = scenarioFiles("scenarios");

describe("the bundled scenario library", () => {
  it("has at least ten scenarios", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s passes", async (file) => {
    await assertScenario(file);
  });
});
