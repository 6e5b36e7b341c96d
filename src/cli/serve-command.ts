// `cgsim serve`: its options and the command; the world it serves is built in serve.ts, which
// (with the twins) is loaded only when the command runs, so other commands start without it.
import { writeFileSync } from "node:fs";
import { type Command, Option } from "commander";
import pc from "picocolors";
import type { RunningProxy } from "../simulators/host/proxy.ts";
import type { World } from "../simulators/world.ts";
import { parseIntOption, UsageError } from "./errors.ts";
import { openBrowser } from "./open-browser.ts";
import type { ServeOptions } from "./serve.ts";

/** Dev Proxy's default port, which Microsoft's samples' `*:proxy` npm scripts point at. */
export const DEFAULT_PROXY_PORT = 8000;

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

/** `cgsim serve`: the world on http(s) until SIGINT/SIGTERM; the first stdout line says where. */
async function serve(options: ServeOptions): Promise<void> {
  // Loaded when the command runs: the other commands' start-up never pays for the twins.
  const [{ serveWorld }, { describeEndpoints, dotenv }, { LiveClock }] = await Promise.all([
    import("./serve.ts"),
    import("../scenarios/endpoints.ts"),
    import("../simulators/host/clock.ts"),
  ]);
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
