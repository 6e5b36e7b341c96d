import { spawn } from "node:child_process";
import { type ConnectorConfigInput, parseConfig } from "../../connector/config.ts";
import { Connector } from "../../connector/connector.ts";
import { type CrawlReport, stopSummary, whereStopped } from "../../connector/report.ts";
import { MemoryStateStore, type StateStore } from "../../connector/state.ts";
import { parseDuration } from "../../simulators/host/clock.ts";
import { createRandom } from "../../simulators/host/random.ts";
import type { World } from "../../simulators/world.ts";
import { describeEndpoints, type Endpoints } from "../endpoints.ts";
import type { CrawlOutcome } from "../results.ts";
import type { ConnectorSettings } from "../schema.ts";

export const DEFAULT_CONNECTION_ID = "confluencecloud1";

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

/** Why a crawl that was not expected to fail fails its step: the error, where it stopped, an external connector's output. */
export function crawlFailureText(outcome: CrawlOutcome): string {
  const fatal = outcome.report?.fatal;
  // The built-in connector's messages start with their code already ("[1002] Cannot authenticate…").
  const head = fatal
    ? `crawl ${outcome.mode} stopped ${whereStopped(fatal)}: ${fatal.message}`
    : `crawl ${outcome.mode} stopped: [${outcome.fatal?.code}] ${outcome.fatal?.message}`;
  return `${head}${outcome.output ? `\n${outcome.output.trim()}` : ""}`;
}

/** The connector configuration the built-in connector gets from a world and the scenario's settings. */
export function builtInConfig(world: World, settings: ConnectorSettings = {}): ConnectorConfigInput {
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
export const CONNECTOR_SCOPES = [
  "read:content-details:confluence",
  "read:group:confluence",
  "read:user:confluence",
  "read:space:confluence",
  "read:permission:confluence",
  "read:audit-log:confluence",
  "read:content.metadata:confluence",
  "read:page:confluence",
];

export const CONNECTOR_OAUTH_APP = {
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
  });
}

/**
 * Environment an external connector gets (documented in docs/scenario-reference.md):
 * CGSIM_ENDPOINTS holds the whole JSON; the rest are its common fields.
 */
export function externalEnv(
  endpoints: Endpoints,
  mode: string,
  connectionId: string,
): Record<string, string> {
  return {
    CGSIM_ENDPOINTS: JSON.stringify(endpoints),
    CGSIM_CRAWL_MODE: mode,
    CGSIM_URL: endpoints.url,
    CGSIM_CA_FILE: endpoints.caFile ?? "",
    CGSIM_CONFLUENCE_URL: endpoints.confluence.baseUrl,
    CGSIM_CONFLUENCE_SITE_URL: endpoints.confluence.siteUrl,
    CGSIM_CONFLUENCE_CLOUD_ID: endpoints.confluence.cloudId,
    CGSIM_CONFLUENCE_EMAIL: endpoints.confluence.email ?? "",
    CGSIM_CONFLUENCE_API_TOKEN: endpoints.confluence.apiToken ?? "",
    CGSIM_GRAPH_URL: endpoints.graph.baseUrl,
    CGSIM_TOKEN_URL: endpoints.graph.tokenUrl,
    CGSIM_TENANT_ID: endpoints.graph.tenantId,
    CGSIM_CLIENT_ID: endpoints.graph.clientId ?? "",
    CGSIM_CLIENT_SECRET: endpoints.graph.clientSecret ?? "",
    CGSIM_CONNECTION_ID: connectionId,
  };
}

/** Runs an external connector command once against the world's http server and waits for it to exit. */
export async function runExternalCrawl(
  endpoints: Endpoints,
  settings: ConnectorSettings,
  mode: "full" | "incremental",
  cwd: string,
): Promise<{ exitCode: number | null; output: string }> {
  const command = Array.isArray(settings.command) ? settings.command : [settings.command ?? ""];
  const [program, ...args] = command.length === 1 ? ["/bin/sh", "-c", command[0]] : command;
  const env = {
    ...process.env,
    ...externalEnv(endpoints, mode, settings.connectionId ?? DEFAULT_CONNECTION_ID),
    ...settings.env,
  };
  const timeoutMs = parseDuration(settings.timeout ?? "5m");
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      output += `\n[cgsim] killed after ${settings.timeout ?? "5m"}`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start connector command "${command.join(" ")}": ${error.message}`));
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}
