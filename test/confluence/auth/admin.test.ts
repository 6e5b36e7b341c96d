import { describe, expect, it } from "vitest";
import { id, makeWorld } from "../v1/site.ts";

const admin = (w: ReturnType<typeof makeWorld>, method: string, path: string, body: unknown) =>
  w.fetch(`http://127.0.0.1${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("Confluence switches over the admin API", () => {
  it("configures rate limits and the v1 removal switch", async () => {
    const w = makeWorld();
    const rl = await admin(w, "PUT", "/_sim/confluence/rate-limit", {
      rules: [{ capacity: 1, refillPerSecond: 1 }],
    });
    expect(await rl.json()).toEqual({ enabled: true });
    expect((await w.get("/rest/api/group")).status).toBe(200);
    expect((await w.get("/rest/api/group")).status).toBe(429);
    await admin(w, "PUT", "/_sim/confluence/rate-limit", {});
    expect((await w.get("/rest/api/group")).status).toBe(200);

    expect((await admin(w, "PUT", "/_sim/confluence/v1-removal", { basic: "removed" })).status).toBe(200);
    expect((await w.get("/rest/api/content/1001")).status).toBe(410);
    expect((await admin(w, "PUT", "/_sim/confluence/v1-removal", { basic: "gone" })).status).toBe(400);
  });

  it("registers apps and issues tokens without the browser step", async () => {
    const w = makeWorld();
    const app = { clientId: "ext", clientSecret: "s", redirectUris: ["https://ext.example/cb"] };
    expect((await admin(w, "POST", "/_sim/confluence/oauth/apps", app)).status).toBe(200);
    const res = await admin(w, "POST", "/_sim/confluence/oauth/tokens", {
      clientId: "ext",
      accountId: id("bob"),
      scopes: ["read:content-details:confluence", "offline_access"],
    });
    const tokens = await res.json();
    expect(tokens).toMatchObject({
      expires_in: 3600,
      token_type: "Bearer",
      refresh_token: expect.any(String),
    });
    const me = await w.fetch(`${w.gateway}/rest/api/user/current`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect((await me.json()).accountId).toBe(id("bob"));
    const unknown = await admin(w, "POST", "/_sim/confluence/oauth/tokens", {
      clientId: "nope",
      accountId: id("bob"),
      scopes: ["x"],
    });
    expect(unknown.status).toBe(400);
  });

  it("adds scoped API tokens", async () => {
    const w = makeWorld();
    const body = { user: "carol@acme.example.com", token: "sc", scopes: ["read:group:confluence"] };
    expect((await admin(w, "POST", "/_sim/confluence/scoped-api-tokens", body)).status).toBe(200);
    const auth = `Basic ${Buffer.from("carol@acme.example.com:sc").toString("base64")}`;
    expect((await w.fetch(`${w.gateway}/rest/api/group`, { headers: { authorization: auth } })).status).toBe(
      200,
    );
  });
});
