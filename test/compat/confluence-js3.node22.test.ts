import {
  createV1Client,
  createV2Client,
  exchangeAuthorizationCode,
  generateAuthorizationUrl,
  isNotFoundError,
  isRateLimitError,
  isScopeError,
  type V1Client,
  type V2Client,
} from "confluence-js-3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectFetch, interceptWithMsw } from "../../src/simulators/host/index.ts";
import { accountId, type CompatWorld, credentials, startCompatWorld } from "./confluence-site.ts";

/**
 * confluence.js 3.2.0 (Node 22, global fetch, every response validated with Zod) against the twin.
 * Run with test/compat/run-node22.sh (`npm run test:compat22`). Any schema drift throws, so
 * each call succeeding is the check.
 */
let world: CompatWorld;
let v1: V1Client;
let v2: V2Client;

beforeAll(async () => {
  world = await startCompatWorld();
  v1 = createV1Client({ host: world.server.url, auth: { type: "basic", ...credentials("alice") } });
  v2 = createV2Client({ host: world.server.url, auth: { type: "basic", ...credentials("carol") } });
});
afterAll(() => world.server.close());

describe("confluence.js 3.2.0 v1 over http with Basic auth", () => {
  it("reads restrictions in every shape", async () => {
    const all = await v1.contentRestrictions.getRestrictions({ id: "1002" });
    expect(all.results.map((r) => r.operation)).toEqual(["read", "update"]);
    expect(all.restrictionsHash).toEqual(expect.any(String));
    const byOp = await v1.contentRestrictions.getRestrictionsByOperation({ id: "1002" });
    expect(byOp.read?.restrictions?.group?.results.map((g) => g.name)).toEqual(["eng"]);
    const update = await v1.contentRestrictions.getRestrictionsForOperation({
      id: "1002",
      operationKey: "update",
    });
    expect(update.restrictions?.user?.results.map((u) => u.accountId)).toEqual([accountId("alice")]);
    await v1.contentRestrictions.getContentRestrictionStatusForUser({
      id: "1002",
      operationKey: "update",
      accountId: accountId("alice"),
    });
    await v1.contentRestrictions.getIndividualGroupRestrictionStatusByGroupId({
      id: "1002",
      operationKey: "read",
      groupId: world.groupId("eng"),
    });
    const missing = await v1.contentRestrictions
      .getIndividualGroupRestrictionStatusByGroupId({
        id: "1002",
        operationKey: "read",
        groupId: world.groupId("leads"),
      })
      .catch((e: unknown) => e);
    expect(isNotFoundError(missing)).toBe(true);
  });

  it("checks permissions including inherited restrictions", async () => {
    const denied = await v1.contentPermissions.checkContentPermission({
      id: "1003",
      subject: { type: "user", identifier: accountId("carol") },
      operation: "read",
    });
    expect(denied.hasPermission).toBe(false);
    const granted = await v1.contentPermissions.checkContentPermission({
      id: "1003",
      subject: { type: "group", identifier: world.groupId("eng") },
      operation: "read",
    });
    expect(granted.hasPermission).toBe(true);
  });

  it("lists groups and members", async () => {
    const groups = await v1.group.getGroups();
    expect(groups.results.map((g) => g.name)).toEqual(["confluence-users", "eng", "leads"]);
    const paged = await v1.group.getGroups({ limit: 1 });
    expect(paged._links?.next).toBe("/rest/api/group?next=true&limit=1&start=1");
    const group = await v1.group.getGroupByGroupId({ id: world.groupId("eng") });
    expect(group.name).toBe("eng");
    const members = await v1.group.getGroupMembersByGroupId({ groupId: world.groupId("leads") });
    expect(members.results.map((u) => u.displayName)).toEqual(["Alice", "Carol"]);
  });

  it("reads users; a hidden email is the empty string", async () => {
    expect((await v1.users.getCurrentUser()).accountId).toBe(accountId("alice"));
    expect((await v1.users.getUser({ accountId: accountId("carol") })).email).toBe("");
    const bulk = await v1.users.getBulkUserLookup({ accountId: `${accountId("bob")},${accountId("carol")}` });
    expect(bulk.results.map((u) => u.displayName)).toEqual(["Bob", "Carol"]);
    const memberOf = await v1.users.getGroupMembershipsForUser({ accountId: accountId("carol") });
    expect(memberOf.results.map((g) => g.name)).toEqual(["confluence-users", "leads"]);
  });

  it("searches with CQL through the v1 table", async () => {
    const found = await v1.search.searchByCQL({ cql: 'type = page and space = "ENG"' });
    expect(found.results.map((r) => r.content?.id).sort()).toEqual(["1001", "1002", "1003"]);
  });

  it("surfaces the twin's rate limit as RateLimitError with retryAfterMs", async () => {
    world.twin.rateLimits.configure({
      rules: [{ operationId: "getGroups", capacity: 1, refillPerSecond: 0.5 }],
    });
    try {
      await v1.group.getGroups();
      const error = await v1.group.getGroups().catch((e: unknown) => e);
      expect(isRateLimitError(error)).toBe(true);
      expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(2000);
    } finally {
      world.twin.rateLimits.configure({});
    }
  });
});

describe("confluence.js 3.2.0 v2 over http with Basic auth (carol: no access to the eng-only subtree)", () => {
  it("lists spaces and their permissions", async () => {
    const spaces = await v2.space.getSpaces({ descriptionFormat: "plain" });
    expect(spaces.results!.map((s) => s.key).sort()).toEqual(["ENG", "PUB"]);
    const eng = spaces.results!.find((s) => s.key === "ENG")!;
    const perms = await v2.spacePermissions.getSpacePermissionsAssignments({ id: Number(eng.id) });
    expect(perms.results!.length).toBeGreaterThan(0);
  });

  it("lists pages with bodies, in a space too, hiding restricted ones", async () => {
    const pages = await v2.page.getPages({ bodyFormat: "storage" });
    expect(pages.results!.map((p) => p.id)).toEqual(["1001", "3001"]);
    expect(pages.results![0].body?.storage?.value).toContain("<h1>Welcome</h1>");
    const eng = (await v2.space.getSpaces({ keys: ["ENG"] })).results![0];
    const inSpace = await v2.page.getPagesInSpace({ id: Number(eng.id), bodyFormat: "atlas_doc_format" });
    expect(inSpace.results!.map((p) => p.title)).toEqual(["Eng Home"]);
  });

  it("reads a page by id and its ancestors; restricted pages are 404", async () => {
    const alice = createV2Client({
      host: world.server.url,
      auth: { type: "basic", ...credentials("alice") },
    });
    const page = await alice.page.getPageById({ id: 1003, bodyFormat: "storage", includeLabels: true });
    expect(page.title).toBe("Deep Secret");
    const ancestors = await alice.ancestors.getPageAncestors({ id: 1003 });
    expect(ancestors.results!.map((a) => a.id)).toEqual(["1001", "1002"]);
    const hidden = await v2.page.getPageById({ id: 1003 }).catch((e: unknown) => e);
    expect(isNotFoundError(hidden)).toBe(true);
  });

  it("looks users up in bulk; a hidden email is empty", async () => {
    const users = await v2.user.createBulkUserLookup({
      body: { accountIds: [accountId("bob"), accountId("carol")] },
    });
    expect(users.results!.map((u) => u.displayName)).toEqual(["Bob", "Carol"]);
  });
});

describe("confluence.js 3.2.0 with OAuth 2.0 (3LO), intercepted by msw", () => {
  const APP = {
    clientId: "cjs-app",
    clientSecret: "cjs-secret",
    name: "cjs",
    redirectUris: ["https://app.example.com/callback"],
  };
  let oauthWorld: CompatWorld;
  let msw: ReturnType<typeof interceptWithMsw>;

  beforeAll(async () => {
    oauthWorld = await startCompatWorld({ oauth: { apps: [APP], consentingUser: accountId("bob") } });
    msw = interceptWithMsw(oauthWorld.host);
  });
  afterAll(async () => {
    msw.close();
    await oauthWorld.server.close();
  });

  async function consent(scopes: string[]): Promise<{ refreshToken: string }> {
    const url = generateAuthorizationUrl({
      clientId: APP.clientId,
      scopes,
      redirectUri: APP.redirectUris[0],
      state: "s1",
    });
    const res = await createDirectFetch(oauthWorld.host)(url, { redirect: "manual" });
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    const tokens = await exchangeAuthorizationCode({
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
      code,
      redirectUri: APP.redirectUris[0],
    });
    return { refreshToken: tokens.refreshToken! };
  }

  it("refreshes, resolves the cloud id, calls the gateway and refreshes again after expiry", async () => {
    const { refreshToken } = await consent(["read:content-details:confluence", "offline_access"]);
    const rotated: string[] = [];
    const client = createV1Client({
      auth: {
        type: "oauth2",
        clientId: APP.clientId,
        clientSecret: APP.clientSecret,
        refreshToken,
        onTokenRefresh: ({ refreshToken: next }) => {
          if (next) rotated.push(next);
        },
      },
    });
    expect((await client.users.getCurrentUser()).accountId).toBe(accountId("bob"));
    // The simulated hour passes: the gateway answers 401 and the client refreshes once.
    oauthWorld.twin.clock.advance(3_600_000);
    expect((await client.contentRestrictions.getRestrictions({ id: "1001" })).size).toBe(2);
    expect(rotated).toHaveLength(2);
    expect(new Set([refreshToken, ...rotated]).size).toBe(3);

    const scopeError = await client.group.getGroups().catch((e: unknown) => e);
    expect(isScopeError(scopeError)).toBe(true);
    expect(rotated).toHaveLength(2);
  });
});
