import { MUTANTS } from "../mutation/mutants.ts";
import { checkParityProperty, type PropertyRun, type Sizes } from "../support/parity-cases.ts";

/**
 * The parity suite of `npm run fuzz`: the parity property of test/scenarios/parity-property.test.ts
 * over many more and bigger generated sites (up to 20 users, 3 spaces of up to 25 pages, 8
 * changes between the crawls), both permission policies.
 */
export const FUZZ_SIZES: Sizes = { users: 20, pages: 25, spaces: 3, changes: 8 };

export async function parityFuzz(seed: number, runs: number): Promise<PropertyRun> {
  return checkParityProperty({ numRuns: runs, seed, sizes: FUZZ_SIZES });
}

/** The suite's lines for the console. */
export function parityReport(run: PropertyRun, seconds: number): string[] {
  const { stats } = run;
  const documented = Object.entries(stats.documented)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ");
  const lines = [
    `${run.failure ? "✗" : "✓"} parity   ${stats.cases} generated sites (${Object.entries(stats.byPolicy)
      .map(([policy, n]) => `${n} ${policy}`)
      .join(", ")}) in ${seconds.toFixed(1)} s: ${stats.pairs} user × item pairs judged, ` +
      `${stats.undocumented} undocumented differences`,
    `  documented differences by cause: ${documented || "none"}`,
    `  freshness: ${stats.freshness.items} indexed items judged at the end of the cases, ${stats.freshness.stale} stale (undocumented); every crawl step also expects 0`,
  ];
  if (run.failure)
    lines.push(
      "",
      run.failure.text,
      "",
      "the shrunk case, ready to save under scenarios/ and replay with cgsim run:",
      run.failure.yaml,
    );
  return lines;
}

/**
 * The property's power: each permission mutant of the mutation suite (test/mutation/mutants.ts)
 * must be caught within `runs` cases. Lines for the console and whether all were caught.
 */
export async function mutantsFuzz(seed: number, runs: number): Promise<{ lines: string[]; ok: boolean }> {
  const lines: string[] = [];
  let ok = true;
  for (const mutant of [MUTANTS.a, MUTANTS.b, MUTANTS.c]) {
    const started = performance.now();
    const run = await checkParityProperty({
      numRuns: runs,
      seed,
      sizes: FUZZ_SIZES,
      connector: mutant.connector,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    ok &&= run.failure !== undefined;
    const first = run.failure?.text
      .split("\n")
      .find((l) => /^\s+(over|under)Exposed /.test(l))
      ?.trim();
    lines.push(
      run.failure
        ? `✓ mutant ${mutant.id}: caught (${run.stats.cases} cases with shrinking, ${seconds} s): ${first ?? run.failure.text.split("\n")[1]}`
        : `✗ mutant ${mutant.id}: not caught in ${runs} cases (${seconds} s)`,
    );
  }
  return { lines, ok };
}
