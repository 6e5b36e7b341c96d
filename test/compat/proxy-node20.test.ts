import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import { clientEnv } from "../../src/scenarios/endpoints.ts";
import type { World } from "../../src/simulators/world.ts";
import { finished, ROOT } from "../cli/spawn.ts";

/**
 * The clients that reach the twins through the proxy on Node 20 with nothing but the env (Node 20's
 * own fetch ignores proxy variables: the Graph SDK and MSAL need Node ≥ 22.21 or an undici
 * dispatcher, see docs/own-connector.md; test/compat/own-connector.node22.test.ts covers them).
 */
describe("own clients on Node 20 through the proxy", () => {
  let world: World;
  let env: Record<string, string>;
  beforeAll(async () => {
    world = serveWorld();
    const proxy = await world.listenProxy({ port: 0 });
    env = clientEnv({ proxy: proxy.url, caFile: (await world.certificateAuthority()).file });
  }, 30_000);
  afterAll(() => world.close());

  it("ClientSecretCredential (default options) and confluence.js 2 (axios) against the real host names", async () => {
    const app = [...world.directory.apps.values()][0];
    const args = {
      tenantId: world.directory.tenantId,
      clientId: app.appId,
      clientSecret: app.secret,
      host: "https://contoso.atlassian.net",
      email: "svc-crawler@contoso.com",
      apiToken: "crawler-token",
    };
    const child = spawn(
      process.execPath,
      [join(ROOT, "test/compat/clients/node20-clients.mjs"), JSON.stringify(args)],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    const result = await finished(child).finally(() => clearTimeout(timer));
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout.trim());
    expect(seen).toMatchObject({
      tid: world.directory.tenantId,
      appid: app.appId,
      space: "ENG",
      spaceSelf: "https://contoso.atlassian.net/wiki/rest/api/space/ENG",
    });
    expect(seen.restrictionOperations).toEqual(["read", "update"]);
    expect(seen.cqlHits).toBeGreaterThan(0);
    const hosts = new Set(world.host.journal.entries().map((e) => e.host));
    expect(hosts).toEqual(new Set(["login.microsoftonline.com", "contoso.atlassian.net"]));
  }, 60_000);
});
