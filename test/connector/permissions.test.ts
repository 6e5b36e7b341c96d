import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AclPlanner } from "../../src/connector/acl.ts";
import type { AclEntry } from "../../src/connector/graph/client.ts";
import type { CrawledSpace, PrincipalSet } from "../../src/connector/model.ts";
import {
  audienceFor,
  confluenceAudience,
  documentedAudience,
  membersOf,
  simplify,
} from "../../src/connector/permissions.ts";

/** A random little site: users, groups, one space, a page tree with read restrictions. */
interface World {
  users: string[];
  groups: Record<string, string[]>;
  readers: PrincipalSet;
  anonymousRead: boolean;
  siteAnonymous: boolean;
  /** parent index (-1 = root) and own restriction per page. */
  pages: Array<{ parent: number; restriction: PrincipalSet | null }>;
}

const USERS = ["u0", "u1", "u2", "u3", "u4", "u5"];
const GROUPS = ["g0", "g1", "g2", "g3"];

const principalSet = fc.record({
  users: fc.subarray(USERS),
  groups: fc.subarray(GROUPS),
});

const world: fc.Arbitrary<World> = fc.record({
  users: fc.constant(USERS),
  groups: fc.record(Object.fromEntries(GROUPS.map((g) => [g, fc.subarray(USERS)]))),
  readers: principalSet,
  anonymousRead: fc.boolean(),
  siteAnonymous: fc.boolean(),
  pages: fc
    .array(fc.tuple(fc.nat(), fc.option(principalSet, { freq: 2 })), { minLength: 1, maxLength: 8 })
    .map((raw) =>
      raw.map(([p, restriction], i) => ({
        parent: i === 0 ? -1 : (p % (i + 1)) - 1,
        restriction:
          restriction && (restriction.users.length || restriction.groups.length) ? restriction : null,
      })),
    ),
});

const members = (w: World, s: PrincipalSet) => new Set([...s.users, ...s.groups.flatMap((g) => w.groups[g])]);

function ancestorsOf(w: World, i: number): number[] {
  const out: number[] = [];
  for (let p = w.pages[i].parent; p >= 0; p = w.pages[p].parent) out.unshift(p);
  return out;
}

/** Brute force: can `user` view page i in Confluence? */
function canView(w: World, user: string, i: number): boolean {
  const anonymous = w.anonymousRead && w.siteAnonymous;
  if (!anonymous && !members(w, w.readers).has(user)) return false;
  for (const j of [...ancestorsOf(w, i), i]) {
    const r = w.pages[j].restriction;
    if (r && !members(w, r).has(user)) return false;
  }
  return true;
}

function spaceOf(w: World): CrawledSpace {
  return {
    id: "1",
    key: "ENG",
    name: "Eng",
    url: "https://acme.atlassian.net/wiki/spaces/ENG",
    readers: w.readers,
    anonymousRead: w.anonymousRead,
    anonymousEffective: w.anonymousRead && w.siteAnonymous,
  };
}

/** Graph's rule: some grant matches and no deny matches (external groups hold Entra ids). */
function granted(acl: AclEntry[], planner: AclPlanner, entraId: string): boolean {
  const matches = (e: AclEntry) =>
    e.type === "everyone" ||
    (e.type === "user" && e.value === entraId) ||
    (e.type === "externalGroup" && (planner.groups.get(e.value)?.members.includes(entraId) ?? false));
  return (
    acl.some((e) => e.accessType === "grant" && matches(e)) &&
    !acl.some((e) => e.accessType === "deny" && matches(e))
  );
}

function plannerFor(w: World, unmapped: Set<string>) {
  return new AclPlanner({
    tenantId: "tenant",
    entraId: (a) => (unmapped.has(a) ? undefined : `e-${a}`),
    groupMembers: (g) => w.groups[g] ?? [],
    groupName: (g) => g,
  });
}

function audienceOfPage(w: World, i: number, policy: "confluence" | "documented") {
  const ancestors = ancestorsOf(w, i)
    .map((j) => w.pages[j].restriction)
    .filter((r): r is PrincipalSet => r !== null);
  return audienceFor(policy, { space: spaceOf(w), own: w.pages[i].restriction, ancestors });
}

describe("permission policy `confluence`", () => {
  it("the rendered ACL admits exactly the users who can view the page in Confluence", () => {
    fc.assert(
      fc.property(world, (w) => {
        const planner = plannerFor(w, new Set());
        w.pages.forEach((_, i) => {
          const { acl } = planner.resolve(audienceOfPage(w, i, "confluence"));
          for (const u of w.users)
            expect(granted(acl, planner, `e-${u}`), `${u} on page ${i}`).toBe(canView(w, u, i));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("unmappable users never widen access: grants = truth minus the unmapped", () => {
    fc.assert(
      fc.property(world, fc.subarray(USERS), (w, unmappedList) => {
        const unmapped = new Set(unmappedList);
        const planner = plannerFor(w, unmapped);
        w.pages.forEach((_, i) => {
          const audience = audienceOfPage(w, i, "confluence");
          const { acl } = planner.resolve(audience);
          for (const u of w.users) {
            // `everyone` names no identity, so mapping cannot matter there.
            const expected = canView(w, u, i) && (audience.kind === "everyone" || !unmapped.has(u));
            expect(granted(acl, planner, `e-${u}`)).toBe(expected);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it("never expands group members into item ACLs: entries are groups, mapped direct users or everyone", () => {
    fc.assert(
      fc.property(world, (w) => {
        const planner = plannerFor(w, new Set());
        w.pages.forEach((_, i) => {
          const audience = audienceOfPage(w, i, "confluence");
          const { acl } = planner.resolve(audience);
          const direct = new Set((audience.kind === "union" ? audience.set.users : []).map((u) => `e-${u}`));
          for (const e of acl) if (e.type === "user") expect(direct.has(e.value)).toBe(true);
        });
      }),
    );
  });

  it("pages sharing a restriction signature share one external group", () => {
    const space = spaceOf({
      users: USERS,
      groups: { g0: ["u0"], g1: [], g2: [], g3: [] },
      readers: { users: [], groups: ["g0"] },
      anonymousRead: false,
      siteAnonymous: false,
      pages: [],
    });
    const r = { users: ["u1"], groups: [] };
    const a = confluenceAudience({ space, own: r, ancestors: [] });
    const b = confluenceAudience({ space, own: null, ancestors: [r] });
    const planner = new AclPlanner({
      tenantId: "t",
      entraId: (x) => x,
      groupMembers: () => [],
      groupName: (g) => g,
    });
    expect(planner.resolve(a).acl).toEqual(planner.resolve(b).acl);
    expect(planner.groups.size).toBe(1);
  });

  it("anonymous space: everyone only when anonymous access is effective", () => {
    const base = { id: "1", key: "PUB", name: "Pub", url: "u", readers: { users: [], groups: [] } };
    expect(
      confluenceAudience({
        space: { ...base, anonymousRead: true, anonymousEffective: true },
        own: null,
        ancestors: [],
      }),
    ).toEqual({ kind: "everyone" });
    expect(
      confluenceAudience({
        space: { ...base, anonymousRead: true, anonymousEffective: false },
        own: null,
        ancestors: [],
      }),
    ).toEqual({ kind: "nobody" });
    // A restricted page in an anonymous space is the restriction, not everyone (S05).
    expect(
      confluenceAudience({
        space: { ...base, anonymousRead: true, anonymousEffective: true },
        own: { users: [], groups: ["legal"] },
        ancestors: [],
      }),
    ).toEqual({ kind: "union", set: { users: [], groups: ["legal"] } });
  });
});

describe("permission policy `documented`", () => {
  it("own restriction replaces the space; parents ignored; anonymous spaces → everyone", () => {
    fc.assert(
      fc.property(world, (w) => {
        const planner = plannerFor(w, new Set());
        w.pages.forEach((page, i) => {
          const { acl } = planner.resolve(audienceOfPage(w, i, "documented"));
          for (const u of w.users) {
            const expected = page.restriction
              ? members(w, page.restriction).has(u)
              : w.anonymousRead || members(w, w.readers).has(u);
            expect(granted(acl, planner, `e-${u}`)).toBe(expected);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it("reproduces the documented over-exposure of S02 (child of a restricted parent)", () => {
    const space = {
      id: "1",
      key: "HR",
      name: "HR",
      url: "u",
      readers: { users: [], groups: ["hr"] },
      anonymousRead: false,
      anonymousEffective: false,
    };
    const parent = { users: [], groups: ["hr-leads"] };
    expect(documentedAudience({ space, own: null, ancestors: [parent] })).toEqual({
      kind: "union",
      set: { users: [], groups: ["hr"] },
    });
    expect(confluenceAudience({ space, own: null, ancestors: [parent] })).toEqual({
      kind: "intersection",
      sets: [
        { users: [], groups: ["hr"] },
        { users: [], groups: ["hr-leads"] },
      ],
    });
  });
});

describe("simplify", () => {
  it("admits exactly the intersection of the sets' members", () => {
    fc.assert(
      fc.property(world, fc.array(principalSet, { minLength: 1, maxLength: 4 }), (w, sets) => {
        const expected = [...USERS].filter((u) => sets.every((s) => members(w, s).has(u)));
        const got = membersOf(simplify(sets), (g) => w.groups[g], USERS);
        expect([...got].sort()).toEqual(expected);
      }),
    );
  });
});
