import type { Command } from "commander";
import pc from "picocolors";
import { parseIntOption } from "./errors.ts";
import { listenProxyFlag, proxyOption } from "./serve-command.ts";

interface ReplayFlags {
  port?: number;
  https?: boolean;
  proxy?: number | boolean;
}

/**
 * `cgsim replay <capture>`: the captured site, directory and index served like `cgsim serve`, so
 * any connector can crawl the customer's shape again. A scenario does the same with
 * `site: <capture directory>`.
 */
export function registerReplay(program: Command): void {
  program
    .command("replay")
    .description(
      "serve a capture (site, directory, seeded index) over http(s) until interrupted; first stdout line: endpoints JSON",
    )
    .argument("<capture>", "capture directory (cgsim capture)")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", parseIntOption("--port"), 0)
    .option("--https", "serve https with a self-signed certificate")
    .addOption(proxyOption())
    .action(async (dir: string, flags: ReplayFlags) => {
      // Loaded when the command runs: the other commands' start-up never pays for the twins.
      const [{ loadCapture }, { seedIndex }, { describeEndpoints }, { World }] = await Promise.all([
        import("../capture/load.ts"),
        import("../capture/seed-index.ts"),
        import("../scenarios/endpoints.ts"),
        import("../simulators/world.ts"),
      ]);
      const capture = loadCapture(dir);
      const m = capture.manifest;
      const world = new World({
        site: capture.site,
        directory: capture.directory,
        start: m.graph?.capturedAt ?? m.confluence?.capturedAt,
      });
      if (capture.index) await seedIndex(world, capture.index);
      const server = await world.listen({ port: flags.port, https: flags.https });
      // With --proxy, the customer's own connector runs on the real host names against the capture.
      const proxy = await listenProxyFlag(world, flags.proxy);
      const caFile = server.caFile ?? (proxy ? (await world.certificateAuthority()).file : undefined);
      const endpoints = {
        ...describeEndpoints(world, server.url, caFile, proxy?.url),
        connectionId: capture.index?.connection.id ?? null,
      };
      // Listen for signals before the first line: whoever reads it may stop the server at once.
      const stopped = new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      process.stdout.write(`${JSON.stringify(endpoints)}\n`);
      process.stderr.write(
        `${pc.green("cgsim")} replaying ${dir} (${capture.index ? `${capture.index.items.length} indexed items in connection ${capture.index.connection.id}` : "no index"}) on ${server.url}${proxy ? `, proxy ${proxy.url}` : ""} — Ctrl-C to stop\n`,
      );
      await stopped;
      await world.close();
    });
}
