import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clientEnv } from "../../src/scenarios/endpoints.ts";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { tempCaptureDir } from "../capture/support.ts";
import { runCli } from "../cli/spawn.ts";

/**
 * `cgsim capture` through cgsim's forward proxy, as a customer's admin runs it through a proxy:
 * the real host names (`--site https://contoso.atlassian.net`, Graph and login on their defaults),
 * nothing but the proxy env (HTTPS_PROXY, the CA, NODE_USE_ENV_PROXY: Node ≥ 22.21's fetch honours
 * it, Node 20's does not). Every request arrives on a real host, and the only non-GET is the token
 * request.
 */
describe("cgsim capture through the proxy (Node 22, NODE_USE_ENV_PROXY)", () => {
  it("captures the site and the index from the real host names, reading only", {
    timeout: 120_000,
  }, async () => {
    const out = tempCaptureDir();
    const scenario = loadScenarioObject({
      name: "crawl, then capture through the proxy",
      steps: [{ crawl: "full" }],
    });
    let hosts = new Set<string>();
    let writes: string[] = [];
    let indexed = 0;
    const result = await runScenario(scenario, {
      inspect: {
        fn: async ({ world, connectionId }) => {
          indexed = world.graph.connection(connectionId)?.items.size ?? 0;
          const proxy = await world.listenProxy({ port: 0 });
          const env = clientEnv({ proxy: proxy.url, caFile: (await world.certificateAuthority()).file });
          const since = world.host.journal.entries().at(-1)?.seq ?? 0;
          const confluence = await runCli(
            [
              "capture",
              "confluence",
              "--site",
              "https://contoso.atlassian.net",
              "--email",
              "svc-crawler@contoso.com",
            ].concat(["--out", out]),
            { env: { ...env, CONFLUENCE_API_TOKEN: "crawler-token" } },
          );
          expect(confluence.code, confluence.stderr).toBe(0);
          const app = [...world.directory.apps.values()][0];
          const graph = await runCli(
            ["capture", "graph", "--tenant", world.directory.tenantId, "--client-id", app.appId].concat([
              "--connection",
              connectionId,
              "--out",
              out,
            ]),
            { env: { ...env, GRAPH_CLIENT_SECRET: app.secret } },
          );
          expect(graph.code, graph.stderr).toBe(0);
          const entries = world.host.journal.entries({ sinceSeq: since });
          hosts = new Set(entries.map((e) => e.host));
          writes = entries.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.host}${e.path}`);
        },
      },
    });
    expect(result.ok).toBe(true);
    expect(hosts).toEqual(
      new Set(["contoso.atlassian.net", "login.microsoftonline.com", "graph.microsoft.com"]),
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(
      writes.every((w) => /^POST login\.microsoftonline\.com\/[^/]+\/oauth2\/v2\.0\/token$/.test(w)),
      writes.join("\n"),
    ).toBe(true);
    for (const file of ["capture.json", "site.yaml", "directory.yaml", "index.json"])
      expect(existsSync(join(out, file)), file).toBe(true);
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as { items: unknown[] };
    expect(index.items.length).toBe(indexed);
  });
});
