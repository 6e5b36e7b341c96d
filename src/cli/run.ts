import { availableParallelism } from "node:os";
import { relative } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import type { TransportName } from "../simulators/world.ts";
import { parseIntOption, UsageError } from "./errors.ts";
import { parseReporters, REPORTERS, wantsMatrices } from "./reporter-names.ts";

interface RunCliOptions {
  grep?: string;
  tag?: string[];
  seed?: number;
  reporter: string;
  out?: string;
  transport?: TransportName;
  bail?: boolean;
  workers?: number;
  /** The former name of --workers. */
  concurrency?: number;
  /** commander's `--no-response-cache` */
  responseCache?: boolean;
  shard?: string;
  timings?: string;
}

/** Scenarios in flight, named when the process stalls. */
const running = new Set<string>();

export function stalledDetail(): string {
  return running.size
    ? `; still running: ${[...running].map((f) => relative(process.cwd(), f)).join(", ")}`
    : "";
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run scenario files (default: scenarios/); exit code 1 when any fails")
    .argument("[paths...]", "scenario files or directories")
    .option("--grep <text>", "only scenarios whose name or file contains this text")
    .option("--tag <tag...>", "only scenarios with one of these tags")
    .option("--seed <n>", "override every scenario's seed (replay)", parseIntOption("--seed"))
    .option("--reporter <list>", `comma-separated: ${REPORTERS.join(", ")}`, "console")
    .option(
      "--out <dir>",
      "directory for junit.xml, results.json, report.html and results.blob.json (default: cgsim-report)",
    )
    .option("--transport <name>", "override the transport: direct | msw | http")
    .option("--bail", "stop after the first failing scenario")
    .option("--no-response-cache", "run every request's route (no replay of repeated GETs)")
    .option(
      "--workers <n>",
      "worker threads running scenarios, one at a time each (default: the number of cores; 1: no threads)",
      parseIntOption("--workers"),
    )
    .option("--concurrency <n>", "same as --workers (its former name)", parseIntOption("--concurrency"))
    .option("--shard <i/n>", "run only the i-th of n parts of the files (CI fan-out; cgsim report merge)")
    .option(
      "--timings <file>",
      "wall times from a results.json (e.g. the last run): worker threads start the longest files first, and --shard balances its parts by them",
    )
    .action(async (paths: string[], options: RunCliOptions) => {
      const ok = await run(paths, options);
      if (!ok) process.exitCode = 1;
    });
}

async function run(paths: string[], options: RunCliOptions): Promise<boolean> {
  const reporters = parseReporters(options.reporter);
  if (options.transport && !["direct", "msw", "http"].includes(options.transport))
    throw new UsageError(`--transport must be direct, msw or http, not "${options.transport}"`);
  const workers = options.workers ?? options.concurrency ?? availableParallelism();
  if (workers < 1) throw new UsageError("--workers must be at least 1");

  // Loaded here, not at start-up: `cgsim --help` and the other commands never need them.
  const [
    { SingleBar },
    { runFiles },
    { longestFirst, parseShard, readTimings, shardFiles },
    { scenarioFiles },
    output,
  ] = await Promise.all([
    import("cli-progress"),
    import("../scenarios/batch/pool.ts"),
    import("../scenarios/batch/shard.ts"),
    import("../scenarios/discover.ts"),
    import("./report-output.ts"),
  ]);
  const { printLine, printSummary, writeReportFiles } = output;
  let files = scenarioFiles(...paths);
  const timings = options.timings ? usage(() => readTimings(options.timings!)) : undefined;
  if (options.shard) {
    const shard = usage(() => parseShard(options.shard!));
    files = shardFiles(files, shard, timings);
    process.stderr.write(pc.dim(`shard ${shard.index}/${shard.total}: ${files.length} file(s)\n`));
  }
  const consoleOut = reporters.includes("console");
  const bar =
    consoleOut && process.stderr.isTTY
      ? new SingleBar({
          format: " {bar} {value}/{total} {name}",
          clearOnComplete: true,
          stream: process.stderr,
        })
      : undefined;
  bar?.start(files.length, 0, { name: "" });
  const results = await runFiles(
    files,
    {
      seed: options.seed,
      transport: options.transport,
      grep: options.grep,
      tags: options.tag,
      // Permission matrices cost an explain per cell: only when a report will show them.
      matrix: wantsMatrices(reporters),
      responseCache: options.responseCache,
    },
    {
      workers,
      bail: options.bail,
      startOrder: timings && workers > 1 ? longestFirst(files, timings) : undefined,
      // With a progress bar the lines wait until it is gone, so they do not tear it.
      onResult: (r) => {
        if (consoleOut && !bar) printLine(r);
      },
      onSettled: (file, r) => bar?.increment(1, { name: r?.name ?? file }),
      onRunning: (file, on) => (on ? running.add(file) : running.delete(file)),
    },
  );
  bar?.stop();
  // A shard may hold nothing (more shards than files, or filters): its reports are simply empty.
  if (results.length === 0 && !options.shard) throw new UsageError("no scenario matched");

  if (bar) for (const r of results) printLine(r);
  if (consoleOut) printSummary(results);
  writeReportFiles(options.out ?? "cgsim-report", results, reporters);
  return results.every((r) => r.ok);
}

/** Runs a parser whose errors are the caller's mistakes. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
