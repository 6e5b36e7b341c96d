import { describe, expect, it } from "vitest";
import type { RunContext } from "../../src/scenarios/context.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { failureText } from "../../src/scenarios/reporters.ts";
import { type RunOptions, runScenario } from "../../src/scenarios/runner.ts";
import { cqlNamesSpace } from "../../src/scenarios/steps/crawl-during.ts";

async function run(steps: string, options: RunOptions = {}) {
  let ctx: RunContext | undefined;
  const result = await runScenario(loadScenarioText(`name: t\nsteps:\n${steps}`, "t.yaml"), {
    ...options,
    continueOnFailure: true,
    inspect: {
      fn: (c) => {
        ctx = c;
      },
    },
  });
  if (!ctx) throw new Error(failureText(result));
  return { result, ctx };
}

describe("crawl during:", () => {
  it("applies changes before the crawl's request N+1 to the service, inside that request", async () => {
    const { result, ctx } = await run(`  - crawl:
      mode: full
      during:
        afterRequests: 4
        service: confluence
        confluence: { restrict: { page: 1002, read: [alice, svc-crawler] } }
  - expect:
      acl: { item: 1002, audience: [alice, svc-crawler] }   # ENG was listed after it: the crawl saw it
`);
    const summary = result.steps[0].summary;
    const seq = Number(/at request #(\d+)\): confluence: restricted 1002/.exec(summary)?.[1]);
    const confluence = ctx.world.host.journal.entries({ service: "confluence" });
    expect(confluence[4].seq).toBe(seq);
    // The change counts for the oracle as made while this crawl ran.
    expect(ctx.permissionChanges).toEqual([{ step: 0, description: "restricted 1002", duringCrawl: true }]);
    if (!result.ok) throw new Error(failureText(result));
  });

  it("is deterministic: the same requests, the same point, on every run and transport", async () => {
    const steps = `  - crawl:
      mode: full
      during: [{ afterListing: HR, directory: { removeMember: { group: Engineering, member: bob } } }]
`;
    const a = await run(steps);
    const b = await run(steps);
    const http = await run(steps, { transport: "http" });
    expect(a.result.steps[0].summary).toBe(b.result.steps[0].summary);
    expect(http.result.steps[0].summary).toBe(a.result.steps[0].summary);
    expect(a.result.steps[0].summary).toMatch(
      /during \(after listing space HR, at request #\d+\): directory: bob@contoso\.com left Engineering/,
    );
  });

  it("fails the crawl step when the point never comes, and says why", async () => {
    const { result } = await run(`  - crawl:
      mode: full
      during:
        - beforeDeletions: true
          confluence: { trash: 1005 }
        - afterRequests: 100000
          confluence: { trash: 1002 }
`);
    expect(result.steps[0].failures).toEqual([
      "during[0] (before deletions): never reached — the crawl deleted no item; its changes were not applied",
      expect.stringMatching(
        /^during\[1\] \(after 100000 requests\): never reached — the crawl made \d+ requests; its changes were not applied$/,
      ),
    ]);
  });

  it("is checked at load time: one point, changes to make, known spaces and people", () => {
    const load = (during: string) => () =>
      loadScenarioText(`name: t\nsteps:\n  - crawl: { mode: full, during: ${during} }\n`, "t.yaml");
    expect(load("{ afterRequests: 1, beforeDeletions: true, confluence: { trash: 1005 } }")).toThrow(
      /name exactly one of afterRequests, afterListing, beforeDeletions/,
    );
    expect(load("{ afterListing: ENG, service: graph, confluence: { trash: 1005 } }")).toThrow(
      /service counts afterRequests/,
    );
    expect(load("{ afterListing: ENG }")).toThrow(/give confluence or directory changes/);
    expect(load("{ afterListing: ENGG, confluence: { trash: 1005 } }")).toThrow(
      /t\.yaml:3:\d+: steps\[0\]\.crawl\.during\.afterListing: unknown space "ENGG"/,
    );
    expect(
      load("{ afterListing: ENG, confluence: { hideEmail: dsmith@contoso.com } }")().scenario.steps[0],
    ).toEqual({
      crawl: { mode: "full", during: { afterListing: "ENG", confluence: { hideEmail: "dave" } } },
    });
  });
});

describe("cqlNamesSpace", () => {
  it("finds the space in =, quoted, space.key and in (…) forms, case-insensitively", () => {
    expect(cqlNamesSpace("space = ENG and type in (page, blogpost)", "ENG")).toBe(true);
    expect(cqlNamesSpace('space = "eng"', "ENG")).toBe(true);
    expect(cqlNamesSpace("space.key=ENG", "ENG")).toBe(true);
    expect(cqlNamesSpace('space in (HR, "ENG")', "ENG")).toBe(true);
    expect(cqlNamesSpace("space = ENGINEERING", "ENG")).toBe(false);
    expect(cqlNamesSpace("type = page", "ENG")).toBe(false);
  });
});
