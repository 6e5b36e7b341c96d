import { describe, expect, it } from "vitest";
import { get, makeTwin, pageId, spaceId } from "./helpers.ts";

/**
 * What Confluence versions and what it does not (docs/fidelity/confluence.md): a title or body
 * edit is a new version; a move, a label change and a restriction change are not, so the page's
 * version and lastModified (what CQL `lastmodified` and incremental crawls read) stay.
 */
describe("page versions", () => {
  const { fetch, store } = makeTwin();
  const design = pageId(store, "Design Notes");
  const version = async (id: string) => (await get(fetch, `/wiki/api/v2/pages/${id}`)).body.version;

  it("a move, a label change and a restriction change keep the version; a title or body edit makes one", async () => {
    const before = await version(design);
    const subA = pageId(store, "Sub A");
    store.clock.advance(60_000);
    store.moveContent(design, null);
    store.moveContent(subA, null, spaceId(store, "HR"));
    store.addLabel(design, "moved");
    store.setRestriction(design, "read", { users: [], groups: [store.groupByName("eng")!.id] });
    // The move is visible, the version is not new.
    expect((await get(fetch, `/wiki/api/v2/pages/${design}`)).body.parentId).toBeNull();
    expect(await version(design)).toEqual(before);
    expect((await version(subA)).number).toBe(1);

    store.updateContent(design, { title: "Design Notes (moved)" });
    const edited = await version(design);
    expect(edited.number).toBe(before.number + 1);
    expect(Date.parse(edited.createdAt)).toBe(Date.parse(before.createdAt) + 60_000);
    store.updateContent(design, { body: "<p>new</p>" });
    expect((await version(design)).number).toBe(before.number + 2);
  });

  it("a moved page is not `lastmodified` after the move (CQL)", async () => {
    const { store: s, fetch: f } = makeTwin();
    const page = pageId(s, "Sub B");
    s.clock.advance(3_600_000);
    const since = new Date(s.clock.now() - 60_000).toISOString().slice(0, 16).replace("T", " ");
    s.moveContent(page, null);
    const cql = encodeURIComponent(`type = page and lastmodified >= "${since}"`);
    const hits = (await get(f, `/wiki/rest/api/content/search?cql=${cql}`)).body.results.map(
      (r: { id: string }) => r.id,
    );
    expect(hits).not.toContain(page);
    s.updateContent(page, { body: "<p>edited</p>" });
    const after = (await get(f, `/wiki/rest/api/content/search?cql=${cql}`)).body.results.map(
      (r: { id: string }) => r.id,
    );
    expect(after).toContain(page);
  });
});
