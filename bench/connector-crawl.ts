/**
 * Full crawl of a generated site (default 10k pages, 10 % restricted, 50 spaces) by the real
 * connector over the direct transport. Targets: 10k pages (issue 5) ≤ 5 s wall, ≤ 500 MB RSS,
 * ≤ 0.1 Confluence calls per item; 100k pages over 200 spaces (issue 15) ≤ 15 s, ≤ 800 MB.
 * `--pages N --spaces N --restricted 0.1 --batch 1`. Other sizes than 10k are written to
 * bench/results/connector-crawl-<size>.json.
 */

import { loadavg } from "node:os";
import { benchConnector, benchSite, benchWorld, lcg, rssSampler } from "./crawl-world.ts";
import { arg, writeResult } from "./support.ts";

const pages = Number(arg("pages", "10000"));
const spaces = Number(arg("spaces", "50"));
const restricted = Number(arg("restricted", "0.1"));
/** Graph JSON batch size (1 = every write on its own, the default connector setting). */
const batchSize = Number(arg("batch", "1"));
const TARGETS: Record<number, { wallSeconds: number; peakRssMB: number; confluenceCallsPerItem: number }> = {
  10000: { wallSeconds: 5, peakRssMB: 500, confluenceCallsPerItem: 0.1 },
  100000: { wallSeconds: 15, peakRssMB: 800, confluenceCallsPerItem: 0.1 },
};

const rand = lcg();
const buildStart = performance.now();
const world = benchWorld(benchSite({ pages, spaces, restricted }, rand));
const buildMs = performance.now() - buildStart;
const connector = benchConnector(world, { batchSize, rand });

const rss = rssSampler();
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await connector.fullCrawl();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const peakRss = rss.stop();

const items = report.counts.discovered;
const target = TARGETS[pages];
const result = {
  description: `full crawl, ${pages} pages, ${Math.round(restricted * 100)} % restricted, ${spaces} spaces, direct transport, Graph batch size ${batchSize}`,
  siteBuildMs: Math.round(buildMs),
  wallSeconds: Math.round(wallMs) / 1000,
  // CPU time of the crawl (connector and twins share the process): stable when the machine is busy.
  cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
  loadAverage: loadavg()[0],
  peakRssMB: Math.round(peakRss / 1e6),
  items,
  indexed: report.counts.indexed,
  failed: report.counts.failed,
  externalGroups: report.counts.groupsWritten,
  calls: report.calls,
  confluenceCallsPerItem: Math.round((report.calls.confluence / items) * 1000) / 1000,
  graphCallsPerItem: Math.round((report.calls.graph / items) * 1000) / 1000,
  ...(target ? { target } : {}),
};
const size = pages === 10_000 ? "" : `-${pages % 1000 === 0 ? `${pages / 1000}k` : pages}`;
writeResult(`connector-crawl${size}`, {
  ...result,
  ...(target
    ? {
        met:
          result.wallSeconds <= target.wallSeconds &&
          result.peakRssMB <= target.peakRssMB &&
          result.confluenceCallsPerItem <= target.confluenceCallsPerItem,
      }
    : {}),
});

if (process.argv.includes("--ops")) {
  const ops = new Map<string, number>();
  for (const e of world.host.journal.entries())
    ops.set(`${e.service} ${e.operationId}`, (ops.get(`${e.service} ${e.operationId}`) ?? 0) + 1);
  console.log([...ops.entries()].sort((a, b) => b[1] - a[1]));
}
