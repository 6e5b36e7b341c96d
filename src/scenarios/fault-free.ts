import type { LoadedScenario } from "./loader.ts";
import { type Step, stepKind } from "./steps/registry.ts";

/**
 * The run a faulty or killed run is compared with (`expect: { sameIndexAsFaultFree: true }`): the
 * scenario's first `step` steps with every source of failure removed — no fault plan (neither the
 * scenario's nor any `faults` step), no crawl kills, no crawl expected to fail — and without its
 * expectations (they only read). Everything else (site, directory, seed, settings, changes,
 * clock steps) stays, so a connector that survives faults and kills leaves the same index.
 */
export function faultFreeScenario(loaded: LoadedScenario, step: number): LoadedScenario {
  const steps = loaded.scenario.steps
    .slice(0, step)
    .filter((s) => stepKind(s) !== "expect" && stepKind(s) !== "faults")
    .map(withoutKill);
  return { ...loaded, scenario: { ...loaded.scenario, faults: undefined, steps } };
}

function withoutKill(step: Step): Step {
  if (!("crawl" in step) || typeof step.crawl !== "object" || step.crawl === null) return step;
  return { crawl: step.crawl.mode } as Step;
}

/** The steps whose expectations compare with the fault-free index (`sameIndexAsFaultFree`). */
export function faultFreeComparisons(loaded: LoadedScenario): number[] {
  return loaded.scenario.steps.flatMap((step, index) =>
    "expect" in step && (step.expect as { sameIndexAsFaultFree?: unknown }).sameIndexAsFaultFree
      ? [index]
      : [],
  );
}
