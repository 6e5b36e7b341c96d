import { describe, expect, it } from "vitest";
import { BASE, get, makeTwin, pageId, spaceId } from "./helpers.ts";

const keys = (body: { results: { key: string }[] }) => body.results.map((s) => s.key);

describe("GET /spaces", () => {
  const { fetch, store } = makeTwin();
  const eng = spaceId(store, "ENG");
  const pub = spaceId(store, "PUB");

  it("lists visible spaces by id with the bulk shape", async () => {
    const { status, body, headers } = await get(fetch, "/wiki/api/v2/spaces", "carol");
    expect(status).toBe(200);
    expect(headers.get("link")).toBeNull();
    expect(keys(body)).toEqual(["ENG", "HR", "PUB"]);
    expect(body.results[0]).toEqual({
      id: eng,
      key: "ENG",
      name: "Engineering",
      type: "global",
      status: "current",
      authorId: store.requireSpace("ENG").authorId,
      createdAt: "2026-03-01T00:00:00.000Z",
      homepageId: pageId(store, "Home"),
      description: null,
      icon: null,
      _links: { webui: "/spaces/ENG" },
      currentActiveAlias: "ENG",
    });
    expect(body._links).toEqual({ base: BASE });
  });

  it("filters by ids and keys given repeated or comma-separated, type and status", async () => {
    expect(keys((await get(fetch, `/wiki/api/v2/spaces?ids=${eng},${pub}`)).body)).toEqual(["ENG", "PUB"]);
    expect(keys((await get(fetch, `/wiki/api/v2/spaces?ids=${eng}&ids=${pub}`)).body)).toEqual([
      "ENG",
      "PUB",
    ]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?keys=PUB&keys=HR")).body)).toEqual(["HR", "PUB"]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?keys=PUB,ENG")).body)).toEqual(["ENG", "PUB"]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?type=personal")).body)).toEqual([]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?status=current&type=global")).body)).toHaveLength(3);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?labels=team")).body)).toEqual([]);
  });

  it("sorts by key and -name", async () => {
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?sort=-key")).body)).toEqual(["PUB", "HR", "ENG"]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?sort=-name")).body)).toEqual(["PUB", "HR", "ENG"]);
    expect(keys((await get(fetch, "/wiki/api/v2/spaces?sort=name")).body)).toEqual(["ENG", "HR", "PUB"]);
  });

  it("pages with a cursor through spaces", async () => {
    const first = await get(fetch, "/wiki/api/v2/spaces?limit=2&sort=key");
    expect(keys(first.body)).toEqual(["ENG", "HR"]);
    const second = await get(fetch, first.body._links.next);
    expect(keys(second.body)).toEqual(["PUB"]);
    expect(second.body._links.next).toBeUndefined();
  });

  it("renders descriptions and icons on request", async () => {
    const plain = (
      await get(fetch, `/wiki/api/v2/spaces?ids=${eng}&description-format=plain&include-icon=true`)
    ).body.results[0];
    expect(plain.description).toEqual({ plain: { representation: "plain", value: "Engineering & such" } });
    expect(plain.icon).toEqual({ path: expect.any(String), apiDownloadLink: expect.any(String) });
  });

  it("400s bad ids and unknown enum values", async () => {
    const bad = await get(fetch, "/wiki/api/v2/spaces?ids=ENG");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].title).toBe(
      "Provided value {ENG} for 'ids' is not the correct type. Expected type is long.",
    );
    expect((await get(fetch, "/wiki/api/v2/spaces?sort=created")).status).toBe(400);
    expect((await get(fetch, "/wiki/api/v2/spaces?include-icon=maybe")).status).toBe(400);
  });
});

describe("GET /spaces/{id}", () => {
  const { fetch, store } = makeTwin();
  const pub = spaceId(store, "PUB");

  it("answers the single shape with _links.base and requested include blocks", async () => {
    const { body } = await get(
      fetch,
      `/wiki/api/v2/spaces/${pub}?include-permissions=true&include-operations=true&include-labels=true&include-properties=true`,
    );
    expect(body._links).toEqual({ webui: "/spaces/PUB", base: BASE });
    expect(body.permissions).toEqual({
      results: [
        {
          id: expect.any(String),
          principal: { type: "group", id: store.requireGroup("confluence-users").id },
          operation: { key: "read", targetType: "space" },
        },
        {
          id: expect.any(String),
          principal: { type: "anonymous" },
          operation: { key: "read", targetType: "space" },
        },
      ],
      meta: { hasMore: false },
      _links: { self: `/wiki/api/v2/spaces/${pub}/permissions` },
    });
    expect(body.operations.results).toEqual([{ operation: "read", targetType: "space" }]);
    expect(body.labels).toEqual({
      results: [],
      meta: { hasMore: false },
      _links: { self: `/wiki/api/v2/spaces/${pub}/labels` },
    });
    expect(body.properties.results).toEqual([]);
  });

  it("caps the permissions block at 50 and lists the rest under /permissions", async () => {
    const t = makeTwin();
    const eng = spaceId(t.store, "ENG");
    for (let i = 0; i < 60; i++)
      t.store.grantSpacePermission(
        eng,
        { type: "group", id: t.store.requireGroup("eng").id },
        `k${i}`,
        "page",
      );
    const single = (await get(t.fetch, `/wiki/api/v2/spaces/${eng}?include-permissions=true`)).body;
    expect(single.permissions.results).toHaveLength(50);
    expect(single.permissions.meta.hasMore).toBe(true);
    const list = await get(t.fetch, `/wiki/api/v2/spaces/${eng}/permissions?limit=250`);
    expect(list.body.results).toHaveLength(61);
    const rest = await get(
      t.fetch,
      `/wiki/api/v2/spaces/${eng}/permissions?limit=250&cursor=${single.permissions.meta.cursor}`,
    );
    expect(rest.body.results).toHaveLength(11);
  });

  it("404s a missing space with a bare Not Found and 400s a key in place of an id", async () => {
    expect((await get(fetch, "/wiki/api/v2/spaces/12345")).body.errors[0].title).toBe("Not Found");
    const bad = await get(fetch, "/wiki/api/v2/spaces/PUB");
    expect(bad.body.errors[0].title).toBe(
      "Provided value {PUB} for 'id' is not the correct type. Expected type is long.",
    );
  });
});

describe("GET /spaces/{id}/pages and /blogposts", () => {
  const { fetch, store } = makeTwin();
  const eng = spaceId(store, "ENG");

  it("lists all depths by default (current+archived), roots only with depth=root", async () => {
    const all = (await get(fetch, `/wiki/api/v2/spaces/${eng}/pages`)).body.results.map(
      (p: { title: string }) => p.title,
    );
    expect(all).toEqual([
      "Home",
      "Design Notes",
      "Sub A",
      "Sub B",
      "Secret Plans",
      "Secret Child",
      "Old Page",
    ]);
    const root = (await get(fetch, `/wiki/api/v2/spaces/${eng}/pages?depth=root`)).body.results;
    expect(root.map((p: { title: string }) => p.title)).toEqual(["Home"]);
    const trashed = (await get(fetch, `/wiki/api/v2/spaces/${eng}/pages?status=trashed`)).body.results;
    expect(trashed.map((p: { title: string }) => p.title)).toEqual(["Binned Page"]);
  });

  it("lists blog posts in a space, current only by default", async () => {
    const posts = (await get(fetch, `/wiki/api/v2/spaces/${eng}/blogposts`)).body.results;
    expect(posts.map((p: { title: string }) => p.title)).toEqual(["Release Notes"]);
  });
});
