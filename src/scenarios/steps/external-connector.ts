import { dirname } from "node:path";
import { parseDuration } from "../../simulators/host/clock.ts";
import type { RunningServer } from "../../simulators/host/http.ts";
import type { RunningProxy } from "../../simulators/host/proxy.ts";
import type { World } from "../../simulators/world.ts";
import { type ConnectorSettings, DEFAULT_CONNECTION_ID } from "../connector-settings.ts";
import type { RunContext } from "../context.ts";
import { clientEnv, describeEndpoints, type Endpoints } from "../endpoints.ts";
import type { ExternalRun } from "../results.ts";
import { type ProcessRun, runProcess } from "./external-process.ts";

/**
 * External connectors (`connector: { command: … }`): a program run once per crawl step, either
 * told where everything is by CGSIM_* variables (`via: http`, one local origin) or reaching the
 * real host names through cgsim's forward proxy (`via: proxy`: the env `cgsim serve --proxy`
 * prints, plus the credentials under the names real connectors read), so unmodified third-party
 * code runs. Exit code 0 is a completed crawl, anything else a failed one.
 * scenarios/external-connector.mjs (http) and examples/own-connector (proxy) are examples.
 */

const DEFAULT_TIMEOUT = "5m";
/** After the process exits the clock moves on to the next whole simulated minute (see `crawlExternally`). */
const CLOCK_QUANTUM_MS = 60_000;

/** Listeners started for external crawls, one of each per world (every crawl step reuses them). */
const listeners = new WeakMap<World, { http?: Promise<RunningServer>; proxy?: Promise<ProxyListener> }>();

interface ProxyListener {
  proxy: RunningProxy;
  caFile: string;
  /** Hosts the proxy refused so far, in order (a crawl reports the ones it added). */
  refused: string[];
}

/**
 * Runs the scenario's external connector for one crawl. While it runs, simulated time follows
 * real time × `clockRate` (the process waits for real: schema operations complete, tokens age,
 * Retry-After windows pass); when it exits, the clock moves on to the next whole simulated minute
 * counted from the crawl's start, so the steps after it see the same simulated time on every run
 * (as long as the crawl took under a minute of simulated time). What varies between runs is
 * recorded: the output, the wall time and the simulated time the crawl took.
 *
 * With `killAfter` (`crawl.kill`) the process group is SIGKILLed as the host records the
 * `killAfter`-th request of the crawl, before that request's answer is sent.
 */
export async function crawlExternally(
  ctx: RunContext,
  mode: "full" | "incremental",
  killAfter?: number,
): Promise<ExternalRun> {
  const { world, settings } = ctx;
  const workDir = ctx.workDir();
  const via = settings.via ?? "http";
  // connector.connectionId, else a capture's connection, else the default (runner.ts).
  const connectionId = ctx.connectionId;
  let env: Record<string, string>;
  let proxy: ProxyListener | undefined;
  if (via === "proxy") {
    proxy = await proxyListener(world);
    env = proxyEnv(world, proxy, mode, connectionId, workDir);
  } else {
    const server = await httpListener(world);
    env = httpEnv(describeEndpoints(world, server.url, server.caFile), mode, connectionId, workDir);
  }
  const refusedBefore = proxy?.refused.length ?? 0;
  const timeout = settings.timeout ?? DEFAULT_TIMEOUT;
  const command = settings.command ?? "";
  const kill = new AbortController();
  let recorded = 0;
  const unsubscribe = world.host.journal.onRecord(() => {
    if (killAfter !== undefined && ++recorded === killAfter) kill.abort();
  });
  const following = world.clock.follow(settings.clockRate ?? 1);
  let followed = 0;
  let run: ProcessRun;
  try {
    run = await runConnector(settings, env, dirname(ctx.file), kill.signal);
  } finally {
    followed = following.stop();
    unsubscribe();
  }
  const rest = (CLOCK_QUANTUM_MS - (followed % CLOCK_QUANTUM_MS)) % CLOCK_QUANTUM_MS;
  world.clock.advance(rest);
  return {
    command: Array.isArray(command) ? command.join(" ") : command,
    via,
    timeout: typeof timeout === "number" ? `${timeout}ms` : timeout,
    ...run,
    simulatedMs: followed + rest,
    refusedHosts: proxy?.refused.slice(refusedBefore),
  };
}

/**
 * One run of a connector command with the `via: http` variables for `endpoints`, against a world
 * that is already listening and moves its own clock (a served world's live clock).
 */
export function runExternalCrawl(
  endpoints: Endpoints,
  settings: ConnectorSettings,
  mode: "full" | "incremental",
  cwd: string,
): Promise<ProcessRun> {
  return runConnector(
    settings,
    httpEnv(endpoints, mode, settings.connectionId ?? DEFAULT_CONNECTION_ID),
    cwd,
  );
}

/** The connector's process with cgsim's `env`, `connector.env` on top, within `connector.timeout`. */
function runConnector(
  settings: ConnectorSettings,
  env: Record<string, string>,
  cwd: string,
  kill?: AbortSignal,
): Promise<ProcessRun> {
  return runProcess(settings.command ?? "", {
    cwd,
    env: { ...inheritedEnv(), ...env, ...expand(settings.env ?? {}, env) },
    timeoutMs: parseDuration(settings.timeout ?? DEFAULT_TIMEOUT),
    kill,
  });
}

/** The fatal error of an external crawl that did not exit 0 (undefined when it did). */
export function externalFailure(run: ExternalRun): { code: number; message: string } | undefined {
  if (run.timedOut)
    return {
      code: 5000,
      message: `connector command did not exit within ${run.timeout} (connector.timeout) and was killed`,
    };
  if (run.exitCode === 0) return undefined;
  const how = run.exitCode === null ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
  return { code: 5000, message: how };
}

function httpListener(world: World): Promise<RunningServer> {
  const mine = listenersOf(world);
  mine.http ??= world.listen();
  return mine.http;
}

function proxyListener(world: World): Promise<ProxyListener> {
  const mine = listenersOf(world);
  mine.proxy ??= (async () => {
    const refused: string[] = [];
    const proxy = await world.listenProxy({ port: 0, onRefused: (host) => refused.push(host) });
    return { proxy, caFile: (await world.certificateAuthority()).file, refused };
  })();
  return mine.proxy;
}

function listenersOf(world: World) {
  const mine = listeners.get(world) ?? {};
  listeners.set(world, mine);
  return mine;
}

/**
 * The runner's own environment minus cgsim's variables (an outer run's, or an admin token, must
 * never reach a connector) and minus proxy settings (the connector gets cgsim's, or none).
 */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^CGSIM_/i.test(name)) continue;
    if (/^(https?|no|all)_proxy$/i.test(name) || name === "NODE_USE_ENV_PROXY") continue;
    env[name] = value;
  }
  return env;
}

/** `connector.env` with `${NAME}` replaced by cgsim's variable NAME (to feed a connector's own names). */
function expand(extra: Record<string, string>, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra)) {
    out[name] = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, ref: string) => {
      const resolved = env[ref];
      if (resolved === undefined)
        throw new Error(
          `connector.env.${name}: \${${ref}} is not one of the variables cgsim gives this connector (${Object.keys(env).sort().join(", ")})`,
        );
      return resolved;
    });
  }
  return out;
}

/**
 * `via: proxy` (documented in docs/scenario-reference.md): the env `cgsim serve --proxy` prints,
 * the Entra app under the names @azure/identity's EnvironmentCredential reads, the crawl account
 * under the names `cgsim capture confluence` reads, the crawl's mode and connection id, and the run's
 * scratch directory (CGSIM_WORK_DIR).
 */
function proxyEnv(
  world: World,
  listener: ProxyListener,
  mode: string,
  connectionId: string,
  workDir: string,
): Record<string, string> {
  const endpoints = describeEndpoints(world, listener.proxy.url, listener.caFile, listener.proxy.url);
  return {
    CGSIM_WORK_DIR: workDir,
    ...clientEnv({ proxy: listener.proxy.url, caFile: listener.caFile }),
    AZURE_TENANT_ID: endpoints.graph.tenantId,
    AZURE_CLIENT_ID: endpoints.graph.clientId ?? "",
    AZURE_CLIENT_SECRET: endpoints.graph.clientSecret ?? "",
    CONFLUENCE_SITE_URL: world.confluence.store.site.baseUrl,
    CONFLUENCE_CLOUD_ID: endpoints.confluence.cloudId,
    CONFLUENCE_EMAIL: endpoints.confluence.email ?? "",
    CONFLUENCE_API_TOKEN: endpoints.confluence.apiToken ?? "",
    CGSIM_CRAWL_MODE: mode,
    CGSIM_CONNECTION_ID: connectionId,
  };
}

/**
 * `via: http` (documented in docs/scenario-reference.md): CGSIM_ENDPOINTS holds the whole
 * endpoints JSON; the rest are its common fields. CGSIM_WORK_DIR: the run's scratch directory
 * (scenario runs only), where a connector keeps what must outlive one crawl's process.
 */
function httpEnv(
  endpoints: Endpoints,
  mode: string,
  connectionId: string,
  workDir?: string,
): Record<string, string> {
  return {
    ...(workDir === undefined ? {} : { CGSIM_WORK_DIR: workDir }),
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
