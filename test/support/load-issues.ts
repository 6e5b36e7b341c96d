import { LoadError, type LoadIssue } from "../../src/fixture-formats/errors.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";

/** The issues of the LoadError `load` throws; a test fails when it throws nothing or something else. */
export function issuesOf(load: () => unknown): LoadIssue[] {
  try {
    load();
  } catch (error) {
    if (error instanceof LoadError) return error.issues;
    throw error;
  }
  throw new Error("expected a LoadError");
}

/** The issues of a scenario file's text, loaded as `s.yaml`. */
export const scenarioIssues = (text: string): LoadIssue[] => issuesOf(() => loadScenarioText(text, "s.yaml"));
