import { beforeAll, describe, expect, it } from "vitest";
import { contosoForFile } from "./served.ts";

/**
 * `$batch` sub-requests are validated before any is sent: a malformed one is Graph's whole-batch
 * 400 "Invalid batch payload format", never a 500, and no URL can leave `/v1.0` or `/beta`.
 */
const s = contosoForFile();
let token: string;
beforeAll(async () => {
  token = await s.appToken();
});

async function batch(requests: unknown[]) {
  const res = await fetch(`${s.url}/v1.0/$batch`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ requests }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const expectInvalid = (r: { status: number; body: Record<string, unknown> }) => {
  expect(r.status).toBe(400);
  expect(r.body.error).toMatchObject({
    code: "BadRequest",
    message: expect.stringMatching(/^Invalid batch payload format/),
  });
};

describe("sub-request methods", () => {
  it.each(["TRACE", "CONNECT", "GE T", "", "HEAD", "OPTIONS"])("method %j → 400, not 500", async (method) => {
    expectInvalid(await batch([{ id: "1", method, url: "/users" }]));
  });

  it("HEAD with a body → 400", async () => {
    expectInvalid(await batch([{ id: "1", method: "HEAD", url: "/users", body: { a: 1 } }]));
  });
});

describe("sub-request headers", () => {
  it.each([
    [5],
    ["x"],
    [["a", "b"]],
    [{ "bad name": "x" }],
    [{ "x-a": "a\r\nb" }],
    [{ "x-a": "a\nSet-Cookie: b" }],
    [{ "x-a": 5 }],
    [{ "x-a": "Ā" }],
  ])("headers %j → 400, not 500", async (headers) => {
    expectInvalid(await batch([{ id: "1", method: "GET", url: "/users", headers }]));
  });
});

describe("sub-request URLs resolve only under /v1.0 or /beta", () => {
  const tick = async () => {
    await fetch(`${s.url}/_sim/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"advance":"1h"}',
    });
    return s.world.clock.iso();
  };

  it.each([
    "/../_sim/reset",
    "/../../_sim/reset",
    "../_sim/reset",
    "/%2e%2e/_sim/reset",
    "/%2E%2E/%2e%2e/_sim/clock",
    "/./users",
    "/users\\..\\..\\_sim\\reset",
    "/../wiki/api/v2/spaces",
    "/us\ters",
    "/users\n/../../_sim/reset",
    "https://graph.microsoft.com/v1.0/users",
    "//evil.example/x",
    "/$batch",
    "/v1.0/$batch",
  ])("url %j → 400; nothing else ran", async (url) => {
    const before = await tick();
    token = await s.appToken(); // each case moved the clock an hour
    // Sub-requests are recorded before their batch: the newest seq, not the last entry's.
    const seq = Math.max(...s.world.host.journal.entries({ limit: 5 }).map((e) => e.seq));
    expectInvalid(await batch([{ id: "1", method: "POST", url }]));
    expect(s.world.clock.iso()).toBe(before);
    // Only the $batch itself was journaled: no sub-request went anywhere.
    expect(s.world.host.journal.entries({ sinceSeq: seq }).map((e) => e.operationId)).toEqual(["batch"]);
  });

  it("valid relative and version-prefixed URLs still run", async () => {
    token = await s.appToken();
    const r = await batch([
      { id: "1", method: "GET", url: "/users?$top=1" },
      { id: "2", method: "GET", url: "/v1.0/users/alice@contoso.com" },
      { id: "3", method: "get", url: "users", headers: { "client-request-id": "abc" } },
    ]);
    expect(r.status).toBe(200);
    const statuses = (r.body.responses as { id: string; status: number }[]).map((x) => [x.id, x.status]);
    expect(statuses).toEqual([
      ["1", 200],
      ["2", 200],
      ["3", 200],
    ]);
  });
});
