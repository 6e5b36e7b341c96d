import { afterEach, describe, expect, it } from "vitest";
import { finished, firstLine, spawnCli } from "../cli/spawn.ts";
import { rawRequest } from "./raw-http.ts";
import { contosoForFile, errorShape, serveContoso } from "./served.ts";

/**
 * The admin API can reset the world under the code being tested, so nothing that code can send
 * reaches it: no dot segments, never on a twin's host, never under another Host or Origin, and
 * with a token when one is configured (docs/hardening.md).
 */
const s = contosoForFile();

/** A change only a reset undoes: the clock moved an hour. */
async function markWorld(): Promise<string> {
  await fetch(`${s.url}/_sim/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advance: "1h" }),
  });
  return s.world.clock.iso();
}

describe("dot segments never reach the admin API", () => {
  it.each([
    ["/wiki/../_sim/reset", "confluence-v2"],
    ["/wiki/%2e%2e/_sim/reset", "confluence-v2"],
    ["/wiki/%2E%2e/_sim/clock", "confluence-v2"],
    ["/v1.0/../_sim/reset", "graph"],
    ["/v1.0/./../_sim/reset", "graph"],
    ["/wiki\\..\\_sim/reset", "confluence-v2"],
  ])("POST %s (path as-is) → the service's 404, the world untouched", async (path, shape) => {
    const before = await markWorld();
    const res = await rawRequest(s.url, { method: "POST", path });
    expect([400, 404]).toContain(res.status);
    expect(errorShape(JSON.parse(res.text))).toBe(shape);
    expect(s.world.clock.iso()).toBe(before);
    const last = s.world.host.journal.entries({}).at(-1)!;
    expect(last.notes?.join(" ")).toContain("dot segment");
  });

  it("/_sim/… on a twin's host is that twin's own 404 (what a client normalises /v1.0/../_sim/reset into)", async () => {
    const before = await markWorld();
    const res = await s.world.fetch("https://graph.microsoft.com/v1.0/../_sim/reset", { method: "POST" });
    expect(res.status).toBe(400);
    expect(errorShape(await res.json())).toBe("graph");
    const confluence = await s.world.fetch("https://contoso.atlassian.net/wiki/../_sim/reset", {
      method: "POST",
    });
    expect(confluence.status).toBe(404);
    expect(s.world.clock.iso()).toBe(before);
  });

  it("loopback still reaches it, in-process and over http", async () => {
    expect((await s.world.admin("GET", "/_sim/clock")).status).toBe(200);
    expect((await fetch(`${s.url}/_sim/clock`)).status).toBe(200);
  });
});

describe("DNS rebinding and cross-site requests", () => {
  const port = () => new URL(s.url).port;

  it.each(["evil.example", "evil.example:PORT", "127.0.0.1:1"])(
    "admin with Host %s → 403, nothing reset",
    async (host) => {
      const before = await markWorld();
      const headers = { host: host.replace("PORT", port()) };
      const res = await rawRequest(s.url, { method: "POST", path: "/_sim/reset", headers });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error).toMatch(/addressed to this listener/);
      expect(s.world.clock.iso()).toBe(before);
    },
  );

  it.each(["https://evil.example", "null", "http://127.0.0.1:1"])(
    "admin with Origin %s → 403, nothing reset",
    async (origin) => {
      const before = await markWorld();
      const res = await rawRequest(s.url, { method: "POST", path: "/_sim/reset", headers: { origin } });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).error).toMatch(/another origin/);
      expect(s.world.clock.iso()).toBe(before);
    },
  );

  it("the listener's own Host and Origin pass (localhost and 127.0.0.1)", async () => {
    for (const name of ["127.0.0.1", "localhost"]) {
      const res = await rawRequest(s.url, {
        path: "/_sim/clock",
        headers: { host: `${name}:${port()}`, origin: `http://${name}:${port()}` },
      });
      expect(res.status).toBe(200);
    }
  });

  it("the twins' routes still answer whatever the Host (clients reach them by path)", async () => {
    const res = await rawRequest(s.url, {
      path: "/wiki/api/v2/spaces",
      headers: { host: "contoso.atlassian.net", authorization: s.confluenceAuth },
    });
    expect(res.status).toBe(200);
  });
});

describe("admin token", () => {
  it("a world with adminToken refuses admin requests without it (401) and accepts them with it", async () => {
    const guarded = await serveContoso({ adminToken: "s3cret-admin" });
    try {
      const bare = await fetch(`${guarded.url}/_sim/state`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("www-authenticate")).toContain("Bearer");
      const wrong = await fetch(`${guarded.url}/_sim/state`, { headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.url}/_sim/state`, {
        headers: { authorization: "Bearer s3cret-admin" },
      });
      expect(right.status).toBe(200);
      // The inspector page sends it in its own header; its static files need none.
      const page = await fetch(`${guarded.url}/_sim/state`, {
        headers: { "x-cgsim-admin-token": "s3cret-admin" },
      });
      expect(page.status).toBe(200);
      expect((await guarded.world.admin("GET", "/_sim/clock")).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  let child: ReturnType<typeof spawnCli> | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("cgsim serve --admin-token guards the admin API of the served world", async () => {
    child = spawnCli(["serve", "--port", "0", "--admin-token", "t0ken"]);
    const done = finished(child);
    const { url, inspector } = JSON.parse(await firstLine(child)) as { url: string; inspector: string };
    expect(inspector).toBe(`${url}/_sim/ui/#token=t0ken`);
    expect((await fetch(`${url}/_sim/ui/`)).status).toBe(200);
    expect((await fetch(`${url}/_sim/state`)).status).toBe(401);
    expect((await fetch(`${url}/_sim/reset`, { method: "POST" })).status).toBe(401);
    const ok = await fetch(`${url}/_sim/reset`, {
      method: "POST",
      headers: { authorization: "Bearer t0ken" },
    });
    expect(ok.status).toBe(200);
    child.kill("SIGTERM");
    expect((await done).code).toBe(0);
  });
});
