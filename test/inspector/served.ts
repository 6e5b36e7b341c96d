import { join } from "node:path";
import { serveWorld } from "../../src/cli/serve.ts";
import { describeEndpoints, type Endpoints } from "../../src/scenarios/endpoints.ts";
import { runExternalCrawl } from "../../src/scenarios/steps/external-connector.ts";
import type { RunningServer } from "../../src/simulators/host/http.ts";
import type { World } from "../../src/simulators/world.ts";

const CONNECTOR = join(import.meta.dirname, "..", "..", "scenarios", "external-connector.mjs");

/** The page the external connector's injected bug opens to everyone (restricted to alice in contoso). */
export const LEAKED_PAGE = "1001";

/** A 429 with Retry-After 1 s for the second item the connector writes. */
export const THROTTLE_SECOND_WRITE = {
  service: "graph",
  method: "PUT",
  path: "/v1.0/external/connections/*/items/*",
  status: 429 as const,
  retryAfter: 1,
  requests: [2],
};

export interface Served {
  world: World;
  server: RunningServer;
  endpoints: Endpoints;
}

/** What `cgsim serve` serves (bundled contoso site, inspector installed), listening on a free port. */
export async function startServed(): Promise<Served> {
  const world = serveWorld();
  const server = await world.listen();
  return { world, server, endpoints: describeEndpoints(world, server.url) };
}

/**
 * A full crawl by scenarios/external-connector.mjs as its own process over http, with the
 * CGSIM_* variables the scenario runner gives external connectors, and a connector bug: the ACL it
 * writes for LEAKED_PAGE grants everyone. The served world's clock is live (as under `cgsim serve`),
 * so the connector's real Retry-After sleeps are simulated time too.
 */
export async function crawlWithLeak({ world, endpoints }: Served): Promise<string> {
  // Schema provisioning takes real time under the live clock; this crawl needs no wait for it.
  world.graph.schemaProvisioningMs = 0;
  const result = await runExternalCrawl(
    endpoints,
    {
      command: [process.execPath, CONNECTOR],
      env: { CGSIM_TEST_GRANT_EVERYONE: LEAKED_PAGE },
      timeout: "60s",
    },
    "full",
    process.cwd(),
  );
  if (result.exitCode !== 0)
    throw new Error(`external connector exited ${result.exitCode}:\n${result.stdout}${result.stderr}`);
  return result.stdout + result.stderr;
}

/**
 * A second connection whose schema is still provisioning: created over the Graph API with the
 * app's own token, its schema operation taking `provisioning` of simulated time.
 */
export async function pendingConnection({ world, endpoints }: Served, id: string, provisioningMs: number) {
  world.graph.schemaProvisioningMs = provisioningMs;
  const { graph } = endpoints;
  const token = await fetch(graph.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: graph.clientId!,
      client_secret: graph.clientSecret!,
      scope: "https://graph.microsoft.com/.default",
    }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${graph.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  await call("POST", "/external/connections", { id, name: "Pending schema", description: "provisioning" });
  await call("PATCH", `/external/connections/${id}/schema`, {
    baseType: "microsoft.graph.externalItem",
    properties: [{ name: "title", type: "String", isSearchable: true, isRetrievable: true }],
  });
}
