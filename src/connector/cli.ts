import cliProgress from "cli-progress";
import { ConfigError, loadConfigFile } from "./config.ts";
import { Connector } from "./connector.ts";
import { type CrawlReport, type ProgressEvent, stopSummary } from "./report.ts";
import type { Runtime } from "./runtime.ts";

export interface CrawlCommandOptions {
  /** Path of the YAML/JSON connector config. */
  config: string;
  mode: "full" | "incremental";
  /** Print the crawl report as JSON on stdout instead of the summary. */
  json?: boolean;
  /** Progress bar on stderr; default: when stderr is a TTY. */
  progress?: boolean;
  /** Stack traces of unexpected errors (a crawl that stops with a Microsoft code needs none). */
  debug?: boolean;
  env?: Record<string, string | undefined>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** For tests and the simulator: fetch, clock, sleep, randomness. */
  runtime?: Partial<Runtime>;
}

/**
 * `cgsim crawl --config FILE [--full|--incremental]`: runs the connector on its own against
 * whatever endpoints the config names. Returns the process exit code (0 ok, 1 crawl failed,
 * 2 bad configuration). A failed crawl still prints its partial report (summary or JSON) and, on
 * stderr, its error and where it stopped; stack traces only for unexpected errors with `debug`.
 */
export async function runCrawlCommand(options: CrawlCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let config: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    config = await loadConfigFile(options.config, options.env ?? process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const showBar = options.progress ?? Boolean(stderr.isTTY);
  const bar = showBar ? progressBar(stderr) : undefined;
  const connector = new Connector({
    config,
    runtime: options.runtime,
    onProgress: bar ? (e) => bar.update(e) : undefined,
  });
  bar?.start();
  let report: CrawlReport;
  try {
    report = options.mode === "full" ? await connector.fullCrawl() : await connector.incrementalCrawl();
  } catch (error) {
    // Not a crawl failure with a Microsoft code: a defect or the state file (no report exists).
    bar?.stop();
    stderr.write(`crawl failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (options.debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    return 1;
  }
  bar?.stop();
  stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
  if (!report.fatal) return 0;
  stderr.write(`crawl failed: ${report.fatal.message}\n${stopSummary(report.fatal, report.counts)}\n`);
  stderr.write(
    report.counts.deleted === 0
      ? "nothing was deleted: deletions only follow a complete listing\n"
      : `${report.counts.deleted} item(s) deleted before it stopped (the listing had completed)\n`,
  );
  return 1;
}

function progressBar(stream: NodeJS.WritableStream) {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        "crawl [{bar}] {value}/{total} items | indexed {indexed} unchanged {unchanged} failed {failed} deleted {deleted}",
      hideCursor: true,
      clearOnComplete: false,
      // Asked for explicitly on a non-TTY (CI logs): print a line now and then instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const counts = { indexed: 0, unchanged: 0, failed: 0, deleted: 0 };
  return {
    start: () => bar.start(0, 0, counts),
    update(e: ProgressEvent) {
      if (e.kind in counts) counts[e.kind as keyof typeof counts] += e.count;
      bar.setTotal(Math.max(e.discovered, 1));
      bar.update(e.done, counts);
    },
    stop: () => bar.stop(),
  };
}

export function summary(r: CrawlReport): string {
  const lines = [
    `${r.mode} crawl ${r.complete ? "complete" : "incomplete"}${r.resumed ? " (resumed from checkpoint)" : ""} in ${(r.wallMs / 1000).toFixed(1)} s`,
    `  items: ${r.counts.discovered} discovered, ${r.counts.indexed} indexed, ${r.counts.unchanged} unchanged, ${r.counts.skipped} skipped, ${r.counts.failed} failed, ${r.counts.deleted} deleted`,
    `  external groups: ${r.counts.groupsWritten} written, ${r.counts.groupsDeleted} deleted`,
    `  calls: confluence ${r.calls.confluence} (${r.callsPerItem.confluence.toFixed(3)}/item), graph ${r.calls.graph} (${r.callsPerItem.graph.toFixed(3)}/item); retries ${r.retries.confluence + r.retries.graph}, throttled ${r.throttled.confluence + r.throttled.graph}`,
  ];
  const p = r.phasesMs;
  lines.push(
    `  time (ms): setup ${p.setup}, listing ${p.listing}, permissions ${p.permissions}, groups ${p.groups}, items ${p.items}, deletions ${p.deletions}`,
  );
  if (r.unmappedIdentities.length) {
    lines.push(`  unmapped identities (2006): ${r.unmappedIdentities.length}`);
    for (const u of r.unmappedIdentities.slice(0, 20))
      lines.push(`    ${u.displayName || u.accountId}: ${u.reason}`);
  }
  if (r.partialAcl.length) lines.push(`  items with principals dropped (2007): ${r.partialAcl.length}`);
  for (const e of r.errors.slice(0, 20)) lines.push(`  item ${e.itemId}: ${e.message}`);
  return `${lines.join("\n")}\n`;
}
