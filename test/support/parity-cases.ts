import fc from "fast-check";
import { stringify } from "yaml";
import { type GeneratorSpec, generateFixtures } from "../../src/fixture-formats/generator.ts";
import type { SiteFile } from "../../src/fixture-formats/site-schema.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import type { CauseCode } from "../../src/scenarios/oracle/causes.ts";
import { oracleInput } from "../../src/scenarios/oracle/input.ts";
import { type ParityReport, runParity } from "../../src/scenarios/oracle/parity.ts";
import { type RunOptions, runScenario } from "../../src/scenarios/runner.ts";
import type { PageSpec } from "../../src/simulators/confluence/seed.ts";

/**
 * The parity property's cases: a generated site (a generator spec and a seed), the built-in
 * connector's permission settings, a first full crawl, changes an admin makes (moves,
 * restrictions, group members, hidden emails, anonymous access, edits) and a second crawl. Each case
 * is an ordinary scenario with the site inline, so a failing case prints as a file to save under
 * scenarios/ and replay with `cgsim run`.
 */

export interface Sizes {
  users: number;
  pages: number;
  spaces: number;
  changes: number;
}

/** Small enough for `npm test`; the fuzz run passes bigger ones. */
export const SMALL: Sizes = { users: 8, pages: 8, spaces: 2, changes: 3 };

/** A change drawn before the site exists: indices are taken modulo what the site has. */
type ChangeDraw =
  | { kind: "move"; page: number; parent: number; toRoot: boolean; otherSpace: boolean }
  | { kind: "restrict"; page: number; users: number[]; groups: number[]; crawler: boolean }
  | { kind: "unrestrict"; page: number }
  | { kind: "group"; group: number; user: number; add: boolean }
  | { kind: "hideEmail"; user: number; hidden: boolean }
  | { kind: "anonymous"; space: number; grant: boolean }
  | { kind: "edit"; page: number }
  | { kind: "label"; page: number; label: number }
  | { kind: "status"; page: number; to: "trash" | "archive" | "restore" }
  | { kind: "active"; user: number; active: boolean };

export interface ParityCase {
  spec: GeneratorSpec;
  seed: number;
  permissions: {
    policy: "confluence" | "documented";
    anonymousAs: "everyone" | "everyoneExceptGuests";
    documentedSpacePermissions: "honored" | "ignored";
  };
  /** The connection's own item limit (Graph refuses new items above it: documented quota). */
  itemLimit: number | null;
  /** A CQL filter `space = KEY` on the n-th space (items outside it are documented as excluded). */
  cqlSpace: number | null;
  changes: ChangeDraw[];
  second: "full" | "incremental";
}

const share = fc.constantFrom(0, 0.1, 0.3, 0.6, 1);
// Restricted pages matter to parity only when the crawl account may read them (else they are
// simply not indexed), so restrictions mostly name it.
const crawlerShare = fc.constantFrom(0.5, 0.8, 1);

const changeDraw: fc.Arbitrary<ChangeDraw> = fc.oneof(
  fc.record({
    kind: fc.constant("move" as const),
    page: fc.nat(),
    parent: fc.nat(),
    toRoot: fc.boolean(),
    otherSpace: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("restrict" as const),
    page: fc.nat(),
    users: fc.array(fc.nat(), { maxLength: 2 }),
    groups: fc.array(fc.nat(), { maxLength: 2 }),
    crawler: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("unrestrict" as const), page: fc.nat() }),
  fc.record({ kind: fc.constant("group" as const), group: fc.nat(), user: fc.nat(), add: fc.boolean() }),
  fc.record({ kind: fc.constant("hideEmail" as const), user: fc.nat(), hidden: fc.boolean() }),
  fc.record({ kind: fc.constant("anonymous" as const), space: fc.nat(), grant: fc.boolean() }),
  fc.record({ kind: fc.constant("edit" as const), page: fc.nat() }),
  fc.record({ kind: fc.constant("label" as const), page: fc.nat(), label: fc.nat({ max: 3 }) }),
  fc.record({
    kind: fc.constant("status" as const),
    page: fc.nat(),
    to: fc.constantFrom("trash" as const, "archive" as const, "restore" as const),
  }),
  fc.record({ kind: fc.constant("active" as const), user: fc.nat(), active: fc.boolean() }),
);

export function parityCase(sizes: Sizes = SMALL): fc.Arbitrary<ParityCase> {
  // Unbiased: fast-check's bias toward tiny values would spend a short run on one-page sites.
  // Shrinking still reaches the smallest failing site.
  return fc.noBias(
    fc.record({
      spec: fc.record({
        users: fc.integer({ min: 1, max: sizes.users }),
        groups: fc.integer({ min: 0, max: 3 }),
        groupSize: fc.constant({ min: 1, max: Math.max(1, Math.ceil(sizes.users / 2)) }),
        spaces: fc.integer({ min: 1, max: sizes.spaces }),
        pagesPerSpace: fc.integer({ min: 1, max: sizes.pages }),
        blogpostsPerSpace: fc.integer({ min: 0, max: 1 }),
        treeDepth: fc.integer({ min: 2, max: 4 }),
        nestedGroups: fc.integer({ min: 0, max: 3 }),
        shares: fc.record({
          restrictedPages: share,
          crawlerInRestrictions: crawlerShare,
          anonymousSpaces: share,
          hiddenEmails: share,
          guests: share,
          deactivated: share,
          emailVariants: share,
          emailNotUpn: share,
        }),
        bodies: fc.constant({ medianBytes: 40, largeShare: 0 }),
        labels: fc.constant({ vocabulary: 4, maxPerPage: 1 }),
      }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      permissions: fc.record({
        policy: fc.constantFrom("confluence" as const, "documented" as const),
        anonymousAs: fc.constantFrom("everyone" as const, "everyoneExceptGuests" as const),
        documentedSpacePermissions: fc.constantFrom("honored" as const, "ignored" as const),
      }),
      itemLimit: fc.option(fc.integer({ min: 0, max: sizes.pages * sizes.spaces }), { freq: 4 }),
      cqlSpace: fc.option(fc.nat(), { freq: 4 }),
      changes: fc.array(changeDraw, { maxLength: sizes.changes }),
      second: fc.constantFrom("full" as const, "incremental" as const),
    }),
  );
}

/** The case as a scenario object (what `loadScenarioObject` takes, and what the YAML file holds). */
export function caseScenario(c: ParityCase): Record<string, unknown> {
  const { site, directory } = generateFixtures(c.spec, c.seed);
  const pages = numberContent(site);
  // Permissions and freshness (title, body, url, labels) alike.
  const parity = { overExposed: 0, underExposed: 0, stale: 0 };
  const changes = resolveChanges(c.changes, site, pages);
  const keys = (site.spaces ?? []).map((s) => s.key);
  const cql = c.cqlSpace === null || !keys.length ? {} : { cql: `space = ${keys[c.cqlSpace % keys.length]}` };
  return {
    name: `parity holds on a generated site (seed ${c.seed}, ${c.permissions.policy} policy)`,
    description: `Generated from ${JSON.stringify({ ...c.spec, seed: c.seed })}`,
    tags: ["parity", "generated"],
    seed: c.seed,
    site,
    directory,
    connector: { permissions: c.permissions, ...cql },
    steps: [
      ...(c.itemLimit === null ? [] : [{ graph: { quota: { perConnection: c.itemLimit } } }]),
      { crawl: "full" },
      { expect: { parity } },
      ...(changes.length
        ? [{ confluence: changes }, { clock: { advance: "1h" } }, { crawl: c.second }, { expect: { parity } }]
        : []),
      // After an incremental crawl, a full one must leave nothing for staleness to excuse.
      ...(changes.length && c.second === "incremental"
        ? [{ clock: { advance: "1h" } }, { crawl: "full" }, { expect: { parity } }]
        : []),
    ],
  };
}

/** The ready-to-save scenario file of a case. */
export function caseYaml(c: ParityCase): string {
  const yaml = stringify(caseScenario(c), { aliasDuplicateObjects: false });
  return `# yaml-language-server: $schema=../../schemas/scenario.schema.json\n${yaml}`;
}

/** What one case showed: the failure text (undefined when parity held) and the final parity report. */
export interface CaseOutcome {
  failure?: string;
  report?: ParityReport;
}

/** Runs a case: parity must hold after each crawl. `connector` swaps the built-in connector (mutants). */
export async function runCase(c: ParityCase, connector?: RunOptions["connector"]): Promise<CaseOutcome> {
  let report: ParityReport | undefined;
  const result = await runScenario(loadScenarioObject(caseScenario(c), "parity-case.yaml"), {
    connector,
    inspect: {
      fn: (ctx) => {
        report = runParity(oracleInput(ctx));
      },
    },
  });
  if (result.ok) return { report };
  const failure =
    result.error ??
    result.steps
      .filter((s) => !s.ok)
      .flatMap((s) => [`step ${s.index + 1} (${s.kind}):`, ...s.failures])
      .join("\n");
  return { failure, report };
}

/** Totals over the cases a property run saw. */
export interface ParityStats {
  cases: number;
  byPolicy: Record<string, number>;
  /** User × item pairs judged (final state of each case). */
  pairs: number;
  documented: Partial<Record<CauseCode, number>>;
  undocumented: number;
  /** Indexed items the freshness oracle judged (final state of each case), and how many were stale. */
  freshness: { items: number; stale: number };
}

export interface PropertyRun {
  stats: ParityStats;
  /** The shrunk counterexample: what failed, and the scenario file that replays it. */
  failure?: { text: string; yaml: string; seed: number; path?: string };
}

/**
 * The parity property: over generated sites and changes, the built-in connector leaves no
 * undocumented difference. A failure is shrunk by fast-check to a minimal case and printed as a
 * ready-to-save scenario file.
 */
export async function checkParityProperty(options: {
  numRuns: number;
  seed: number;
  sizes?: Sizes;
  connector?: RunOptions["connector"];
}): Promise<PropertyRun> {
  const stats: ParityStats = {
    cases: 0,
    byPolicy: {},
    pairs: 0,
    documented: {},
    undocumented: 0,
    freshness: { items: 0, stale: 0 },
  };
  let last: { c: ParityCase; failure: string } | undefined;
  const details = await fc.check(
    fc.asyncProperty(parityCase(options.sizes), async (c) => {
      const { failure, report } = await runCase(c, options.connector);
      stats.cases++;
      stats.byPolicy[c.permissions.policy] = (stats.byPolicy[c.permissions.policy] ?? 0) + 1;
      for (const d of report?.differences ?? []) {
        if (d.documented) stats.documented[d.cause.code] = (stats.documented[d.cause.code] ?? 0) + 1;
        else stats.undocumented++;
      }
      stats.pairs += (report?.users ?? 0) * (report?.items ?? 0);
      stats.freshness.items += report?.freshness.items ?? 0;
      stats.freshness.stale += report?.freshness.stale ?? 0;
      if (failure) last = { c, failure };
      return failure === undefined;
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
  if (!details.failed) return { stats };
  const c = details.counterexample?.[0] ?? last?.c;
  const text =
    last && c === last.c
      ? last.failure
      : ((await runCase(c!, options.connector)).failure ?? String(details.errorInstance));
  return {
    stats,
    failure: { text, yaml: caseYaml(c!), seed: details.seed, path: details.counterexamplePath ?? undefined },
  };
}

/** Gives every page and blog post an id (in site order) and returns the page ids with their space and parent. */
function numberContent(site: SiteFile): Array<{ id: string; space: string; parent?: string; blog: boolean }> {
  const out: Array<{ id: string; space: string; parent?: string; blog: boolean }> = [];
  let next = 10_000;
  const walk = (list: PageSpec[] | undefined, space: string, parent: string | undefined, blog: boolean) => {
    for (const p of list ?? []) {
      p.id = String(next++);
      out.push({ id: p.id, space, parent, blog });
      walk(p.children, space, p.id, blog);
    }
  };
  for (const s of site.spaces ?? []) {
    walk(s.pages, s.key, undefined, false);
    walk(s.blogposts, s.key, undefined, true);
  }
  return out;
}

/**
 * Concrete `confluence` changes for the drawn ones, valid for the site: moves never go under the
 * page's own subtree (tracked as they apply); names exist.
 */
function resolveChanges(
  draws: ChangeDraw[],
  site: SiteFile,
  content: Array<{ id: string; space: string; parent?: string; blog: boolean }>,
): Record<string, unknown>[] {
  const pages = content.filter((p) => !p.blog);
  const users = (site.users ?? []).map((u) => u.name).filter((n) => n !== "svc-crawler");
  const groups = (site.groups ?? []).map((g) => g.name);
  const spaces = (site.spaces ?? []).map((s) => s.key);
  const parent = new Map(pages.map((p) => [p.id, p.parent]));
  const spaceOf = new Map(pages.map((p) => [p.id, p.space]));
  const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
  const within = (id: string, ancestor: string): boolean => {
    for (let at: string | undefined = id; at; at = parent.get(at)) if (at === ancestor) return true;
    return false;
  };
  const out: Record<string, unknown>[] = [];
  for (const d of draws) {
    switch (d.kind) {
      case "move": {
        const page = pick(pages, d.page);
        if (!page) break;
        const otherSpace = d.otherSpace && spaces.length > 1;
        const space = otherSpace
          ? pick(
              spaces.filter((s) => s !== spaceOf.get(page.id)),
              d.parent,
            )
          : undefined;
        const target = d.toRoot || otherSpace ? undefined : pick(pages, d.parent);
        if (target && (within(target.id, page.id) || spaceOf.get(target.id) !== spaceOf.get(page.id))) break;
        parent.set(page.id, target?.id);
        // The whole subtree follows a move across spaces.
        if (space) for (const p of pages) if (within(p.id, page.id)) spaceOf.set(p.id, space);
        out.push({ move: { page: page.id, parent: target?.id ?? null, ...(space ? { space } : {}) } });
        break;
      }
      case "restrict": {
        const page = pick(content, d.page);
        const read = [
          ...d.users
            .map((u) => pick(users, u))
            .filter(Boolean)
            .map((u) => `user:${u}`),
          ...d.groups
            .map((g) => pick(groups, g))
            .filter(Boolean)
            .map((g) => `group:${g}`),
          ...(d.crawler ? ["user:svc-crawler"] : []),
        ];
        if (page && read.length) out.push({ restrict: { page: page.id, read: [...new Set(read)] } });
        break;
      }
      case "unrestrict": {
        const page = pick(content, d.page);
        if (page) out.push({ unrestrict: { page: page.id, operation: "read" } });
        break;
      }
      case "group": {
        const group = pick(groups, d.group);
        const user = pick(users, d.user);
        if (group && user) out.push({ group: { name: group, [d.add ? "add" : "remove"]: [user] } });
        break;
      }
      case "hideEmail": {
        const user = pick(users, d.user);
        if (user) out.push({ hideEmail: { user, hidden: d.hidden } });
        break;
      }
      case "anonymous": {
        const space = pick(spaces, d.space);
        if (space) out.push({ spacePermission: { space, [d.grant ? "grant" : "revoke"]: ["anonymous"] } });
        break;
      }
      case "edit": {
        const page = pick(content, d.page);
        if (page)
          out.push({ edit: { page: page.id, title: `Edited ${page.id}`, body: `<p>edited ${page.id}</p>` } });
        break;
      }
      case "label": {
        const page = pick(content, d.page);
        if (page) out.push({ label: { page: page.id, add: [`fresh-${d.label}`] } });
        break;
      }
      case "status": {
        const page = pick(content, d.page);
        if (page) out.push({ [d.to]: page.id });
        break;
      }
      case "active": {
        const user = pick(users, d.user);
        if (user) out.push({ user: { name: user, active: d.active } });
        break;
      }
    }
  }
  return out;
}
