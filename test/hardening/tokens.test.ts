import { createPrivateKey } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { SIMULATOR_SIGNING_KEY_PEM } from "../../src/simulators/directory/signing-key.ts";
import { contosoForFile } from "./served.ts";

/**
 * The token endpoint and Graph's token validation refuse what Entra refuses. The simulator's
 * signing key is public on purpose, so these tokens are signed correctly: what is wrong is the
 * claim set a buggy client (or a test) built.
 */
const s = contosoForFile();
let good: Record<string, unknown>;
beforeAll(async () => {
  good = decodeJwt(await s.appToken()) as Record<string, unknown>;
});

const key = createPrivateKey(SIMULATOR_SIGNING_KEY_PEM);
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT" }).sign(key);

async function listConnections(token: string) {
  const res = await fetch(`${s.url}/v1.0/external/connections`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

describe("token endpoint", () => {
  it("Basic credentials that are not valid percent-encoding → 400 invalid_request, not 500", async () => {
    const res = await fetch(`${s.url}/${s.tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("%:x").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[]; error_description: string };
    expect(body.error).toBe("invalid_request");
    expect(body.error_codes).toEqual([90023]);
    expect(body.error_description).toMatch(/^AADSTS90023: /);
  });

  it("well-encoded Basic credentials still work", async () => {
    const pair = `${encodeURIComponent(s.app.clientId)}:${encodeURIComponent(s.app.secret)}`;
    const res = await fetch(`${s.url}/${s.tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(pair).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
    });
    expect(res.status).toBe(200);
  });
});

describe("Graph token validation", () => {
  it("the unmodified claim set re-signed is accepted (the key is the simulator's)", async () => {
    expect((await listConnections(await sign(good))).status).toBe(200);
  });

  it("a token without exp is refused: IDX10225", async () => {
    const { exp: _exp, ...claims } = good;
    const { status, body } = await listConnections(await sign(claims));
    expect(status).toBe(401);
    expect(body.error).toMatchObject({
      code: "InvalidAuthenticationToken",
      message: "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.",
    });
  });

  it("an issuer that is not the tenant's is refused: IDX10205", async () => {
    for (const iss of [
      "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
      "https://evil.example/",
      undefined,
    ]) {
      const { status, body } = await listConnections(await sign({ ...good, iss }));
      expect(status).toBe(401);
      expect(body.error?.code).toBe("InvalidAuthenticationToken");
    }
  });

  it("the tenant's v2.0 issuer is accepted", async () => {
    const iss = `https://login.microsoftonline.com/${s.tenant}/v2.0`;
    expect((await listConnections(await sign({ ...good, iss }))).status).toBe(200);
  });

  it("claims of the wrong type are refused, never read (a string roles claim would match by substring)", async () => {
    for (const bad of [
      { roles: "ExternalConnection.ReadWrite.All" },
      { tid: 42 },
      { appid: null },
      { idtyp: "device" },
      { exp: "never" },
      { nbf: "now" },
      { scp: ["a"] },
    ]) {
      const { status, body } = await listConnections(await sign({ ...good, ...bad }));
      expect(status, JSON.stringify(bad)).toBe(401);
      expect(body.error?.code).toBe("InvalidAuthenticationToken");
    }
  });
});
