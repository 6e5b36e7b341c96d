import { writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import pc from "picocolors";
import { type FixtureKind, fixtureHint, locateFixture } from "../fixture-formats/bundled.ts";
import { DEFAULT_DIRECTORY_FILE, DEFAULT_SITE_FILE, loadDirectoryFile } from "../fixture-formats/load.ts";
import type { SiteFixture } from "../fixture-formats/site-schema.ts";
import { resolveSiteFile } from "../fixture-formats/site-source.ts";
import { installInspector } from "../inspector/install.ts";
import { describeEndpoints, dotenv } from "../scenarios/endpoints.ts";
import type { OAuthApp } from "../simulators/confluence/auth/oauth.ts";
import { LiveClock, SimClock } from "../simulators/host/clock.ts";
import type { RunningProxy } from "../simulators/host/proxy.ts";
import { World } from "../simulators/world.ts";
import { parseIntOption, UsageError } from "./errors.ts";
import { openBrowser } from "./open-browser.ts";

export interface ServeOptions {
  site?: string;
  directory?: string;
  port?: number;
  https?: boolean;
  seed?: number;
  /** commander's `--no-response-cache` */
  responseCache?: boolean;
  express?: boolean;
  /** `--proxy [port]`: true without a port (Dev Proxy's 8000). */
  proxy?: number | boolean;
  /** `--write-env <file>` (not `--env-file`: Node reads that as its own flag anywhere on the command line, nodejs/node#54232). */
  writeEnv?: string;
  clock?: "realtime" | "frozen";
  clockRate?: number;
  /** commander's `--strict-odata-types` */
  strictOdataTypes?: boolean;
  /** `--open`: the inspector in the desktop's browser. */
  open?: boolean;
  /** Admin requests must send `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/** Dev Proxy's default port, which Microsoft's samples' `*:proxy` npm scripts point at. */
export const DEFAULT_PROXY_PORT = 8000;

/**
 * The Confluence OAuth 2.0 (3LO) app `cgsim serve` registers, so 3LO clients can sign in without
 * setup; the ready line names it. A site file's own apps come first.
 */
export const SERVE_OAUTH_APP: OAuthApp = {
  clientId: "cgsim-3lo-client",
  clientSecret: "cgsim-3lo-secret",
  name: "cgsim local 3LO app",
  redirectUris: ["http://localhost:3000/callback"],
};

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the twins over http(s) until interrupted; first stdout line is JSON with URLs and credentials",
    )
    .option(
      "--site <file|name>",
      "site file, generator spec or bundled name: contoso, small, medium (default: contoso)",
    )
    .option("--directory <file|name>", "directory file or bundled name (default: contoso)")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", parseIntOption("--port"), 0)
    .option("--https", "serve https with a self-signed certificate (its CA file is in the first line)")
    .option("--seed <n>", "seed for generated sites and probabilistic faults", parseIntOption("--seed"))
    .option("--no-response-cache", "run every request's route (no replay of repeated GETs)")
    .option("--express", "serve through express 5 instead of the bare node:http listener")
    .addOption(proxyOption())
    .option(
      "--write-env <file>",
      "write the variables a client process needs (the ready line's env) as a dotenv file",
    )
    .option(
      "--clock <mode>",
      "realtime: simulated time follows wall time; frozen: it moves only through /_sim/clock",
      "realtime",
    )
    .option("--clock-rate <n>", "with --clock realtime: simulated seconds per real second", parseRate, 1)
    .option(
      "--strict-odata-types",
      'Graph refuses non-ASCII strings without "String" annotation (default: accepts, with a journal note)',
    )
    .option("--open", "open the live inspector (/_sim/ui/) in the desktop's browser")
    .option(
      "--admin-token <token>",
      "require Authorization: Bearer <token> on the admin API (/_sim/…); the twins' routes stay open",
    )
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

/**
 * The world `cgsim serve` serves: the given (or bundled) site and directory, seeded faults, a live
 * clock from the current time (or a frozen one), and a registered Confluence OAuth app.
 */
export function serveWorld(options: ServeOptions = {}): World {
  const { site, directory: generated } = resolveSiteFile(
    options.site ? fixtureArgument(options.site, "site") : DEFAULT_SITE_FILE,
    options.seed,
  );
  const directory = options.directory
    ? loadDirectoryFile(fixtureArgument(options.directory, "directory"))
    : (generated ?? loadDirectoryFile(DEFAULT_DIRECTORY_FILE));
  const world = new World({
    site: withServeOAuthApp(site),
    directory,
    clock: serveClock(options),
    faults: options.seed === undefined ? undefined : { seed: options.seed, rules: [] },
    responseCache: options.responseCache,
    graph: options.strictOdataTypes ? { strictODataTypes: true } : undefined,
    exchanges: true,
    adminToken: options.adminToken,
  });
  installInspector(world);
  return world;
}

/** A --site or --directory value: a path from the working directory or a bundled fixture's name. */
function fixtureArgument(ref: string, kind: FixtureKind): string {
  const located = locateFixture(ref, kind, process.cwd());
  if (located.path) return located.path;
  throw new UsageError(`--${kind} ${ref}: not found (${fixtureHint(kind, located)})`);
}

function serveClock(options: ServeOptions): SimClock {
  const mode = options.clock ?? "realtime";
  if (mode === "frozen") {
    if (options.clockRate !== undefined && options.clockRate !== 1)
      throw new UsageError("--clock-rate needs --clock realtime");
    return new SimClock(Date.now());
  }
  if (mode !== "realtime") throw new UsageError(`--clock must be realtime or frozen, got "${mode}"`);
  return new LiveClock({ rate: options.clockRate ?? 1 });
}

function withServeOAuthApp(site: SiteFixture): SiteFixture {
  const oauth = site.options?.oauth;
  const apps = oauth?.apps ?? [];
  if (apps.some((a) => a.clientId === SERVE_OAUTH_APP.clientId)) return site;
  return { ...site, options: { ...site.options, oauth: { ...oauth, apps: [...apps, SERVE_OAUTH_APP] } } };
}

export async function serve(options: ServeOptions): Promise<void> {
  const world = serveWorld(options);
  const server = await world.listen({
    port: options.port,
    https: options.https,
    engine: options.express ? "express" : "node",
  });
  const proxy = await listenProxyFlag(world, options.proxy);
  const caFile = server.caFile ?? (proxy ? (await world.certificateAuthority()).file : undefined);
  const endpoints = describeEndpoints(world, server.url, caFile, proxy?.url);
  const clock =
    world.clock instanceof LiveClock ? { mode: "realtime", rate: world.clock.rate } : { mode: "frozen" };
  // The env file first: a client that waits for the ready line may read it at once.
  if (options.writeEnv) writeFileSync(options.writeEnv, dotenv(endpoints.env));
  // The token rides in the fragment, which browsers never send; the page keeps it (docs/inspector.md).
  const token = options.adminToken ? `#token=${encodeURIComponent(options.adminToken)}` : "";
  const inspector = `${server.url}/_sim/ui/${token}`;
  // Listen for signals before the first line: whoever reads it may stop the server at once.
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  process.stdout.write(
    `${JSON.stringify({ ...endpoints, clock: { ...clock, now: world.clock.iso() }, inspector })}\n`,
  );
  process.stderr.write(
    `${pc.green("cgsim")} serving ${world.serviceNames.join(", ")} on ${server.url} (admin: ${server.url}/_sim/state, inspector: ${inspector})${proxy ? `, proxy ${proxy.url}` : ""} — Ctrl-C to stop\n`,
  );
  if (options.open) openBrowser(inspector);
  const signal = await stopped;
  await world.close();
  process.stderr.write(`${pc.dim(`cgsim: stopped (${signal})`)}\n`);
}

/** `--proxy [port]` (serve, replay): true without a port (Dev Proxy's 8000). */
export function proxyOption(): Option {
  return new Option(
    "--proxy [port]",
    `also listen as an HTTP(S) forward proxy for the real hosts on 127.0.0.1 (default port ${DEFAULT_PROXY_PORT}; 0 picks a free one)`,
  ).argParser(parseIntOption("--proxy"));
}

/** The world's forward proxy as `--proxy` asked for it (none without the flag); refused hosts go to stderr. */
export async function listenProxyFlag(
  world: World,
  flag: number | boolean | undefined,
): Promise<RunningProxy | undefined> {
  const port = flag === true ? DEFAULT_PROXY_PORT : flag;
  if (port === undefined || port === false) return undefined;
  return world.listenProxy({
    port,
    onRefused: (host) =>
      process.stderr.write(`${pc.yellow("cgsim")}: proxy refused ${host} (no twin answers there; 502)\n`),
  });
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new UsageError(`--clock-rate must be a positive number, got "${value}"`);
  return rate;
}
