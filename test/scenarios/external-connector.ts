/**
 * An "external" connector for the runner's `connector: { command: … }` contract: it reads only the
 * CGSIM_* environment variables and talks to the twins over http, like a connector in another
 * language would. It happens to be our own connector, so the result is comparable.
 */
import { parseConfig } from "../../src/connector/config.ts";
import { Connector } from "../../src/connector/connector.ts";
import { MemoryStateStore } from "../../src/connector/state.ts";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const origin = env("CGSIM_URL");
// Every twin answers on one origin by path: send the real hosts' requests there.
const viaServer: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return fetch(`${origin}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body,
  });
};
const connector = new Connector({
  config: parseConfig({
    confluence: {
      siteUrl: env("CGSIM_CONFLUENCE_SITE_URL"),
      auth: {
        type: "basic",
        email: env("CGSIM_CONFLUENCE_EMAIL"),
        apiToken: env("CGSIM_CONFLUENCE_API_TOKEN"),
      },
    },
    graph: {
      tenantId: env("CGSIM_TENANT_ID"),
      clientId: env("CGSIM_CLIENT_ID"),
      clientSecret: env("CGSIM_CLIENT_SECRET"),
      connection: { id: env("CGSIM_CONNECTION_ID"), name: "External connector" },
    },
  }),
  runtime: { fetch: viaServer },
  state: new MemoryStateStore(),
});
const report = await connector.fullCrawl();
process.stdout.write(`${env("CGSIM_CRAWL_MODE")} crawl: ${report.counts.indexed} indexed\n`);
process.exit(report.fatal ? 1 : 0);
