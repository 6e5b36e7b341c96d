import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { parseDuration } from "../../simulators/host/clock.ts";
import { type ConnectorSettings, DEFAULT_CONNECTION_ID } from "../connector-settings.ts";
import type { RunContext } from "../context.ts";
import { describeEndpoints, type Endpoints } from "../endpoints.ts";

/**
 * External connectors (`connector: { command: … }`): a program run once per crawl step against the
 * world's http server, told where everything is by CGSIM_* variables. Exit code 0 is a completed
 * crawl, anything else a failed one. test/scenarios/external-connector.ts is an example.
 */

/** Runs the scenario's external connector for one crawl; simulated time follows real time meanwhile. */
export async function crawlExternally(
  ctx: RunContext,
  mode: "full" | "incremental",
): Promise<{ exitCode: number | null; output: string }> {
  const { world } = ctx;
  const server = await world.listen();
  const endpoints = describeEndpoints(world, server.url, server.caFile);
  // An external connector sleeps in real time: simulated time follows real time while it runs.
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    world.clock.advance(Math.round(now - last));
    last = now;
  }, 10);
  return runExternalCrawl(endpoints, ctx.settings, mode, dirname(ctx.file)).finally(() =>
    clearInterval(ticker),
  );
}

/**
 * Environment an external connector gets (documented in docs/scenario-reference.md):
 * CGSIM_ENDPOINTS holds the whole JSON; the rest are its common fields.
 */
function externalEnv(endpoints: Endpoints, mode: string, connectionId: string): Record<string, string> {
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
