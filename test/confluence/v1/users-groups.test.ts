import { describe, expect, it } from "vitest";
import { id, makeWorld } from "./site.ts";

const { get, twin } = makeWorld();
const gid = (name: string) => twin.store.groupByName(name)!.id;

describe("GET /group", () => {
  it("lists groups alphabetically with the default limit of 200", async () => {
    const body = await (await get("/rest/api/group")).json();
    expect(body.results.map((g: { name: string }) => g.name)).toEqual([
      "Admins",
      "confluence-users",
      "eng",
      "leads",
    ]);
    expect(body).toMatchObject({ start: 0, limit: 200, size: 4 });
    expect(body._links).toEqual({
      base: "https://acme.atlassian.net/wiki",
      context: "/wiki",
      self: "https://acme.atlassian.net/wiki/rest/api/group",
    });
  });

  it("pages by offset with next=true links, prev after the first page, none at the end", async () => {
    const first = await (await get("/rest/api/group?limit=3")).json();
    expect(first._links.next).toBe("/rest/api/group?next=true&limit=3&start=3");
    expect(first._links.prev).toBeUndefined();
    const second = await (await get(first._links.next)).json();
    expect(second.results.map((g: { name: string }) => g.name)).toEqual(["leads"]);
    expect(second).toMatchObject({ start: 3, limit: 3, size: 1 });
    expect(second._links.next).toBeUndefined();
    expect(second._links.prev).toBe("/rest/api/group?prev=true&limit=3&start=0");
  });

  it("clamps limit at 200 and refuses a non-integer limit with Spring's 400", async () => {
    expect((await (await get("/rest/api/group?limit=5000")).json()).limit).toBe(200);
    const bad = await get("/rest/api/group?limit=abc");
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("MethodArgumentTypeMismatchException");
  });

  it("finds a group by id, 404 for an unknown one", async () => {
    expect(await (await get(`/rest/api/group/by-id?id=${gid("eng")}`)).json()).toMatchObject({
      type: "group",
      name: "eng",
      id: gid("eng"),
    });
    expect((await get("/rest/api/group/by-id?id=nope")).status).toBe(404);
  });

  it("lists members by group id, with totalSize on request", async () => {
    const body = await (
      await get(`/rest/api/group/${gid("eng")}/membersByGroupId?shouldReturnTotalSize=true`)
    ).json();
    expect(body.results.map((u: { displayName: string }) => u.displayName)).toEqual(["Alice", "Bob"]);
    expect(body).toMatchObject({ start: 0, limit: 200, size: 2, totalSize: 2 });
    const paged = await (await get(`/rest/api/group/${gid("eng")}/membersByGroupId?limit=1`)).json();
    expect(paged._links.next).toBe(
      `/rest/api/group/${gid("eng")}/membersByGroupId?next=true&limit=1&start=1`,
    );
    expect((await get("/rest/api/group/nope/membersByGroupId")).status).toBe(404);
  });
});

describe("users", () => {
  it("GET /user returns the user; a hidden email is the empty string", async () => {
    const bob = await (await get(`/rest/api/user?accountId=${id("bob")}`)).json();
    expect(bob).toMatchObject({
      type: "known",
      accountId: id("bob"),
      accountType: "atlassian",
      email: "bob@acme.example.com",
      displayName: "Bob",
      profilePicture: { width: 48, height: 48, isDefault: false },
      _expandable: { operations: "", personalSpace: "" },
    });
    const carol = await (await get(`/rest/api/user?accountId=${id("carol")}`)).json();
    expect(carol.email).toBe("");
    expect((await get("/rest/api/user?accountId=557058:nope")).status).toBe(404);
    expect((await get("/rest/api/user")).status).toBe(400);
  });

  it("GET /user/bulk takes comma-separated and repeated ids and skips unknown ones", async () => {
    const body = await (
      await get(`/rest/api/user/bulk?accountId=${id("bob")},${id("carol")}&accountId=557058:nope`)
    ).json();
    expect(body.results.map((u: { accountId: string }) => u.accountId)).toEqual([id("bob"), id("carol")]);
    expect(body.results[1].email).toBe("");
    expect(body).toMatchObject({ start: 0, limit: 200, size: 2 });
  });

  it("GET /user/current is the caller", async () => {
    expect((await (await get("/rest/api/user/current", "carol")).json()).accountId).toBe(id("carol"));
  });

  it("GET /user/anonymous describes the anonymous user", async () => {
    expect(await (await get("/rest/api/user/anonymous")).json()).toMatchObject({
      type: "anonymous",
      displayName: "Anonymous",
      _links: { self: "https://acme.atlassian.net/wiki/rest/api/user/anonymous" },
    });
  });

  it("GET /user/memberof lists the user's groups alphabetically", async () => {
    const body = await (await get(`/rest/api/user/memberof?accountId=${id("alice")}`)).json();
    expect(body.results.map((g: { name: string }) => g.name)).toEqual([
      "Admins",
      "confluence-users",
      "eng",
      "leads",
    ]);
  });
});

describe("account changes an admin makes (their own world)", () => {
  const changed = makeWorld();
  const engId = changed.twin.store.groupByName("eng")!.id;
  const version = async (page: string) =>
    (await (await changed.get(`/rest/api/content/${page}?expand=version`)).json()).version.number;

  it("a renamed group keeps its id, members and restrictions; the old name is gone", async () => {
    const before = await version("1002");
    changed.twin.store.renameGroup(engId, "engineering");
    expect(await (await changed.get(`/rest/api/group/by-id?id=${engId}`)).json()).toMatchObject({
      name: "engineering",
      id: engId,
    });
    const members = await (await changed.get(`/rest/api/group/${engId}/membersByGroupId`)).json();
    expect(members.results.map((u: { displayName: string }) => u.displayName)).toEqual(["Alice", "Bob"]);
    const read = await (await changed.get("/rest/api/content/1002/restriction/byOperation/read")).json();
    expect(read.restrictions.group.results).toEqual([
      expect.objectContaining({ name: "engineering", id: engId }),
    ]);
    expect((await changed.get("/rest/api/content/1002", "bob")).status).toBe(200);
    expect((await changed.get("/rest/api/group/eng/member")).status).toBe(404);
    const leads = changed.twin.store.groupByName("leads")!.id;
    expect(() => changed.twin.store.renameGroup(leads, "engineering")).toThrow(/already exists/);
    expect(await version("1002")).toBe(before); // no content changed
  });

  it("an email change keeps the accountId: the next read shows the new email, Basic auth takes it", async () => {
    const before = await version("1004");
    changed.twin.store.updateUser(id("bob"), { email: "robert@acme.example.com" });
    const bob = await (await changed.get(`/rest/api/user?accountId=${id("bob")}`)).json();
    expect(bob).toMatchObject({ accountId: id("bob"), email: "robert@acme.example.com" });
    const asRobert = `Basic ${Buffer.from("robert@acme.example.com:token-bob").toString("base64")}`;
    const page = await changed.get("/rest/api/content/1004", null, { headers: { authorization: asRobert } });
    expect(page.status).toBe(200); // bob's own restriction still names his account
    // The old email is no account's any more: the measured v1 answer to wrong credentials.
    expect((await changed.get("/rest/api/user/current", "bob")).status).toBe(403);
    expect(() => changed.twin.store.updateUser(id("dave"), { email: "ROBERT@acme.example.com" })).toThrow(
      /taken/,
    );
    expect(await version("1004")).toBe(before);
  });
});
