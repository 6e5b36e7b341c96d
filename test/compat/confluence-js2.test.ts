import { ConfluenceClient } from "confluence.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountId, type CompatWorld, credentials, startCompatWorld } from "./confluence-site.ts";

/**
 * confluence.js 2.1.0 (axios transport, Node 20) against the twin over http. 2.x does not validate
 * responses, so these tests assert the shapes it hands back; 3.x (Zod) is the strict check.
 */
let world: CompatWorld;
let client: ConfluenceClient;

beforeAll(async () => {
  world = await startCompatWorld();
  client = new ConfluenceClient({ host: world.server.url, authentication: { basic: credentials("alice") } });
});
afterAll(() => world.server.close());

describe("confluence.js 2.1.0 over http with Basic auth", () => {
  it("reads a space with permissions (legacy /space/{key})", async () => {
    const space = await client.space.getSpace({
      spaceKey: "PUB",
      expand: ["permissions", "description.plain"],
    });
    expect(space).toMatchObject({ key: "PUB", name: "Public", type: "global", status: "current" });
    expect(space.permissions?.some((p) => p.anonymousAccess)).toBe(true);
  });

  it("lists pages with bodies and reads one by id with ancestors", async () => {
    const list = await client.content.getContent({
      spaceKey: "ENG",
      type: "page",
      expand: ["body.storage", "version"],
    });
    expect(list.results.map((c) => c.id)).toEqual(["1001", "1002", "1003"]);
    expect(list.results[0].body?.storage?.value).toContain("<h1>Welcome</h1>");
    const page = await client.content.getContentById({
      id: "1003",
      expand: ["ancestors", "space", "history"],
    });
    expect(page.ancestors?.map((a) => a.id)).toEqual(["1001", "1002"]);
    expect(page.space?.key).toBe("ENG");
  });

  it("reads restrictions and checks a permission", async () => {
    const all = await client.contentRestrictions.getRestrictions({ id: "1002" });
    expect(all.results.map((r) => r.operation)).toEqual(["read", "update"]);
    const read = await client.contentRestrictions.getRestrictionsForOperation({
      id: "1002",
      operationKey: "read",
    });
    expect(read.restrictions?.group?.results.map((g) => g.name)).toEqual(["eng"]);
    const check = await client.contentPermissions.checkContentPermission({
      id: "1003",
      subject: { type: "user", identifier: accountId("carol") },
      operation: "read",
    });
    expect(check.hasPermission).toBe(false);
  });

  it("lists groups and members, and reads users (hidden email is empty)", async () => {
    const groups = await client.group.getGroups();
    expect(groups.results.map((g) => g.name)).toEqual(["confluence-users", "eng", "leads"]);
    const members = await client.group.getGroupMembersByGroupId({ groupId: world.groupId("leads") });
    expect(members.results.map((u) => u.displayName)).toEqual(["Alice", "Carol"]);
    const carol = await client.users.getUser({ accountId: accountId("carol") });
    expect(carol.email).toBe("");
    const me = await client.users.getCurrentUser();
    expect(me.accountId).toBe(accountId("alice"));
  });

  it("calls the gateway with an OAuth access token (host = /ex/confluence/{cloudId})", async () => {
    world.twin.oauth.registerApp({
      clientId: "js2",
      clientSecret: "s",
      name: "js2",
      redirectUris: ["https://x.example/cb"],
    });
    const { access_token } = world.twin.oauth.issueTokens({
      clientId: "js2",
      accountId: accountId("bob"),
      scopes: ["read:confluence-user", "read:confluence-groups"],
    });
    const oauth = new ConfluenceClient({
      host: `${world.server.url}/ex/confluence/${world.twin.store.site.cloudId}`,
      authentication: { oauth2: { accessToken: access_token } },
    });
    expect((await oauth.users.getCurrentUser()).accountId).toBe(accountId("bob"));
    expect((await oauth.group.getGroups()).size).toBe(3);
    await expect(oauth.contentRestrictions.getRestrictions({ id: "1001" })).rejects.toMatchObject({
      code: 401,
      message: "Unauthorized; scope does not match",
    });
  });

  it("surfaces the measured 403 for bad credentials", async () => {
    const bad = new ConfluenceClient({
      host: world.server.url,
      authentication: { basic: { email: "alice@acme.example.com", apiToken: "wrong" } },
    });
    await expect(bad.users.getCurrentUser()).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining("caller cannot access Confluence"),
    });
  });
});
