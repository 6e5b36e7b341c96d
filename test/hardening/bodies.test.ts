import { beforeAll, describe, expect, it } from "vitest";
import { MAX_AUTH_BODY_BYTES } from "../../src/simulators/confluence/auth/oauth-service.ts";
import { MAX_CONFLUENCE_BODY_BYTES } from "../../src/simulators/confluence/service.ts";
import { MAX_GRAPH_BODY_BYTES } from "../../src/simulators/graph/routes/common.ts";
import { rawRequest } from "./raw-http.ts";
import { contosoForFile, errorShape } from "./served.ts";

/**
 * Bodies are read as they stream in and refused at the service's limit with its own 413: nothing
 * past the limit is buffered, whatever the client still sends (docs/hardening.md).
 */
const s = contosoForFile();
let token: string;
beforeAll(async () => {
  token = await s.appToken();
});

const CHUNK = 64 * 1024;
const FIFTY_MB = 50 * 1024 * 1024;

/** A body of `total` bytes produced on demand, counting how much the reader pulled. */
function countingBody(total: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) {
        controller.close();
        return;
      }
      const n = Math.min(CHUNK, total - pulled);
      pulled += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
  return { stream, pulled: () => pulled };
}

const graphPost = (doFetch: typeof fetch, origin: string, body: BodyInit) =>
  doFetch(`${origin}/v1.0/external/connections`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);

describe("a 50 MB body", () => {
  it("in-process: Graph's 413 after reading the limit and a chunk or two, not 50 MB", async () => {
    const body = countingBody(FIFTY_MB);
    const res = await graphPost(s.world.fetch, "https://graph.microsoft.com", body.stream);
    expect(res.status).toBe(413);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "RequestEntityTooLarge" } });
    // The limit, the chunk that passed it, and the one a ReadableStream pulls ahead.
    expect(body.pulled()).toBeLessThanOrEqual(MAX_GRAPH_BODY_BYTES + 2 * CHUNK);
  });

  it("over http: Graph's 413 with connection: close; the server stops reading near the limit", async () => {
    const body = countingBody(FIFTY_MB);
    const res = await graphPost(fetch, s.url, body.stream);
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(errorShape(await res.json())).toBe("graph");
    // The limit, the 1 MiB drained after the answer, and what sits in socket buffers: far below 50 MB.
    expect(body.pulled()).toBeLessThan(16 * 1024 * 1024);
  });

  it("a declared content-length over the limit is refused before any of it is read", async () => {
    const res = await rawRequest(s.url, {
      method: "POST",
      path: "/v1.0/external/connections",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": String(FIFTY_MB),
      },
      body: "{",
    });
    expect(res.status).toBe(413);
    expect(errorShape(JSON.parse(res.text))).toBe("graph");
    const last = s.world.host.journal.entries({}).at(-1)!;
    expect(last.notes?.join(" ")).toContain(`content-length ${FIFTY_MB}`);
  });
});

describe("every service has a limit and its own 413", () => {
  const big = (bytes: number) => "x".repeat(bytes + 1);

  it(`Confluence v2 (over ${MAX_CONFLUENCE_BODY_BYTES} bytes: the spec's "over 5 MB")`, async () => {
    const res = await fetch(`${s.url}/wiki/api/v2/users-bulk`, {
      method: "POST",
      headers: { authorization: s.confluenceAuth, "content-type": "application/json" },
      body: big(MAX_CONFLUENCE_BODY_BYTES),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errors: [{ status: 413, code: "REQUEST_ENTITY_TOO_LARGE" }] });
  });

  it("Confluence v1", async () => {
    const res = await fetch(`${s.url}/wiki/rest/api/content/1001/permission/check`, {
      method: "POST",
      headers: { authorization: s.confluenceAuth, "content-type": "application/json" },
      body: big(MAX_CONFLUENCE_BODY_BYTES),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ statusCode: 413 });
  });

  it("the identity platform's token endpoint", async () => {
    const res = await fetch(`${s.url}/${s.tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&x=${big(1024 * 1024)}`,
    });
    expect(res.status).toBe(413);
    expect(errorShape(await res.json())).toBe("aad");
  });

  it("auth.atlassian.com's token endpoint", async () => {
    const res = await s.world.fetch("https://auth.atlassian.com/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big(MAX_AUTH_BODY_BYTES),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });

  it("the admin API (16 MiB)", async () => {
    const res = await fetch(`${s.url}/_sim/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: big(16 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it("bodies at the limit are read as before", async () => {
    const res = await fetch(`${s.url}/v1.0/external/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "limitok", name: "n", description: " ".repeat(1000) }),
    });
    expect(res.status).toBe(201);
  });
});
