// Runs every scenario under scenarios/ against the cgsim twins; a failing scenario fails its test
// with the located failure (which step, which expectation, what was found instead).
import { assertScenario, scenarioFiles } from "cgsim";
import { expect, test } from "vitest";

test.each(scenarioFiles("scenarios"))("%s", async (file) => {
  const result = await assertScenario(file);
  expect(result.ok).toBe(true);
});
