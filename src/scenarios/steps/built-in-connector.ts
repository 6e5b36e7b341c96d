import { type ConnectorConfigInput, parseConfig } from "../../connector/config.ts";
import { Connector } from "../../connector/connector.ts";
import { type CrawlReport, stopSummary } from "../../connector/report.ts";
import { MemoryStateStore, type StateStore } from "../../connector/state.ts";
import { createRandom } from "../../simulators/host/random.ts";
import type { World } from "../../simulators/world.ts";
import { type ConnectorSettings, DEFAULT_CONNECTION_ID } from "../connector-settings.ts";
import type { RunContext } from "../context.ts";
import { describeEndpoints } from "../endpoints.ts";

/** The connector configuration the built-in connector gets from a world and the scenario's settings. */
function builtInConfig(world: World, settings: ConnectorSettings = {}): ConnectorConfigInput {
  const endpoints = describeEndpoints(world, "https://unused.invalid");
  if (!endpoints.confluence.email || !endpoints.confluence.apiToken)
    throw new Error("the site has no active user to crawl as (add an admin user to the site file)");
  if (!endpoints.graph.clientId || !endpoints.graph.clientSecret)
    throw new Error("the directory has no app registration for the connector (add one under apps:)");
  const permissions =
    typeof settings.permissions === "string" ? { mode: settings.permissions } : settings.permissions;
  const config: ConnectorConfigInput = {
    confluence: {
      siteUrl: endpoints.confluence.siteUrl,
      auth:
        settings.auth === "oauth"
          ? oauthAuth(world, endpoints.confluence.email, settings.oauthScopes ?? CONNECTOR_SCOPES)
          : { type: "basic", email: endpoints.confluence.email, apiToken: endpoints.confluence.apiToken },
      ...(settings.cql ? { cql: settings.cql } : {}),
      ...(settings.anonymousAccess === undefined ? {} : { anonymousAccess: settings.anonymousAccess }),
    },
    graph: {
      tenantId: world.directory.tenantId,
      clientId: endpoints.graph.clientId,
      clientSecret: endpoints.graph.clientSecret,
      connection: { id: settings.connectionId ?? DEFAULT_CONNECTION_ID, name: "Confluence Cloud" },
    },
  };
  if (permissions) config.permissions = permissions;
  if (settings.identity) config.identity = settings.identity;
  if (settings.properties) config.properties = settings.properties;
  if (settings.content) config.content = settings.content;
  if (settings.incremental) config.incremental = settings.incremental;
  if (settings.concurrency) config.concurrency = settings.concurrency;
  if (settings.retry) config.retry = settings.retry;
  return config;
}

/** The eight scopes Microsoft's connector documentation lists for v2 (docs/customer-bug-catalog.md §1.1). */
const CONNECTOR_SCOPES = [
  "read:content-details:confluence",
  "read:group:confluence",
  "read:user:confluence",
  "read:space:confluence",
  "read:permission:confluence",
  "read:audit-log:confluence",
  "read:content.metadata:confluence",
  "read:page:confluence",
];

const CONNECTOR_OAUTH_APP = {
  clientId: "cgsim-graph-connector",
  clientSecret: "cgsim-graph-connector-secret",
  name: "Microsoft Graph connector",
  redirectUris: ["https://gcs.office.com/v1.0/admin/oauth/callback"],
};

/**
 * OAuth 3LO without the browser: the connector's app is registered on the twin and the crawl
 * account consents to `scopes` (+ offline_access); the connector gets the refresh token.
 */
function oauthAuth(world: World, email: string, scopes: string[]) {
  const { oauth, store } = world.confluence;
  if (!oauth.apps.has(CONNECTOR_OAUTH_APP.clientId)) oauth.registerApp(CONNECTOR_OAUTH_APP);
  const account = store.userByEmail(email);
  if (!account) throw new Error(`no Confluence account ${email} to consent for the connector`);
  const tokens = oauth.issueTokens({
    clientId: CONNECTOR_OAUTH_APP.clientId,
    accountId: account.accountId,
    scopes: [...scopes, "offline_access"],
  });
  if (!tokens.refresh_token) throw new Error("the twin issued no refresh token");
  return {
    type: "oauth" as const,
    clientId: CONNECTOR_OAUTH_APP.clientId,
    clientSecret: CONNECTOR_OAUTH_APP.clientSecret,
    refreshToken: tokens.refresh_token,
  };
}

/** The built-in connector (src/connector) wired to a world: simulated clock, seeded jitter, in-memory state. */
export function builtInConnector(
  world: World,
  settings: ConnectorSettings | undefined,
  seed: number,
  fetchImpl: typeof fetch,
  state: StateStore = new MemoryStateStore(),
): Connector {
  return new Connector({
    config: parseConfig(builtInConfig(world, settings)),
    runtime: {
      fetch: fetchImpl,
      now: () => world.clock.now(),
      sleep: world.clock.sleep,
      random: createRandom(seed),
    },
    state,
    maxGroupMembers: settings?.maxGroupMembers,
    checkpointEvery: settings?.checkpointEvery,
  });
}

/** The built-in connector for the run's current settings, on its kept state (wrapped by the test seam). */
export function connectorFor(ctx: RunContext): Connector {
  const builtIn = builtInConnector(ctx.world, ctx.settings, ctx.seed, ctx.fetch, ctx.connectorState);
  return ctx.wrapConnector ? ctx.wrapConnector(builtIn) : builtIn;
}

/** Runs the built-in connector's crawl: its report (kept also when the crawl failed) and the step's summary. */
export async function builtInCrawl(
  connector: Connector,
  mode: "full" | "incremental",
): Promise<{ report: CrawlReport; summary: string }> {
  const report = mode === "full" ? await connector.fullCrawl() : await connector.incrementalCrawl();
  const c = report.counts;
  const done = report.fatal
    ? stopSummary(report.fatal, c)
    : `${c.indexed} indexed, ${c.unchanged} unchanged, ${c.deleted} deleted, ${c.failed} failed`;
  return { report, summary: `crawl ${report.mode}: ${done}` };
}
