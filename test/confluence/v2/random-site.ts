import fc from "fast-check";
import type { ContentStatus } from "../../../src/simulators/confluence/model.ts";
import { makeTwin, spaceId } from "./helpers.ts";

/**
 * Random sites for property tests: a page forest over two spaces with random statuses, view
 * restrictions (to groups `eng`, which alice is in, or `hr`, which nobody is in), dates and titles.
 */
export const treeArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
    statuses: fc.array(fc.constantFrom<ContentStatus>("current", "current", "archived", "trashed", "draft"), {
      minLength: n,
      maxLength: n,
    }),
    restricted: fc.array(fc.constantFrom("none", "none", "none", "eng", "hr"), {
      minLength: n,
      maxLength: n,
    }),
    times: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
    titles: fc.array(fc.constantFrom("alpha", "Beta", "gamma", "delta", "Zed"), {
      minLength: n,
      maxLength: n,
    }),
    inOtherSpace: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  }),
);

export type Tree = typeof treeArb extends fc.Arbitrary<infer T> ? T : never;

export function buildRandomSite(tree: Tree) {
  const t = makeTwin({
    users: [{ name: "alice" }, { name: "bob" }],
    groups: [{ name: "eng", members: ["alice"] }, { name: "hr" }],
    spaces: [{ key: "A" }, { key: "B" }],
  });
  const ids: string[] = [];
  const n = tree.parents.length;
  for (let i = 0; i < n; i++) {
    const parentIdx = tree.parents[i];
    const parent = parentIdx >= 0 ? t.store.content.get(ids[parentIdx]) : undefined;
    const space = parent ? parent.spaceId : spaceId(t.store, tree.inOtherSpace[i] ? "B" : "A");
    const c = t.store.addContent({
      type: "page",
      spaceId: space,
      parentId: parent?.id ?? null,
      title: `${tree.titles[i]} ${i}`,
      status: tree.statuses[i],
      createdAt: Date.UTC(2026, 0, 1 + tree.times[i]),
      lastModified: Date.UTC(2026, 0, 1 + ((tree.times[i] * 7) % 5)),
    });
    ids.push(c.id);
    if (tree.restricted[i] !== "none")
      t.store.setRestriction(c.id, "read", {
        users: [],
        groups: [t.store.requireGroup(tree.restricted[i]).id],
      });
  }
  return t;
}
