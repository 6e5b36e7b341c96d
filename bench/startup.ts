/**
 * `cgsim` start-up to the first scenario: `cgsim run <one small scenario>` as a child process, its
 * wall time minus the scenario's own wall time (from results.json) = process start, module loading,
 * scenario loading, writing the report and exiting. Measured for the bundled CLI
 * (dist/cli-bundle/, what `npx cgsim` runs after `npm install`), for the unbundled compiled modules
 * (dist/cli/main.js) and for the TypeScript sources through tsx (the fallback when src/ changed
 * since the last build), N alternating runs each; plus `cgsim --help`.
 *
 * Target (issue 15): start-up to the first scenario ≤ 300 ms. The machine is shared: each run
 * records its CPU time and the load average, and wall time is only comparable at low load.
 *
 *   npx tsx bench/startup.ts [--runs 5] [--scenario scenarios/smoke/fixture-truth.yaml]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildState } from "../bin/build-state.js";
import { arg, median, type TimedRun, timedRun, writeResult } from "./support.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(arg("runs", "5"));
const scenario = arg("scenario", "scenarios/smoke/fixture-truth.yaml");
const TARGET_MS = 300;

if (buildState(root) !== "fresh") {
  console.error("dist/ is not built from the current sources: run `npm run build` first");
  process.exit(1);
}

const entries = {
  bundled: [join(root, "dist", "cli-bundle", "main.js")],
  compiled: [join(root, "dist", "cli", "main.js")],
  tsx: ["--import", "tsx", join(root, "src", "cli", "main.ts")],
};
type Entry = keyof typeof entries;

interface StartupRun extends TimedRun {
  scenarioWallMs: number;
  startupMs: number;
}

async function once(entry: Entry): Promise<StartupRun> {
  const out = mkdtempSync(join(tmpdir(), "cgsim-bench-startup-"));
  try {
    const run = await timedRun(
      process.execPath,
      [...entries[entry], "run", scenario, "--reporter", "json", "--out", out],
      root,
    );
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as {
      scenarios: Array<{ wallMs: number }>;
    };
    const scenarioWallMs = json.scenarios[0].wallMs;
    return { ...run, scenarioWallMs, startupMs: Math.round(run.wallSeconds * 1000 - scenarioWallMs) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const results: Record<Entry, StartupRun[]> = { bundled: [], compiled: [], tsx: [] };
const help: Record<Entry, TimedRun[]> = { bundled: [], compiled: [], tsx: [] };
for (let i = 0; i < runs; i++) {
  for (const entry of Object.keys(entries) as Entry[]) {
    const r = await once(entry);
    results[entry].push(r);
    help[entry].push(await timedRun(process.execPath, [...entries[entry], "--help"], root));
    console.error(
      `run ${i + 1}/${runs} ${entry}: start-up ${r.startupMs} ms (process ${r.wallSeconds} s wall, ${r.cpuSeconds} s CPU, scenario ${r.scenarioWallMs} ms), load ${r.loadAverage}`,
    );
  }
}

const summary = (entry: Entry) => ({
  startupMsMedian: median(results[entry].map((r) => r.startupMs)),
  startupMsMin: Math.min(...results[entry].map((r) => r.startupMs)),
  cpuSecondsMedian: median(results[entry].map((r) => r.cpuSeconds ?? Number.NaN)),
  helpWallMsMedian: Math.round(median(help[entry].map((r) => r.wallSeconds)) * 1000),
  helpCpuSecondsMedian: median(help[entry].map((r) => r.cpuSeconds ?? Number.NaN)),
  runs: results[entry],
});
const bundled = summary("bundled");
writeResult("startup", {
  description: `cgsim run ${scenario} --reporter json: process wall minus the scenario's own wall, ${runs} alternating runs per entry point`,
  loadAverage: median(results.bundled.map((r) => r.loadAverage)),
  bundled,
  compiled: summary("compiled"),
  tsx: summary("tsx"),
  note: "startupMs = process start, module loading, scenario loading, report writing and exit; wall time grows with machine load (loadAverage per run), CPU time much less",
  target: { startupMs: TARGET_MS },
  met: bundled.startupMsMedian <= TARGET_MS,
});
