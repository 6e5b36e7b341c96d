import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SERVE_OAUTH_APP, serveWorld } from "../../src/cli/serve.ts";
import { dotenv, type Endpoints } from "../../src/scenarios/endpoints.ts";
import { finished, firstLine, runCli, spawnCli } from "./spawn.ts";

type Ready = Endpoints & { clock: { mode: string; rate?: number; now: string } };

const simNow = async (ready: Ready) => Date.parse((await (await fetch(`${ready.admin}clock`)).json()).now);

describe("cgsim serve for clients in other processes", () => {
  let child: ReturnType<typeof spawnCli> | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const done = finished(child);
      child.kill("SIGTERM");
      await done;
    }
  });

  it("--proxy 0 --write-env: the ready line names the proxy, the CA, the env, the users, the OAuth app; a live clock", async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), "cgsim-env-")), "cgsim.env");
    const spawned = Date.now();
    child = spawnCli(["serve", "--proxy", "0", "--write-env", envFile, "--clock-rate", "60"]);
    const ready = JSON.parse(await firstLine(child)) as Ready;
    const readAt = Date.now();
    expect(ready.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.caFile).toMatch(/cgsim-ca\.pem$/);
    expect(ready.env).toMatchObject({ HTTPS_PROXY: ready.proxy, NODE_EXTRA_CA_CERTS: ready.caFile });
    expect(readFileSync(envFile, "utf8")).toBe(dotenv(ready.env));
    expect(ready.users).toContainEqual({
      upn: "dsmith@contoso.com",
      displayName: "Dave Smith",
      password: "Passw0rd!",
      confluence: { email: "dave.smith@fabrikam.com", accountId: expect.stringMatching(/^557058:/) },
    });
    expect(ready.confluence.oauth).toMatchObject({
      clientId: SERVE_OAUTH_APP.clientId,
      clientSecret: SERVE_OAUTH_APP.clientSecret,
      redirectUri: SERVE_OAUTH_APP.redirectUris[0],
    });
    expect(ready.clock).toMatchObject({ mode: "realtime", rate: 60 });
    // The clock starts at the real time when the world is built and then runs 60×: the ready line's
    // time lies between the spawn and the read plus 60× the start-up (which load stretches).
    const readyNow = Date.parse(ready.clock.now);
    expect(readyNow).toBeGreaterThanOrEqual(spawned);
    expect(readyNow).toBeLessThanOrEqual(readAt + 60 * (readAt - spawned));

    // Simulated time runs by itself, 60× here, and /_sim/clock moves it on top.
    const first = await simNow(ready);
    await new Promise((r) => setTimeout(r, 100));
    expect((await simNow(ready)) - first).toBeGreaterThanOrEqual(5_000);
    await fetch(`${ready.admin}clock`, { method: "POST", body: JSON.stringify({ advance: "1d" }) });
    expect((await simNow(ready)) - first).toBeGreaterThanOrEqual(86_400_000);
  });

  it("--clock frozen: simulated time moves only through /_sim/clock", async () => {
    child = spawnCli(["serve", "--clock", "frozen"]);
    const ready = JSON.parse(await firstLine(child)) as Ready;
    expect(ready.clock.mode).toBe("frozen");
    expect(ready.proxy).toBeNull();
    const first = await simNow(ready);
    await new Promise((r) => setTimeout(r, 30));
    expect(await simNow(ready)).toBe(first);
  });

  it("refuses a bad clock mode or rate with a usage error", async () => {
    const rate = await runCli(["serve", "--clock-rate", "0"]);
    expect(rate.code).toBe(1);
    expect(rate.stderr).toContain('--clock-rate must be a positive number, got "0"');
    const mode = await runCli(["serve", "--clock", "sometimes"]);
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain('--clock must be realtime or frozen, got "sometimes"');
  });

  it("--strict-odata-types switches Graph's strict mode; the admin API flips it at run time", async () => {
    expect(serveWorld({ strictOdataTypes: true }).graph.itemRules.strictODataTypes).toBe(true);
    const world = serveWorld();
    expect(world.graph.itemRules.strictODataTypes).toBe(false);
    const res = await world.fetch("http://127.0.0.1/_sim/graph/strict-odata-types", {
      method: "POST",
      body: JSON.stringify({ strict: true }),
    });
    expect(await res.json()).toEqual({ strictODataTypes: true });
    expect(world.graph.itemRules.strictODataTypes).toBe(true);
    const bad = await world.fetch("http://127.0.0.1/_sim/graph/strict-odata-types", {
      method: "POST",
      body: JSON.stringify({ strict: "yes" }),
    });
    expect(bad.status).toBe(400);
  });
});
