import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { longestFirst, readTimings } from "../../src/scenarios/batch/shard.ts";
import { scenarioFiles } from "../../src/scenarios/discover.ts";
import { runCli } from "../cli/spawn.ts";
import { consoleWithoutTimes, readReports } from "../support/reports.ts";

// Passing and failing scenarios and a file that does not load: every kind of result.
const FILES = ["scenarios/smoke", "test/scenarios/failing", "test/fixture-formats/data/bad-scenario.yaml"];
const REPORTERS = ["--reporter", "console,junit,json,html"];
const FAILING = readdirSync("test/scenarios/failing").filter((f) => f.endsWith(".yaml")).length + 1;

async function run(workers: number) {
  const out = mkdtempSync(join(tmpdir(), `cgsim-workers-${workers}-`));
  const result = await runCli(["run", ...FILES, ...REPORTERS, "--out", out, "--workers", String(workers)]);
  return { ...result, out };
}

describe("cgsim run --workers", () => {
  it("gives the same output and reports on two worker threads as in one thread, apart from timings", async () => {
    const [serial, parallel] = await Promise.all([run(1), run(2)]);
    expect(serial.code).toBe(1);
    expect(parallel.code).toBe(1);
    expect(serial.stdout).toContain(`4 passed, ${FAILING} failed`);
    // File order, whichever thread finished first.
    const order = [...serial.stdout.matchAll(/^[✓✗] .*\((\S+\.yaml),/gm)].map((m) => m[1]);
    expect(order).toEqual([...order].sort());
    expect(order).toHaveLength(4 + FAILING);
    expect(consoleWithoutTimes(parallel.stdout)).toBe(consoleWithoutTimes(serial.stdout));
    expect(readReports(parallel.out)).toEqual(readReports(serial.out));
  }, 60_000);

  it("starts the longest recorded files first under --timings, with output and reports as a serial run's", async () => {
    const serial = await run(1);
    const timings = join(mkdtempSync(join(tmpdir(), "cgsim-timings-")), "results.json");
    // The recorded times, reversed: the last file is now the longest, so it starts first.
    const recorded = JSON.parse(readFileSync(join(serial.out, "results.json"), "utf8")) as {
      scenarios: { wallMs: number }[];
    };
    recorded.scenarios.forEach((s, k) => {
      s.wallMs = 1000 + k;
    });
    writeFileSync(timings, JSON.stringify(recorded));
    expect(longestFirst(scenarioFiles(...FILES), readTimings(timings))[0]).toBe(
      recorded.scenarios.length - 1,
    );
    const out = mkdtempSync(join(tmpdir(), "cgsim-workers-timed-"));
    const timed = await runCli([
      "run",
      ...FILES,
      ...REPORTERS,
      "--out",
      out,
      "--workers",
      "2",
      "--timings",
      timings,
    ]);
    expect(timed.code).toBe(1);
    expect(consoleWithoutTimes(timed.stdout)).toBe(consoleWithoutTimes(serial.stdout));
    expect(readReports(out)).toEqual(readReports(serial.out));
  }, 60_000);

  it("stops after the first failing file in file order under --bail, as a serial run does", async () => {
    const bail = await runCli([
      "run",
      "scenarios/smoke",
      "test/scenarios/failing",
      "--bail",
      "--workers",
      "2",
    ]);
    expect(bail.code).toBe(1);
    expect(bail.stdout).toMatch(/4 passed, 1 failed/);
    expect(bail.stdout).toContain("documented-policy-parity.yaml");
    expect(bail.stdout).not.toContain("search-expects-restricted-page.yaml");
  }, 60_000);

  it("rejects zero workers", async () => {
    const result = await runCli(["run", "scenarios/smoke", "--workers", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--workers must be at least 1");
  });
});
