/**
 * The whole bundled library as a user runs it (`npm start`): `cgsim run scenarios/` as a child
 * process (start-up, worker threads, loading, every scenario, reporters), N times.
 *
 * Target (issue 15): the whole library in at most 4 s wall on a 2-core machine, start-up included
 * (issue 7's earlier target: at least 40 scenarios in 15 s). Reporters default to `npm start`'s
 * (console + html, so the permission matrices are computed) plus json, which is where the scenario
 * count is read from. `--workers` is passed on when given (default: cgsim's, the core count).
 * The machine may be shared: each run records its CPU time and load average beside its wall time.
 *
 *   npx tsx bench/library.ts [--runs 3] [--reporter console,html] [--path scenarios/] [--workers N]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { arg, timedRun, writeResult } from "./support.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(arg("runs", "3"));
const reporters = [...new Set([...arg("reporter", "console,html").split(","), "json"])].join(",");
const path = arg("path", "scenarios/");
const workers = arg("workers", "");
const TARGET = { scenarios: 40, wallSeconds: 4 };

interface Run {
  wallSeconds: number;
  /** CPU seconds of the child and its descendants (Linux /proc; null elsewhere). */
  cpuSeconds: number | null;
  exitCode: number | null;
  scenarios: number;
  passed: number;
  failed: number;
  failedFiles: string[];
  loadAverage: number;
}

async function once(): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), "cgsim-bench-library-"));
  const { exitCode, wallSeconds, cpuSeconds, loadAverage } = await timedRun(
    process.execPath,
    [
      join(root, "bin", "cgsim.js"),
      ...["run", path, "--reporter", reporters, "--out", out],
      ...(workers ? ["--workers", workers] : []),
    ],
    root,
  );
  try {
    // results.json (src/scenarios/reporters.ts jsonReport): { passed, failed, scenarios: [...] }
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as {
      passed: number;
      failed: number;
      scenarios: Array<{ file: string; ok: boolean }>;
    };
    return {
      wallSeconds,
      cpuSeconds,
      exitCode,
      scenarios: json.scenarios.length,
      passed: json.passed,
      failed: json.failed,
      failedFiles: json.scenarios.filter((r) => !r.ok).map((r) => r.file),
      loadAverage,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  console.error(
    `run ${i + 1}/${runs}: ${r.scenarios} scenarios (${r.failed} failed) in ${r.wallSeconds} s wall, ${r.cpuSeconds} s CPU, load ${r.loadAverage}`,
  );
  results.push(r);
}
const walls = results.map((r) => r.wallSeconds).sort((a, b) => a - b);
const median = walls[Math.floor(walls.length / 2)];
const scenarios = Math.min(...results.map((r) => r.scenarios));

writeResult("library", {
  description: `cgsim run ${path} --reporter ${reporters}${workers ? ` --workers ${workers}` : ""} as a child process (startup included), ${runs} runs`,
  cpus: cpus().length,
  runs: results,
  scenarios,
  failed: Math.max(...results.map((r) => r.failed)),
  wallSeconds: { median, min: walls[0], max: walls[walls.length - 1] },
  cpuSecondsMedian: medianOf(results.map((r) => r.cpuSeconds ?? Number.NaN)),
  scenariosPerSecond: Number((scenarios / median).toFixed(2)),
  note: "cpuSeconds counts the child's whole process tree (worker threads, GC threads, external connector commands), so it can exceed wall time; wall time grows with machine load (loadAverage per run)",
  target: { ...TARGET, machine: "2 cores" },
  met: scenarios >= TARGET.scenarios && median <= TARGET.wallSeconds,
});

function medianOf(values: number[]): number | null {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length === 0 ? null : v[Math.floor(v.length / 2)];
}
