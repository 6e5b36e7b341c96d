import { describe, expect, it } from "vitest";
import { rawRequest } from "./raw-http.ts";
import { contosoForFile, errorShape } from "./served.ts";

/** Methods no route may see get the owning service's 405; fetch-forbidden requests fail like fetch. */
const s = contosoForFile();

describe("TRACE, CONNECT and made-up methods over http", () => {
  it.each([
    ["TRACE", "/wiki/api/v2/spaces", "confluence-v2"],
    ["TRACE", "/wiki/rest/api/space", "confluence-v2"],
    ["TRACE", "/v1.0/external/connections", "graph"],
    ["TRACE", "/contoso.com/oauth2/v2.0/token", "aad"],
    ["PROPFIND", "/v1.0/users", "graph"],
    ["TRACE", "/v1.0/no/such/route", "graph"],
  ])("%s %s → 405 in the service's shape", async (method, path, shape) => {
    const res = await rawRequest(s.url, { method, path, headers: { authorization: s.confluenceAuth } });
    expect(res.status).toBe(405);
    expect(errorShape(JSON.parse(res.text))).toBe(shape);
  });

  it("TRACE with a body is refused by node's own parser (400, no body), before the host", async () => {
    const res = await rawRequest(s.url, { method: "TRACE", path: "/v1.0/users", body: "{}" });
    expect(res.status).toBe(400);
    expect(res.text).toBe("");
  });

  it("a TRACE is journaled like any other request", async () => {
    await rawRequest(s.url, { method: "TRACE", path: "/wiki/api/v2/pages" });
    const last = s.world.host.journal.entries({}).at(-1)!;
    expect(last).toMatchObject({ method: "TRACE", service: "confluence", status: 405 });
  });
});

describe("the direct transport refuses what fetch refuses", () => {
  it.each([
    [{ method: "TRACE" }, "'TRACE' HTTP method is unsupported."],
    [{ method: "CONNECT" }, "'CONNECT' HTTP method is unsupported."],
    [{ method: "GE T" }, "'GE T' is not a valid HTTP method."],
    [{ method: "GET", body: "x" }, "Request with GET/HEAD method cannot have body."],
    [{ method: "HEAD", body: "" }, "Request with GET/HEAD method cannot have body."],
    [{ headers: { authorization: "a\r\nb" } }, "invalid header value"],
    [{ headers: { "bad name": "x" } }, "invalid header name"],
    [{ headers: { authorization: "Bearer Ā" } }, "invalid header value"],
  ])("%j → TypeError", async (init, message) => {
    await expect(s.world.fetch("https://graph.microsoft.com/v1.0/users", init)).rejects.toThrow(message);
    // …and the same as undici itself.
    await expect(fetch(`${s.url}/v1.0/users`, init)).rejects.toThrow(TypeError);
  });
});

describe("unmatched requests on a real host", () => {
  it("an unknown path on graph.microsoft.com is Graph's 400, not the host's own 404", async () => {
    const res = await s.world.fetch("https://graph.microsoft.com/v2.0/nothing");
    expect(res.status).toBe(400);
    expect(errorShape(await res.json())).toBe("graph");
  });

  it("a segment that is not valid percent-encoding is named as sent", async () => {
    const res = await s.world.fetch("https://graph.microsoft.com/v1.0/external/connections/x/nothing/%", {
      headers: { authorization: `Bearer ${await s.appToken()}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "Resource not found for the segment '%'.",
    );
  });
});
