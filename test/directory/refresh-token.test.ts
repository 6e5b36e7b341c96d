import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { CONNECTOR_APP, LOGIN, makeWorld, SEARCH_APP } from "../graph/world.ts";

const BOB = "bob@contoso.onmicrosoft.com";

function tokenEndpoint(w: ReturnType<typeof makeWorld>) {
  return async (body: Record<string, string>) => {
    const res = await w.fetch(`${LOGIN}/${w.directory.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(body).toString(),
    });
    return { status: res.status, body: await res.json() };
  };
}

/** ROPC as MSAL sends it: Graph scope plus openid, profile, offline_access, client_info. */
async function signIn(w: ReturnType<typeof makeWorld>, scope = "openid profile offline_access") {
  const post = tokenEndpoint(w);
  const ropc = await post({
    grant_type: "password",
    client_id: SEARCH_APP,
    username: BOB,
    password: "Passw0rd!",
    scope: `https://graph.microsoft.com/ExternalItem.Read.All ${scope}`,
    client_info: "1",
  });
  expect(ropc.status).toBe(200);
  return { post, first: ropc.body };
}

const refresh = (refreshToken: string, extra: Record<string, string> = {}) => ({
  grant_type: "refresh_token",
  client_id: SEARCH_APP,
  refresh_token: refreshToken,
  scope: "https://graph.microsoft.com/ExternalItem.Read.All openid profile offline_access",
  client_info: "1",
  ...extra,
});

describe("refresh_token grant (MSAL silent renewal)", () => {
  it("issues a refresh token only with offline_access", async () => {
    expect((await signIn(makeWorld(), "openid profile")).first.refresh_token).toBeUndefined();
    expect((await signIn(makeWorld())).first.refresh_token).toMatch(/^1\.cgsim\./);
  });

  it("renews on the SimClock: new access token for the same user, a rotated refresh token, the old one still valid", async () => {
    const w = makeWorld();
    await w.readyConnection("wiki");
    const { post, first } = await signIn(w);
    w.clock.advance(3_600_000);
    const renewed = await post(refresh(first.refresh_token));
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    expect(renewed.body.id_token).toBeTruthy();
    expect(renewed.body.client_info).toBe(first.client_info);
    expect(renewed.body.refresh_token).not.toBe(first.refresh_token);
    const claims = decodeJwt(renewed.body.access_token);
    expect(claims).toMatchObject({ upn: BOB, scp: "ExternalItem.Read.All" });
    expect(claims.iat).toBe(Math.floor(w.clock.now() / 1000));
    // The platform does not revoke a used refresh token (docs): the old one renews too.
    expect((await post(refresh(first.refresh_token))).status).toBe(200);
    // The renewed token searches Graph as Bob.
    const search = await w.call(
      "POST",
      "/search/query",
      {
        requests: [
          {
            entityTypes: ["externalItem"],
            contentSources: ["/external/connections/wiki"],
            query: { queryString: "x" },
          },
        ],
      },
      renewed.body.access_token,
    );
    expect(search.status, JSON.stringify(search.body)).toBe(200);
  });

  it("refuses foreign, malformed, expired and revoked refresh tokens with the platform's AADSTS codes", async () => {
    const w = makeWorld();
    const { post, first } = await signIn(w);
    const code = async (body: Record<string, string>) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      return res.body.error_codes[0];
    };
    expect(
      await code(refresh(first.refresh_token, { client_id: CONNECTOR_APP, client_secret: "s3cret" })),
    ).toBe(70000);
    expect(await code(refresh(`${first.refresh_token.slice(0, -2)}xx`))).toBe(9002313);
    expect(await code(refresh("not-a-token"))).toBe(9002313);
    expect(await code({ grant_type: "refresh_token", client_id: SEARCH_APP })).toBe(900144);

    w.directory.updateUser(BOB, { password: "Changed1!" });
    expect(await code(refresh(first.refresh_token))).toBe(50173);
    w.directory.updateUser(BOB, { password: "Passw0rd!", accountEnabled: false });
    expect(await code(refresh(first.refresh_token))).toBe(50057);
    w.directory.updateUser(BOB, { accountEnabled: true });
    w.clock.advance(90 * 86_400_000);
    expect(await code(refresh(first.refresh_token))).toBe(700082);
  });
});
