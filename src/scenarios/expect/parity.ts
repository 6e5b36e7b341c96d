import { z } from "zod";
import { explainPair } from "../oracle/explain.ts";
import { freshnessLines } from "../oracle/freshness.ts";
import { oracleInput } from "../oracle/input.ts";
import { runParity } from "../oracle/parity.ts";
import { defineExpectation, indent } from "./expectation.ts";

const count = z.number().int().min(0);

/** `parity`: how many user × item pairs the index gets wrong, by kind, as the parity oracle counts them. */
export const parity = defineExpectation({
  schema: z
    .object({
      overExposed: count.optional().describe("Undocumented over-exposed user × item pairs"),
      underExposed: count.optional().describe("Undocumented under-exposed pairs"),
      stale: count
        .optional()
        .describe(
          "Indexed items whose title, body, url or labels lag Confluence with nothing documented to explain it",
        ),
      documented: z
        .object({ overExposed: count.optional(), underExposed: count.optional(), stale: count.optional() })
        .strict()
        .optional()
        .describe("Pairs (and stale items) explained by a documented limitation or expected staleness"),
      sharedAccounts: count
        .optional()
        .describe(
          "Confluence accounts more than one Entra user is matched to (UPN and mail): only one is the person",
        ),
    })
    .strict()
    .describe("Truth (Confluence) vs index (Graph) for every directory user × page/blog post"),
  check(ctx, want) {
    const report = runParity(oracleInput(ctx));
    const problems: string[] = [];
    // Which (kind, documented) classes missed their count: only those differences are listed.
    const failing = new Set<string>();
    for (const kind of ["overExposed", "underExposed"] as const) {
      const expected = want[kind];
      if (expected !== undefined && report[kind] !== expected) {
        problems.push(`${report[kind]} ${kind} (expected ${expected})`);
        failing.add(`${kind} false`);
      }
      const documented = want.documented?.[kind];
      if (documented !== undefined && report.documented[kind] !== documented) {
        problems.push(`${report.documented[kind]} documented ${kind} (expected ${documented})`);
        failing.add(`${kind} true`);
      }
    }
    const freshness = report.freshness;
    const staleLines: string[] = [];
    for (const documented of [false, true]) {
      const expected = documented ? want.documented?.stale : want.stale;
      const actual = documented ? freshness.documented.stale : freshness.stale;
      if (expected === undefined || actual === expected) continue;
      problems.push(`${actual} ${documented ? "documented " : ""}stale items (expected ${expected})`);
      for (const f of freshness.findings.filter((x) => x.documented === documented).slice(0, 20))
        staleLines.push(...freshnessLines(f));
    }
    const shared = want.sharedAccounts;
    const sharedLines: string[] = [];
    if (shared !== undefined && report.sharedAccounts.length !== shared) {
      problems.push(`${report.sharedAccounts.length} shared Confluence accounts (expected ${shared})`);
      for (const s of report.sharedAccounts)
        sharedLines.push(`${s.account} is claimed by ${s.users.join(" and ")}`);
    }
    if (!problems.length) return [];
    const bugs = report.differences.filter((d) => failing.has(`${d.kind} ${d.documented}`));
    return [
      `parity: ${problems.join(", ")} over ${report.users} users × ${report.items} items\n${indent([
        ...sharedLines,
        ...staleLines,
        ...bugs
          .slice(0, 20)
          .map(
            (d) =>
              `${d.kind} ${d.user} × ${d.item} "${d.title}": ${d.documented ? "(documented) " : ""}${d.reason}`,
          ),
      ])}${bugs.length > 20 ? `\n    … ${bugs.length - 20} more` : ""}${
        // The first difference explained in full: usually enough to see the pattern.
        bugs[0] ? `\n${indent(explainPair(ctx, bugs[0].user, bugs[0].item))}` : ""
      }`,
    ];
  },
});
