import { relative } from "node:path";
import type { ScenarioResult } from "../results.ts";

/** The result of a scenario that never ran (it did not load, or its run threw). */
export function failedResult(file: string, error: string): ScenarioResult {
  return {
    name: relative(process.cwd(), file),
    file,
    seed: 0,
    transport: "direct",
    tags: [],
    ok: false,
    steps: [],
    skipped: 0,
    error,
    wallMs: 0,
    simulatedMs: 0,
    requests: 0,
  };
}
