import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";

/** The journal of a run without real-time fields: what happened, in order, in simulated time. */
async function journal(file: string, seed?: number): Promise<string[]> {
  let out: string[] = [];
  await runScenario(loadScenarioFile(file, { seed }), {
    inspect: {
      fn: ({ world }) => {
        out = world.host.journal
          .entries()
          .map((e) => `${e.at} ${e.method} ${e.path} ${e.status} ${e.fault ?? ""}`);
      },
    },
  });
  return out;
}

describe("determinism", () => {
  it("the same scenario and seed give the same requests, faults and simulated times", async () => {
    const file = "scenarios/customer-bugs/s27-throttling.yaml";
    const a = await journal(file);
    const b = await journal(file);
    expect(a.length).toBeGreaterThan(50);
    expect(a.some((line) => line.includes("status 429"))).toBe(true);
    expect(b).toEqual(a);
    const other = await journal(file, 1234);
    expect(other).not.toEqual(a);
  });
});
