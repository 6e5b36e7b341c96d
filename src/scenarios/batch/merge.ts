import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioResult } from "../results.ts";
import { BLOB_FILE, readResultsFile } from "./blob.ts";
import { pathKey } from "./shard.ts";

export interface MergedResults {
  results: ScenarioResult[];
  /** Inputs that had only results.json: their scenarios have no permission matrices. */
  withoutMatrices: string[];
}

/**
 * The results of several shards as one run: each input is a results file or a report folder
 * (its results.blob.json, else its results.json). Scenarios come out in file order — the order
 * of an unsharded run over the same files — and a file in two inputs is an error (the shards of
 * one run never overlap, so it means inputs from different runs).
 */
export function mergeResultFiles(inputs: string[]): MergedResults {
  const seen = new Map<string, string>();
  const results: ScenarioResult[] = [];
  const withoutMatrices: string[] = [];
  for (const input of inputs) {
    const path = resultsPathOf(input);
    const read = readResultsFile(path);
    if (!read.full) withoutMatrices.push(path);
    for (const r of read.results) {
      const key = pathKey(r.file);
      const earlier = seen.get(key);
      if (earlier)
        throw new Error(`${r.file} is in both ${earlier} and ${path}: were these shards of one run?`);
      seen.set(key, path);
      results.push(r);
    }
  }
  // The code-unit order of scenarioFiles (not localeCompare), so merged equals unsharded.
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { results, withoutMatrices };
}

function resultsPathOf(input: string): string {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new Error(`no such file or directory: ${input}`);
  if (stat.isFile()) return input;
  for (const name of [BLOB_FILE, "results.json"]) {
    const path = join(input, name);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `${input} holds neither ${BLOB_FILE} nor results.json (run the shards with --reporter blob)`,
  );
}
