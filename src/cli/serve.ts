import type { Command } from "commander";
import pc from "picocolors";
import { DEFAULT_DIRECTORY_FILE, DEFAULT_SITE_FILE, loadDirectoryFile } from "../fixture-formats/load.ts";
import { resolveSiteFile } from "../fixture-formats/site-source.ts";
import { describeEndpoints } from "../scenarios/endpoints.ts";
import { World } from "../simulators/world.ts";
import { parseIntOption } from "./errors.ts";

export interface ServeOptions {
  site?: string;
  directory?: string;
  port?: number;
  https?: boolean;
  seed?: number;
  /** commander's `--no-response-cache` */
  responseCache?: boolean;
  express?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the twins over http(s) until interrupted; first stdout line is JSON with URLs and credentials",
    )
    .option("--site <file>", "site file or generator spec (default: fixtures/sites/contoso.yaml)")
    .option("--directory <file>", "directory file (default: fixtures/directories/contoso.yaml)")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", parseIntOption("--port"), 0)
    .option("--https", "serve https with a self-signed certificate (its CA file is in the first line)")
    .option("--seed <n>", "seed for generated sites and probabilistic faults", parseIntOption("--seed"))
    .option("--no-response-cache", "run every request's route (no replay of repeated GETs)")
    .option("--express", "serve through express 5 instead of the bare node:http listener")
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

/** The world `cgsim serve` serves: the given (or bundled) site and directory, seeded faults. */
export function serveWorld(options: ServeOptions = {}): World {
  const { site, directory: generated } = resolveSiteFile(options.site ?? DEFAULT_SITE_FILE, options.seed);
  const directory = options.directory
    ? loadDirectoryFile(options.directory)
    : (generated ?? loadDirectoryFile(DEFAULT_DIRECTORY_FILE));
  return new World({
    site,
    directory,
    faults: options.seed === undefined ? undefined : { seed: options.seed, rules: [] },
    responseCache: options.responseCache,
  });
}

export async function serve(options: ServeOptions): Promise<void> {
  const world = serveWorld(options);
  const server = await world.listen({
    port: options.port,
    https: options.https,
    engine: options.express ? "express" : "node",
  });
  process.stdout.write(`${JSON.stringify(describeEndpoints(world, server.url, server.caFile))}\n`);
  process.stderr.write(
    `${pc.green("cgsim")} serving ${world.serviceNames.join(", ")} on ${server.url} (admin: ${server.url}/_sim/state) — Ctrl-C to stop\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  await world.close();
  process.stderr.write(`${pc.dim(`cgsim: stopped (${signal})`)}\n`);
}
