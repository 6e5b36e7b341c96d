import fc from "fast-check";
import supertest from "supertest";
import { describe, expect, it } from "vitest";
import { createExpressApp } from "../../../src/simulators/host/index.ts";
import { id, makeWorld, SITE } from "../v1/site.ts";

const APP = {
  clientId: "crawler-app",
  clientSecret: "s3cret",
  name: "Crawler",
  redirectUris: ["https://crawler.example.com/callback"],
};
const REDIRECT = APP.redirectUris[0];
const CRAWLER_SCOPES = [
  "read:page:confluence",
  "read:content-details:confluence",
  "read:group:confluence",
  "read:user:confluence",
  "offline_access",
];

function world() {
  return makeWorld(SITE, { oauth: { apps: [APP] } });
}

type World = ReturnType<typeof world>;

function authorizeUrl(params: Record<string, string>): string {
  const q = new URLSearchParams({
    audience: "api.atlassian.com",
    client_id: APP.clientId,
    scope: CRAWLER_SCOPES.join(" "),
    redirect_uri: REDIRECT,
    state: "xyz",
    response_type: "code",
    prompt: "consent",
    ...params,
  });
  return `https://auth.atlassian.com/authorize?${q}`;
}

async function authorize(w: World, params: Record<string, string> = {}) {
  const res = await w.fetch(authorizeUrl(params), { redirect: "manual" });
  return { res, location: res.headers.get("location") ? new URL(res.headers.get("location")!) : undefined };
}

async function token(w: World, body: Record<string, string>) {
  const res = await w.fetch("https://auth.atlassian.com/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: APP.clientId, client_secret: APP.clientSecret, ...body }),
  });
  return { status: res.status, body: await res.json() };
}

async function login(w: World, params: Record<string, string> = {}) {
  const { location } = await authorize(w, params);
  const code = location!.searchParams.get("code")!;
  return (await token(w, { grant_type: "authorization_code", code, redirect_uri: REDIRECT })).body;
}

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe("OAuth 2.0 (3LO) end to end", () => {
  it("authorizes, exchanges the code, lists accessible resources and calls the gateway", async () => {
    const w = world();
    const { res, location } = await authorize(w, { sim_user: id("bob") });
    expect(res.status).toBe(302);
    expect(location!.origin + location!.pathname).toBe(REDIRECT);
    expect(location!.searchParams.get("state")).toBe("xyz");
    const code = location!.searchParams.get("code")!;

    const t = await token(w, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ expires_in: 3600, token_type: "Bearer", scope: CRAWLER_SCOPES.join(" ") });
    expect(t.body.access_token).toEqual(expect.any(String));
    expect(t.body.refresh_token).toEqual(expect.any(String));

    const resources = await w.fetch(
      "https://api.atlassian.com/oauth/token/accessible-resources",
      bearer(t.body.access_token),
    );
    expect(await resources.json()).toEqual([
      {
        id: w.twin.store.site.cloudId,
        url: "https://acme.atlassian.net",
        name: "acme",
        scopes: CRAWLER_SCOPES.filter((s) => s !== "offline_access"),
        avatarUrl: expect.any(String),
      },
    ]);

    const me = await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(t.body.access_token));
    expect(me.status).toBe(200);
    expect((await me.json()).accountId).toBe(id("bob"));
    // Same token on the site domain: treated like bad credentials.
    expect((await w.fetch(`${w.site}/rest/api/user/current`, bearer(t.body.access_token))).status).toBe(403);
  });

  it("uses the twin's consenting user when the request names none", async () => {
    const w = makeWorld(SITE, { oauth: { apps: [APP], consentingUser: "carol@acme.example.com" } });
    const t = await login(w);
    const me = await (await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(t.access_token))).json();
    expect(me.accountId).toBe(id("carol"));
  });

  it("codes are single use and bound to the redirect URI", async () => {
    const w = world();
    const { location } = await authorize(w);
    const code = location!.searchParams.get("code")!;
    const wrongUri = await token(w, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "https://evil.example/cb",
    });
    expect(wrongUri).toMatchObject({ status: 403, body: { error: "invalid_grant" } });
    expect((await token(w, { grant_type: "authorization_code", code, redirect_uri: REDIRECT })).status).toBe(
      200,
    );
    const again = await token(w, { grant_type: "authorization_code", code, redirect_uri: REDIRECT });
    expect(again).toMatchObject({ status: 403, body: { error: "invalid_grant" } });
  });

  it("expires access tokens on the SimClock and rotates refresh tokens", async () => {
    const w = world();
    const first = await login(w);
    w.clock.advance(3_599_000);
    expect((await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(first.access_token))).status).toBe(
      200,
    );
    w.clock.advance(1_000);
    const expired = await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(first.access_token));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ code: 401, message: "Unauthorized" });
    expect(
      (
        await w.fetch(
          "https://api.atlassian.com/oauth/token/accessible-resources",
          bearer(first.access_token),
        )
      ).status,
    ).toBe(401);

    const second = await token(w, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(
      (await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(second.body.access_token))).status,
    ).toBe(200);

    const reuse = await token(w, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(reuse).toEqual({
      status: 403,
      body: { error: "invalid_grant", error_description: "Unknown or invalid refresh token." },
    });
    const third = await token(w, { grant_type: "refresh_token", refresh_token: second.body.refresh_token });
    expect(third.status).toBe(200);
  });

  it("refresh tokens die after 90 days unused", async () => {
    const w = world();
    const t = await login(w);
    w.clock.advance(90 * 86_400_000);
    const res = await token(w, { grant_type: "refresh_token", refresh_token: t.refresh_token });
    expect(res.body.error).toBe("invalid_grant");
  });

  it("gives no refresh token without offline_access", async () => {
    const w = world();
    const t = await login(w, { scope: "read:page:confluence" });
    expect(t.refresh_token).toBeUndefined();
  });

  it("rejects a wrong client secret and unsupported grants", async () => {
    const w = world();
    const bad = await w.fetch("https://auth.atlassian.com/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        client_id: APP.clientId,
        client_secret: "x",
        refresh_token: "r",
      }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "access_denied" });
    const grant = await token(w, { grant_type: "password" });
    expect(grant).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
  });

  it("accepts a form-encoded token request", async () => {
    const w = world();
    const { location } = await authorize(w);
    const res = await w.fetch("https://auth.atlassian.com/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        code: location!.searchParams.get("code")!,
        redirect_uri: REDIRECT,
      }).toString(),
    });
    expect(res.status).toBe(200);
  });

  it("authorize: HTML error for an unknown app or callback, redirect with error for bad scopes", async () => {
    const w = world();
    const unknownApp = await authorize(w, { client_id: "nope" });
    expect(unknownApp.res.status).toBe(400);
    expect(unknownApp.res.headers.get("content-type")).toContain("text/html");
    expect((await authorize(w, { redirect_uri: "https://evil.example/cb" })).res.status).toBe(400);
    const scope = await authorize(w, { scope: "read:page:confluence write:everything" });
    expect(scope.res.status).toBe(302);
    expect(scope.location!.searchParams.get("error")).toBe("invalid_scope");
    expect(scope.location!.searchParams.get("state")).toBe("xyz");
    const type = await authorize(w, { response_type: "token" });
    expect(type.location!.searchParams.get("error")).toBe("unsupported_response_type");
  });

  it("revoking consent kills the user's tokens", async () => {
    const w = world();
    const t = await login(w, { sim_user: id("bob") });
    w.twin.oauth.revoke(id("bob"));
    expect((await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(t.access_token))).status).toBe(401);
    expect((await token(w, { grant_type: "refresh_token", refresh_token: t.refresh_token })).status).toBe(
      403,
    );
  });
});

describe("scopes at the gateway", () => {
  const SCOPE_MISMATCH = { code: 401, message: "Unauthorized; scope does not match" };
  const tokenWith = (w: World, scopes: string[]) =>
    w.twin.oauth.issueTokens({ clientId: APP.clientId, accountId: id("alice"), scopes }).access_token;

  it("answers 401 'scope does not match' when a v1 route's scope is missing", async () => {
    const w = world();
    const t = tokenWith(w, ["read:page:confluence"]);
    const res = await w.fetch(`${w.gateway}/rest/api/group`, bearer(t));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(SCOPE_MISMATCH);
    expect((await w.fetch(`${w.gateway}/api/v2/pages`, bearer(t))).status).toBe(200);
  });

  it("v1 accepts its classic or its granular scope", async () => {
    const w = world();
    for (const scope of ["read:confluence-groups", "read:group:confluence"]) {
      expect((await w.fetch(`${w.gateway}/rest/api/group`, bearer(tokenWith(w, [scope])))).status).toBe(200);
    }
    const members = `${w.gateway}/rest/api/group/${w.twin.store.groupByName("eng")!.id}/membersByGroupId`;
    expect((await w.fetch(members, bearer(tokenWith(w, ["read:group:confluence"])))).status).toBe(401);
    expect(
      (await w.fetch(members, bearer(tokenWith(w, ["read:group:confluence", "read:user:confluence"]))))
        .status,
    ).toBe(200);
  });

  it("CQL search takes search:confluence or read:content-details:confluence", async () => {
    const w = world();
    const url = `${w.gateway}/rest/api/search?cql=type%3Dpage`;
    expect((await w.fetch(url, bearer(tokenWith(w, ["search:confluence"])))).status).toBe(200);
    expect((await w.fetch(url, bearer(tokenWith(w, ["read:content-details:confluence"])))).status).toBe(200);
    expect((await w.fetch(url, bearer(tokenWith(w, ["read:page:confluence"])))).status).toBe(401);
  });

  it("classic-only tokens work on v1 and get 401 on v2", async () => {
    const w = world();
    const t = tokenWith(w, [
      "read:confluence-user",
      "read:confluence-space.summary",
      "read:confluence-content.summary",
    ]);
    expect((await w.fetch(`${w.gateway}/rest/api/user/current`, bearer(t))).status).toBe(200);
    const v2 = await w.fetch(`${w.gateway}/api/v2/spaces`, bearer(t));
    expect(v2.status).toBe(401);
    expect(await v2.json()).toEqual(SCOPE_MISMATCH);
  });
});

describe("the OAuth endpoints over express (one origin for every host)", () => {
  it("authorize → token → accessible-resources → gateway", async () => {
    const w = world();
    const app = createExpressApp(w.host);
    const auth = await supertest(app).get(`/authorize?${new URL(authorizeUrl({})).searchParams}`);
    expect(auth.status).toBe(302);
    const code = new URL(auth.headers.location).searchParams.get("code")!;
    const tok = await supertest(app).post("/oauth/token").send({
      grant_type: "authorization_code",
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code,
      redirect_uri: REDIRECT,
    });
    expect(tok.status).toBe(200);
    const res = await supertest(app)
      .get("/oauth/token/accessible-resources")
      .set("authorization", `Bearer ${tok.body.access_token}`);
    expect(res.body[0].id).toBe(w.twin.store.site.cloudId);
    const me = await supertest(app)
      .get(`/ex/confluence/${res.body[0].id}/wiki/rest/api/user/current`)
      .set("authorization", `Bearer ${tok.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.accountId).toBe(w.twin.store.users.values().next().value!.accountId);
  });
});

describe("OAuth endpoints never answer 500", () => {
  it("token endpoint and authorize take any input", async () => {
    const w = world();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.dictionary(fc.constantFrom("grant_type", "code", "client_id"), fc.string()),
        ),
        fc.dictionary(
          fc.constantFrom("client_id", "redirect_uri", "scope", "response_type", "audience", "sim_user"),
          fc.string(),
        ),
        async (body, params) => {
          const tokenRes = await w.fetch("https://auth.atlassian.com/oauth/token", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: typeof body === "string" ? body : JSON.stringify(body),
          });
          expect([400, 401, 403]).toContain(tokenRes.status);
          const auth = await w.fetch(`https://auth.atlassian.com/authorize?${new URLSearchParams(params)}`, {
            redirect: "manual",
          });
          expect([302, 400]).toContain(auth.status);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
