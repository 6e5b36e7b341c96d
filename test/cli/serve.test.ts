import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfluenceClient } from "confluence.js";
import supertest from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import type { Endpoints } from "../../src/scenarios/endpoints.ts";
import { createExpressApp } from "../../src/simulators/host/http.ts";
import { finished, firstLine, runCli, spawnCli } from "./spawn.ts";

const basic = (email: string, token: string) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString("base64")}`;

describe("cgsim serve", () => {
  let child: ReturnType<typeof spawnCli> | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("prints endpoints first, serves the admin API and Confluence, and stops cleanly on SIGTERM", async () => {
    // --open runs the desktop's launcher (xdg-open here): a stand-in records what it was given.
    const bin = mkdtempSync(join(tmpdir(), "cgsim-open-"));
    const opened = join(bin, "opened");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`, {
      mode: 0o755,
    });
    child = spawnCli(["serve", "--port", "0", "--open"], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const done = finished(child);
    const endpoints = JSON.parse(await firstLine(child)) as Endpoints & { inspector: string };
    expect(endpoints.inspector).toBe(`${endpoints.url}/_sim/ui/`);
    const page = await fetch(endpoints.inspector);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain('<script type="application/json" id="cgsim-states">');
    await expect
      .poll(() => existsSync(opened) && readFileSync(opened, "utf8"), { timeout: 20_000 })
      .toBe(endpoints.inspector);
    rmSync(bin, { recursive: true, force: true });
    expect(endpoints.services).toEqual(expect.arrayContaining(["confluence", "graph", "login"]));
    expect(endpoints.confluence).toMatchObject({
      siteUrl: "https://contoso.atlassian.net/wiki",
      email: "svc-crawler@contoso.com",
      apiToken: "crawler-token",
    });
    expect(endpoints.caFile).toBeNull();

    const state = await (await fetch(`${endpoints.url}/_sim/state`)).json();
    expect(state.services.confluence).toMatchObject({ spaces: 4 });

    const spaces = await fetch(`${endpoints.confluence.baseUrl}/api/v2/spaces?keys=ENG`, {
      headers: { authorization: basic(endpoints.confluence.email!, endpoints.confluence.apiToken!) },
    });
    expect(spaces.status).toBe(200);
    const body = await spaces.json();
    expect(body.results.map((s: { key: string }) => s.key)).toEqual(["ENG"]);

    const journal = await (await fetch(`${endpoints.url}/_sim/requests?service=confluence`)).json();
    expect(journal.entries.at(-1)).toMatchObject({ operationId: "getSpaces", status: 200 });

    child.kill("SIGTERM");
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("stopped (SIGTERM)");
  });

  it("serves https and names the CA file", async () => {
    child = spawnCli(["serve", "--https"]);
    const done = finished(child);
    const endpoints = JSON.parse(await firstLine(child)) as Endpoints;
    expect(endpoints.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.caFile).toMatch(/cgsim-ca\.pem$/);
    child.kill("SIGINT");
    expect((await done).code).toBe(0);
  });

  it("reports a bad fixture with file:line:column and no stack trace", async () => {
    const result = await runCli(["serve", "--site", "test/fixture-formats/data/bad-site.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /bad-site\.yaml:\d+:\d+: spaces\[0\]\.pages\[0\]\.read\[0\]: unknown user "zed"/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the served world, in-process", () => {
  const world = serveWorld();
  const app = createExpressApp(world.host);
  const auth = basic("svc-crawler@contoso.com", "crawler-token");

  it("answers the admin API and Confluence through express (supertest)", async () => {
    const state = await supertest(app).get("/_sim/state").expect(200);
    expect(state.body.services.graph).toBeDefined();
    const page = await supertest(app).get("/wiki/api/v2/pages/1002").set("authorization", auth).expect(200);
    expect(page.body).toMatchObject({ id: "1002", title: "Roadmap" });
    const hidden = await supertest(app).get("/wiki/api/v2/pages/1007").set("authorization", auth);
    expect(hidden.status).toBe(404);
  });

  it("serves confluence.js 2.1.0 over a real socket", async () => {
    const server = await world.listen();
    try {
      const client = new ConfluenceClient({
        host: server.url,
        authentication: { basic: { email: "svc-crawler@contoso.com", apiToken: "crawler-token" } },
      });
      const space = await client.space.getSpace({ spaceKey: "PUB", expand: ["permissions"] });
      expect(space).toMatchObject({ key: "PUB", name: "Public" });
      const page = await client.content.getContentById({ id: "2001", expand: ["ancestors"] });
      expect(page.ancestors?.map((a) => a.id)).toEqual(["2000"]);
    } finally {
      await world.close();
    }
  });
});

describe("serve with a generator spec as the site", () => {
  it("serves the generated site with its matching directory", async () => {
    const world = serveWorld({ site: "fixtures/generators/small.yaml", seed: 5 });
    expect(world.confluence.store.spaces.size).toBe(2);
    expect(world.directory.domain).toBe("acme.example.com");
    expect(world.host.faults.spec.seed).toBe(5);
    const again = serveWorld({ site: "fixtures/generators/small.yaml", seed: 5 });
    expect([...again.confluence.store.content.values()].map((c) => c.title)).toEqual(
      [...world.confluence.store.content.values()].map((c) => c.title),
    );
  });
});
