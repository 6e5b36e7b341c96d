import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditCapture } from "../../src/capture/audit.ts";
import { loadCapture } from "../../src/capture/load.ts";
import { MAPPING_FILE, privateDirFor } from "../../src/capture/output.ts";
import { type MappingFile, Pseudonyms } from "../../src/capture/pseudonyms.ts";
import type { ConnectorSettings } from "../../src/scenarios/connector-settings.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { oracleInput } from "../../src/scenarios/oracle/input.ts";
import { type ParityReport, runParity } from "../../src/scenarios/oracle/parity.ts";
import { type RunOptions, runScenario } from "../../src/scenarios/runner.ts";
import { MUTANTS } from "../mutation/mutants.ts";
import { captureWorld } from "./support.ts";

/**
 * Capture of the Graph twin's index after a crawl, then `cgsim audit` on the capture: it must
 * report exactly what the live parity oracle reports for the same world — with a correct
 * connector, and after an injected connector bug.
 */

const key = (d: ParityReport["differences"][number]) =>
  `${d.kind} ${d.user} × ${d.item} ${d.documented ? "documented" : "bug"}: ${d.reason}`;

/**
 * Content the capturing account cannot view is invisible to the API, so it is not in the capture;
 * the live oracle lists it as documented ("the crawl account cannot view this content") when the
 * crawl account is the capturing account. Everything else must match exactly.
 */
function comparable(live: ParityReport, captured: Set<string>) {
  const invisible = live.differences.filter((d) => !captured.has(d.item));
  for (const d of invisible)
    expect(d.reason).toBe("the crawl account cannot view this content, so it cannot be indexed");
  return live.differences
    .filter((d) => captured.has(d.item))
    .map(key)
    .sort();
}

async function liveAndAudit(
  connector: ConnectorSettings,
  mutate?: RunOptions["connector"],
  anonymise = false,
) {
  let live: ParityReport | undefined;
  let out = "";
  const scenario = loadScenarioObject({ name: "crawl then capture", connector, steps: [{ crawl: "full" }] });
  const result = await runScenario(scenario, {
    connector: mutate,
    inspect: {
      fn: async (ctx) => {
        live = runParity(oracleInput(ctx));
        ({ out } = await captureWorld(ctx.world, { graph: true, emails: true, anonymise }));
      },
    },
  });
  expect(result.error).toBeUndefined();
  const audit = await auditCapture(out, { connector });
  const captured = new Set(
    loadCapture(out).site.spec.spaces?.flatMap(function ids(s): string[] {
      const walk = (ps: Array<{ id?: string; children?: unknown[] }>): string[] =>
        ps.flatMap((p) => [String(p.id), ...walk((p.children ?? []) as never)]);
      return [...walk(s.pages ?? []), ...walk(s.blogposts ?? [])];
    }),
  );
  return { live: live!, audit, out, captured, expected: comparable(live!, captured) };
}

describe("cgsim audit on a capture of a crawled world", () => {
  it("anonymised: the same differences up to the pseudonym mapping", async () => {
    const connector = {
      permissions: { mode: "onlyPeopleWithAccess", policy: "documented" },
    } as ConnectorSettings;
    const { live, audit, out, captured } = await liveAndAudit(connector, undefined, true);
    const mapping = JSON.parse(readFileSync(join(privateDirFor(out), MAPPING_FILE), "utf8")) as MappingFile;
    const upn = new Pseudonyms(mapping);
    const expected = live.differences
      .filter((d) => captured.has(d.item))
      .map((d) => `${d.kind} ${upn.upn(d.user)} × ${d.item} ${d.documented}`)
      .sort();
    expect(audit.findings.map((f) => `${f.kind} ${f.user} × ${f.item} ${f.documented}`).sort()).toEqual(
      expected,
    );
    expect(expected.length).toBeGreaterThan(5);
    // External group ids built from a Confluence group id keep that link, with the pseudonymous id.
    const groupIds = new Set(loadCapture(out).site.spec.groups?.map((g) => g.id?.replace(/-/g, "")));
    const linked = loadCapture(out).index!.externalGroups.filter((g) =>
      groupIds.has(g.id.replace(/^cg/, "")),
    );
    expect(linked.length).toBeGreaterThan(0);
    expect(audit.findings.some((f) => /contoso|alice|erin/i.test(f.explain.join("\n")))).toBe(false);
  });

  it.each([
    ["confluence policy", { permissions: { mode: "onlyPeopleWithAccess", policy: "confluence" } }],
    ["documented policy", { permissions: { mode: "onlyPeopleWithAccess", policy: "documented" } }],
  ] as const)("reports exactly the live oracle's differences (%s)", async (_name, connector) => {
    const { live, audit, expected } = await liveAndAudit(connector as ConnectorSettings);
    expect(audit.findings.map(key).sort()).toEqual(expected);
    expect(audit.report).toMatchObject({
      users: live.users,
      overExposed: live.overExposed,
      underExposed: live.underExposed,
    });
    expect(live.differences.length).toBeGreaterThan(0);
  });

  it("reports the same connector bug as the live oracle after an injected bug (ignore-ancestors)", async () => {
    const connector = {
      permissions: { mode: "onlyPeopleWithAccess", policy: "confluence" },
    } as ConnectorSettings;
    const { live, audit, expected } = await liveAndAudit(connector, MUTANTS.b.connector);
    expect(live.overExposed).toBeGreaterThan(0);
    expect(audit.findings.map(key).sort()).toEqual(expected);
    expect(audit.report.overExposed).toBe(live.overExposed);
    const bug = audit.findings.find((f) => !f.documented)!;
    expect(bug.explain.join("\n")).toMatch(/Verdict: OVER-EXPOSED[\s\S]*connector bug/);
  });
});
