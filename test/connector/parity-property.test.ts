import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import { accountIdFor, type PageSpec, type SiteSpec } from "../../src/simulators/confluence/seed.ts";
import { CONNECTION, configFor, connectorFor, makeWorld } from "./harness.ts";

const USERS = ["ann", "ben", "cat", "dan", "eve"];
const GROUPS = ["g1", "g2", "g3"];

const principals = fc
  .tuple(fc.subarray(USERS), fc.subarray(GROUPS))
  .map(([u, g]) => [...u.map((x) => `user:${x}`), ...g.map((x) => `group:${x}`)]);

/** A random page forest: each page has an optional read restriction (crawler always included). */
const pages = fc
  .array(fc.tuple(fc.nat(), fc.option(principals, { freq: 2 })), { minLength: 1, maxLength: 7 })
  .map((raw) => {
    const all: PageSpec[] = [];
    const roots: PageSpec[] = [];
    raw.forEach(([p, read], i) => {
      const page: PageSpec = { id: String(5000 + i), title: `P${i}` };
      if (read && read.length > 0) page.read = [...read, "user:svc"];
      const parent = i === 0 ? -1 : (p % (i + 1)) - 1;
      if (parent >= 0) {
        all[parent].children ??= [];
        all[parent].children!.push(page);
      } else roots.push(page);
      all.push(page);
    });
    return roots;
  });

const site = fc
  .record({
    members: fc.record(Object.fromEntries(GROUPS.map((g) => [g, fc.subarray(USERS)]))),
    view: principals,
    anonymousSpace: fc.boolean(),
    anonymousSite: fc.boolean(),
    hidden: fc.subarray(USERS, { maxLength: 2 }),
    inactive: fc.subarray(USERS, { maxLength: 1 }),
    pages,
  })
  .map((r): SiteSpec & { inactive: string[] } => ({
    site: { name: "acme", anonymousAccess: r.anonymousSite },
    users: [
      { name: "svc", email: "svc@acme.com", apiToken: "token-svc", admin: true },
      ...USERS.map((u) => ({
        name: u,
        email: `${u}@contoso.com`,
        emailHidden: r.hidden.includes(u),
        active: !r.inactive.includes(u),
      })),
    ],
    groups: [
      ...GROUPS.map((g) => ({ name: g, members: r.members[g] })),
      { name: "crawlers", members: ["svc"] },
    ],
    spaces: [
      {
        key: "RND",
        view: [...r.view, "group:crawlers", ...(r.anonymousSpace ? ["anonymous"] : [])],
        pages: r.pages,
      },
    ],
    inactive: r.inactive,
  }));

describe("end-to-end parity over random sites (policy confluence)", () => {
  it("search access equals Confluence's own answer for every user × item, unmapped users fail closed", async () => {
    await fc.assert(
      fc.asyncProperty(site, async ({ inactive: _inactive, ...spec }) => {
        const world = makeWorld(spec, {
          tenant: "contoso.com",
          users: USERS.map((u) => ({ upn: `${u}@contoso.com` })),
        });
        await connectorFor(world, configFor(world)).fullCrawl();
        const conn = world.graph.connection(CONNECTION)!;
        const { store } = world.confluence;
        for (const [id, item] of conn.items) {
          const everyone = item.acl.some((e) => e.type === "everyone" && e.accessType === "grant");
          for (const u of USERS) {
            const user = store.users.get(accountIdFor(u))!;
            const truth = new AccessEvaluator(store, { type: "user", accountId: user.accountId }).canView(
              store.requireContent(id),
            );
            const mapped = user.emailVisible && user.active;
            const found = world.graph.canAccess(`${u}@contoso.com`, CONNECTION, id);
            if (everyone) {
              // Anonymous content: every tenant user, including one whose Atlassian account is
              // deactivated (anyone can read it without logging in).
              if (user.active) expect(truth, `${u} on ${id}`).toBe(true);
              expect(found).toBe(true);
            } else expect(found, `${u} on ${id}`).toBe(truth && mapped);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
