import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { auditCapture, auditText } from "../../src/capture/audit.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { finished, firstLine, runCli, spawnCli } from "../cli/spawn.ts";
import { tempCaptureDir } from "./support.ts";

const exec = promisify(execFile);

/**
 * The commands a customer's admin runs, end to end as processes: capture confluence and graph
 * from a crawled world served over http, audit the capture (console, JSON, HTML), replay it, and
 * crawl it again from a scenario whose site is the capture.
 */
describe("cgsim capture / audit / replay (CLI)", () => {
  let child: ReturnType<typeof spawnCli> | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("captures, audits and replays a crawled world", { timeout: 90_000 }, async () => {
    const out = tempCaptureDir();
    const scenario = loadScenarioObject({
      name: "crawl with the documented policy",
      connector: { permissions: { mode: "onlyPeopleWithAccess", policy: "documented" } },
      steps: [{ crawl: "full" }],
    });
    await runScenario(scenario, {
      inspect: {
        fn: async (ctx) => {
          const { url } = await ctx.world.listen();
          const app = [...ctx.world.directory.apps.values()][0];
          const conf = await runCli(
            ["capture", "confluence", "--site", url, "--email", "svc-crawler@contoso.com", "--out", out],
            {
              env: { CONFLUENCE_API_TOKEN: "crawler-token" },
            },
          );
          expect(conf.stderr).toContain("captured the Confluence site");
          expect(conf.stderr).toMatch(
            /anonymised: share .*mapping .*\.private\/mapping\.json stays with you/,
          );
          expect(conf.stderr).toContain("hiddenEmail");
          expect(conf.code).toBe(0);
          const graph = await runCli(
            [
              "capture",
              "graph",
              "--tenant",
              ctx.world.directory.tenantId,
              "--client-id",
              app.appId,
              "--connection",
              "confluencecloud1",
            ].concat(["--graph-url", `${url}/v1.0`, "--login-url", url, "--out", out]),
            { env: { GRAPH_CLIENT_SECRET: app.secret } },
          );
          expect(graph.stderr).toContain("captured the Graph index");
          expect(graph.code).toBe(0);
        },
      },
    });
    expect(existsSync(join(out, "index.json"))).toBe(true);
    expect(existsSync(join(out, "mapping.json"))).toBe(false);
    expect(existsSync(`${out}.private/mapping.json`)).toBe(true);

    // Microsoft's documented rules: the differences are documented limitations, none is a bug.
    const json = join(dirname(out), "audit.json");
    const html = join(dirname(out), "html");
    const audit = await runCli(["audit", out, "--policy", "documented", "--json", json, "--html", html]);
    expect(audit.stdout).toMatch(/undocumented \(connector bugs\): 0 over-exposed, 0 under-exposed/);
    expect(audit.stdout).toMatch(/parent restrictions ignored \(documented policy\)/);
    expect(audit.code).toBe(0);
    expect(JSON.parse(readFileSync(json, "utf8")).findings.length).toBeGreaterThan(0);
    expect(readFileSync(join(html, "report.html"), "utf8")).toContain("audit of");

    // Judged by Confluence's own rule the same index holds connector bugs.
    const strict = await auditCapture(out, {
      connector: { permissions: { mode: "onlyPeopleWithAccess", policy: "confluence" } },
    });
    expect(strict.report.overExposed).toBe(2);
    expect(auditText(strict)).toMatch(/Verdict: OVER-EXPOSED/);

    child = spawnCli(["replay", out, "--proxy", "0"]);
    const done = finished(child);
    const endpoints = JSON.parse(await firstLine(child));
    const state = await (await fetch(`${endpoints.url}/_sim/state`)).json();
    expect(state.services.confluence.spaces).toBe(4);
    expect(endpoints.connectionId).toMatch(/^conn[0-9a-f]{12}$/);
    // --proxy: the captured world on the real host names, with the env a client process needs.
    expect(endpoints.env).toMatchObject({
      HTTPS_PROXY: endpoints.proxy,
      NODE_EXTRA_CA_CERTS: endpoints.caFile,
    });
    const discovery = await exec(
      "curl",
      [
        "-s",
        `https://login.microsoftonline.com/${endpoints.graph.tenantId}/v2.0/.well-known/openid-configuration`,
      ],
      { env: { PATH: process.env.PATH ?? "", ...endpoints.env } },
    );
    expect(JSON.parse(discovery.stdout).token_endpoint).toBe(
      `https://login.microsoftonline.com/${endpoints.graph.tenantId}/oauth2/v2.0/token`,
    );
    child.kill("SIGTERM");
    expect((await done).code).toBe(0);

    // The customer's own connector as a process on the capture: it is told the captured connection.
    const own = join(dirname(out), "own.yaml");
    writeFileSync(
      own,
      `name: own connector on the customer's shape\nsite: ${out}\nconnector: { command: "echo $CGSIM_CONNECTION_ID $CONFLUENCE_SITE_URL", via: proxy }\nsteps:\n  - crawl: full\n`,
    );
    const ownRun = await runScenario(own);
    expect(ownRun.ok).toBe(true);
    expect(ownRun.steps[0].external?.stdout.trim()).toMatch(
      new RegExp(`^${endpoints.connectionId} https://\\S+\\.atlassian\\.net$`),
    );

    // A scenario on the capture: starts with the captured index, then crawls again.
    const file = join(dirname(out), "replay.yaml");
    writeFileSync(
      file,
      `name: crawl the customer's shape again\nsite: ${out}\nconnector: { permissions: { mode: onlyPeopleWithAccess, policy: confluence } }\nsteps:\n  - expect: { parity: { overExposed: 2 } }\n  - crawl: full\n  - expect: { parity: { overExposed: 0, underExposed: 0 } }\n`,
    );
    const run = await runScenario(file);
    expect(run.steps.map((st) => st.failures)).toEqual([[], [], []]);
    expect(run.ok).toBe(true);
  });
});
