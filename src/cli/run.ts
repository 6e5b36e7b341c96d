import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import pc from "picocolors";
import { runFiles } from "../scenarios/batch/pool.ts";
import { scenarioFiles } from "../scenarios/discover.ts";
import { freshnessSummary } from "../scenarios/oracle/freshness.ts";
import { htmlReport } from "../scenarios/report/html.ts";
import { externalHeadline, failureText, jsonReport, junitReport, lastLines } from "../scenarios/reporters.ts";
import type { ScenarioResult } from "../scenarios/results.ts";
import type { TransportName } from "../simulators/world.ts";
import { parseIntOption, UsageError } from "./errors.ts";

interface RunCliOptions {
  grep?: string;
  tag?: string[];
  seed?: number;
  reporter: string;
  out?: string;
  transport?: TransportName;
  bail?: boolean;
  workers?: number;
  /** The former name of --workers. */
  concurrency?: number;
  /** commander's `--no-response-cache` */
  responseCache?: boolean;
}

const REPORTERS = ["console", "junit", "json", "html"];

/** Scenarios in flight, named when the process stalls. */
const running = new Set<string>();

export function stalledDetail(): string {
  return running.size
    ? `; still running: ${[...running].map((f) => relative(process.cwd(), f)).join(", ")}`
    : "";
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run scenario files (default: scenarios/); exit code 1 when any fails")
    .argument("[paths...]", "scenario files or directories")
    .option("--grep <text>", "only scenarios whose name or file contains this text")
    .option("--tag <tag...>", "only scenarios with one of these tags")
    .option("--seed <n>", "override every scenario's seed (replay)", parseIntOption("--seed"))
    .option("--reporter <list>", `comma-separated: ${REPORTERS.join(", ")}`, "console")
    .option("--out <dir>", "directory for junit.xml, results.json and report.html (default: cgsim-report)")
    .option("--transport <name>", "override the transport: direct | msw | http")
    .option("--bail", "stop after the first failing scenario")
    .option("--no-response-cache", "run every request's route (no replay of repeated GETs)")
    .option(
      "--workers <n>",
      "worker threads running scenarios, one at a time each (default: the number of cores; 1: no threads)",
      parseIntOption("--workers"),
    )
    .option("--concurrency <n>", "same as --workers (its former name)", parseIntOption("--concurrency"))
    .action(async (paths: string[], options: RunCliOptions) => {
      const ok = await run(paths, options);
      if (!ok) process.exitCode = 1;
    });
}

async function run(paths: string[], options: RunCliOptions): Promise<boolean> {
  const reporters = options.reporter.split(",").map((r) => r.trim());
  for (const r of reporters)
    if (!REPORTERS.includes(r)) throw new UsageError(`unknown reporter "${r}" (${REPORTERS.join(", ")})`);
  if (options.transport && !["direct", "msw", "http"].includes(options.transport))
    throw new UsageError(`--transport must be direct, msw or http, not "${options.transport}"`);
  const workers = options.workers ?? options.concurrency ?? availableParallelism();
  if (workers < 1) throw new UsageError("--workers must be at least 1");

  const files = scenarioFiles(...paths);
  const consoleOut = reporters.includes("console");
  const bar =
    consoleOut && process.stderr.isTTY
      ? new SingleBar({
          format: " {bar} {value}/{total} {name}",
          clearOnComplete: true,
          stream: process.stderr,
        })
      : undefined;
  bar?.start(files.length, 0, { name: "" });
  const results = await runFiles(
    files,
    {
      seed: options.seed,
      transport: options.transport,
      grep: options.grep,
      tags: options.tag,
      // Permission matrices cost an explain per cell: only when the HTML report will show them.
      matrix: reporters.includes("html"),
      responseCache: options.responseCache,
    },
    {
      workers,
      bail: options.bail,
      // With a progress bar the lines wait until it is gone, so they do not tear it.
      onResult: (r) => {
        if (consoleOut && !bar) printLine(r);
      },
      onSettled: (file, r) => bar?.increment(1, { name: r?.name ?? file }),
      onRunning: (file, on) => (on ? running.add(file) : running.delete(file)),
    },
  );
  bar?.stop();
  if (results.length === 0) throw new UsageError("no scenario matched");

  if (bar) for (const r of results) printLine(r);
  if (consoleOut) printSummary(results);
  if (reporters.some((r) => r === "junit" || r === "json" || r === "html")) {
    const dir = options.out ?? "cgsim-report";
    mkdirSync(dir, { recursive: true });
    if (reporters.includes("junit")) writeFileSync(join(dir, "junit.xml"), junitReport(results));
    // results.json stays a compact pass/fail record: the matrices belong to the HTML report.
    if (reporters.includes("json"))
      writeFileSync(join(dir, "results.json"), jsonReport(results.map(({ matrix: _, ...r }) => r)));
    if (reporters.includes("html"))
      writeFileSync(join(dir, "report.html"), htmlReport(results, { generatedAt: new Date() }));
    process.stderr.write(pc.dim(`reports written to ${dir}/\n`));
  }
  return results.every((r) => r.ok);
}

function printLine(r: ScenarioResult): void {
  const mark = r.ok ? pc.green("✓") : pc.red("✗");
  const line = `${mark} ${r.name} ${pc.dim(`(${relative(process.cwd(), r.file)}, seed ${r.seed}, ${r.wallMs} ms)`)}\n`;
  const detail = r.ok ? "" : `${failureText(r).replace(/^/gm, "    ")}\n`;
  const fresh = freshnessSummary(r.freshness)
    .map((l) => `    ${l}\n`)
    .join("");
  process.stdout.write(
    line +
      externalRuns(r) +
      (detail ? pc.red(detail) : "") +
      (r.freshness?.stale ? pc.red(fresh) : pc.dim(fresh)),
  );
}

/** Lines of each stream an external connector run shows on the console (reports keep all of it). */
const CONSOLE_TAIL = 10;

/**
 * Each external connector run of a scenario, passed or failed: a headline and the end of its
 * output (a failed step's failure message quotes its output already).
 */
function externalRuns(r: ScenarioResult): string {
  let text = "";
  for (const step of r.steps) {
    if (!step.external) continue;
    text += `    ${pc.dim(externalHeadline({ ...step, external: step.external }))}\n`;
    if (!step.ok) continue;
    for (const name of ["stdout", "stderr"] as const) {
      const { lines, total } = lastLines(step.external[name], CONSOLE_TAIL);
      if (total === 0) continue;
      text += pc.dim(
        `      ${name}${total > lines.length ? ` (last ${lines.length} of ${total} lines)` : ""}:\n`,
      );
      text += lines.map((l) => pc.dim(`        ${l}\n`)).join("");
    }
  }
  return text;
}

function printSummary(results: ScenarioResult[]): void {
  const rows = results.map((r) => [
    r.ok ? "pass" : "FAIL",
    r.name,
    String(r.steps.length),
    String(r.requests),
    formatSim(r.simulatedMs),
    `${r.wallMs} ms`,
  ]);
  const head = ["result", "scenario", "steps", "requests", "sim time", "wall"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join("  ");
  process.stdout.write(`\n${pc.bold(fmt(head))}\n`);
  for (const row of rows) process.stdout.write(`${row[0] === "pass" ? fmt(row) : pc.red(fmt(row))}\n`);
  const failed = results.filter((r) => !r.ok).length;
  const summary = `${results.length - failed} passed, ${failed} failed`;
  process.stdout.write(`\n${failed ? pc.red(summary) : pc.green(summary)}\n`);
}

function formatSim(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
