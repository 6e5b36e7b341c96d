import { readFileSync } from "node:fs";
import type { ScenarioResult } from "../results.ts";

/**
 * The blob: every result of a run in full (permission matrices included), written by
 * `--reporter blob` so `cgsim report merge` can rebuild the HTML report of sharded runs.
 * results.json leaves the matrices out to stay small; the merge reads it too, without matrices.
 */
export const BLOB_FILE = "results.blob.json";
const FORMAT = "cgsim-results-blob";
const VERSION = 1;

export function blobReport(results: ScenarioResult[]): string {
  return `${JSON.stringify({ format: FORMAT, version: VERSION, scenarios: results })}\n`;
}

export interface ReadResults {
  results: ScenarioResult[];
  /** A blob (full results) rather than results.json (no matrices). */
  full: boolean;
}

/** The results in a blob or a cgsim JSON report (results.json). */
export function readResultsFile(path: string): ReadResults {
  let data: { format?: unknown; version?: unknown; scenarios?: unknown };
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : error}`);
  }
  if (!data || !Array.isArray(data.scenarios))
    throw new Error(`${path}: not a cgsim results file (no "scenarios" list)`);
  if (data.format === FORMAT && data.version !== VERSION)
    throw new Error(`${path}: results blob version ${data.version}; this cgsim reads version ${VERSION}`);
  for (const [i, s] of (data.scenarios as Partial<ScenarioResult>[]).entries())
    if (typeof s?.file !== "string" || typeof s.name !== "string" || typeof s.ok !== "boolean")
      throw new Error(`${path}: scenarios[${i}] is not a scenario result (file, name, ok)`);
  return { results: data.scenarios as ScenarioResult[], full: data.format === FORMAT };
}
