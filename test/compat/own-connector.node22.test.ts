import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoints } from "../../src/scenarios/endpoints.ts";
import { finished, firstLine, ROOT, spawnCli } from "../cli/spawn.ts";

/**
 * A team's own connector, unmodified, against `cgsim serve --https --proxy`: separate Node 22
 * processes that know nothing of cgsim but the ready line's `env` (proxy, CA, NODE_USE_ENV_PROXY)
 * reach graph.microsoft.com, login.microsoftonline.com and contoso.atlassian.net through the
 * proxy. Node 22 because Node 20's fetch ignores proxy variables (docs/own-connector.md).
 */
let serve: ReturnType<typeof spawnCli>;
let ready: Endpoints;
const envFile = join(mkdtempSync(join(tmpdir(), "cgsim-env-")), "cgsim.env");

beforeAll(async () => {
  serve = spawnCli(["serve", "--https", "--proxy", "0", "--write-env", envFile]);
  ready = JSON.parse(await firstLine(serve)) as Endpoints;
}, 60_000);

afterAll(async () => {
  const done = finished(serve);
  serve.kill("SIGTERM");
  await done;
});

/** Runs a client script with only PATH and the ready line's env; resolves with its JSON line. */
async function runClient(script: string, args: unknown): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [join(ROOT, "test/compat/clients", script), JSON.stringify(args)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...ready.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const result = await finished(child).finally(() => clearTimeout(timer));
  expect(result.code, `${script} failed:\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

/** The journal over the https origin, trusting cgsim's CA (this process has no NODE_EXTRA_CA_CERTS). */
function journal(query: string): Promise<{ entries: { host: string; notes?: string[] }[] }> {
  return new Promise((resolve, reject) => {
    const ca = readFileSync(ready.caFile!, "utf8");
    get(`${ready.admin}requests?${query}`, { ca }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}

describe("own connector through the proxy (Node 22, NODE_USE_ENV_PROXY)", () => {
  it("the ready line is enough: proxy URL, CA, env (also as a dotenv file), users with passwords", () => {
    expect(ready.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.env).toMatchObject({
      HTTPS_PROXY: ready.proxy,
      NODE_USE_ENV_PROXY: "1",
      NODE_EXTRA_CA_CERTS: ready.caFile,
    });
    expect(readFileSync(envFile, "utf8")).toContain(`HTTPS_PROXY=${ready.proxy}\n`);
    expect(ready.users.find((u) => u.upn === "alice@contoso.com")).toMatchObject({ password: "Passw0rd!" });
  });

  it("Graph SDK + ClientSecretCredential on default options: connection, schema polled to completed in real time, items with ACLs, search as two users via ROPC, MSAL silent renewal", async () => {
    const pick = (upn: string) => ready.users.find((u) => u.upn === upn)!;
    const seen = await runClient("graph-connector.mjs", {
      tenantId: ready.graph.tenantId,
      clientId: ready.graph.clientId,
      clientSecret: ready.graph.clientSecret,
      users: [pick("alice@contoso.com"), pick("bob@contoso.com")],
      connectionId: "ownconnector",
    });
    expect(seen.schemaBefore).toBe(404);
    expect(seen.schemaStatus).toBe(202);
    // The default provisioning time is 2 simulated seconds; the live clock makes it 2 real ones.
    expect(seen.operation).toMatchObject({ status: "completed" });
    expect((seen.operation as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(seen.search).toEqual({
      "alice@contoso.com": ["Alpha plan for the first user", "Alpha \u2013 everyone"],
      "bob@contoso.com": ["Alpha notes for the second user", "Alpha \u2013 everyone"],
    });
    expect(seen.renewal).toEqual({ renewed: true, account: "bob@contoso.com" });
    expect(Math.abs(Date.parse(seen.graphDate as string) - Date.now())).toBeLessThan(60_000);

    // Every call went to the real host names through the proxy, and the renewal was a refresh_token grant.
    const login = await journal("service=login");
    expect(new Set(login.entries.map((e) => e.host))).toEqual(new Set(["login.microsoftonline.com"]));
    expect(login.entries.some((e) => e.notes?.some((n) => n.startsWith("refresh_token token for bob")))).toBe(
      true,
    );
    const graph = await journal("service=graph");
    expect(new Set(graph.entries.map((e) => e.host))).toEqual(new Set(["graph.microsoft.com"]));
  }, 60_000);

  it("confluence.js 3 with host https://contoso.atlassian.net: spaces, pages, restrictions, CQL; links name the real site", async () => {
    const seen = await runClient("confluence-crawl.mjs", {
      host: "https://contoso.atlassian.net",
      email: ready.confluence.email,
      apiToken: ready.confluence.apiToken,
    });
    expect(seen.spaces).toEqual(["ENG", "HR", "PARTNER", "PUB"]);
    expect(seen.pages).toBeGreaterThan(10);
    expect(seen.restrictionCalls).toBe(seen.pages);
    expect(seen.cqlHits).toBeGreaterThan(10);
    expect(seen.base).toBe("https://contoso.atlassian.net/wiki");
    expect(seen.cqlBase).toBe("https://contoso.atlassian.net/wiki");
  }, 60_000);
});
