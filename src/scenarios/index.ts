/**
 * The programmatic API: load and run scenarios from TypeScript, or from a test runner:
 *
 *   import { scenarioFiles, assertScenario } from "cgsim";  // (src/index.ts re-exports this module)
 *   test.each(scenarioFiles("scenarios"))("%s", (file) => assertScenario(file));
 */

import type { LoadedScenario } from "./loader.ts";
import { failureText } from "./reporters.ts";
import type { ScenarioResult } from "./results.ts";
import { type RunOptions, runScenario } from "./runner.ts";

export { type TransportName, World, type WorldOptions } from "../simulators/world.ts";
export { scenarioFiles } from "./discover.ts";
export { describeEndpoints, type Endpoints } from "./endpoints.ts";
export { type LoadedScenario, loadScenarioFile, loadScenarioObject, loadScenarioText } from "./loader.ts";
export type { ParityDifference } from "./oracle/classify.ts";
export { explainPair } from "./oracle/explain.ts";
export { type ParityReport, runParity } from "./oracle/parity.ts";
export { failureText, jsonReport, junitReport } from "./reporters.ts";
export type { ScenarioResult, StepResult } from "./results.ts";
export { type RunOptions, runScenario } from "./runner.ts";
export { type Scenario, scenarioSchema } from "./schema.ts";

/** Runs a scenario and throws an Error carrying the located failure text when it does not pass. */
export async function assertScenario(
  scenario: string | LoadedScenario,
  options: RunOptions = {},
): Promise<ScenarioResult> {
  const result = await runScenario(scenario, options);
  if (!result.ok) throw new ScenarioFailure(result);
  return result;
}

export class ScenarioFailure extends Error {
  constructor(readonly result: ScenarioResult) {
    super(`scenario "${result.name}" failed\n${failureText(result)}`);
    this.name = "ScenarioFailure";
  }
}
