import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import pc from "picocolors";
import { BLOB_FILE, blobReport } from "../scenarios/batch/blob.ts";
import { describeFaults } from "../scenarios/fault-figures.ts";
import { freshnessSummary } from "../scenarios/oracle/freshness.ts";
import { htmlReport } from "../scenarios/report/html.ts";
import { externalHeadline, failureText, jsonReport, junitReport, lastLines } from "../scenarios/reporters.ts";
import type { ScenarioResult } from "../scenarios/results.ts";
import type { Reporter } from "./reporter-names.ts";

/** junit.xml, results.json, report.html and results.blob.json, as asked; says where on stderr. */
export function writeReportFiles(dir: string, results: ScenarioResult[], reporters: Reporter[]): void {
  const files = reporters.filter((r) => r !== "console");
  if (files.length === 0) return;
  mkdirSync(dir, { recursive: true });
  if (files.includes("junit")) writeFileSync(join(dir, "junit.xml"), junitReport(results));
  // results.json stays a compact pass/fail record: the matrices belong to the HTML report.
  if (files.includes("json"))
    writeFileSync(join(dir, "results.json"), jsonReport(results.map(({ matrix: _, ...r }) => r)));
  if (files.includes("html"))
    writeFileSync(join(dir, "report.html"), htmlReport(results, { generatedAt: new Date() }));
  if (files.includes("blob")) writeFileSync(join(dir, BLOB_FILE), blobReport(results));
  process.stderr.write(pc.dim(`reports written to ${dir}/\n`));
}

/** One console line per scenario, with the located failure text under a failed one. */
export function printLine(r: ScenarioResult): void {
  const mark = r.ok ? pc.green("✓") : pc.red("✗");
  const line = `${mark} ${r.name} ${pc.dim(`(${relative(process.cwd(), r.file)}, seed ${r.seed}, ${r.wallMs} ms)`)}\n`;
  // Runs under a fault plan say how hard it hit and how the connector coped (also in results.json).
  const faults = r.faults ? pc.dim(`    ${describeFaults(r.faults)}\n`) : "";
  const detail = r.ok ? "" : `${failureText(r).replace(/^/gm, "    ")}\n`;
  const fresh = freshnessSummary(r.freshness)
    .map((l) => `    ${l}\n`)
    .join("");
  process.stdout.write(
    line +
      faults +
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

export function printSummary(results: ScenarioResult[]): void {
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
