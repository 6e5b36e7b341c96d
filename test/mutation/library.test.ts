/**
 * Mutation check: the bundled scenario library (scenarios/) must turn red when the connector has
 * a known permission, deletion or retry bug. Each mutant (./mutants.ts) is injected from here
 * through `RunOptions.connector`; production code is untouched.
 *
 * By default each mutant runs against the library scenarios that must catch it plus a few that
 * must not notice it (controls), which keeps this file to a few seconds. `CGSIM_MUTATION_FULL=1`
 * also runs every mutant against the whole library (scenarioFiles("scenarios")) and prints which
 * scenarios go red (the table in docs/qa-guide.md).
 */
import { describe, expect, it } from "vitest";
import type { Connector } from "../../src/connector/connector.ts";
import { failureText, runScenario, type ScenarioResult, scenarioFiles } from "../../src/scenarios/index.ts";
import { MUTANTS, type Mutant } from "./mutants.ts";

const LIBRARY = scenarioFiles("scenarios");

interface Case {
  mutant: Mutant;
  /** Library scenarios that must fail, each with a pattern its failure text must contain. */
  red: Array<[file: string, names: RegExp]>;
  /** Library scenarios this bug must not disturb. */
  green: string[];
}

const OVER = /Verdict: OVER-EXPOSED \(the index grants, Confluence denies\)/;

const CASES: Case[] = [
  {
    mutant: MUTANTS.a,
    red: [
      [
        "scenarios/smoke/crawl-and-search.yaml",
        /search as bob@contoso\.com for "salary": finds 1001 but should not/,
      ],
      [
        "scenarios/customer-bugs/s04-restricted-user-without-space.yaml",
        /acl 1004: grants .*unexpected \[erin@contoso\.com, frank@contoso\.com\]/,
      ],
      [
        "scenarios/permissions/ancestor-intersection-confluence.yaml",
        /acl 8101: grants .*unexpected \[bob@contoso\.com\]/,
      ],
      ["scenarios/customer-bugs/s02-inherited-restriction.yaml", OVER],
    ],
    green: [
      "scenarios/customer-bugs/s02-documented-policy.yaml", // documented policy: a restriction replaces the space
      "scenarios/customer-bugs/s31-token-revoked.yaml",
      "scenarios/resolver/url-forms.yaml",
    ],
  },
  {
    mutant: MUTANTS.b,
    red: [
      [
        "scenarios/customer-bugs/s02-inherited-restriction.yaml",
        /acl 2001: grants .*unexpected \[erin@contoso\.com\][\s\S]*view restriction on ancestor "Leadership compensation" \(2000\)/,
      ],
      [
        "scenarios/smoke/readme-restricted-child.yaml",
        /search as bob@contoso\.com for "appendix": finds 1006 but should not[\s\S]*view restriction on ancestor "Deprecated runbook" \(1005\)/,
      ],
      ["scenarios/permissions/ancestor-intersection-confluence.yaml", /restriction on ancestor/],
    ],
    green: [
      "scenarios/customer-bugs/s02-documented-policy.yaml", // ignores ancestors by definition
      "scenarios/permissions/ancestor-intersection-documented.yaml",
      "scenarios/customer-bugs/s04-restricted-user-without-space.yaml", // own restriction only
    ],
  },
  {
    mutant: MUTANTS.c,
    red: [
      [
        "scenarios/customer-bugs/s20-b2b-guest.yaml",
        /search as alice@contoso\.com for "contract": finds 4001 but should not/,
      ],
      [
        "scenarios/customer-bugs/s16-hidden-email.yaml",
        /acl 1008: grants .*unexpected \[erin@contoso\.com\]/,
      ],
      [
        "scenarios/customer-bugs/s17-email-not-upn.yaml",
        /overExposed \w+@contoso\.com × 1009 "Dave design doc"/,
      ],
    ],
    green: [
      "scenarios/customer-bugs/s19-non-aad-mapping.yaml", // its unmapped contractor is named by no restriction
      "scenarios/customer-bugs/s04-restricted-user-without-space.yaml",
      "scenarios/permissions/deny-all-no-space-permission.yaml",
    ],
  },
  {
    mutant: MUTANTS.d,
    red: [
      [
        "scenarios/customer-bugs/s31-token-revoked.yaml",
        /crawl full was expected to fail but completed[\s\S]*items: /,
      ],
      [
        "scenarios/crawl/deletions-need-complete-listing.yaml",
        /crawl full was expected to fail but completed[\s\S]*items: /,
      ],
      ["scenarios/customer-bugs/s30-three-scopes.yaml", /crawl full was expected to fail but completed/],
    ],
    green: [
      "scenarios/customer-bugs/s23-trashed-page.yaml", // deletions after complete listings still happen
      "scenarios/crawl/deletions-full-crawl.yaml",
      "scenarios/customer-bugs/s27-throttling.yaml", // 429s are retried below the swallowed errors
    ],
  },
  {
    mutant: MUTANTS.e,
    red: [
      [
        "scenarios/customer-bugs/s27-throttling.yaml",
        /retries: GET \/wiki\/\S+ retried at \S+, [\d.]+s before the Retry-After of request #\d+ elapsed/,
      ],
      [
        "scenarios/customer-bugs/s27-graph-throttling.yaml",
        /retries: GET \/v1\.0\/\S+ retried at \S+, [\d.]+s before the Retry-After of request #\d+ elapsed/,
      ],
      [
        "scenarios/faults/confluence-429-long-retry-after.yaml",
        /before the Retry-After of request #\d+ elapsed/,
      ],
    ],
    green: [
      "scenarios/smoke/crawl-and-search.yaml",
      "scenarios/customer-bugs/s31-token-revoked.yaml",
      "scenarios/faults/confluence-5xx-burst.yaml",
    ],
  },
  {
    mutant: MUTANTS.f,
    red: [
      [
        "scenarios/permissions/move-under-restricted-parent.yaml",
        /acl 8300: grants .*unexpected \[erin@contoso\.com\][\s\S]*search as erin@contoso\.com for "severance": finds 8300 but should not/,
      ],
    ],
    green: [
      "scenarios/customer-bugs/s02-inherited-restriction.yaml", // restriction changes on unmoved pages
      "scenarios/permissions/ancestor-intersection-confluence.yaml",
      "scenarios/smoke/crawl-and-search.yaml",
    ],
  },
];

/** Runs files up to four at a time (like `cgsim run`); every step runs so all failures show. */
async function runAll(files: string[], connector?: (c: Connector) => Connector): Promise<ScenarioResult[]> {
  const queue = [...files];
  const results = new Map<string, ScenarioResult>();
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      results.set(file, await runScenario(file, { connector, continueOnFailure: true }));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return files.map((f) => results.get(f)!);
}

describe("mutation check: the scenario library catches deliberate connector bugs", () => {
  const named = [...new Set(CASES.flatMap((c) => [...c.red.map(([f]) => f), ...c.green]))].sort();

  it("names only scenarios of the bundled library, and all of them pass on the real connector", async () => {
    expect(named.filter((f) => !LIBRARY.includes(f))).toEqual([]);
    const results = await runAll(named);
    expect(results.filter((r) => !r.ok).map((r) => `${r.file}\n${failureText(r)}`)).toEqual([]);
  }, 120_000);

  for (const { mutant, red, green } of CASES) {
    it(`${mutant.id}: ${mutant.bug}`, async () => {
      const results = await runAll([...red.map(([f]) => f), ...green], mutant.connector);
      const byFile = new Map(results.map((r) => [r.file, r]));
      for (const [file, names] of red) {
        const r = byFile.get(file)!;
        expect(r.ok, `${file} should fail under ${mutant.id}`).toBe(false);
        expect(failureText(r), `${file}: the failure should name the problem`).toMatch(names);
      }
      const disturbed = green.filter((f) => !byFile.get(f)!.ok);
      expect(disturbed, `scenarios unrelated to ${mutant.id} should still pass`).toEqual([]);
    }, 120_000);
  }
});

describe.runIf(process.env.CGSIM_MUTATION_FULL)("mutation check over the whole library", () => {
  for (const { mutant, red } of CASES) {
    it(`${mutant.id}: the named scenarios are among the library's red ones`, async () => {
      const results = await runAll(LIBRARY, mutant.connector);
      const failed = results.filter((r) => !r.ok).map((r) => r.file);
      console.log(
        `${mutant.id}: ${failed.length}/${results.length} scenarios red\n${failed.map((f) => `  ✗ ${f}`).join("\n")}`,
      );
      expect(failed).toEqual(expect.arrayContaining(red.map(([f]) => f)));
    }, 600_000);
  }
});
