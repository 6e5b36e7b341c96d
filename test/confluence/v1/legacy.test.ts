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

  it("renders body.view without macro markup and body.atlas_doc_format as an ADF JSON string", async () => {
    const c = await (await get("/rest/api/content/1001?expand=body.view,body.atlas_doc_format")).json();
    expect(c.body.view).toMatchObject({ representation: "view" });
    expect(c.body.view.value).not.toContain("ac:");
    expect(JSON.parse(c.body.atlas_doc_format.value)).toMatchObject({ type: "doc", version: 1 });
    expect(c.body.storage).toBeUndefined();
  });

  it("expand=extensions carries the sibling position", async () => {
    const c = await (await get("/rest/api/content/1005?expand=extensions")).json();
    expect(c.extensions).toEqual({ position: 2 });
    expect(c._expandable.extensions).toBeUndefined();
  });

  it("answers 404 for restricted or unknown content", async () => {
    expect((await get("/rest/api/content/1003", "carol")).status).toBe(404);
    expect((await get("/rest/api/content/999999")).status).toBe(404);
  });
});

describe("older crawlers' v1 lists", () => {
  it("GET /space lists visible spaces without status (measured), deprecated", async () => {
    const res = await get("/rest/api/space?limit=1");
    expect(res.headers.get("deprecation")).toBe(DEPRECATION);
    const body = await res.json();
    expect(body.results.map((s: { key: string }) => s.key)).toEqual(["ENG"]);
    expect(body.results[0].status).toBeUndefined();
    expect(body._links.next).toBe("/rest/api/space?next=true&limit=1&start=1");
    const dave = await (await get("/rest/api/space", "dave")).json();
    expect(dave.results.map((s: { key: string }) => s.key)).toEqual(["PUB"]);
    const filtered = await (await get("/rest/api/space?spaceKey=PUB&spaceKey=ENG&type=global")).json();
    expect(filtered.size).toBe(2);
  });

  it("GET /content/{id}/child/page lists visible current children; attachment and comment lists are empty", async () => {
    const bob = await (await get("/rest/api/content/1002/child/page", "bob")).json();
    expect(bob.results.map((c: { id: string }) => c.id)).toEqual(["1003", "1004"]);
    const alice = await (await get("/rest/api/content/1002/child/page?expand=version")).json();
    expect(alice.results.map((c: { id: string }) => c.id)).toEqual(["1003", "1004"]);
    const carol = await (await get("/rest/api/content/1001/child/page", "carol")).json();
    expect(carol.results.map((c: { id: string }) => c.id)).toEqual(["1005"]);
    const attachments = await get("/rest/api/content/1001/child/attachment");
    expect(await attachments.json()).toMatchObject({ results: [], size: 0, start: 0, limit: 25 });
    expect((await get("/rest/api/content/1001/child/comment")).status).toBe(200);
    expect((await get("/rest/api/content/1001/child/bogus")).status).toBe(400);
  });

  it("GET /content/{id}/descendant/page walks the visible subtree (current v1: no deprecation)", async () => {
    const res = await get("/rest/api/content/1001/descendant/page", "bob");
    expect(res.headers.get("deprecation")).toBeNull();
    expect((await res.json()).results.map((c: { id: string }) => c.id)).toEqual([
      "1002",
      "1003",
      "1004",
      "1005",
    ]);
    const carol = await (await get("/rest/api/content/1001/descendant/page", "carol")).json();
    expect(carol.results.map((c: { id: string }) => c.id)).toEqual(["1005"]);
    const root = await (await get("/rest/api/content/1001/descendant/page?depth=root", "bob")).json();
    expect(root.results.map((c: { id: string }) => c.id)).toEqual(["1002", "1005"]);
  });

  it("GET /content/{id}/label answers a LabelArray with limit 200", async () => {
    const body = await (await get("/rest/api/content/1001/label")).json();
    expect(body).toMatchObject({
      results: [{ prefix: "global", name: "home", label: "home" }],
      limit: 200,
      size: 1,
    });
  });
});

describe("friendlyWhen", () => {
  it("is relative within a day and a date after", async () => {
    const w = makeWorld();
    expect((await (await w.get("/rest/api/content/1001?expand=version")).json()).version.friendlyWhen).toBe(
      "just a moment ago",
    );
    w.clock.advance(5 * 60_000);
    expect((await (await w.get("/rest/api/content/1001?expand=version")).json()).version.friendlyWhen).toBe(
      "5 minutes ago",
    );
    w.clock.advance(3 * 3_600_000);
    expect((await (await w.get("/rest/api/content/1001?expand=version")).json()).version.friendlyWhen).toBe(
      "about 3 hours ago",
    );
    w.clock.advance(2 * 86_400_000);
    expect((await (await w.get("/rest/api/content/1001?expand=version")).json()).version.friendlyWhen).toBe(
      "Mar 01, 2026",
    );
  });
});
