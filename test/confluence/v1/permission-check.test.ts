import { describe, expect, it } from "vitest";
import { id, makeWorld } from "./site.ts";

const { fetch, site, twin } = makeWorld();

async function check(
  as: string,
  contentId: string,
  subject: { type: "user" | "group"; identifier: string },
  operation = "read",
) {
  const res = await fetch(`${site}/rest/api/content/${contentId}/permission/check`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${as}@acme.example.com:token-${as}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ subject, operation }),
  });
  return { status: res.status, body: await res.json() };
}
const user = (name: string) => ({ type: "user" as const, identifier: id(name) });
const group = (name: string) => ({ type: "group" as const, identifier: twin.store.groupByName(name)!.id });

describe("POST /content/{id}/permission/check", () => {
  it("grants a user admitted by the parent's inherited restriction", async () => {
    expect(await check("alice", "1003", user("bob"))).toEqual({
      status: 200,
      body: { hasPermission: true, errors: [], _links: {} },
    });
  });

  it("denies a user who can see the space but not the restricted ancestor", async () => {
    // carol sees ENG through leads; 1003 inherits 1002's read restriction (eng only).
    const { body } = await check("alice", "1003", user("carol"));
    expect(body.hasPermission).toBe(false);
    expect(body.errors).toEqual([{ translation: "User does not have permission to the content", args: [] }]);
  });

  it("names the space when the space itself is closed", async () => {
    const { body } = await check("alice", "1001", user("dave"));
    expect(body).toMatchObject({
      hasPermission: false,
      errors: [{ translation: "User does not have permission to the space" }],
    });
  });

  it("says when a user may not use Confluence at all", async () => {
    const { body } = await check("alice", "1001", user("olga"));
    expect(body.errors[0].translation).toBe("User is not allowed to use Confluence");
  });

  it("checks groups against space and restrictions, with the intersection of ancestors", async () => {
    expect((await check("alice", "1003", group("eng"))).body.hasPermission).toBe(true);
    const leads = await check("alice", "1003", group("leads"));
    expect(leads.body).toMatchObject({
      hasPermission: false,
      errors: [{ translation: "Group does not have permission to the content" }],
    });
    // 1004 needs eng (parent) AND (bob or leads) itself: neither group alone passes.
    expect((await check("alice", "1004", group("eng"))).body.hasPermission).toBe(false);
  });

  it("applies the edit restriction for update but does not inherit it", async () => {
    expect((await check("alice", "1002", user("bob"), "update")).body.hasPermission).toBe(false);
    expect((await check("alice", "1002", user("alice"), "update")).body.hasPermission).toBe(true);
    expect((await check("alice", "1003", user("bob"), "update")).body.hasPermission).toBe(true);
  });

  it("lets anyone check themselves but only administrators check others", async () => {
    expect((await check("bob", "1003", user("bob"))).body.hasPermission).toBe(true);
    const other = await check("bob", "1003", user("alice"));
    expect(other.status).toBe(403);
    expect(other.body.statusCode).toBe(403);
  });

  it("answers 400 in the v1 envelope for a bad body", async () => {
    const res = await check("alice", "1001", { type: "robot" as "user", identifier: "x" });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("BadRequestException");
  });
});
