import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { makeWorld } from "./world.ts";

/** The ids a fresh world answers a fixed sequence of calls with. */
async function idsOfOneRun() {
  const w = makeWorld();
  const token = await w.appToken();
  const ok = await w.call("GET", "/external/connections");
  const missing = await w.call("GET", "/external/connections/nosuch");
  const withClientId = await w.call("GET", "/external/connections", undefined, undefined, {
    "client-request-id": "caller-chosen",
  });
  return {
    token,
    jti: decodeJwt(token).jti,
    ok: ok.headers.get("request-id"),
    missing: [missing.headers.get("request-id"), missing.body.error.innerError["request-id"]],
    clientRequestId: withClientId.headers.get("client-request-id"),
  };
}

describe("Graph and login ids are reproducible", () => {
  it("the same calls on a fresh world give the same request ids and the same signed tokens", async () => {
    const first = await idsOfOneRun();
    const second = await idsOfOneRun();
    expect(second).toEqual(first);
    expect(first.ok).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.ok).not.toBe(first.missing[0]);
    // The error body names the same request as the header; the caller's own id is echoed.
    expect(first.missing[0]).toBe(first.missing[1]);
    expect(first.clientRequestId).toBe("caller-chosen");
  });
});
