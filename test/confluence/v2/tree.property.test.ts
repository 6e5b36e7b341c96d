import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Content } from "../../../src/simulators/confluence/model.ts";
import { followAll, get } from "./helpers.ts";
import { buildRandomSite, treeArb } from "./random-site.ts";

const shown = (c: Content) => c.status === "current" || c.status === "archived";

/**
 * The tree routes agree with a reference computed straight from the model: a user sees a page iff
 * its own and every ancestor's view restriction admit them (alice is in `eng`; nobody is in `hr`).
 */
describe("tree routes over random trees", () => {
  it("children, descendants and ancestors show exactly the visible pages", async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb,
        fc.nat(),
        fc.constantFrom("alice", "bob"),
        fc.integer({ min: 1, max: 7 }),
        async (tree, pick, user, limit) => {
          const { store, fetch } = buildRandomSite(tree);
          const admits = (c: Content) => {
            const r = c.restrictions.read;
            if (!r) return true;
            return user === "alice" && r.groups.includes(store.requireGroup("eng").id);
          };
          const chain = (c: Content): Content[] => {
            const out: Content[] = [];
            for (let p = c.parentId ? store.content.get(c.parentId) : undefined; p; ) {
              out.unshift(p);
              p = p.parentId ? store.content.get(p.parentId) : undefined;
            }
            return out;
          };
          const visible = (c: Content) => admits(c) && chain(c).every(admits);
          const pages = [...store.content.values()];
          const page = pages[pick % pages.length];
          const res = await get(fetch, `/wiki/api/v2/pages/${page.id}`, user);
          if (!visible(page) || !shown(page)) {
            expect(res.status).toBe(404);
            return;
          }
          expect(res.status).toBe(200);

          const kids = store.childrenOf(page.id).filter((c) => shown(c) && visible(c));
          const childPages = await followAll(
            fetch,
            `/wiki/api/v2/pages/${page.id}/children?limit=${limit}`,
            user,
          );
          expect(childPages.flatMap((p) => p.body.results.map((r: { id: string }) => r.id))).toEqual(
            kids.sort((a, b) => (a.position ?? 0) - (b.position ?? 0)).map((c) => c.id),
          );

          const expectedDescendants: { id: string; depth: number }[] = [];
          let level = [page];
          for (let depth = 1; depth <= 10 && level.length; depth++) {
            level = level.flatMap((p) => store.childrenOf(p.id).filter((c) => shown(c) && visible(c)));
            expectedDescendants.push(...level.map((c) => ({ id: c.id, depth })));
          }
          const descendantPages = await followAll(
            fetch,
            `/wiki/api/v2/pages/${page.id}/descendants?depth=10&limit=${limit}`,
            user,
          );
          expect(
            descendantPages.flatMap((p) =>
              p.body.results.map((r: { id: string; depth: number }) => ({ id: r.id, depth: r.depth })),
            ),
          ).toEqual(expectedDescendants);

          const ancestors = await get(fetch, `/wiki/api/v2/pages/${page.id}/ancestors`, user);
          expect(ancestors.body.results.map((a: { id: string }) => a.id)).toEqual(
            chain(page).map((c) => c.id),
          );
        },
      ),
      { numRuns: 80, seed: 4242 },
    );
  });
});
