import type { Command } from "commander";
import { parseIntOption, UsageError } from "./errors.ts";

interface ExplainOptions {
  user: string;
  item: string;
  afterStep?: number;
  seed?: number;
}

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("why a user does or does not find an item: Confluence → connector → Graph → verdict")
    .argument("<scenario>", "scenario file")
    .requiredOption("--user <upn>", "directory user (UPN)")
    .requiredOption("--item <id>", "Confluence content id")
    .option(
      "--after-step <n>",
      "state after this step (1-based; default: the last)",
      parseIntOption("--after-step"),
    )
    .option("--seed <n>", "override the scenario seed", parseIntOption("--seed"))
    .action(async (file: string, options: ExplainOptions) => {
      // Loaded when the command runs: the other commands' start-up never pays for the engine.
      const [{ loadScenarioFile }, { explainPair }, { runScenario }] = await Promise.all([
        import("../scenarios/loader.ts"),
        import("../scenarios/oracle/explain.ts"),
        import("../scenarios/runner.ts"),
      ]);
      const loaded = loadScenarioFile(file, { seed: options.seed });
      const steps = loaded.scenario.steps.length;
      if (options.afterStep !== undefined && (options.afterStep < 1 || options.afterStep > steps))
        throw new UsageError(`--after-step must be between 1 and ${steps}`);
      let lines: string[] = [];
      const result = await runScenario(loaded, {
        continueOnFailure: true,
        inspect: {
          afterStep: options.afterStep,
          fn: (ctx) => {
            lines = explainPair(ctx, options.user, options.item);
          },
        },
      });
      if (result.error) throw new Error(result.error);
      const after = options.afterStep ?? steps;
      process.stdout.write(`after step ${after} of ${steps} (seed ${loaded.seed})\n${lines.join("\n")}\n`);
    });
}
