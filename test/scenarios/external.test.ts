import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { failureText } from "../../src/scenarios/reporters.ts";
import { runScenario } from "../../src/scenarios/runner.ts";

const SCRIPT = join(import.meta.dirname, "..", "..", "scenarios", "external-connector.mjs");

describe("external connector (connector.command)", () => {
  it("runs the command with the CGSIM_* environment and checks what it indexed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cgsim-external-"));
    try {
      const scenario = loadScenarioText(
        `name: external
connector:
  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPT)}]
  env: { STATE_FILE: ${JSON.stringify(join(dir, "state.json"))} }
  timeout: 60s
graph: { schemaProvisioningMs: 0 }
steps:
  - crawl: full
  - expect:
      connection: { state: ready }
      items: { include: [1001, 2001] }
      search: { as: bob@contoso.com, query: salary, misses: [1001] }
  - crawl: incremental
`,
        join(import.meta.dirname, "external.yaml"),
      );
      let crawled: string[] = [];
      const result = await runScenario(scenario, {
        inspect: {
          fn: (ctx) => {
            crawled = ctx.crawls.map((c) => c.external?.stdout.split(":")[0] ?? "");
          },
        },
      });
      if (!result.ok) throw new Error(failureText(result));
      expect(result.steps.map((s) => s.summary)).toEqual([
        "crawl full (external via http, exit 0)",
        "expect connection, items, search",
        "crawl incremental (external via http, exit 0)",
      ]);
      // The second process found the first one's watermark in STATE_FILE: a real incremental crawl.
      expect(crawled).toEqual(["full crawl", "incremental crawl"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs a crawl's during: changes at the same point of an external crawl over http", async () => {
    const scenario = loadScenarioText(
      `name: external during
connector:
  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPT)}]
  timeout: 60s
graph: { schemaProvisioningMs: 0 }
steps:
  - crawl:
      mode: full
      during: { afterListing: ENG, confluence: { restrict: { page: 1002, read: [alice, svc-crawler] } } }
  - expect:
      acl: { item: 1002, audience: [alice, bob, svc-crawler] }   # written as listed, as the built-in connector does
      parity: { overExposed: 0, underExposed: 0, documented: { overExposed: 1 } }
`,
      join(import.meta.dirname, "external-during.yaml"),
    );
    const result = await runScenario(scenario);
    if (!result.ok) throw new Error(failureText(result));
    expect(result.steps[0].summary).toMatch(
      /^crawl full \(external via http, exit 0\); during \(after listing space ENG, at request #\d+\): confluence: restricted 1002$/,
    );
  });

  it("fails the crawl step with the command's output when it exits non-zero", async () => {
    const result = await runScenario(
      loadScenarioText(
        'name: x\nconnector: { command: "echo boom >&2; exit 3" }\nsteps:\n  - crawl: full\n',
        "x.yaml",
      ),
    );
    expect(result.ok).toBe(false);
    expect(failureText(result)).toContain("crawl full stopped: [5000] exit code 3\n  boom");
  });
});
