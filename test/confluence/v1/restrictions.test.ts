import { describe, expect, it } from "vitest";
import { id, makeWorld } from "./site.ts";

const world = makeWorld();
const { get, twin } = world;
const groupId = (name: string) => twin.store.groupByName(name)!.id;

describe("GET /content/{id}/restriction", () => {
  it("answers a ContentRestrictionArray with both operations and a restrictionsHash", async () => {
    const res = await get("/rest/api/content/1002/restriction");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = await res.json();
    expect(body).toMatchObject({ start: 0, limit: 100, size: 2 });
    expect(body.restrictionsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(body._links).toMatchObject({ base: "https://acme.atlassian.net/wiki", context: "/wiki" });
    expect(body._links.next).toBeUndefined();
    const [read, update] = body.results;
    expect(read.operation).toBe("read");
    expect(read.restrictions.group.results.map((g: { name: string }) => g.name)).toEqual(["eng"]);
    expect(read.restrictions.group.results[0]).toMatchObject({ type: "group", id: groupId("eng") });
    expect(update.restrictions.user.results.map((u: { accountId: string }) => u.accountId)).toEqual([
      id("alice"),
    ]);
    expect(read._expandable).toEqual({ content: "/rest/api/content/1002" });
  });

  it("returns only direct restrictions: an inheriting child shows empty lists", async () => {
    const body = await (await get("/rest/api/content/1003/restriction/byOperation/read")).json();
    expect(body.restrictions.user).toMatchObject({ results: [], size: 0 });
    expect(body.restrictions.group).toMatchObject({ results: [], size: 0 });
  });

  it("changes restrictionsHash when restrictions change", async () => {
    const w = makeWorld();
    const before = (await (await w.get("/rest/api/content/1005/restriction")).json()).restrictionsHash;
    w.twin.store.setRestriction("1005", "read", { users: [id("bob")], groups: [] });
    const after = (await (await w.get("/rest/api/content/1005/restriction", "bob")).json()).restrictionsHash;
    expect(after).not.toBe(before);
  });

  it("pages with offset links", async () => {
    const body = await (await get("/rest/api/content/1002/restriction?limit=1")).json();
    expect(body.results).toHaveLength(1);
    expect(body._links.next).toBe("/rest/api/content/1002/restriction?next=true&limit=1&start=1");
    const second = await (await get(body._links.next)).json();
    expect(second.results[0].operation).toBe("update");
    expect(second._links.prev).toBe("/rest/api/content/1002/restriction?prev=true&limit=1&start=0");
    expect(second._links.next).toBeUndefined();
  });

  it("hides content the caller cannot view behind a v1 404", async () => {
    const res = await get("/rest/api/content/1003/restriction", "carol");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      statusCode: 404,
      message: expect.stringContaining("NotFoundException"),
      data: { authorized: true, valid: true, successful: false },
    });
  });
});

describe("GET /content/{id}/restriction/byOperation", () => {
  it("keys both operations by name", async () => {
    const body = await (await get("/rest/api/content/1004/restriction/byOperation", "bob")).json();
    expect(Object.keys(body).sort()).toEqual(["_links", "read", "update"]);
    expect(body.read.restrictions.user.results[0]).toMatchObject({ accountId: id("bob"), type: "known" });
    expect(body.read.restrictions.group.results[0].name).toBe("leads");
    expect(body.update.restrictions.user.results).toEqual([]);
  });

  it("refuses operation keys other than read and update", async () => {
    expect((await get("/rest/api/content/1001/restriction/byOperation/administer")).status).toBe(400);
  });
});

describe("restriction status checks", () => {
  it("answers 200 with no body when the user is directly listed, 404 otherwise", async () => {
    const yes = await get(
      `/rest/api/content/1004/restriction/byOperation/read/user?accountId=${id("bob")}`,
      "bob",
    );
    expect(yes.status).toBe(200);
    expect(await yes.text()).toBe("");
    // alice can read 1004 through the leads group, but is not listed by accountId.
    const no = await get(`/rest/api/content/1004/restriction/byOperation/read/user?accountId=${id("alice")}`);
    expect(no.status).toBe(404);
  });

  it("does the same for groups by id", async () => {
    const yes = await get(`/rest/api/content/1002/restriction/byOperation/read/byGroupId/${groupId("eng")}`);
    expect(yes.status).toBe(200);
    const no = await get(`/rest/api/content/1002/restriction/byOperation/read/byGroupId/${groupId("leads")}`);
    expect(no.status).toBe(404);
    const inherited = await get(
      `/rest/api/content/1003/restriction/byOperation/read/byGroupId/${groupId("eng")}`,
    );
    expect(inherited.status).toBe(404);
  });
});
