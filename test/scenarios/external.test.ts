import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { failureText } from "../../src/scenarios/reporters.ts";
import { runScenario } from "../../src/scenarios/runner.ts";

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve("tsx/package.json")), "dist", "cli.mjs");
const SCRIPT = join(import.meta.dirname, "external-connector.ts");

describe("external connector (connector.command)", () => {
  it("runs the command with the CGSIM_* environment and checks what it indexed", async () => {
    const scenario = loadScenarioText(
      `name: external
connector:
  command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(TSX)}, ${JSON.stringify(SCRIPT)}]
  timeout: 60s
graph: { schemaProvisioningMs: 0 }
steps:
  - crawl: full
  - expect:
      connection: { state: ready }
      items: { include: [1001, 2001] }
      search: { as: bob@contoso.com, query: salary, misses: [1001] }
`,
      join(import.meta.dirname, "external.yaml"),
    );
    const result = await runScenario(scenario);
    if (!result.ok) throw new Error(failureText(result));
    expect(result.steps[0].summary).toBe("crawl full (external, exit 0)");
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
