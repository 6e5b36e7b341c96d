import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTimings, shardFiles } from "../../src/scenarios/batch/shard.ts";
import { scenarioFiles } from "../../src/scenarios/discover.ts";
import { runCli } from "../cli/spawn.ts";
import { readReports } from "../support/reports.ts";

const LIBRARY = "scenarios";
// scenarios/external and the external chaos scenarios run a connector process while simulated time
// follows real time (clockRate): their simulated times and output are timings themselves (and a
// connector under injected faults retries as real time allows), so the report comparison leaves
// them out; the partition test below covers them with the rest.
const realTime = (file: string) =>
  file.startsWith("scenarios/external/") || /^scenarios\/chaos\/.*-external\.yaml$/.test(file);
const DETERMINISTIC = scenarioFiles(LIBRARY).filter((f) => !realTime(f));
const SHARDS = 3;

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `cgsim-${name}-`));
const filesIn = (dir: string): string[] =>
  JSON.parse(readFileSync(join(dir, "results.json"), "utf8")).scenarios.map((s: { file: string }) => s.file);

describe("cgsim run --shard and cgsim report merge", () => {
  it("puts every library file in exactly one of 1/3, 2/3, 3/3", async () => {
    // A filter that matches nothing keeps this cheap: each shard's files are chosen, loaded, skipped.
    const library = scenarioFiles(LIBRARY);
    expect(library.some((f) => f.startsWith("scenarios/external/"))).toBe(true);
    const counts = await Promise.all(
      [1, 2, 3].map(async (index) => {
        const run = await runCli([
          "run",
          LIBRARY,
          ...["--shard", `${index}/3`, "--grep", "no scenario is called this"],
          ...["--reporter", "json", "--out", tempDir("partition")],
        ]);
        expect(run.code).toBe(0);
        return Number(/shard \d\/3: (\d+) file\(s\)/.exec(run.stderr)?.[1]);
      }),
    );
    expect(counts).toEqual([1, 2, 3].map((index) => shardFiles(library, { index, total: 3 }).length));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(library.length);
  }, 120_000);

  it("runs every scenario exactly once over 1/3, 2/3, 3/3, and the merged report equals the unsharded one apart from timings", async () => {
    const whole = tempDir("unsharded");
    const shards = Array.from({ length: SHARDS }, (_, i) => tempDir(`shard-${i + 1}`));
    const [unsharded, ...sharded] = await Promise.all([
      runCli(["run", ...DETERMINISTIC, "--reporter", "junit,json,html", "--out", whole]),
      ...shards.map((out, i) =>
        runCli([
          "run",
          ...DETERMINISTIC,
          "--shard",
          `${i + 1}/${SHARDS}`,
          "--reporter",
          "junit,json,blob",
          "--out",
          out,
          "--workers",
          "1",
        ]),
      ),
    ]);
    expect(unsharded.stderr).not.toMatch(/error/i);
    expect(unsharded.code).toBe(0);
    for (const [i, shard] of sharded.entries()) {
      expect(shard.code).toBe(0);
      expect(shard.stderr).toContain(`shard ${i + 1}/${SHARDS}:`);
      expect(existsSync(join(shards[i], "junit.xml"))).toBe(true);
    }

    // Each file in exactly one shard, and no shard empty.
    const library = scenarioFiles(...DETERMINISTIC);
    const perShard = shards.map(filesIn);
    for (const files of perShard) expect(files.length).toBeGreaterThan(0);
    expect(perShard.flat().sort()).toEqual(library);
    expect(filesIn(whole)).toEqual(library);

    const mergedDir = tempDir("merged");
    const merged = await runCli(["report", "merge", ...shards, "--out", mergedDir]);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toContain(`merged ${library.length} scenarios from ${SHARDS} input(s)`);
    // Same scenarios, results, order, JUnit, JSON and HTML (permission matrices from the blobs).
    expect(readReports(mergedDir)).toEqual(readReports(whole));

    // The same shard given twice is two runs' results, not one run's shards.
    const twice = await runCli(["report", "merge", shards[0], shards[0], "--out", tempDir("twice")]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is in both .* were these shards of one run\?/);

    // --timings: each runner picks the shard the recorded times give it (a filter that matches
    // nothing keeps this cheap: the files are chosen, loaded and skipped).
    const timings = readTimings(join(whole, "results.json"));
    for (const index of [1, 2]) {
      const timed = await runCli([
        "run",
        ...DETERMINISTIC,
        ...["--shard", `${index}/2`, "--timings", join(whole, "results.json")],
        ...["--grep", "no scenario is called this", "--reporter", "json", "--out", tempDir("timed")],
      ]);
      expect(timed.code).toBe(0);
      const expected = shardFiles(library, { index, total: 2 }, timings).length;
      expect(timed.stderr).toContain(`shard ${index}/2: ${expected} file(s)`);
    }
  }, 600_000);

  it("refuses a malformed --shard, an unreadable --timings file, and a merge of nothing", async () => {
    const bad = await runCli(["run", LIBRARY, "--shard", "4/3"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--shard must be i/n with 1 ≤ i ≤ n");
    const missing = await runCli(["run", LIBRARY, "--timings", join(tempDir("none"), "results.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--timings");
    expect(missing.stderr).toContain("ENOENT");
    const empty = await runCli(["report", "merge", tempDir("empty"), "--out", tempDir("nothing")]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("holds neither results.blob.json nor results.json");
  });
});
