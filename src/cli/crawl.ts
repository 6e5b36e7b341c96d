import type { Command } from "commander";

/** `cgsim crawl`: the built-in connector on its own, against whatever endpoints its config names. */
export function registerCrawl(program: Command): void {
  program
    .command("crawl")
    .description("run the built-in connector once against the endpoints in its config (real or simulated)")
    .requiredOption("--config <file>", "connector config (YAML or JSON; environment variables expanded)")
    .option("--full", "full crawl (default)")
    .option("--incremental", "incremental crawl")
    .option("--json", "print the crawl report as JSON")
    .option("--no-progress", "no progress bar")
    .action(
      async (options: { config: string; incremental?: boolean; json?: boolean; progress?: boolean }) => {
        // Loaded when the command runs: the other commands' start-up never pays for the connector.
        const { runCrawlCommand } = await import("../connector/cli.ts");
        process.exitCode = await runCrawlCommand({
          config: options.config,
          mode: options.incremental ? "incremental" : "full",
          json: options.json,
          progress: options.progress === false ? false : undefined,
          debug: Boolean(program.opts().debug),
        });
      },
    );
}
