import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AccessEvaluator, canEdit } from "../../src/simulators/confluence/permissions.ts";
import {
  accountIdFor,
  buildSite,
  type PageSpec,
  type SiteSpec,
} from "../../src/simulators/confluence/seed.ts";
import type { ConfluenceStore } from "../../src/simulators/confluence/store.ts";
import { SimClock } from "../../src/simulators/host/clock.ts";

const clock = () => new SimClock("2026-01-01T00:00:00Z");
const user = (name: string) => ({ type: "user" as const, accountId: accountIdFor(name) });
const pageByTitle = (store: ConfluenceStore, title: string) =>
  [...store.content.values()].find((c) => c.title === title)!;
const sees = (store: ConfluenceStore, who: Parameters<typeof user>[0] | "anonymous", title: string) =>
  new AccessEvaluator(store, who === "anonymous" ? { type: "anonymous" } : user(who)).canView(
    pageByTitle(store, title),
  );

const base: SiteSpec = {
  users: [
    { name: "alice" },
    { name: "bob" },
    { name: "carol" },
    { name: "gus", guest: true },
    { name: "olga", active: false },
  ],
  groups: [
    { name: "eng", members: ["alice", "bob"] },
    { name: "leads", members: ["alice", "carol"] },
  ],
};

describe("space permission", () => {
  const store = buildSite(
    {
      ...base,
      spaces: [
        { key: "ENG", view: ["group:eng"], pages: [{ title: "Eng home" }] },
        { key: "ALL", pages: [{ title: "All home" }] },
        { key: "GUEST", view: ["group:confluence-users", "user:gus"], pages: [{ title: "Guest home" }] },
      ],
    },
    clock(),
  );

  it("grants view through a group and hides the space from non-members", () => {
    expect(sees(store, "alice", "Eng home")).toBe(true);
    expect(sees(store, "carol", "Eng home")).toBe(false);
  });

  it("gives product access through confluence-users by default", () => {
    expect(sees(store, "carol", "All home")).toBe(true);
  });

  it("lets guests see only spaces that grant them directly", () => {
    expect(sees(store, "gus", "All home")).toBe(false);
    expect(sees(store, "gus", "Guest home")).toBe(true);
  });

  it("denies deactivated accounts everywhere", () => {
    expect(sees(store, "olga", "All home")).toBe(false);
  });
});

describe("page restrictions", () => {
  const spec: SiteSpec = {
    ...base,
    spaces: [
      {
        key: "ENG",
        pages: [
          {
            title: "Parent",
            read: ["group:eng"],
            children: [
              { title: "Child", children: [{ title: "Grandchild" }] },
              { title: "Narrowed", read: ["group:leads"] },
              { title: "Widened", read: ["user:carol", "group:eng"] },
            ],
          },
          { title: "Edit-only", update: ["user:alice"], children: [{ title: "Under edit-only" }] },
          { title: "Read via edit list", read: ["user:bob"], update: ["user:carol"] },
        ],
      },
    ],
  };
  const store = buildSite(spec, clock());

  it("inherits a view restriction down the whole tree", () => {
    expect(sees(store, "bob", "Grandchild")).toBe(true);
    expect(sees(store, "carol", "Child")).toBe(false);
    expect(sees(store, "carol", "Grandchild")).toBe(false);
  });

  it("intersects the page's restriction with every restricted ancestor", () => {
    expect(sees(store, "alice", "Narrowed")).toBe(true); // eng ∧ leads
    expect(sees(store, "bob", "Narrowed")).toBe(false); // eng only
    expect(sees(store, "carol", "Narrowed")).toBe(false); // leads only
  });

  it("never lets a child widen what an ancestor restricts", () => {
    expect(sees(store, "carol", "Widened")).toBe(false);
    expect(sees(store, "bob", "Widened")).toBe(true);
  });

  it("does not inherit or hide with edit restrictions", () => {
    expect(sees(store, "bob", "Edit-only")).toBe(true);
    expect(sees(store, "bob", "Under edit-only")).toBe(true);
    const bob = new AccessEvaluator(store, user("bob"));
    const alice = new AccessEvaluator(store, user("alice"));
    expect(canEdit(bob, pageByTitle(store, "Edit-only"))).toBe(false);
    expect(canEdit(alice, pageByTitle(store, "Edit-only"))).toBe(true);
    expect(canEdit(bob, pageByTitle(store, "Under edit-only"))).toBe(true);
  });

  it("admits people named in the same page's edit restriction", () => {
    expect(sees(store, "carol", "Read via edit list")).toBe(true);
    expect(sees(store, "alice", "Read via edit list")).toBe(false);
  });

  it("explains each layer in words", () => {
    const decision = new AccessEvaluator(store, user("bob")).explain(pageByTitle(store, "Narrowed"));
    expect(decision.allowed).toBe(false);
    expect(decision.reasons.map((r) => [r.check, r.ok])).toEqual([
      ["site", true],
      ["space", true],
      ["restriction", true],
      ["restriction", false],
    ]);
    expect(decision.reasons[2].detail).toContain('ancestor "Parent"');
    expect(decision.reasons[3].detail).toContain("does not list user Bob");
  });
});

describe("anonymous access needs both switches", () => {
  const make = (siteAnonymous: boolean, spaceAnonymous: boolean) =>
    buildSite(
      {
        ...base,
        site: { anonymousAccess: siteAnonymous },
        spaces: [
          {
            key: "PUB",
            view: spaceAnonymous ? ["anonymous", "group:confluence-users"] : undefined,
            pages: [{ title: "Public", children: [{ title: "Secret", read: ["user:alice"] }] }],
          },
        ],
      },
      clock(),
    );

  it.each([
    [true, true, true],
    [true, false, false],
    [false, true, false],
    [false, false, false],
  ])("site %s, space %s → anonymous sees: %s", (site, space, expected) => {
    expect(sees(make(site, space), "anonymous", "Public")).toBe(expected);
  });

  it("still applies restrictions to anonymous users", () => {
    expect(sees(make(true, true), "anonymous", "Secret")).toBe(false);
  });
});

describe("the evaluator equals a brute-force reference on random sites", () => {
  const users = ["u0", "u1", "u2", "u3"];
  const groups = ["g0", "g1", "g2"];
  const principal = fc.oneof(
    fc.constantFrom(...users.map((u) => `user:${u}`)),
    fc.constantFrom(...groups.map((g) => `group:${g}`)),
  );
  const restriction = fc.option(fc.uniqueArray(principal, { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  });
  const arbitrary = fc.record({
    membership: fc.array(fc.tuple(fc.constantFrom(...groups), fc.constantFrom(...users)), { maxLength: 8 }),
    spaceView: fc.uniqueArray(principal, { maxLength: 3 }),
    // A tree as parent pointers: node i's parent is an earlier node or none.
    nodes: fc.array(
      fc.record({ parent: fc.nat(), root: fc.boolean(), read: restriction, update: restriction }),
      {
        minLength: 1,
        maxLength: 12,
      },
    ),
  });

  it("for every user and page", () => {
    fc.assert(
      fc.property(arbitrary, ({ membership, spaceView, nodes }) => {
        const members = (g: string) => membership.filter(([mg]) => mg === g).map(([, u]) => u);
        const parentOf = nodes.map((n, i) => (i === 0 || n.root ? -1 : n.parent % i));
        const tree = (parent: number): PageSpec[] =>
          nodes
            .map((n, i) => ({ n, i }))
            .filter(({ i }) => parentOf[i] === parent)
            .map(({ n, i }) => ({ title: `p${i}`, read: n.read, update: n.update, children: tree(i) }));
        const store = buildSite(
          {
            users: users.map((name) => ({ name })),
            groups: groups.map((name) => ({ name, members: [...new Set(members(name))] })),
            spaces: [{ key: "S", view: spaceView, pages: tree(-1) }],
          },
          clock(),
        );
        const inGroups = (u: string) => new Set(groups.filter((g) => members(g).includes(u)));
        const admits = (list: string[] | undefined, u: string) =>
          list?.some((p) => p === `user:${u}` || (p.startsWith("group:") && inGroups(u).has(p.slice(6)))) ??
          false;
        for (const u of users) {
          const evaluator = new AccessEvaluator(store, user(u));
          for (let i = 0; i < nodes.length; i++) {
            let expected = admits(spaceView, u);
            for (let j = i; j !== -1; j = parentOf[j]) {
              if (nodes[j].read && !admits(nodes[j].read, u) && !admits(nodes[j].update, u)) expected = false;
            }
            expect(evaluator.canView(pageByTitle(store, `p${i}`))).toBe(expected);
            expect(evaluator.explain(pageByTitle(store, `p${i}`)).allowed).toBe(expected);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
