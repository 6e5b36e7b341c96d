import type { Command } from "commander";
import pc from "picocolors";
import { UsageError } from "./errors.ts";
import { parseReporters } from "./reporter-names.ts";

interface MergeFlags {
  out: string;
  reporter: string;
}

/** `cgsim report merge`: one report from the shards of a run (CI fan-out, docs/ci.md). */
export function registerReport(program: Command): void {
  const report = program.command("report").description("work with the reports of earlier runs");
  report
    .command("merge")
    .description(
      "merge the results of sharded runs (cgsim run --shard i/n) into one JUnit, JSON and HTML report; exit code 1 when any scenario failed",
    )
    .argument("<inputs...>", "report folders (results.blob.json, else results.json) or results files")
    .requiredOption("--out <dir>", "directory for the merged junit.xml, results.json and report.html")
    .option("--reporter <list>", "comma-separated: console, junit, json, html, blob", "junit,json,html")
    .action(async (inputs: string[], flags: MergeFlags) => {
      const reporters = parseReporters(flags.reporter);
      const [{ mergeResultFiles }, { printSummary, writeReportFiles }] = await Promise.all([
        import("../scenarios/batch/merge.ts"),
        import("./report-output.ts"),
      ]);
      let merged: ReturnType<typeof mergeResultFiles>;
      try {
        merged = mergeResultFiles(inputs);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const { results, withoutMatrices } = merged;
      if (results.length === 0) throw new UsageError("the inputs hold no scenario results");
      if (withoutMatrices.length && reporters.includes("html"))
        process.stderr.write(
          pc.yellow(
            `no permission matrices from ${withoutMatrices.join(", ")} (results.json only): run the shards with --reporter blob for them\n`,
          ),
        );
      if (reporters.includes("console")) printSummary(results);
      writeReportFiles(flags.out, results, reporters);
      const failed = results.filter((r) => !r.ok).length;
      process.stderr.write(
        `merged ${results.length} scenarios from ${inputs.length} input(s): ${results.length - failed} passed, ${failed} failed\n`,
      );
      if (failed) process.exitCode = 1;
    });
}
