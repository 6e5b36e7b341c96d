import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { Directory, deterministicGuid } from "../../src/simulators/directory/index.ts";
import { CONNECTOR_APP, contoso, G, LOGIN, makeWorld, SEARCH_APP } from "../graph/world.ts";

const form = (o: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(o).toString(),
});

describe("directory store", () => {
  it("derives ids deterministically and resolves UPNs case-insensitively", () => {
    const a = new Directory(contoso);
    const b = new Directory(contoso);
    expect(a.tenantId).toBe(b.tenantId);
    expect(a.tenantId).toBe(deterministicGuid("tenant", "contoso.onmicrosoft.com"));
    const alice = a.user("ALICE@contoso.onmicrosoft.com")!;
    expect(alice.id).toBe(b.user("alice@contoso.onmicrosoft.com")!.id);
    expect(alice.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.user(alice.id)).toBe(alice);
  });

  it("expands nested groups transitively (and tolerates cycles)", () => {
    const d = new Directory(contoso);
    const carol = d.user("carol@contoso.onmicrosoft.com")!;
    const groups = [...d.transitiveGroupsOf(carol.id)].map((id) => d.groups.get(id)!.displayName).sort();
    expect(groups).toEqual(["Eng Leads", "Engineering"]);
    d.addMember("Eng Leads", "Engineering");
    expect(d.transitiveGroupsOf(carol.id).size).toBe(2);
    const eng = d.group("Engineering")!;
    expect(
      d
        .transitiveMembers(eng.id)
        .users.map((u) => u.userPrincipalName)
        .sort(),
    ).toEqual(["alice@contoso.onmicrosoft.com", "carol@contoso.onmicrosoft.com"]);
  });

  it("rejects members that are neither users nor groups, and reset restores the fixture", () => {
    const d = new Directory(contoso);
    expect(() => d.addMember("Engineering", "nobody@x.com")).toThrow(/neither a user nor a group/);
    d.addUser({ upn: "zed" });
    expect(d.user("zed@contoso.onmicrosoft.com")).toBeDefined();
    d.reset();
    expect(d.user("zed@contoso.onmicrosoft.com")).toBeUndefined();
  });
});

describe("token endpoint", () => {
  it("issues a signed app token with roles, tid, appid and exp on the SimClock", async () => {
    const w = makeWorld();
    const res = await w.fetch(
      `${LOGIN}/${w.directory.tenantId}/oauth2/v2.0/token`,
      form({
        grant_type: "client_credentials",
        client_id: CONNECTOR_APP,
        client_secret: "s3cret",
        scope: "https://graph.microsoft.com/.default",
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      tid: w.directory.tenantId,
      appid: CONNECTOR_APP,
      idtyp: "app",
    });
    expect(claims.roles).toContain("ExternalConnection.ReadWrite.OwnedBy");
    expect(claims.exp).toBe(Math.floor(w.clock.now() / 1000) + 3599);
    // The token works on Graph until the SimClock passes exp.
    const ok = await w.fetch(`${G}/users/alice@contoso.onmicrosoft.com`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(ok.status).toBe(200);
    w.clock.advance(3600_000);
    const expired = await w.fetch(`${G}/users/alice@contoso.onmicrosoft.com`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(expired.status).toBe(401);
    expect((await expired.json()).error).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Lifetime validation failed, the token is expired.",
    });
  });

  it("remembers verified tokens by their exact text: forgeries, other tenants and expiry are still refused", async () => {
    const w = makeWorld();
    const other = makeWorld({}, { ...contoso, tenant: "fabrikam.onmicrosoft.com" });
    const [a, b] = [await w.appToken(), await w.userToken("alice@contoso.onmicrosoft.com")];
    const foreign = await other.appToken();
    const status = async (token: string) =>
      (
        await w.fetch(`${G}/users/alice@contoso.onmicrosoft.com`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;
    const [header, payload, signature] = a.split(".");
    const forged = `${header}.${Buffer.from(
      JSON.stringify({ ...decodeJwt(a), roles: ["Directory.ReadWrite.All"] }),
    ).toString("base64url")}.${signature}`;
    // Each token twice in a row and interleaved: the remembered one never stands in for another
    // (b is a valid delegated token without User.Read.All: 403, neither 401 nor a's 200).
    expect([await status(a), await status(a), await status(b), await status(a)]).toEqual([
      200, 200, 403, 200,
    ]);
    expect(await status(forged)).toBe(401);
    expect(await status(`${header}.${payload}.${signature.slice(0, -4)}AAAA`)).toBe(401);
    expect(await status(foreign)).toBe(401); // same signing key, other tenant
    expect(await status(a)).toBe(200);
    w.clock.advance(3600_000);
    expect([await status(a), await status(a), await status(b)]).toEqual([401, 401, 401]);
  });

  it("accepts the tenant domain and rejects bad secrets, scopes, grants and tenants with AADSTS codes", async () => {
    const w = makeWorld();
    const base = {
      grant_type: "client_credentials",
      client_id: CONNECTOR_APP,
      client_secret: "s3cret",
      scope: "https://graph.microsoft.com/.default",
    };
    const ok = await w.fetch(`${LOGIN}/contoso.onmicrosoft.com/oauth2/v2.0/token`, form(base));
    expect(ok.status).toBe(200);
    // The twin's own origin is accepted as the Graph resource (standalone base URLs).
    const own = await w.fetch(
      `${LOGIN}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
      form({ ...base, scope: `${LOGIN}/.default` }),
    );
    expect(own.status).toBe(200);
    const other = await w.fetch(
      `${LOGIN}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
      form({ ...base, scope: "https://vault.azure.net/.default" }),
    );
    expect((await other.json()).error_codes).toEqual([500011]);
    const cases: Array<[Record<string, string>, string, number, number]> = [
      [{ ...base, client_secret: "wrong" }, "contoso.onmicrosoft.com", 401, 7000215],
      [{ ...base, scope: "https://graph.microsoft.com/User.Read" }, "contoso.onmicrosoft.com", 400, 1002012],
      [
        { ...base, client_id: "99999999-9999-4999-8999-999999999999" },
        "contoso.onmicrosoft.com",
        400,
        700016,
      ],
      [{ ...base, grant_type: "authorization_code" }, "contoso.onmicrosoft.com", 400, 70003],
      [base, "fabrikam.onmicrosoft.com", 400, 90002],
    ];
    for (const [body, tenant, status, code] of cases) {
      const res = await w.fetch(`${LOGIN}/${tenant}/oauth2/v2.0/token`, form(body));
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error_codes).toEqual([code]);
      expect(json.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    }
  });

  it("issues delegated tokens by ROPC and refuses wrong passwords and disabled users", async () => {
    const w = makeWorld();
    const ropc = (username: string, password: string) =>
      w.fetch(
        `${LOGIN}/${w.directory.tenantId}/oauth2/v2.0/token`,
        form({
          grant_type: "password",
          client_id: SEARCH_APP,
          client_secret: "search",
          username,
          password,
          scope: "https://graph.microsoft.com/.default openid profile",
        }),
      );
    const ok = await ropc("bob@contoso.onmicrosoft.com", "Passw0rd!");
    expect(ok.status).toBe(200);
    const claims = decodeJwt((await ok.json()).access_token);
    expect(claims).toMatchObject({
      idtyp: "user",
      upn: "bob@contoso.onmicrosoft.com",
      scp: "User.Read ExternalItem.Read.All",
    });
    expect(claims.oid).toBe(w.directory.user("bob@contoso.onmicrosoft.com")!.id);
    expect((await (await ropc("bob@contoso.onmicrosoft.com", "nope")).json()).error_codes).toEqual([50126]);
    expect((await (await ropc("dave@contoso.onmicrosoft.com", "Passw0rd!")).json()).error_codes).toEqual([
      50057,
    ]);
  });

  it("serves openid-configuration, JWKS and instance discovery on the caller's origin", async () => {
    const w = makeWorld();
    const oidc = await (
      await w.fetch(`${LOGIN}/${w.directory.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json();
    expect(oidc.token_endpoint).toBe(`${LOGIN}/${w.directory.tenantId}/oauth2/v2.0/token`);
    expect(oidc.issuer).toBe(`https://login.microsoftonline.com/${w.directory.tenantId}/v2.0`);
    const keys = await (await w.fetch(oidc.jwks_uri)).json();
    expect(keys.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    const disc = await (
      await w.fetch(`${LOGIN}/common/discovery/instance?api-version=1.1&authorization_endpoint=x`)
    ).json();
    expect(disc.metadata[0].aliases).toContain("login.microsoftonline.com");
  });
});

describe("Graph 401s", () => {
  it("answers InvalidAuthenticationToken for missing, malformed and foreign tokens", async () => {
    const w = makeWorld();
    const empty = await w.call("GET", "/external/connections", undefined, null, {
      "client-request-id": "abc",
    });
    expect(empty.status).toBe(401);
    expect(empty.body.error).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "Access token is empty.",
    });
    expect(empty.body.error.innerError["client-request-id"]).toBe("abc");
    expect(empty.body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(empty.headers.get("client-request-id")).toBe("abc");
    const garbage = await w.call("GET", "/external/connections", undefined, "not-a-jwt");
    expect(garbage.status).toBe(401);
    const forged = (await w.appToken()).replace(/\.[^.]+$/, ".AAAA");
    const bad = await w.call("GET", "/external/connections", undefined, forged);
    expect(bad.body.error.message).toBe("Access token validation failure.");
  });
});

describe("Graph directory routes", () => {
  it("gets users by id or UPN with $select, filters by UPN/mail eq and in", async () => {
    const w = makeWorld();
    const alice = w.directory.user("alice@contoso.onmicrosoft.com")!;
    const byUpn = await w.call("GET", "/users/alice@contoso.onmicrosoft.com");
    expect(byUpn.body).toMatchObject({
      id: alice.id,
      displayName: "Alice Adams",
      userPrincipalName: alice.userPrincipalName,
    });
    expect(byUpn.body["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#users/$entity");
    const sel = await w.call("GET", `/users/${alice.id}?$select=id,userType`);
    expect(sel.body).toEqual({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userType)/$entity",
      id: alice.id,
      userType: "Member",
    });
    const eq = await w.call(
      "GET",
      `/users?$filter=${encodeURIComponent("mail eq 'gina@fabrikam.com'")}&$select=id,mail`,
    );
    expect(eq.body.value).toEqual([
      { id: w.directory.user("gina@fabrikam.com")?.id ?? expect.any(String), mail: "gina@fabrikam.com" },
    ]);
    const inList = await w.call(
      "GET",
      `/users?$filter=${encodeURIComponent("userPrincipalName in ('alice@contoso.onmicrosoft.com','BOB@contoso.onmicrosoft.com')")}`,
    );
    expect(inList.body.value.map((u: { displayName: string }) => u.displayName).sort()).toEqual([
      "Alice Adams",
      "Bob Brown",
    ]);
    const missing = await w.call("GET", "/users/nobody@contoso.onmicrosoft.com");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("Request_ResourceNotFound");
    const badFilter = await w.call("GET", `/users?$filter=${encodeURIComponent("jobTitle eq 'x'")}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.code).toBe("Request_UnsupportedQuery");
  });

  it("lists transitive group members and needs Group.Read.All", async () => {
    const w = makeWorld();
    const eng = w.directory.group("Engineering")!;
    const res = await w.call("GET", `/groups/${eng.id}/transitiveMembers`);
    expect(res.status).toBe(200);
    const types = res.body.value
      .map((m: { "@odata.type": string; displayName: string }) => `${m["@odata.type"]} ${m.displayName}`)
      .sort();
    expect(types).toEqual([
      "#microsoft.graph.group Eng Leads",
      "#microsoft.graph.user Alice Adams",
      "#microsoft.graph.user Carol",
    ]);
    const denied = await w.call(
      "GET",
      `/groups/${eng.id}`,
      undefined,
      await w.appToken("22222222-2222-4222-8222-222222222222"),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("Authorization_RequestDenied");
  });
});

describe("directory paging", () => {
  it("pages /users with $top and @odata.nextLink until the last page", async () => {
    const w = makeWorld();
    const first = await w.call("GET", "/users?$top=2&$select=id,userPrincipalName");
    expect(first.body.value).toHaveLength(2);
    const seen = [...first.body.value];
    let next: string | undefined = first.body["@odata.nextLink"];
    expect(next).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/users\?.*\$skiptoken=/);
    while (next) {
      const page = await w.call("GET", next);
      seen.push(...page.body.value);
      next = page.body["@odata.nextLink"];
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((u) => u.id)).size).toBe(5);
    expect((await w.call("GET", "/users?$top=1000")).status).toBe(400);
  });
});
