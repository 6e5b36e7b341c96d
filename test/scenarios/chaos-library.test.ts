import { describe, expect, it } from "vitest";
import { assertScenario, scenarioFiles } from "../../src/scenarios/index.ts";

/**
 * scenarios/chaos/: about 20 % injected faults on every host and crawls killed mid-way, each ending
 * on the index of a calm run. Concurrent: the external ones spend their time waiting on a connector
 * process (and each compares with a second, fault-free run).
 */
const files = scenarioFiles("scenarios/chaos");

describe.concurrent("the chaos scenarios", () => {
  it("cover faults and kills for both the built-in connector and the external contract", () => {
    expect(files.map((f) => f.replace("scenarios/chaos/", "")).sort()).toEqual([
      "faults-20-percent-built-in.yaml",
      "faults-20-percent-external.yaml",
      "kill-resume-built-in.yaml",
      "kill-resume-external.yaml",
    ]);
  });

  it.each(files)(
    "%s passes",
    async (file) => {
      const result = await assertScenario(file);
      if (!file.includes("faults-20-percent")) return;
      // The run reports how hard the fault plan hit and how the connector coped.
      const faults = result.faults!;
      expect(faults.faulted / faults.requests).toBeGreaterThan(0.1);
      expect(faults.retried).toBeGreaterThan(0);
      if (file.includes("external")) return;
      // The built-in connector's run is deterministic (simulated time); an external one's timing
      // is real, so which requests fail and how its waits land on the ticking clock vary.
      expect(Object.keys(faults.byKind).sort()).toEqual([
        "429",
        "500",
        "502",
        "503",
        "504",
        "reset",
        "truncated",
      ]);
      expect(faults.retryAfter.announced).toBeGreaterThan(0);
      expect(faults.retryAfter.honoured).toBe(faults.retryAfter.announced);
    },
    120_000,
  );
});
