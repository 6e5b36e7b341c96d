import { describe, expect, it } from "vitest";
import type { SiteSpec } from "../../../src/simulators/confluence/seed.ts";
import { id, makeWorld, SITE } from "./site.ts";

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

  it("applies start/limit to the users and groups inside each restriction, not to the operations", async () => {
    const body = await (await get("/rest/api/content/1002/restriction?limit=1&start=1")).json();
    expect(body).toMatchObject({ start: 1, limit: 1, size: 2 });
    expect(body.results.map((r: { operation: string }) => r.operation)).toEqual(["read", "update"]);
    expect(body.results[0].restrictions.group).toMatchObject({ results: [], start: 1, limit: 1, size: 0 });
    expect(body.results[1].restrictions.user).toMatchObject({ results: [], start: 1, size: 0, totalSize: 1 });
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

describe("a restriction with hundreds of users", () => {
  const users = Array.from({ length: 230 }, (_, i) => ({ name: `u${String(i).padStart(3, "0")}` }));
  const big: SiteSpec = {
    ...SITE,
    users: [...(SITE.users ?? []), ...users],
    groups: [
      ...(SITE.groups ?? []),
      ...Array.from({ length: 130 }, (_, i) => ({ name: `g${String(i).padStart(3, "0")}`, members: [] })),
    ],
  };
  const w = makeWorld(big);
  w.twin.store.setRestriction("1005", "read", {
    users: [id("alice"), ...users.map((u) => id(u.name))],
    groups: Array.from(
      { length: 130 },
      (_, i) => w.twin.store.groupByName(`g${String(i).padStart(3, "0")}`)!.id,
    ),
  });

  it("pages /byOperation/read with start/limit and reports totalSize", async () => {
    const seen: string[] = [];
    const groups: string[] = [];
    const sizes: number[] = [];
    for (let start = 0; ; start += 100) {
      const res = await w.get(`/rest/api/content/1005/restriction/byOperation/read?start=${start}&limit=100`);
      expect(res.status).toBe(200);
      const { user, group } = (await res.json()).restrictions;
      expect(user).toMatchObject({ start, limit: 100, totalSize: 231 });
      expect(group).toMatchObject({ start, limit: 100 });
      sizes.push(user.size);
      seen.push(...user.results.map((u: { accountId: string }) => u.accountId));
      groups.push(...group.results.map((g: { name: string }) => g.name));
      if (start + user.size >= user.totalSize) break;
    }
    expect(sizes).toEqual([100, 100, 31]);
    expect(new Set(seen).size).toBe(231);
    expect(seen).toContain(id("u229"));
    expect(new Set(groups).size).toBe(130);
  });

  it("caps limit at 100 and honours smaller pages", async () => {
    const capped = await (
      await w.get("/rest/api/content/1005/restriction/byOperation/read?limit=500")
    ).json();
    expect(capped.restrictions.user).toMatchObject({ limit: 100, size: 100, totalSize: 231 });
    const small = await (
      await w.get("/rest/api/content/1005/restriction/byOperation/read?start=225&limit=25")
    ).json();
    expect(small.restrictions.user).toMatchObject({ start: 225, limit: 25, size: 6, totalSize: 231 });
  });

  it("pages /restriction the same way; /byOperation and expand show the first 100 with totalSize", async () => {
    const third = await (await w.get("/rest/api/content/1005/restriction?start=200")).json();
    expect(third.results[0].restrictions.user).toMatchObject({ start: 200, size: 31, totalSize: 231 });
    const byOp = await (await w.get("/rest/api/content/1005/restriction/byOperation")).json();
    expect(byOp.read.restrictions.user).toMatchObject({ start: 0, limit: 100, size: 100, totalSize: 231 });
    const content = await (
      await w.get("/rest/api/content/1005?expand=restrictions.read.restrictions.user")
    ).json();
    expect(content.restrictions.read.restrictions.user).toMatchObject({ size: 100, totalSize: 231 });
  });

  it("refuses a non-numeric start like every v1 list", async () => {
    expect((await w.get("/rest/api/content/1005/restriction/byOperation/read?start=x")).status).toBe(400);
  });
});
