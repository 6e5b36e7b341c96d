import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioFiles } from "../../src/scenarios/discover.ts";
import { finished, ROOT } from "../cli/spawn.ts";

const CONFIG = join(ROOT, "test", "scenarios", "vitest-shard", "vitest.config.ts");
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");

interface VitestJson {
  success: boolean;
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

/** `vitest run --shard i/n` over a suite of assertScenario tests, its JSON report. */
async function shard(index: number, total: number): Promise<VitestJson> {
  const child = spawn(
    process.execPath,
    [VITEST, "run", "--config", CONFIG, `--shard=${index}/${total}`, "--reporter=json"],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const { code, stdout, stderr } = await finished(child);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.slice(stdout.indexOf("{")));
}

describe("assertScenario under vitest --shard", () => {
  it("runs each test file of a scenario suite in exactly one shard, every scenario passing", async () => {
    const shards = await Promise.all([shard(1, 2), shard(2, 2)]);
    const suites = shards.map((s) => s.testResults.map((r) => r.name));
    // vitest shards by test file: one file each, together both.
    expect(suites.map((s) => s.length)).toEqual([1, 1]);
    expect(
      suites
        .flat()
        .map((n) => n.slice(n.lastIndexOf("/") + 1))
        .sort(),
    ).toEqual(["connection.suite.ts", "smoke.suite.ts"]);
    const tests = shards.flatMap((s) => s.testResults.flatMap((r) => r.assertionResults));
    expect(tests.every((t) => t.status === "passed")).toBe(true);
    const expected = [
      ...scenarioFiles(join(ROOT, "scenarios/connection")),
      ...scenarioFiles(join(ROOT, "scenarios/smoke")),
    ];
    expect(tests.map((t) => t.title).sort()).toEqual(expected.sort());
  }, 300_000);
});
