/**
 * Where a crawl's memory goes: the heap (after a full GC) that each part of a crawled world
 * holds, in MB and bytes per page, measured by building the parts one after another and then
 * releasing them one by one. Default: the 100k-page, 200-space site of connector-crawl.ts.
 * Also reports the crawl's peak RSS and the live heap it ends with: the difference is garbage
 * V8 lets accumulate before a full collection (docs/performance.md).
 *
 *   npx tsx bench/memory.ts [--pages 100000] [--spaces 200] [--restricted 0.1]
 */
import { loadavg } from "node:os";
import type { Connector } from "../src/connector/connector.ts";
import type { World } from "../src/simulators/world.ts";
import { BENCH_CONNECTION, benchConnector, benchSite, benchWorld, lcg, rssSampler } from "./crawl-world.ts";
import { arg, ensureNodeFlags, writeResult } from "./support.ts";

const gc = (globalThis as { gc?: () => void }).gc;
// Measuring what is live needs a full collection on demand.
ensureNodeFlags(import.meta.url, ["--expose-gc"], gc !== undefined);

const pages = Number(arg("pages", "100000"));
const spaces = Number(arg("spaces", "200"));
const restricted = Number(arg("restricted", "0.1"));

const heap = () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const parts: Array<{ part: string; MB: number; bytesPerPage: number }> = [];
let last = heap();
/** Records the heap growth (or, for a release, the heap freed) since the last step. */
const step = (part: string, action: () => void, release = false) => {
  action();
  const now = heap();
  const bytes = release ? last - now : now - last;
  parts.push({ part, MB: Math.round(bytes / 1e5) / 10, bytesPerPage: Math.round(bytes / pages) });
  last = now;
};

const rand = lcg();
let spec: ReturnType<typeof benchSite> | undefined;
let world: World | undefined;
let connector: Connector | undefined;
step("site spec (the bench's input, released once the world is built)", () => {
  spec = benchSite({ pages, spaces, restricted }, rand);
});
step("world: Confluence store and its reset copy, directory, empty Graph", () => {
  world = benchWorld(spec!);
  connector = benchConnector(world, { rand });
});
step(
  "site spec released",
  () => {
    spec = undefined;
  },
  true,
);

const rss = rssSampler();
const cpuStart = process.cpuUsage();
const started = performance.now();
const report = await connector!.fullCrawl();
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const peakRss = rss.stop();
step("crawl: everything it added (the parts below)", () => {});
const liveAfterCrawl = last;

const conn = world!.graph.connection(BENCH_CONNECTION)!;
step("  request journal", () => world!.host.journal.clear(), true);
step(
  "  Graph items: content",
  () => {
    for (const item of conn.items.values()) item.content = undefined;
  },
  true,
);
step("  Graph items: ACLs, properties, the rest", () => conn.items.clear(), true);
step("  Graph external groups", () => conn.groups.clear(), true);
step(
  "  connector: state (ledger, groups) and caches",
  () => {
    connector = undefined;
  },
  true,
);
step(
  "  world: the Confluence store again (minus the reset copy) and what the crawl grew in it (flattened bodies, CQL indexes, response cache)",
  () => {
    world = undefined;
  },
  true,
);

writeResult(pages === 100_000 ? "memory" : `memory-${pages}`, {
  description: `heap held by each part after a full crawl of ${pages} pages over ${spaces} spaces (${Math.round(restricted * 100)} % restricted), direct transport`,
  loadAverage: loadavg()[0],
  crawl: {
    wallSeconds: Math.round(wallMs) / 1000,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    indexed: report.counts.indexed,
    peakRssMB: Math.round(peakRss / 1e6),
    liveHeapAfterMB: Math.round(liveAfterCrawl / 1e6),
    peakRssBytesPerPage: Math.round(peakRss / pages),
    liveHeapBytesPerPage: Math.round(liveAfterCrawl / pages),
  },
  parts,
});
