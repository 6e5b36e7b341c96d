import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseShard,
  readTimings,
  type Shard,
  shardFiles,
  type Timings,
} from "../../src/scenarios/batch/shard.ts";

const filesArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z]{1,6}\/[a-z0-9-]{1,8}\.yaml$/), { maxLength: 60 })
  .map((f) => f.sort());
const totalArb = fc.integer({ min: 1, max: 8 });

function allShards(files: string[], total: number, timings?: Timings): string[][] {
  return Array.from({ length: total }, (_, i) => shardFiles(files, { index: i + 1, total }, timings));
}

describe("--shard i/n", () => {
  it("parses i/n and refuses anything else", () => {
    expect(parseShard("2/3")).toEqual<Shard>({ index: 2, total: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "1", "a/b", "1/2/3", "-1/2"])
      expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });

  it("puts every file in exactly one shard, in file order, counts within one of each other", () => {
    fc.assert(
      fc.property(filesArb, totalArb, (files, total) => {
        const shards = allShards(files, total);
        expect(shards.flat().sort()).toEqual(files);
        for (const s of shards) expect(s).toEqual(files.filter((f) => s.includes(f)));
        const counts = shards.map((s) => s.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("with timings, still every file exactly once, and no shard above the mean plus the longest file", () => {
    fc.assert(
      fc.property(
        filesArb,
        totalArb,
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 60, maxLength: 60 }),
        (files, total, times) => {
          // Record a time for two files in three; the rest count as the median.
          const timings: Timings = new Map(
            files.flatMap((f, k) => (k % 3 === 2 ? [] : [[f, times[k]] as [string, number]])),
          );
          const shards = allShards(files, total, timings);
          expect(shards.flat().sort()).toEqual(files);
          const recorded = [...timings.values()].sort((a, b) => a - b);
          const median = recorded.length ? recorded[Math.floor(recorded.length / 2)] : 1;
          const cost = (f: string) => Math.max(1, timings.get(f) ?? median);
          const loads = shards.map((s) => s.reduce((n, f) => n + cost(f), 0));
          const mean = loads.reduce((a, b) => a + b, 0) / total;
          const longest = Math.max(0, ...files.map(cost));
          for (const load of loads) expect(load).toBeLessThanOrEqual(mean + longest);
        },
      ),
    );
  });

  it("balances a skewed library by recorded time where dealing files in turn would not", () => {
    const files = ["a/1.yaml", "a/2.yaml", "a/3.yaml", "a/4.yaml"];
    const timings: Timings = new Map([
      ["a/1.yaml", 9000],
      ["a/2.yaml", 100],
      ["a/3.yaml", 8000],
      ["a/4.yaml", 100],
    ]);
    expect(allShards(files, 2)).toEqual([
      ["a/1.yaml", "a/3.yaml"],
      ["a/2.yaml", "a/4.yaml"],
    ]);
    // Longest first to the least loaded shard: 9000 ms alone, 8000 + 100 + 100 ms together.
    expect(allShards(files, 2, timings)).toEqual([["a/1.yaml"], ["a/2.yaml", "a/3.yaml", "a/4.yaml"]]);
  });

  it("reads timings from a results.json written on another runner (absolute paths of another checkout)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cgsim-timings-"));
    const file = join(dir, "results.json");
    writeFileSync(
      file,
      JSON.stringify({
        passed: 2,
        failed: 0,
        scenarios: [
          { file: "/home/runner/work/repo/scenarios/a/1.yaml", wallMs: 9000 },
          { file: resolve("scenarios/a/2.yaml"), wallMs: 10 },
          { file: "scenarios/a/4.yaml", wallMs: 20 },
        ],
      }),
    );
    const timings = readTimings(file);
    expect(timings.get("scenarios/a/2.yaml")).toBe(10);
    const files = ["scenarios/a/1.yaml", "scenarios/a/2.yaml", "scenarios/a/3.yaml", "scenarios/a/4.yaml"];
    // 1 (9000 ms, matched by its path's end) alone; 2 (10 ms), 3 (unrecorded: the median, 20 ms), 4 (20 ms) together.
    expect(allShards(files, 2, timings)).toEqual([
      ["scenarios/a/1.yaml"],
      ["scenarios/a/2.yaml", "scenarios/a/3.yaml", "scenarios/a/4.yaml"],
    ]);
    writeFileSync(file, "{}");
    expect(() => readTimings(file)).toThrow(/not a cgsim JSON report/);
  });
});
