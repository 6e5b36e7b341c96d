/**
 * An external connector for the scenario runner's `connector: { command: … }` contract
 * (docs/scenario-reference.md, "External connector"). The runner starts this program once per
 * `crawl` step; like a connector written in any language, it learns everything from its
 * environment and talks to the twins over HTTP only:
 *
 *   CGSIM_CRAWL_MODE            full | incremental: the crawl this run is
 *   CGSIM_URL                   the origin every twin answers on (routed by path)
 *   CGSIM_CONFLUENCE_SITE_URL   the site's real URL (item URLs are built from it)
 *   CGSIM_CONFLUENCE_EMAIL, CGSIM_CONFLUENCE_API_TOKEN   Basic auth of the crawl account
 *   CGSIM_TENANT_ID, CGSIM_CLIENT_ID, CGSIM_CLIENT_SECRET   the Entra app that writes to Graph
 *   CGSIM_CONNECTION_ID         the Graph connection to write
 *   (CGSIM_ENDPOINTS holds all of it as JSON; the reference lists the other variables.)
 *
 * Exit code 0 tells the runner the crawl completed; any other is a failed crawl, reported as
 * [5000] with this program's output (here: 1 when the crawl stopped, 2 when a variable is missing).
 * Each crawl is a new process, so what must outlive one crawl — the incremental watermark, the
 * deletion ledger, the checkpoint of a crawl that was killed — goes to a file: STATE_FILE when the
 * scenario's `connector.env` sets it, else `state.json` in CGSIM_WORK_DIR (the run's scratch
 * directory; `connector.stateFile: state.json` lets the `resume` expectation read it after a kill).
 * CHECKPOINT_EVERY sets how often the connector saves its checkpoint (items listed between saves),
 * RETRY_BASE_DELAY_MS the backoff before its first retry (its sleeps are real).
 *
 * It happens to run cgsim's own connector, so its results compare with the built-in one's. The
 * scenarios in scenarios/chaos run it as `[node, ../external-connector.mjs]`.
 * CGSIM_TEST_GRANT_EVERYONE=ID injects a connector bug, for tests of what cgsim shows of one: the
 * ACL written for item ID grants everyone, whatever Confluence restricts.
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildState } from "../bin/build-state.js";

// cgsim's compiled dist/ when it matches the sources (the rule bin/cgsim.js follows), else src/
// through tsx, so an edit never runs stale code. Plain JavaScript: the process starts in ~0.25 s
// instead of the ~0.7 s `node --import tsx` took to transpile this file and the connector's sources.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = buildState(root) === "fresh";
if (!compiled) (await import("tsx/esm/api")).register();
/** @param {string} module a path under src/ without its extension */
const cgsim = (module) =>
  import(pathToFileURL(join(root, compiled ? "dist" : "src", `${module}.${compiled ? "js" : "ts"}`)).href);
const { parseConfig } = await cgsim("connector/config");
const { Connector } = await cgsim("connector/connector");
const { FileStateStore, MemoryStateStore } = await cgsim("connector/state");
const { viaServer } = await cgsim("scenarios/transport");

/** @param {string} name @returns {string} */
function env(name) {
  const value = process.env[name];
  if (value) return value;
  process.stderr.write(`${name} is not set: run me from a scenario's connector.command\n`);
  process.exit(2);
}

/**
 * The same fetch, except that item `itemId` is written with an ACL that grants everyone.
 * @param {typeof fetch} next @param {string} itemId @returns {typeof fetch}
 */
function grantEveryone(next, itemId) {
  const item = new RegExp(`/external/connections/[^/]+/items/${itemId}$`);
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method !== "PUT" || !item.test(new URL(request.url).pathname)) return next(request);
    const body = await request.json();
    body.acl = [{ type: "everyone", value: env("CGSIM_TENANT_ID"), accessType: "grant" }];
    return next(request.url, { method: "PUT", headers: request.headers, body: JSON.stringify(body) });
  };
}

function stateStore() {
  const file =
    process.env.STATE_FILE ??
    (process.env.CGSIM_WORK_DIR ? join(process.env.CGSIM_WORK_DIR, "state.json") : undefined);
  return file ? new FileStateStore(file) : new MemoryStateStore();
}

const mode = env("CGSIM_CRAWL_MODE") === "incremental" ? "incremental" : "full";
const twins = viaServer(env("CGSIM_URL"));
const leaked = process.env.CGSIM_TEST_GRANT_EVERYONE;
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
    // Its sleeps are real: RETRY_BASE_DELAY_MS shortens the backoff between retries (Retry-After still rules).
    ...(process.env.RETRY_BASE_DELAY_MS
      ? { retry: { baseDelayMs: Number(process.env.RETRY_BASE_DELAY_MS) } }
      : {}),
  }),
  // The connector calls the real hosts (contoso.atlassian.net, graph.microsoft.com, …); every twin
  // answers on CGSIM_URL by path, so only the origin is swapped.
  runtime: { fetch: leaked ? grantEveryone(twins, leaked) : twins },
  state: stateStore(),
  checkpointEvery: process.env.CHECKPOINT_EVERY ? Number(process.env.CHECKPOINT_EVERY) : undefined,
});
try {
  const report = mode === "full" ? await connector.fullCrawl() : await connector.incrementalCrawl();
  const c = report.counts;
  process.stdout.write(`${report.mode} crawl: ${c.indexed} indexed, ${c.unchanged} unchanged\n`);
  process.exit(report.fatal ? 1 : 0);
} catch (error) {
  process.stderr.write(`crawl failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
