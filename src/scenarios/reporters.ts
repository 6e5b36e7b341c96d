import type { ExternalRun, ScenarioResult, StepResult } from "./results.ts";

/** JUnit XML (one testsuite, one testcase per scenario) for CI test tabs. */
export function junitReport(results: ScenarioResult[]): string {
  const failures = results.filter((r) => !r.ok).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((n, r) => n + r.wallMs, 0);
  const cases = results.map((r) => {
    const attrs = `classname="${xml(r.file)}" name="${xml(r.name)}" time="${seconds(r.wallMs)}"`;
    if (r.ok) return `    <testcase ${attrs}/>`;
    const text = failureText(r);
    const first = text.split("\n")[0];
    return `    <testcase ${attrs}>\n      <failure message="${xml(first)}">${xml(text)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cgsim" tests="${results.length}" failures="${failures}" time="${seconds(total)}">`,
    `  <testsuite name="scenarios" tests="${results.length}" failures="${failures}" time="${seconds(total)}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** Machine-readable results: every scenario with its seed and every step. */
export function jsonReport(results: ScenarioResult[]): string {
  return `${JSON.stringify(
    {
      passed: results.filter((r) => r.ok).length,
      failed: results.filter((r) => !r.ok).length,
      scenarios: results,
    },
    null,
    2,
  )}\n`;
}

/** Why a scenario failed: its load error, or each failed step located in its file. */
export function failureText(r: ScenarioResult): string {
  if (r.error) return r.error;
  const lines: string[] = [];
  for (const s of r.steps.filter((x) => !x.ok)) {
    lines.push(`${r.file}:${s.line}: step ${s.index + 1} (${s.kind}) failed:`);
    for (const f of s.failures) lines.push(...f.split("\n").map((l) => `  ${l}`));
  }
  if (r.skipped) lines.push(`${r.skipped} later step(s) not run`);
  lines.push(`replay: cgsim run ${r.file} --seed ${r.seed} --transport ${r.transport}`);
  return lines.join("\n");
}

/** One line about a step's external connector run: what ran, how it ended, how long (wall and simulated). */
export function externalHeadline(step: StepResult & { external: ExternalRun }): string {
  const run = step.external;
  const end = run.killed
    ? "SIGKILLed mid-crawl (crawl.kill)"
    : run.timedOut
      ? `killed after ${run.timeout} (timeout)`
      : run.exitCode === null
        ? `killed by ${run.signal}`
        : `exit ${run.exitCode}`;
  const streams = (["stdout", "stderr"] as const).map((name) => {
    const n = lineCount(run[name]);
    return `${name} ${n} line${n === 1 ? "" : "s"}`;
  });
  return `step ${step.index + 1} ${step.summary.split(" (")[0]}: \`${run.command}\` via ${run.via}, ${end} in ${seconds(run.wallMs)} s (${seconds(run.simulatedMs)} s simulated); ${streams.join(", ")}`;
}

/** A stream's last `n` lines, and how many lines it has. */
export function lastLines(text: string, n: number): { lines: string[]; total: number } {
  const all = text.trimEnd() === "" ? [] : text.trimEnd().split("\n");
  return { lines: all.slice(-n), total: all.length };
}

function lineCount(text: string): number {
  return lastLines(text, 0).total;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function xml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}
