import { describe, expect, it } from "vitest";
import { accountIdFor } from "../../../src/simulators/confluence/seed.ts";
import { BASE, get, makeTwin, pageId, post, spaceId } from "./helpers.ts";

describe("blog posts", () => {
  const { fetch, store } = makeTwin();
  const release = pageId(store, "Release Notes");

  it("lists current blog posts by default, trashed on request", async () => {
    const list = (await get(fetch, "/wiki/api/v2/blogposts")).body;
    expect(list.results.map((b: { title: string }) => b.title)).toEqual(["Release Notes"]);
    expect(list.results[0]).toMatchObject({
      id: release,
      status: "current",
      spaceId: spaceId(store, "ENG"),
      createdAt: "2026-02-03T10:00:00.000Z",
      body: {},
      _links: { webui: `/spaces/ENG/blog/2026/02/03/${release}/Release+Notes` },
    });
    expect(list.results[0]).not.toHaveProperty("parentId");
    const trashed = (await get(fetch, "/wiki/api/v2/blogposts?status=trashed")).body.results;
    expect(trashed.map((b: { title: string }) => b.title)).toEqual(["Binned Post"]);
  });

  it("rejects page-only sorts and statuses", async () => {
    expect((await get(fetch, "/wiki/api/v2/blogposts?sort=title")).status).toBe(400);
    expect((await get(fetch, "/wiki/api/v2/blogposts?status=archived")).status).toBe(400);
  });

  it("gets one blog post with a body and 404s missing ones by name", async () => {
    const one = (await get(fetch, `/wiki/api/v2/blogposts/${release}?body-format=storage`)).body;
    expect(one.body.storage.value).toBe("<p>Release Notes</p>");
    expect(one._links.base).toBe(BASE);
    const missing = await get(fetch, "/wiki/api/v2/blogposts/42");
    expect(missing.body.errors[0].title).toBe("Cannot find a blog post with id [42]");
  });
});

describe("GET /labels", () => {
  it("lists labels in use on content the caller can see", async () => {
    const { fetch } = makeTwin();
    const names = async (as: string) =>
      (await get(fetch, "/wiki/api/v2/labels?limit=250", as)).body.results.map(
        (l: { name: string }) => l.name,
      );
    expect(await names("alice")).toEqual(["home", "design", "arch", "secret"]);
    expect(await names("bob")).toEqual(["home", "design", "arch"]);
    const sorted = (await get(fetch, "/wiki/api/v2/labels?sort=name", "alice")).body.results;
    expect(sorted.map((l: { name: string }) => l.name)).toEqual(["arch", "design", "home", "secret"]);
    const paged = await get(fetch, "/wiki/api/v2/labels?limit=3", "alice");
    expect(paged.body.results).toHaveLength(3);
    expect(
      (await get(fetch, paged.body._links.next, "alice")).body.results.map((l: { name: string }) => l.name),
    ).toEqual(["secret"]);
  });
});

describe("POST /users-bulk", () => {
  const { fetch } = makeTwin();

  it("returns the v2 User shape, with email '' when hidden and unknown ids left out", async () => {
    const res = await post(fetch, "/wiki/api/v2/users-bulk", {
      accountIds: [accountIdFor("bob"), accountIdFor("erin"), "557058:nobody", accountIdFor("gus")],
    });
    expect(res.status).toBe(200);
    expect(res.body._links).toEqual({ base: BASE });
    expect(res.body.results).toEqual([
      {
        displayName: "Bob",
        timeZone: "UTC",
        personalSpaceId: null,
        isExternalCollaborator: false,
        accountStatus: "active",
        accountId: accountIdFor("bob"),
        email: "bob@acme.example.com",
        accountType: "atlassian",
        publicName: "Bob",
        profilePicture: { path: "/wiki/images/icons/profilepics/default.svg", isDefault: true },
      },
      expect.objectContaining({ accountId: accountIdFor("erin"), email: "" }),
      expect.objectContaining({ accountId: accountIdFor("gus"), isExternalCollaborator: true }),
    ]);
  });

  it("400s an empty, oversized or malformed body", async () => {
    for (const payload of [
      { accountIds: [] },
      { accountIds: Array(251).fill("x") },
      { ids: ["x"] },
      "{not json",
    ]) {
      const res = await post(fetch, "/wiki/api/v2/users-bulk", payload);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ status: 400, code: "INVALID_REQUEST_PARAMETER" });
    }
  });
});
