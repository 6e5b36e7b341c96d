import { describe, expect, it } from "vitest";
import { basic, id, makeWorld, SITE } from "../v1/site.ts";

describe("burst rate limiting on the SimClock", () => {
  it("is off by default", async () => {
    const { get } = makeWorld();
    for (let i = 0; i < 30; i++) expect((await get("/rest/api/user/current")).status).toBe(200);
    expect((await get("/rest/api/user/current")).headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("answers 429 with Retry-After and X-RateLimit-* once the bucket is empty, then recovers", async () => {
    const w = makeWorld(SITE, { rateLimit: { rules: [{ method: "GET", capacity: 5, refillPerSecond: 1 }] } });
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await w.get("/rest/api/group");
      statuses.push(res.status);
      remaining.push(res.headers.get("x-ratelimit-remaining"));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(remaining).toEqual(["4", "3", "2", "1", "0", "0"]);

    const limited = await w.get("/rest/api/group");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("x-ratelimit-limit")).toBe("5");
    expect(limited.headers.get("x-ratelimit-nearlimit")).toBe("true");
    expect(limited.headers.get("ratelimit-reason")).toBe("confluence-quota-tenant-based");
    expect(limited.headers.get("x-ratelimit-reset")).toBe("2026-03-01T00:00:05Z");
    expect(await limited.json()).toMatchObject({ statusCode: 429, reason: "Too Many Requests" });

    // Buckets are per endpoint × method: another route still passes.
    expect((await w.get("/rest/api/user/current")).status).toBe(200);
    // v2 429s use the v2 errors array.
    for (let i = 0; i < 5; i++) await w.get("/api/v2/pages");
    const v2 = await w.get("/api/v2/pages");
    expect(v2.status).toBe(429);
    expect(await v2.json()).toMatchObject({ errors: [{ status: 429, code: "TOO_MANY_REQUESTS" }] });

    w.clock.advance(1_000);
    expect((await w.get("/rest/api/group")).status).toBe(200);
    expect((await w.get("/rest/api/group")).status).toBe(429);
    expect(w.host.journal.entries({ status: 429 }).at(-1)?.retryAfter).toBe(1);
  });

  it("can be reconfigured at runtime", async () => {
    const w = makeWorld();
    w.twin.rateLimits.configure({ rules: [{ operationId: "getUser", capacity: 1, refillPerSecond: 0.1 }] });
    expect((await w.get(`/rest/api/user?accountId=${id("bob")}`)).status).toBe(200);
    const res = await w.get(`/rest/api/user?accountId=${id("bob")}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
  });
});

describe("v1 removal switch (CHANGE-864)", () => {
  const APP = { clientId: "a", clientSecret: "b", name: "A", redirectUris: ["https://x.example/cb"] };
  const SCOPES = [
    "read:content-details:confluence",
    "read:space-details:confluence",
    "read:group:confluence",
  ];

  it("default: removed for OAuth (410 GoneException), deprecated with headers for Basic", async () => {
    const w = makeWorld(SITE, { oauth: { apps: [APP] } });
    const t = w.twin.oauth.issueTokens({
      clientId: "a",
      accountId: id("alice"),
      scopes: SCOPES,
    }).access_token;
    const gone = await w.fetch(`${w.gateway}/rest/api/content/1001`, {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({
      statusCode: 410,
      data: { authorized: true, valid: true, allowedInReadOnlyMode: true, errors: [], successful: false },
      message:
        "com.atlassian.confluence.api.service.exceptions.GoneException: This deprecated endpoint has been removed.",
      reason: "Gone",
    });
    // Current v1 endpoints stay alive for OAuth.
    expect(
      (await w.fetch(`${w.gateway}/rest/api/group`, { headers: { authorization: `Bearer ${t}` } })).status,
    ).toBe(200);
    const basicRes = await w.get("/rest/api/content/1001");
    expect(basicRes.status).toBe(200);
    expect(basicRes.headers.get("deprecation")).toBe("Wed, 1 Mar 2023 00:00:00 GMT");
    expect(basicRes.headers.get("link")).toBe(
      '<https://developer.atlassian.com/cloud/confluence/changelog/#CHANGE-864>; rel="deprecation"',
    );
    // Non-deprecated routes carry no deprecation headers.
    expect((await w.get("/rest/api/group")).headers.get("deprecation")).toBeNull();
  });

  it("is switchable per endpoint and auth mode", async () => {
    const w = makeWorld(SITE, {
      v1Removal: { basic: "deprecated", endpoints: { getSpace: { basic: "removed" } } },
    });
    expect((await w.get("/rest/api/space/ENG")).status).toBe(410);
    expect((await w.get("/rest/api/content?spaceKey=ENG")).status).toBe(200);
  });

  it("still rejects bad credentials before saying gone", async () => {
    const w = makeWorld(SITE, { v1Removal: { basic: "removed" } });
    const res = await w.fetch(`${w.site}/rest/api/content/1001`, {
      headers: { authorization: basic("bob", "no") },
    });
    expect(res.status).toBe(403);
  });
});

describe("v1 edge answers", () => {
  it("flips the removal switch at runtime", async () => {
    const w = makeWorld();
    expect((await w.get("/rest/api/content/1001")).status).toBe(200);
    w.twin.setV1Removal({ basic: "removed" });
    expect((await w.get("/rest/api/content/1001")).status).toBe(410);
  });

  it("unknown v1 route: Jersey's XML 404; wrong method: Spring's 405 without Allow", async () => {
    const w = makeWorld();
    const unknown = await w.get("/rest/api/nopesuchroute");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/xml");
    expect(await unknown.text()).toContain("<status-code>404</status-code>");
    const wrong = await w.get("/rest/api/group", "alice", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBeNull();
    expect((await wrong.json()).errors[0]).toMatchObject({ status: 405, code: "METHOD_NOT_ALLOWED" });
  });

  it("sends the edge headers real Confluence sends on every answer", async () => {
    const res = await makeWorld().get("/rest/api/group");
    expect(res.headers.get("server")).toBe("AtlassianEdge");
    expect(res.headers.get("atl-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
  });
});
