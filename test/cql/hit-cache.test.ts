import { describe, expect, it } from "vitest";
import { type CqlSearchParams, searchByCql } from "../../src/simulators/confluence/cql/index.ts";
import { as, testSite } from "./site.ts";

/** Pages of one query followed by their cursors: the ids in order, and how many requests it took. */
function pageThrough(store: ReturnType<typeof testSite>, user: string, params: CqlSearchParams): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const r = searchByCql(as(store, user), { ...params, cursor });
    if (!r.ok) throw new Error(r.error.describe());
    out.push(...r.result.results.map((c) => c.id));
    cursor = r.result.nextCursor;
    if (!cursor) break;
  }
  return out;
}

const ids = (store: ReturnType<typeof testSite>, user: string, cql: string) => {
  const r = searchByCql(as(store, user), { cql, limit: 100 });
  if (!r.ok) throw new Error(r.error.describe());
  return r.result.results.map((c) => c.id);
};

describe("CQL hit lists kept per store revision and instant", () => {
  it("paging with a small limit gives exactly the one-page answer", () => {
    const store = testSite();
    const cql = "type in (page, blogpost) order by title";
    expect(pageThrough(store, "alice", { cql, limit: 2 })).toEqual(ids(store, "alice", cql));
  });

  it("a change between two searches shows in the second", () => {
    const store = testSite();
    const before = ids(store, "alice", "type = page and space = ENG");
    const page = store.addContent({
      type: "page",
      spaceId: store.requireSpace("ENG").id,
      title: "Fresh page",
      body: "<p>new</p>",
    });
    expect(ids(store, "alice", "type = page and space = ENG")).toEqual(
      expect.arrayContaining([...before, page.id]),
    );
    store.setStatus(page.id, "trashed");
    expect(ids(store, "alice", "type = page and space = ENG")).not.toContain(page.id);
  });

  it("moving the clock re-reads now()-relative queries", () => {
    const store = testSite();
    const cql = 'lastmodified >= now("-6h")';
    const recent = ids(store, "alice", cql);
    expect(recent.length).toBeGreaterThan(0);
    store.clock.advance(24 * 3600_000);
    expect(ids(store, "alice", cql)).toEqual([]);
  });

  it("each caller gets their own list", () => {
    const store = testSite();
    const cql = "type = page";
    expect(ids(store, "carol", cql)).not.toEqual(ids(store, "bob", cql));
    expect(ids(store, "bob", cql)).toEqual(ids(testSite(), "bob", cql));
  });
});
