import { describe, expect, it } from "vitest";
import { BASE, followAll, get, makeTwin, pageId, spaceId } from "./helpers.ts";

describe("GET /pages/{id}/descendants", () => {
  const { fetch, store } = makeTwin();
  const home = pageId(store, "Home");

  it("lists visible descendants level by level, depth 2 by default", async () => {
    const { body } = await get(fetch, `/wiki/api/v2/pages/${home}/descendants`, "bob");
    expect(body.results.map((d: { title: string; depth: number }) => [d.title, d.depth])).toEqual([
      ["Design Notes", 1],
      ["Old Page", 1],
      ["Sub A", 2],
      ["Sub B", 2],
    ]);
    expect(body.results[2]).toEqual({
      id: pageId(store, "Sub A"),
      status: "current",
      title: "Sub A",
      type: "page",
      parentId: pageId(store, "Design Notes"),
      depth: 2,
      childPosition: 1,
      lastModified: "2026-03-01T00:00:00.000Z",
    });
    const alice = (await get(fetch, `/wiki/api/v2/pages/${home}/descendants?depth=1`)).body.results;
    expect(alice.map((d: { title: string }) => d.title)).toEqual([
      "Design Notes",
      "Secret Plans",
      "Old Page",
    ]);
  });

  it("pages through descendants with a cursor", async () => {
    const pages = await followAll(fetch, `/wiki/api/v2/pages/${home}/descendants?limit=2&depth=5`);
    const titles = pages.flatMap((p) => p.body.results.map((d: { title: string }) => d.title));
    expect(titles).toEqual(["Design Notes", "Secret Plans", "Old Page", "Sub A", "Sub B", "Secret Child"]);
    expect(pages.at(-1)?.body._links).toEqual({ base: BASE });
  });
});

describe("label pages and empty property lists", () => {
  const { fetch, store } = makeTwin();

  it("lists the pages carrying a label, dropping invisible ones", async () => {
    const labels = (await get(fetch, "/wiki/api/v2/labels?limit=250")).body.results;
    const id = (name: string) => labels.find((l: { name: string }) => l.name === name).id;
    const design = await get(fetch, `/wiki/api/v2/labels/${id("design")}/pages?body-format=storage`);
    expect(design.body.results.map((p: { title: string }) => p.title)).toEqual(["Design Notes"]);
    expect(design.body.results[0].body.storage.representation).toBe("storage");
    expect((await get(fetch, `/wiki/api/v2/labels/${id("secret")}/pages`, "bob")).body.results).toEqual([]);
    expect(
      (await get(fetch, `/wiki/api/v2/labels/${id("secret")}/pages`, "carol")).body.results,
    ).toHaveLength(1);
    expect((await get(fetch, `/wiki/api/v2/labels/${id("design")}/blogposts`)).body.results).toEqual([]);
    expect((await get(fetch, "/wiki/api/v2/labels/987654/pages")).status).toBe(404);
  });

  it("answers empty property and space-label lists in the list envelope", async () => {
    const eng = spaceId(store, "ENG");
    for (const path of [
      `/wiki/api/v2/pages/${pageId(store, "Home")}/properties`,
      `/wiki/api/v2/blogposts/${pageId(store, "Release Notes")}/properties`,
      `/wiki/api/v2/spaces/${eng}/properties`,
      `/wiki/api/v2/spaces/${eng}/labels`,
    ]) {
      expect((await get(fetch, path)).body).toEqual({ results: [], _links: { base: BASE } });
    }
  });
});
