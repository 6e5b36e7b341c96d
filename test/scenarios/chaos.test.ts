import { describe, expect, it } from "vitest";
import { Connector } from "../../src/connector/connector.ts";
import { emptyState } from "../../src/connector/state.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { killableFetch, killPoint } from "../../src/scenarios/steps/crawl-kill.ts";

/**
 * The chaos features of the scenario DSL (docs/scenario-reference.md): crawls killed mid-way, the
 * `resume`, `sameIndexAsFaultFree` and `injectedFaults` expectations — each shown to fail when
 * what it pins is broken, not only to pass on the library's scenarios (scenarios/chaos/).
 */
const run = (text: string, options: Parameters<typeof runScenario>[1] = {}) =>
  runScenario(loadScenarioText(text, "chaos.yaml"), options);

const failuresOf = (result: Awaited<ReturnType<typeof runScenario>>) =>
  result.steps.flatMap((s) => s.failures);

const KILL_AND_RESUME = `name: kill
seed: 5
site: { generator: { users: 12, groups: 3, spaces: 3, pagesPerSpace: 20, treeDepth: 3 } }
connector: { checkpointEvery: 5 }
steps:
  - crawl: { mode: full, kill: { afterRequests: 70 } }
  - crawl: full
  - expect: { resume: {}, sameIndexAsFaultFree: true }
`;

describe("crawl kills and resume", () => {
  it("a killed built-in crawl resumes from its saved checkpoint: no duplicate beyond the window, the fault-free index", async () => {
    const result = await run(KILL_AND_RESUME);
    expect(failuresOf(result)).toEqual([]);
    expect(result.steps[0].summary).toMatch(
      /^crawl full: killed after 70 requests \(\d+ items written, \d+ of them after the last saved checkpoint\)$/,
    );
  });

  it("resume fails when the restarted connector forgot what it had saved", async () => {
    // Every connector the run builds saves to the run's store but starts from an empty state, as
    // a connector that never reads its checkpoint would: the resumed crawl redoes everything.
    const result = await run(KILL_AND_RESUME, {
      connector: (builtIn) =>
        new Connector({
          config: builtIn.config,
          runtime: builtIn.runtime,
          state: { load: async () => emptyState(), save: (state) => builtIn.store.save(state) },
          checkpointEvery: 5,
        }),
    });
    const failures = failuresOf(result);
    expect(failures.join("\n")).toMatch(
      /resume: .* item\(s\) written again although the saved checkpoint had them/,
    );
  });

  it("a kill point past the end of the crawl fails the step: the scenario did not test what it says", async () => {
    const result = await run(
      "name: late\nsteps:\n  - crawl: { mode: full, kill: { afterRequests: 100000 } }\n",
    );
    expect(failuresOf(result)).toEqual([
      "crawl full completed before its kill point (request 100000): kill it earlier",
    ]);
  });

  it("resume without a killed crawl says so", async () => {
    const result = await run("name: none\nsteps:\n  - crawl: full\n  - expect: { resume: {} }\n");
    expect(failuresOf(result)).toEqual(["resume: no crawl was killed (crawl: { kill: … })"]);
  });

  it("seeded kill points stay in their range and repeat for the same seed and step", () => {
    const points = Array.from({ length: 50 }, (_, seed) => killPoint({ afterRequests: [10, 20] }, seed, 3));
    expect(Math.min(...points)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...points)).toBeLessThanOrEqual(20);
    expect(new Set(points).size).toBeGreaterThan(5);
    expect(killPoint({ afterRequests: [10, 20] }, 7, 3)).toBe(killPoint({ afterRequests: [10, 20] }, 7, 3));
    expect(killPoint({ afterRequests: 12 }, 7, 3)).toBe(12);
  });

  it("a killable fetch sends n requests, then nothing, and no answer arrives after the kill", async () => {
    let reached = 0;
    let release: (r: Response) => void = () => {};
    const inner = (async () => {
      reached++;
      return reached === 2 ? new Promise<Response>((r) => (release = r)) : new Response("ok");
    }) as unknown as typeof fetch;
    const dying = killableFetch(inner, 2);
    expect((await dying.fetch("https://x/1")).status).toBe(200);
    const second = dying.fetch("https://x/2"); // the n-th is sent, its answer comes after the kill
    await dying.killed;
    release(new Response("late"));
    const third = dying.fetch("https://x/3");
    const settled = await Promise.race([
      Promise.any([second, third]).then(() => "settled"),
      new Promise((r) => setTimeout(() => r("pending"), 20)),
    ]);
    expect(settled).toBe("pending");
    expect(reached).toBe(2);
  });
});

describe("sameIndexAsFaultFree", () => {
  it("reports what a fault left different: an item whose writes all failed is missing", async () => {
    const result = await run(`name: lost item
steps:
  - faults: { graph: { method: PUT, path: "/v1.0/external/connections/*/items/1001", status: 500 } }
  - crawl: full
  - expect: { sameIndexAsFaultFree: true }
`);
    const failures = failuresOf(result).join("\n");
    expect(failures).toContain(
      "sameIndexAsFaultFree: the index differs from a fault-free run of the same steps",
    );
    expect(failures).toContain("item 1001 is missing");
  });

  it("holds when the faults were only transient", async () => {
    const result = await run(`name: transient
steps:
  - faults: { graph: { method: PUT, status: 503, requests: [1, 2, 5] } }
  - crawl: full
  - expect: { sameIndexAsFaultFree: true }
`);
    expect(failuresOf(result)).toEqual([]);
  });
});

describe("injectedFaults", () => {
  it("checks the share of faulted requests both ways", async () => {
    const result = await run(`name: rate
seed: 3
faults: { confluence: { status: 503, probability: 0.3 } }
steps:
  - crawl: full
  - expect: { injectedFaults: { max: 0.01 } }
`);
    expect(failuresOf(result).join("\n")).toMatch(
      /^injectedFaults: \d+ of \d+ requests \([\d.]+%\) faulted, expected at most 1\.0%$/,
    );
    const none = await run(
      "name: calm\nsteps:\n  - crawl: full\n  - expect: { injectedFaults: { min: 0.1 } }\n",
    );
    expect(failuresOf(none)).toEqual([
      expect.stringMatching(
        /^injectedFaults: 0 of \d+ requests \(0\.0%\) faulted, expected at least 10\.0%$/,
      ),
    ]);
  });
});
