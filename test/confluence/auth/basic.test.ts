import supertest from "supertest";
import { describe, expect, it } from "vitest";
import { createExpressApp } from "../../../src/simulators/host/index.ts";
import { basic, makeWorld, SITE } from "../v1/site.ts";

const REJECTED = {
  statusCode: 403,
  message:
    'com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: 403 FORBIDDEN "Request rejected because caller cannot access Confluence"',
};
const V2_NOT_FOUND = { errors: [{ status: 404, code: "NOT_FOUND", title: "Not Found", detail: null }] };

describe("Basic auth failures, as measured", () => {
  const { get, fetch, site } = makeWorld();

  it("wrong token: v1 403 'caller cannot access Confluence', v2 bare 404", async () => {
    const v1 = await get("/rest/api/user/current", null, {
      headers: { authorization: basic("alice", "wrong") },
    });
    expect(v1.status).toBe(403);
    expect(await v1.json()).toEqual(REJECTED);
    const v2 = await get("/api/v2/pages", null, { headers: { authorization: basic("alice", "wrong") } });
    expect(v2.status).toBe(404);
    expect(await v2.json()).toEqual(V2_NOT_FOUND);
  });

  it("no credentials on a site without anonymous access: the same 403 / 404", async () => {
    expect(await (await get("/rest/api/group", null)).json()).toEqual(REJECTED);
    expect((await get("/api/v2/pages", null)).status).toBe(404);
  });

  it("deactivated account and user without product access: rejected like bad credentials", async () => {
    expect((await get("/rest/api/user/current", "olga")).status).toBe(403);
  });

  it("unparseable Basic value: Tomcat's 401 HTML page", async () => {
    const res = await fetch(`${site}/rest/api/user/current`, { headers: { authorization: "Basic !!!" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("HTTP Status 401 – Unauthorized");
  });

  it("Bearer tokens on the site domain are not accepted (v1 403)", async () => {
    const res = await fetch(`${site}/rest/api/user/current`, { headers: { authorization: "Bearer abc" } });
    expect(res.status).toBe(403);
  });

  it("works through the gateway prefix too; an unknown cloudId is a bare 404", async () => {
    const w = makeWorld();
    const ok = await w.fetch(`${w.gateway}/rest/api/user/current`, {
      headers: { authorization: basic("bob") },
    });
    expect(ok.status).toBe(200);
    const wrong = await w.fetch("https://api.atlassian.com/ex/confluence/nope/wiki/rest/api/user/current", {
      headers: { authorization: basic("bob") },
    });
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toBe("");
  });
});

describe("anonymous access", () => {
  it("sees only anonymous-access spaces when the site allows it", async () => {
    const { get } = makeWorld({ ...SITE, site: { name: "acme", anonymousAccess: true } });
    const me = await (await get("/rest/api/user/current", null)).json();
    expect(me).toMatchObject({ type: "anonymous", displayName: "Anonymous" });
    const list = await (await get("/rest/api/content?type=page", null)).json();
    expect(list.results.map((c: { id: string }) => c.id)).toEqual(["3001"]);
    expect((await get("/rest/api/space/ENG", null)).status).toBe(404);
    expect((await get("/rest/api/space/PUB", null)).status).toBe(200);
  });
});

describe("the same answers over express (supertest)", () => {
  const { host } = makeWorld();
  const app = createExpressApp(host);

  it("serves v1 routes and failure shapes identically", async () => {
    const ok = await supertest(app)
      .get("/wiki/rest/api/group?limit=1")
      .set("host", "acme.atlassian.net")
      .set("authorization", basic("alice"));
    expect(ok.status).toBe(200);
    expect(ok.body._links.next).toBe("/rest/api/group?next=true&limit=1&start=1");
    expect(ok.headers["atl-request-id"]).toBeTruthy();
    const denied = await supertest(app)
      .get("/wiki/rest/api/group")
      .set("authorization", basic("alice", "nope"));
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(REJECTED);
    const html = await supertest(app).get("/wiki/rest/api/group").set("authorization", "Basic ???");
    expect(html.status).toBe(401);
    expect(html.headers["content-type"]).toContain("text/html");
  });
});

describe("CQL search routes behind the same gate", () => {
  it("rejects bad credentials on /search with its own phrasing", async () => {
    const { get } = makeWorld();
    const res = await get("/rest/api/search?cql=type%3Dpage", null, {
      headers: { authorization: basic("bob", "x") },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      message: "Current user not permitted to use Confluence",
      statusCode: 403,
    });
    const ok = await get("/rest/api/search?cql=type%3Dpage", "carol");
    expect(ok.status).toBe(200);
    const ids = (await ok.json()).results.map((r: { content?: { id: string } }) => r.content?.id);
    expect(ids).toContain("1005");
    expect(ids).not.toContain("1003");
  });
});

describe("why a request was rejected, in the journal", () => {
  it("notes the auth reason without changing the answer", async () => {
    const w = makeWorld();
    await w.get("/rest/api/group", null, { headers: { authorization: basic("bob", "nope") } });
    await w.get("/rest/api/group", "olga");
    await w.get("/rest/api/group", null);
    const notes = w.host.journal.entries({ status: 403 }).map((e) => e.notes?.[0]);
    expect(notes).toEqual([
      "auth: Basic rejected (wrong API token for Bob)",
      "auth: Basic rejected (Olga is deactivated)",
      "auth: Anonymous users are not allowed to use Confluence",
    ]);
  });
});

describe("scoped API tokens", () => {
  const spec = {
    scopedApiTokens: [
      { user: "bob@acme.example.com", token: "scoped-bob", scopes: ["read:page:confluence"] },
    ],
  };

  it("get Tomcat's 401 on the site domain and work through the gateway with their scopes", async () => {
    const w = makeWorld(SITE, spec);
    const auth = { headers: { authorization: basic("bob", "scoped-bob") } };
    const onSite = await w.fetch(`${w.site}/api/v2/pages`, auth);
    expect(onSite.status).toBe(401);
    expect(onSite.headers.get("content-type")).toContain("text/html");
    const viaGateway = await w.fetch(`${w.gateway}/api/v2/pages`, auth);
    expect(viaGateway.status).toBe(200);
    const missing = await w.fetch(`${w.gateway}/rest/api/group`, auth);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: 401, message: "Unauthorized; scope does not match" });
  });
});
