import { describe, expect, it } from "vitest";
import { makeWorld } from "./site.ts";

const { get } = makeWorld();
const DEPRECATION = "Wed, 1 Mar 2023 00:00:00 GMT";
const LINK = '<https://developer.atlassian.com/cloud/confluence/changelog/#CHANGE-864>; rel="deprecation"';

describe("GET /space/{key}", () => {
  it("renders the space with _expandable, _links and the deprecation headers", async () => {
    const res = await get("/rest/api/space/ENG");
    expect(res.status).toBe(200);
    expect(res.headers.get("deprecation")).toBe(DEPRECATION);
    expect(res.headers.get("link")).toBe(LINK);
    const body = await res.json();
    expect(body).toMatchObject({
      key: "ENG",
      name: "Engineering",
      type: "global",
      status: "current",
      alias: "ENG",
    });
    expect(typeof body.id).toBe("number");
    expect(Object.keys(body._expandable)).toHaveLength(13);
    expect(body._links).toMatchObject({
      webui: "/spaces/ENG",
      context: "/wiki",
      collection: "/rest/api/space",
    });
  });

  it("expand=permissions lists anonymousAccess entries without subjects", async () => {
    const body = await (await get("/rest/api/space/PUB?expand=permissions")).json();
    const anon = body.permissions.filter((p: { anonymousAccess: boolean }) => p.anonymousAccess);
    expect(anon).toEqual([
      expect.objectContaining({
        operation: { operation: "read", targetType: "space" },
        unlicensedAccess: false,
      }),
    ]);
    expect(anon[0].subjects).toBeUndefined();
    const grp = body.permissions.find((p: { subjects?: unknown }) => p.subjects);
    expect(grp.subjects.group).toMatchObject({
      size: 1,
      results: [{ type: "group", name: "confluence-users" }],
    });
    expect(body._expandable.permissions).toBeUndefined();
  });

  it("answers 404 for a space the caller cannot view", async () => {
    const res = await get("/rest/api/space/ENG", "dave");
    expect(res.status).toBe(404);
    expect((await res.json()).message).toContain("No space with key : ENG");
  });
});

describe("GET /content", () => {
  it("lists visible pages of a space with offset paging and expansions", async () => {
    const res = await get("/rest/api/content?spaceKey=ENG&limit=2&expand=body.storage&expand=version");
    expect(res.headers.get("deprecation")).toBe(DEPRECATION);
    const body = await res.json();
    expect(body.results.map((c: { id: string }) => c.id)).toEqual(["1001", "1002"]);
    expect(body.results[0].body.storage).toMatchObject({
      representation: "storage",
      value: expect.stringContaining("<p>"),
    });
    expect(body.results[0].version).toMatchObject({
      number: 1,
      minorEdit: false,
      when: "2026-03-01T00:00:00.000Z",
    });
    expect(body._links.next).toBe(
      "/rest/api/content?next=true&spaceKey=ENG&expand=body.storage&expand=version&limit=2&start=2",
    );
  });

  it("drops pages the caller cannot view", async () => {
    const body = await (await get("/rest/api/content?spaceKey=ENG", "carol")).json();
    // carol: leads member, not eng; 1002 and its subtree are eng-only.
    expect(body.results.map((c: { id: string }) => c.id)).toEqual(["1001", "1005"]);
  });

  it("filters blog posts by type and posting day", async () => {
    const body = await (await get("/rest/api/content?type=blogpost&postingDay=2025-06-01")).json();
    expect(body.results.map((c: { title: string }) => c.title)).toEqual(["Launch"]);
  });

  it("answers the measured errors: unknown space 404, unknown type 501, huge start 400", async () => {
    const nope = await get("/rest/api/content?spaceKey=NOPE");
    expect(nope.status).toBe(404);
    expect((await nope.json()).message).toBe(
      "com.atlassian.confluence.api.service.exceptions.NotFoundException: No space with key : NOPE",
    );
    const bogus = await get("/rest/api/content?type=bogus");
    expect(bogus.status).toBe(501);
    expect((await bogus.json()).message).toContain("Cannot find custom content type : bogus");
    expect((await get("/rest/api/content?start=100001")).status).toBe(400);
    expect((await (await get("/rest/api/content?limit=5000")).json()).limit).toBe(1000);
  });
});

describe("GET /content/{id}", () => {
  it("expands body, space, ancestors, history, labels, restrictions and children", async () => {
    const expand = [
      "body.storage",
      "space",
      "ancestors",
      "history.lastUpdated",
      "metadata.labels",
      "restrictions.read.restrictions.user",
      "restrictions.read.restrictions.group",
      "children.page",
    ].join(",");
    const c = await (await get(`/rest/api/content/1003?expand=${expand}`, "bob")).json();
    expect(c).toMatchObject({ id: "1003", type: "page", status: "current", title: "Deep Secret" });
    expect(c.ancestors.map((a: { id: string }) => a.id)).toEqual(["1001", "1002"]);
    expect(c.space).toMatchObject({ key: "ENG", id: expect.any(Number) });
    expect(c.history).toMatchObject({
      latest: true,
      createdDate: expect.any(String),
      lastUpdated: { number: 1 },
    });
    expect(c.restrictions.read).toMatchObject({ operation: "read", restrictions: { user: { results: [] } } });
    expect(c.children.page).toMatchObject({ results: [], size: 0 });
    expect(c._links).toMatchObject({
      self: "https://acme.atlassian.net/wiki/rest/api/content/1003",
      webui: "/spaces/ENG/pages/1003/Deep+Secret",
      base: "https://acme.atlassian.net/wiki",
      context: "/wiki",
    });
    expect(c._expandable.body).toBeUndefined();
    expect(c._expandable.version).toBe("");

    const home = await (
      await get("/rest/api/content/1001?expand=metadata.labels,children.page", "carol")
    ).json();
    expect(home.metadata.labels.results.map((l: { name: string }) => l.name)).toEqual(["home"]);
    expect(home.children.page.results.map((p: { id: string }) => p.id)).toEqual(["1005"]);
  });

  it("answers 404 for restricted or unknown content", async () => {
    expect((await get("/rest/api/content/1003", "carol")).status).toBe(404);
    expect((await get("/rest/api/content/999999")).status).toBe(404);
  });
});
