import { join, resolve } from "node:path";
import type { z } from "zod";
import type { connectorSchema } from "../scenarios/connector-settings.ts";
import { loadScenarioObject } from "../scenarios/loader.ts";
import type { ParityDifference } from "../scenarios/oracle/classify.ts";
import { explainPair } from "../scenarios/oracle/explain.ts";
import { oracleInput } from "../scenarios/oracle/input.ts";
import type { MatrixOptions } from "../scenarios/oracle/matrix-types.ts";
import { type ParityReport, runParity } from "../scenarios/oracle/parity.ts";
import type { ScenarioResult } from "../scenarios/results.ts";
import { runScenario } from "../scenarios/runner.ts";
import { loadCapture } from "./load.ts";

/**
 * `cgsim audit <capture>`: the parity oracle on the captured truth (the site) against the
 * captured index. It is a scenario on the capture with one `parity` expectation, so the oracle,
 * explain, the permission matrix and the HTML report are the ones every scenario uses; the
 * connector settings say which documented rules apply (policy, identity mapping, CQL filter).
 */

export interface AuditOptions {
  /** The connector's settings as a scenario's `connector:` block (e.g. `{ permissions: { policy: documented } }`). */
  connector?: z.input<typeof connectorSchema>;
  matrix?: MatrixOptions;
}

export interface AuditFinding extends ParityDifference {
  explain: string[];
}

export interface AuditResult {
  capture: string;
  report: Omit<ParityReport, "differences">;
  findings: AuditFinding[];
  /** The scenario result (its matrix feeds the HTML report). */
  scenario: ScenarioResult;
}

export async function auditCapture(dir: string, options: AuditOptions = {}): Promise<AuditResult> {
  const capture = loadCapture(dir);
  if (!capture.index) throw new Error(`${dir} has no index.json: run cgsim capture graph first`);
  const loaded = loadScenarioObject(
    {
      name: `audit of ${dir}`,
      site: resolve(dir),
      ...(options.connector ? { connector: options.connector } : {}),
      steps: [{ expect: { parity: { overExposed: 0, underExposed: 0 } } }],
    },
    join(resolve(dir), "audit.yaml"),
  );
  let report: ParityReport | undefined;
  let findings: AuditFinding[] = [];
  const scenario = await runScenario(loaded, {
    matrix: options.matrix ?? true,
    continueOnFailure: true,
    inspect: {
      afterStep: 1,
      fn: (ctx) => {
        report = runParity(oracleInput(ctx));
        findings = report.differences.map((d) => ({ ...d, explain: explainPair(ctx, d.user, d.item) }));
      },
    },
  });
  if (scenario.error || !report) throw new Error(scenario.error ?? "the audit did not run");
  const { differences: _d, ...summary } = report;
  return { capture: dir, report: summary, findings, scenario };
}

/** The console form: totals, every undocumented difference with its chain, documented ones by cause. */
export function auditText(audit: AuditResult): string {
  const r = audit.report;
  const bugs = audit.findings.filter((f) => !f.documented);
  const documented = audit.findings.filter((f) => f.documented);
  const lines = [
    `audit of ${audit.capture}: ${r.users} users × ${r.items} pages and blog posts`,
    `  undocumented (connector bugs): ${r.overExposed} over-exposed, ${r.underExposed} under-exposed`,
    `  documented: ${r.documented.overExposed} over-exposed, ${r.documented.underExposed} under-exposed`,
  ];
  if (r.sharedAccounts.length)
    lines.push(
      `  Confluence accounts matched to several Entra users: ${r.sharedAccounts.map((s) => `${s.account} (${s.users.join(", ")})`).join("; ")}`,
    );
  for (const f of bugs) lines.push("", ...f.explain);
  // Grouped by cause code (the same on every site) and the reason without its per-item detail.
  const byCause = new Map<string, number>();
  for (const f of documented) {
    const key = `${f.kind} — ${f.cause.code}: ${f.reason.split(":")[0]}`;
    byCause.set(key, (byCause.get(key) ?? 0) + 1);
  }
  if (byCause.size) lines.push("", "documented differences by cause:");
  for (const [cause, n] of byCause) lines.push(`  ${String(n).padStart(5)} ${cause}`);
  return `${lines.join("\n")}\n`;
}
